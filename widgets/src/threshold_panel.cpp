#include "mue_widgets/threshold_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace mue::widgets {

namespace {

constexpr double kThresholdLimit = 1e6;  // validate(): thresholds are finite and at most this
constexpr int kMaxLayers = 256;          // validate(): static layer counts and patience
constexpr double kTauMax = 100.0;
constexpr double kEntropyMax = 20.0;     // nats; ln of a 50k vocabulary is under 11
constexpr int kRulerHeight = 16;
constexpr std::array<double, 5> kRulerMarks{0.0, 0.9, 0.99, 0.999, 0.9999};

struct PresetEntry {
    std::string_view key;
    const char* label;
    const char* tip;
};

constexpr std::array<PresetEntry, 4> kPresets{{
    {"paper", QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Paper (appendix)"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "MuE with the paper appendix's thresholds 0.90 / 0.95 / 0.95, beta 0.95, tau 1, no warm-up.")},
    {"released-ve", QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Released SNLI-VE script"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "MuE as the authors' released SNLI-VE script: 0.70 / 0.99 / 0.70, beta 0.9, warm-up 1/3.")},
    {"released-caption", QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Released captioning script"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "MuE as the authors' released captioning script: 0.99 / 0.70 / 0.90, beta 0.9, warm-up 1/3.")},
    {"no-exits", QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "No exits"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "The full model: every layer of every stream runs.")},
}};

struct PolicyEntry {
    ExitPolicy policy;
    const char* label;
    const char* tip;
};

constexpr std::array<PolicyEntry, 7> kPolicies{{
    {ExitPolicy::Full, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "No exits (full model)"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Runs every layer: the reference the savings compare with.")},
    {ExitPolicy::Mue, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "MuE"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "Image and text encoder streams each exit on their own similarity threshold, decoder tokens on "
                       "the decaying schedule Theta(t).")},
    {ExitPolicy::Joint, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Joint"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "One similarity exit over the joint [image; text] encoder (MuE without decomposition).")},
    {ExitPolicy::Static, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Static"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "Fixed layer counts for the image, text and decoder streams (set under Advanced).")},
    {ExitPolicy::DeeBert, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "DeeBERT"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "Decoder tokens exit when the shared head's entropy falls below a threshold; the encoder runs "
                       "fully.")},
    {ExitPolicy::Pabee, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "PABEE"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "Decoder tokens exit once the head's prediction stays the same for `patience` layers; the "
                       "encoder runs fully.")},
    {ExitPolicy::Confidence, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Confidence"),
     QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                       "Decoder tokens exit when the head's top probability exceeds a threshold (CALM); the encoder "
                       "runs fully.")},
}};

double round4(double value) { return std::round(value * 1e4) / 1e4; }

double clampFinite(double value, double low, double high, double fallback)
{
    if (!std::isfinite(value))
        return fallback;
    return std::clamp(value, low, high);
}

// The settings validate() accepts nearest to `s`: every field clamped into its range.
ExitSettings sanitized(ExitSettings s)
{
    const ExitSettings defaults;
    s.image_threshold = clampFinite(s.image_threshold, -kThresholdLimit, kThresholdLimit, defaults.image_threshold);
    s.text_threshold = clampFinite(s.text_threshold, -kThresholdLimit, kThresholdLimit, defaults.text_threshold);
    s.joint_threshold = clampFinite(s.joint_threshold, -kThresholdLimit, kThresholdLimit, defaults.joint_threshold);
    s.decoder_threshold =
        clampFinite(s.decoder_threshold, -kThresholdLimit, kThresholdLimit, defaults.decoder_threshold);
    s.beta = clampFinite(s.beta, 0.0, 1.0, defaults.beta);
    s.tau = clampFinite(s.tau, 0.0, kThresholdLimit, defaults.tau);
    s.warmup_fraction = clampFinite(s.warmup_fraction, 0.0, 1.0, defaults.warmup_fraction);
    s.static_image_layers = std::clamp(s.static_image_layers, 0, kMaxLayers);
    s.static_text_layers = std::clamp(s.static_text_layers, 0, kMaxLayers);
    s.static_decoder_layers = std::clamp(s.static_decoder_layers, 0, kMaxLayers);
    s.entropy_threshold =
        clampFinite(s.entropy_threshold, 0.0, std::numeric_limits<double>::max(), defaults.entropy_threshold);
    s.patience = std::clamp(s.patience, 1, kMaxLayers);
    s.confidence_threshold = clampFinite(s.confidence_threshold, 0.0, 1.0, defaults.confidence_threshold);
    return s;
}

// Which preset `s` is, ignoring the switches no preset sets (lens, what-if, compare-full). Any
// Full-policy settings are "no exits": the full model ignores every other field.
int presetIndex(const ExitSettings& s)
{
    for (std::size_t i = 0; i < kPresets.size(); ++i) {
        ExitSettings preset = ExitSettings::preset(kPresets[i].key);
        if (preset.policy == ExitPolicy::Full) {
            if (s.policy == ExitPolicy::Full)
                return static_cast<int>(i);
            continue;
        }
        preset.lens = s.lens;
        preset.what_if = s.what_if;
        preset.compare_full = s.compare_full;
        if (preset == s)
            return static_cast<int>(i);
    }
    return -1;
}

QDoubleSpinBox* makeDoubleBox(double low, double high, int decimals, double step, const QString& tip)
{
    auto* box = new QDoubleSpinBox;
    box->setRange(low, high);
    box->setDecimals(decimals);
    box->setSingleStep(step);
    box->setKeyboardTracking(false);  // one edit on Enter or focus loss, not one per keystroke
    box->setAccelerated(true);
    box->setToolTip(tip);
    return box;
}

QSpinBox* makeIntBox(int low, int high, const QString& tip)
{
    auto* box = new QSpinBox;
    box->setRange(low, high);
    box->setKeyboardTracking(false);
    box->setToolTip(tip);
    return box;
}

}  // namespace

// The threshold values under the decoder slider: 0, 0.9, 0.99, 0.999, 0.9999 where the slider's
// handle centre would be.
class ScaleRuler : public QWidget {
public:
    explicit ScaleRuler(QSlider* slider, QWidget* parent = nullptr) : QWidget(parent), slider_(slider)
    {
        setFixedHeight(kRulerHeight);
        setToolTip(ThresholdPanel::tr("The slider's log scale: each mark is ten times closer to 1."));
    }

protected:
    void paintEvent(QPaintEvent* /*event*/) override
    {
        QPainter painter(this);
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        painter.setFont(small);
        QColor muted = palette().color(QPalette::WindowText);
        muted.setAlphaF(0.7);
        painter.setPen(muted);
        const int handle = slider_->style()->pixelMetric(QStyle::PM_SliderLength, nullptr, slider_);
        const int span = std::max(1, slider_->width() - handle);
        const QFontMetrics metrics(small);
        for (double mark : kRulerMarks) {
            const int pos = QStyle::sliderPositionFromValue(0, ThresholdPanel::kSliderSteps,
                                                            ThresholdPanel::sliderPosition(mark), span);
            const int x = handle / 2 + pos;  // the ruler shares the slider's grid column
            const QString text = QString::number(mark, 'g', 5);
            const int w = metrics.horizontalAdvance(text);
            const int left = std::clamp(x - w / 2, 0, std::max(0, width() - w));
            painter.drawText(QRect(left, 0, w, height()), Qt::AlignCenter, text);
        }
    }

private:
    QSlider* slider_;
};

template <typename Edit>
void ThresholdPanel::edit(Edit&& change)
{
    const ExitSettings before = settings_;
    change();
    settings_ = sanitized(settings_);
    if (settings_ == before)
        return;
    if (settings_.policy != before.policy)
        syncControls();  // the image row changes meaning between MuE and Joint
    commit();
}

int ThresholdPanel::sliderPosition(double threshold)
{
    if (std::isnan(threshold))
        return 0;
    const double distance = 1.0 - threshold;
    if (distance >= 1.0)
        return 0;
    if (distance <= kMinDistance)
        return kSliderSteps;
    const double position = -std::log10(distance) / -std::log10(kMinDistance) * kSliderSteps;
    return std::clamp(static_cast<int>(std::lround(position)), 0, kSliderSteps);
}

double ThresholdPanel::thresholdAt(int position)
{
    const int p = std::clamp(position, 0, kSliderSteps);
    return 1.0 - std::pow(10.0, std::log10(kMinDistance) * p / kSliderSteps);
}

ThresholdPanel::ThresholdPanel(QWidget* parent) : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);

    auto* grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    grid->setHorizontalSpacing(8);

    policyBox_ = new QComboBox;
    for (const PolicyEntry& entry : kPolicies) {
        policyBox_->addItem(tr(entry.label), static_cast<int>(entry.policy));
        policyBox_->setItemData(policyBox_->count() - 1, tr(entry.tip), Qt::ToolTipRole);
    }
    policyBox_->setToolTip(tr("Chooses how layers are skipped: MuE, a baseline, or no exits at all."));
    auto* policyLabel = new QLabel(tr("Policy"));
    policyLabel->setBuddy(policyBox_);
    grid->addWidget(policyLabel, 0, 0);
    grid->addWidget(policyBox_, 0, 1, 1, 2);

    presetBox_ = new QComboBox;
    for (const PresetEntry& entry : kPresets) {
        presetBox_->addItem(tr(entry.label));
        presetBox_->setItemData(presetBox_->count() - 1, tr(entry.tip), Qt::ToolTipRole);
    }
    presetBox_->addItem(tr("Custom"));
    presetBox_->setItemData(presetBox_->count() - 1, tr("The settings match no preset; choose one to apply it."),
                            Qt::ToolTipRole);
    if (auto* model = qobject_cast<QStandardItemModel*>(presetBox_->model()))
        model->item(customPresetIndex())->setEnabled(false);  // shown, never chosen
    presetBox_->setToolTip(tr("Applies a published set of thresholds; shows Custom once you change any of them."));
    auto* presetLabel = new QLabel(tr("Preset"));
    presetLabel->setBuddy(presetBox_);
    grid->addWidget(presetLabel, 1, 0);
    grid->addWidget(presetBox_, 1, 1, 1, 2);

    auto* heading = new QLabel(tr("<b>Similarity thresholds</b> &nbsp;(exit when cos(h<sub>i</sub>, h<sub>i-1</sub>) "
                                  "&gt; threshold)"));
    heading->setToolTip(tr("A stream stops after the first layer whose state barely changed: the closer to 1, the "
                           "later it exits."));
    heading->setContentsMargins(0, 6, 0, 0);
    grid->addWidget(heading, 2, 0, 1, 3);
    buildThresholdRows(grid, 3);
    outer->addLayout(grid);

    advancedButton_ = new QToolButton;
    advancedButton_->setText(tr("Advanced"));
    advancedButton_->setCheckable(true);
    advancedButton_->setChecked(false);
    advancedButton_->setArrowType(Qt::RightArrow);
    advancedButton_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    advancedButton_->setAutoRaise(true);
    advancedButton_->setToolTip(tr("Shows or hides the decoder schedule, the KV policy and the baselines' settings."));
    outer->addWidget(advancedButton_);
    advanced_ = buildAdvanced();
    advanced_->setVisible(false);
    outer->addWidget(advanced_);
    outer->addStretch(1);
    connect(advancedButton_, &QToolButton::toggled, this, [this](bool open) {
        advancedButton_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        advanced_->setVisible(open);
    });

    connect(policyBox_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
        edit([&] { settings_.policy = static_cast<ExitPolicy>(policyBox_->itemData(index).toInt()); });
    });
    connect(presetBox_, QOverload<int>::of(&QComboBox::activated), this, &ThresholdPanel::onPreset);

    settings_ = sanitized(ExitSettings{});
    syncControls();
}

int ThresholdPanel::customPresetIndex() const { return static_cast<int>(kPresets.size()); }

void ThresholdPanel::buildThresholdRows(QGridLayout* grid, int firstRow)
{
    const struct {
        Stream stream;
        const char* tip;
    } rows[] = {
        {Stream::Image, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                                          "The image encoder stream exits after the first layer whose similarity "
                                          "to the previous one exceeds this.")},
        {Stream::Text, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                                         "The text encoder stream exits after the first layer whose similarity to "
                                         "the previous one exceeds this.")},
        {Stream::Decoder, QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel",
                                            "Theta in the decoder schedule Theta(t) = beta*theta + "
                                            "(1-beta)*exp(-tau*t/N); 1 turns decoder exits off.")},
    };
    int row = firstRow;
    for (const auto& r : rows) {
        ThresholdRow& controls = rows_[streamIndex(r.stream)];
        controls.label = new QLabel;
        controls.label->setToolTip(tr(r.tip));
        controls.slider = new QSlider(Qt::Horizontal);
        controls.slider->setRange(0, kSliderSteps);
        controls.slider->setSingleStep(5);
        controls.slider->setPageStep(50);
        controls.slider->setTickPosition(QSlider::TicksBelow);
        controls.slider->setTickInterval(kSliderSteps / 4);
        controls.slider->setMinimumWidth(120);
        controls.slider->setToolTip(tr("Drag to set the threshold on a log scale of 1 - threshold: each tick is ten "
                                       "times closer to 1."));
        controls.spin = makeDoubleBox(-1.0, 1.0, kDecimals, 0.0005,
                                      tr("The exact threshold; type a value or step by 0.0005."));
        controls.label->setBuddy(controls.spin);
        grid->addWidget(controls.label, row, 0);
        grid->addWidget(controls.slider, row, 1);
        grid->addWidget(controls.spin, row, 2);
        const Stream stream = r.stream;
        connect(controls.slider, &QSlider::valueChanged, this, [this, stream](int p) { onSlider(stream, p); });
        connect(controls.spin, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this,
                [this, stream](double v) { onSpin(stream, v); });
        ++row;
    }
    ruler_ = new ScaleRuler(rows_[streamIndex(Stream::Decoder)].slider);
    grid->addWidget(ruler_, row, 1);
}

QWidget* ThresholdPanel::buildAdvanced()
{
    auto* section = new QWidget;
    auto* form = new QFormLayout(section);
    form->setContentsMargins(18, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);

    beta_ = makeDoubleBox(0.0, 1.0, kDecimals, 0.01,
                          tr("Weight of theta in Theta(t); the rest decays from 1 with the step (MuE and Joint)."));
    tau_ = makeDoubleBox(0.0, kTauMax, 3, 0.1, tr("How fast the decoder threshold decays with the step t (MuE and "
                                                  "Joint)."));
    warmup_ = makeDoubleBox(0.0, 1.0, kDecimals, 0.05,
                            tr("The first floor(fraction * N) decoding steps never exit (MuE and Joint; released "
                               "scripts: 1/3)."));
    kvPolicy_ = new QComboBox;
    kvPolicy_->addItem(tr("none"), static_cast<int>(KvPolicy::None));
    kvPolicy_->addItem(tr("copy"), static_cast<int>(KvPolicy::Copy));
    kvPolicy_->addItem(tr("propagate"), static_cast<int>(KvPolicy::Propagate));
    kvPolicy_->setItemData(0, tr("Skipped layers store nothing; later tokens attend over fewer keys (released code)."),
                           Qt::ToolTipRole);
    kvPolicy_->setItemData(1, tr("The exit layer's keys and values are copied into every skipped layer."),
                           Qt::ToolTipRole);
    kvPolicy_->setItemData(2, tr("The exit state computes each skipped layer's keys and values (CALM)."),
                           Qt::ToolTipRole);
    kvPolicy_->setToolTip(tr("What decoder layers skipped by an exited token store for later tokens to attend to."));
    joint_ = makeDoubleBox(-1.0, 1.0, kDecimals, 0.0005,
                           tr("The Joint policy's single encoder exit threshold (also the image row under Joint)."));
    const char* staticTips[] = {
        QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Image encoder layers the Static policy runs (all = every "
                                                          "layer)."),
        QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Text encoder layers the Static policy runs (all = every "
                                                          "layer)."),
        QT_TRANSLATE_NOOP("mue::widgets::ThresholdPanel", "Decoder layers per token the Static policy runs (all = "
                                                          "every layer)."),
    };
    for (int i = 0; i < kStreamCount; ++i) {
        staticLayers_[static_cast<std::size_t>(i)] = makeIntBox(0, kMaxLayers, tr(staticTips[i]));
        staticLayers_[static_cast<std::size_t>(i)]->setSpecialValueText(tr("all"));
    }
    entropy_ = makeDoubleBox(0.0, kEntropyMax, 3, 0.05,
                             tr("DeeBERT: a token exits when the head's entropy falls below this many nats."));
    entropy_->setSuffix(tr(" nats"));
    patience_ = makeIntBox(1, kMaxLayers, tr("PABEE: a token exits once the head's prediction is unchanged for this "
                                             "many layers."));
    confidence_ = makeDoubleBox(0.0, 1.0, kDecimals, 0.01,
                                tr("Confidence: a token exits when the head's top probability exceeds this."));

    form->addRow(tr("beta"), beta_);
    form->addRow(tr("tau"), tau_);
    form->addRow(tr("Warm-up fraction"), warmup_);
    form->addRow(tr("KV policy"), kvPolicy_);
    form->addRow(tr("Joint threshold"), joint_);
    form->addRow(tr("Static image layers"), staticLayers_[0]);
    form->addRow(tr("Static text layers"), staticLayers_[1]);
    form->addRow(tr("Static decoder layers"), staticLayers_[2]);
    form->addRow(tr("DeeBERT entropy"), entropy_);
    form->addRow(tr("PABEE patience"), patience_);
    form->addRow(tr("Confidence threshold"), confidence_);

    auto onDouble = [this](QDoubleSpinBox* box, double ExitSettings::*field) {
        connect(box, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this,
                [this, field](double v) { edit([&] { settings_.*field = v; }); });
    };
    onDouble(beta_, &ExitSettings::beta);
    onDouble(tau_, &ExitSettings::tau);
    onDouble(warmup_, &ExitSettings::warmup_fraction);
    onDouble(entropy_, &ExitSettings::entropy_threshold);
    onDouble(confidence_, &ExitSettings::confidence_threshold);
    connect(joint_, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this, [this](double v) {
        edit([&] { settings_.joint_threshold = v; });
        if (settings_.policy == ExitPolicy::Joint)  // the image row shows the same value
            syncControls();
    });
    auto onInt = [this](QSpinBox* box, int ExitSettings::*field) {
        connect(box, QOverload<int>::of(&QSpinBox::valueChanged), this,
                [this, field](int v) { edit([&] { settings_.*field = v; }); });
    };
    onInt(staticLayers_[0], &ExitSettings::static_image_layers);
    onInt(staticLayers_[1], &ExitSettings::static_text_layers);
    onInt(staticLayers_[2], &ExitSettings::static_decoder_layers);
    onInt(patience_, &ExitSettings::patience);
    connect(kvPolicy_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
        edit([&] { settings_.kv_policy = static_cast<KvPolicy>(kvPolicy_->itemData(index).toInt()); });
    });
    return section;
}

void ThresholdPanel::setModelLayers(int encoderLayers, int decoderLayers)
{
    const int encoder = std::clamp(encoderLayers, 1, kMaxLayers);
    const int decoder = std::clamp(decoderLayers, 1, kMaxLayers);
    staticLayers_[0]->setMaximum(encoder);
    staticLayers_[1]->setMaximum(encoder);
    staticLayers_[2]->setMaximum(decoder);
    patience_->setMaximum(decoder);
    // Keep the settings what the boxes show.
    settings_.static_image_layers = std::min(settings_.static_image_layers, encoder);
    settings_.static_text_layers = std::min(settings_.static_text_layers, encoder);
    settings_.static_decoder_layers = std::min(settings_.static_decoder_layers, decoder);
    settings_.patience = std::min(settings_.patience, decoder);
    syncControls();
}

namespace {

// The settings field a stream's threshold row edits (const or not); the joint policy's single
// encoder exit sits on the image row.
template <typename Settings>
auto& thresholdOf(Settings& settings, Stream stream)
{
    switch (stream) {
    case Stream::Image:
        return settings.policy == ExitPolicy::Joint ? settings.joint_threshold : settings.image_threshold;
    case Stream::Text:
        return settings.text_threshold;
    case Stream::Decoder:
        break;
    }
    return settings.decoder_threshold;
}

}  // namespace

double& ThresholdPanel::thresholdField(Stream stream)
{
    return thresholdOf(settings_, stream);
}

double ThresholdPanel::thresholdValue(Stream stream) const
{
    return thresholdOf(settings_, stream);
}

void ThresholdPanel::setSettings(const mue::ExitSettings& settings)
{
    settings_ = sanitized(settings);
    syncControls();
}

void ThresholdPanel::setThreshold(Stream stream, double value)
{
    if (std::isnan(value))
        return;
    edit([&] { thresholdField(stream) = std::clamp(value, -kThresholdLimit, kThresholdLimit); });
    syncControls();
}

void ThresholdPanel::commit()
{
    syncPreset();
    syncEnabled();
    Q_EMIT settingsChanged(settings_);
}

void ThresholdPanel::onSlider(Stream stream, int position)
{
    // Round to what the spin box shows; the slider stays where the user put it.
    const double value = round4(thresholdAt(position));
    {
        const QSignalBlocker blocker(spinBox(stream));
        spinBox(stream)->setValue(value);
    }
    edit([&] { thresholdField(stream) = value; });
}

void ThresholdPanel::onSpin(Stream stream, double value)
{
    {
        const QSignalBlocker blocker(slider(stream));
        slider(stream)->setValue(sliderPosition(value));
    }
    edit([&] { thresholdField(stream) = value; });
    if (stream == Stream::Image && settings_.policy == ExitPolicy::Joint) {
        const QSignalBlocker blocker(joint_);
        joint_->setValue(settings_.joint_threshold);
    }
}

void ThresholdPanel::onPreset(int index)
{
    if (index < 0 || index >= static_cast<int>(kPresets.size()))
        return;
    ExitSettings preset = ExitSettings::preset(kPresets[static_cast<std::size_t>(index)].key);
    preset.lens = settings_.lens;
    preset.what_if = settings_.what_if;
    preset.compare_full = settings_.compare_full;
    settings_ = preset;
    syncControls();
    Q_EMIT settingsChanged(settings_);
}

void ThresholdPanel::syncControls()
{
    const bool joint = settings_.policy == ExitPolicy::Joint;
    for (Stream stream : {Stream::Image, Stream::Text, Stream::Decoder}) {
        ThresholdRow& row = rows_[streamIndex(stream)];
        const QSignalBlocker sliderBlocker(row.slider);
        const QSignalBlocker spinBlocker(row.spin);
        const double value = thresholdValue(stream);
        row.slider->setValue(sliderPosition(value));
        row.spin->setValue(value);
        const QString name = stream == Stream::Image && joint ? tr("joint")
                             : stream == Stream::Image        ? tr("image")
                             : stream == Stream::Text         ? tr("text")
                                                              : tr("decoder");
        row.label->setText(QStringLiteral("<span style=\"color:%1\">&#9632;</span>&nbsp;%2")
                               .arg(palette_.color(stream).name(), name));
    }
    auto setDouble = [](QDoubleSpinBox* box, double value) {
        const QSignalBlocker blocker(box);
        box->setValue(value);
    };
    auto setInt = [](QSpinBox* box, int value) {
        const QSignalBlocker blocker(box);
        box->setValue(value);
    };
    setDouble(beta_, settings_.beta);
    setDouble(tau_, settings_.tau);
    setDouble(warmup_, settings_.warmup_fraction);
    setDouble(joint_, settings_.joint_threshold);
    setDouble(entropy_, settings_.entropy_threshold);
    setDouble(confidence_, settings_.confidence_threshold);
    setInt(staticLayers_[0], settings_.static_image_layers);
    setInt(staticLayers_[1], settings_.static_text_layers);
    setInt(staticLayers_[2], settings_.static_decoder_layers);
    setInt(patience_, settings_.patience);
    {
        const QSignalBlocker blocker(kvPolicy_);
        kvPolicy_->setCurrentIndex(kvPolicy_->findData(static_cast<int>(settings_.kv_policy)));
    }
    {
        const QSignalBlocker blocker(policyBox_);
        policyBox_->setCurrentIndex(policyBox_->findData(static_cast<int>(settings_.policy)));
    }
    syncPreset();
    syncEnabled();
}

void ThresholdPanel::syncPreset()
{
    const int index = presetIndex(settings_);
    const QSignalBlocker blocker(presetBox_);
    presetBox_->setCurrentIndex(index < 0 ? customPresetIndex() : index);
}

void ThresholdPanel::setFieldEnabled(QWidget* field, bool enabled)
{
    field->setEnabled(enabled);
    if (auto* form = qobject_cast<QFormLayout*>(advanced_->layout())) {
        if (QWidget* label = form->labelForField(field))
            label->setEnabled(enabled);
    }
}

void ThresholdPanel::syncEnabled()
{
    const ExitPolicy p = settings_.policy;
    const bool similarity = p == ExitPolicy::Mue || p == ExitPolicy::Joint;
    const bool rowEnabled[] = {similarity, p == ExitPolicy::Mue, similarity};
    for (int i = 0; i < kStreamCount; ++i) {
        const ThresholdRow& row = rows_[static_cast<std::size_t>(i)];
        const bool on = rowEnabled[i];
        row.label->setEnabled(on);
        row.slider->setEnabled(on);
        row.spin->setEnabled(on);
    }
    ruler_->setEnabled(similarity);
    setFieldEnabled(beta_, similarity);
    setFieldEnabled(tau_, similarity);
    setFieldEnabled(warmup_, similarity);
    setFieldEnabled(kvPolicy_, p != ExitPolicy::Full);
    setFieldEnabled(joint_, p == ExitPolicy::Joint);
    for (QSpinBox* box : staticLayers_)
        setFieldEnabled(box, p == ExitPolicy::Static);
    setFieldEnabled(entropy_, p == ExitPolicy::DeeBert);
    setFieldEnabled(patience_, p == ExitPolicy::Pabee);
    setFieldEnabled(confidence_, p == ExitPolicy::Confidence);
}

}  // namespace mue::widgets
