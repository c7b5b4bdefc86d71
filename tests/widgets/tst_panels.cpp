// The threshold panel, token output view, patch heatmap and savings panel on hand-made traces: no
// engine, no torch. With MUE_WIDGETS_SCREENSHOT_DIR set, render() also writes the documentation
// screenshots there; with MUE_WIDGETS_REVIEW_DIR set, light and dark renderings of every state
// go there for a look.

#include <mue_widgets/palette.hpp>
#include <mue_widgets/patch_heatmap_view.hpp>
#include <mue_widgets/savings_panel.hpp>
#include <mue_widgets/threshold_panel.hpp>
#include <mue_widgets/token_output_view.hpp>

#include <QApplication>
#include <QScopeGuard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPainter>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <limits>
#include <set>

using mue::ExitPolicy;
using mue::ExitSettings;
using mue::widgets::PatchHeatmapView;
using mue::widgets::SavingsPanel;
using mue::widgets::Stream;
using mue::widgets::ThresholdPanel;
using mue::widgets::TokenOutputView;

namespace {

constexpr int kLayers = 8;
constexpr int kGrid = 8;  // 8 x 8 image patches
constexpr int kImageExit = 5;
constexpr int kTextExit = 7;

// Lays `widget` out at its current size, as showing it would.
void show(QWidget& widget)
{
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
}

bool validates(const ExitSettings& settings)
{
    try {
        settings.validate();
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// The cosine of patch (row, col) at `layer`: patches on the shapes (left circle, right square)
// keep changing longer than the background.
float patchCosine(int layer, int row, int col)
{
    const bool circle = std::hypot(col - 2.0, row - 4.0) < 1.8;
    const bool square = col >= 5 && col <= 6 && row >= 3 && row <= 5;
    const double texture = 1.0 + 0.8 * std::sin(row * 1.3 + col * 0.7 + layer);  // patches differ a little
    const double gap = (circle || square ? 0.3 : 0.05) * texture * std::pow(circle || square ? 0.45 : 0.25, layer - 1);
    return static_cast<float>(1.0 - gap);
}

mue::LensEntry lens(const char* text, float probability) { return {0, text, probability}; }

mue::RunTrace captionTrace()
{
    mue::RunTrace trace;
    trace.model_id = "shapes-128";
    trace.settings = ExitSettings::preset("released-caption");
    trace.image.tokens = kGrid * kGrid;
    trace.image.layers = kLayers;
    trace.image.exit_layer = kImageExit;
    trace.image.exited = true;
    for (int layer = 1; layer <= kImageExit; ++layer) {
        std::vector<float> tokens;
        for (int row = 0; row < kGrid; ++row) {
            for (int col = 0; col < kGrid; ++col)
                tokens.push_back(patchCosine(layer, row, col));
        }
        trace.image.token_similarity.push_back(tokens);
        trace.image.similarity.push_back(tokens[0]);
    }
    trace.text.tokens = 9;
    trace.text.layers = kLayers;
    trace.text.exit_layer = kTextExit;
    trace.text.exited = true;
    trace.text.similarity.assign(kTextExit, 0.99F);

    trace.decoder_layers = kLayers;
    const struct {
        const char* text;
        int exit;
    } words[] = {{"a", 8}, {" red", 3}, {" circle", 2}, {" left", 5}, {" of", 2},
                 {" a", 1}, {" blue", 4}, {" square", 6}, {"</s>", 1}};
    int step = 1;
    for (const auto& word : words) {
        mue::DecoderTokenTrace token;
        token.id = 100 + step;
        token.text = word.text;
        token.step = step;
        token.threshold = step <= 1 ? 1.0F : 0.9912F;
        token.exit_layer = word.exit;
        token.exited = word.exit < kLayers;
        token.similarity.assign(static_cast<std::size_t>(word.exit), 0.99F);
        ++step;
        trace.decoder_tokens.push_back(token);
    }
    // The lens of " red": the head's guess firms up over its three layers.
    auto& red = trace.decoder_tokens[1];
    red.lens = {{lens(" blue", 0.31F), lens(" red", 0.22F), lens(" green", 0.12F), lens(" big", 0.1F), lens(" a", 0.05F)},
                {lens(" red", 0.55F), lens(" blue", 0.2F), lens(" green", 0.1F), lens(" big", 0.05F), lens(" a", 0.03F)},
                {lens(" red", 0.83F), lens(" blue", 0.07F), lens(" <green>", 0.04F), lens(" big", 0.02F),
                 lens(" a", 0.01F)}};
    trace.savings.expected_reduction_mean = 0.3133;
    trace.savings.expected_reduction_token_weighted = 0.2841;
    trace.savings.flops = 1.23e9;
    trace.savings.full_flops = 2.05e9;
    trace.savings.flop_reduction = 1.0 - 1.23 / 2.05;
    trace.savings.compute_ms = 12.0;
    return trace;
}

mue::RunTrace entailmentTrace()
{
    mue::RunTrace trace = captionTrace();
    trace.settings = ExitSettings::preset("released-ve");
    mue::DecoderTokenTrace scoring = trace.decoder_tokens[1];
    scoring.text = " yes";
    scoring.step = 1;
    scoring.threshold = 0.70F;
    scoring.exit_layer = 4;
    trace.decoder_tokens = {scoring};
    return trace;
}

const std::vector<std::pair<QString, float>> kAnswers{
    {QStringLiteral(" yes"), 0.62F}, {QStringLiteral(" no"), 0.30F}, {QStringLiteral(" maybe"), 0.08F}};

QImage shapesImage()
{
    QImage image(256, 256, QImage::Format_RGB32);
    image.fill(QColor(0xF2, 0xEE, 0xE4));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0xD6, 0x3A, 0x2F));
    painter.drawEllipse(QPointF(2.5 * 32, 4.5 * 32), 52, 52);
    painter.setBrush(QColor(0x2F, 0x5D, 0xD6));
    painter.drawRect(QRectF(5 * 32, 3 * 32, 2 * 32, 3 * 32));
    return image;
}


// Renders `widget` at `width` (and its preferred height unless given) inside a frame with a dock's
// margins, on a window-coloured background.
QImage renderWidget(QWidget& frame, QWidget& widget, int width, int height)
{
    constexpr int kFrameMargin = 10;
    frame.setAutoFillBackground(true);
    frame.ensurePolished();
    const int inner = width - 2 * kFrameMargin;
    const int h = height > 0 ? height
                             : (widget.hasHeightForWidth() ? widget.heightForWidth(inner) : widget.sizeHint().height());
    frame.resize(width, h + 2 * kFrameMargin);
    frame.layout()->activate();
    return frame.grab().toImage();
}

void saveAll(const QString& name, QWidget& widget, int width, int height = 0)
{
    QWidget frame;
    auto* layout = new QVBoxLayout(&frame);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addWidget(&widget);
    const auto release = qScopeGuard([&] { widget.setParent(nullptr); });
    const QImage light = renderWidget(frame, widget, width, height);
    QVERIFY(!light.isNull());
    const QString docs = qEnvironmentVariable("MUE_WIDGETS_SCREENSHOT_DIR");
    if (!docs.isEmpty())
        QVERIFY(light.save(docs + QStringLiteral("/widgets-%1.png").arg(name)));
    const QString review = qEnvironmentVariable("MUE_WIDGETS_REVIEW_DIR");
    if (!review.isEmpty()) {
        QVERIFY(light.save(review + QStringLiteral("/%1-light.png").arg(name)));
        frame.setPalette(mue::widgets::darkPalette());
        QVERIFY(renderWidget(frame, widget, width, height).save(review + QStringLiteral("/%1-dark.png").arg(name)));
        frame.setPalette(QPalette());
    }
}

}  // namespace

class TestPanels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void sliderScaleIsLogOfDistance();
    void sliderAndSpinBoxFollowEachOther();
    void setThresholdEmitsOnce();
    void setSettingsDoesNotEmit();
    void presetsApplyAndEditsShowCustom();
    void policyDisablesUnusedControls();
    void jointPolicyImageRowIsJointThreshold();
    void neverYieldsInvalidSettings();
    void advancedSectionCollapsed();

    void tokenChipsPerStep();
    void chipColoursFollowExitLayer();
    void tokenTooltipShowsLens();
    void clickingChipEmits();
    void entailmentShowsAnswerBars();
    void emptyOutput();

    void heatmapPatchValues();
    void heatmapLayerClampsAndSkips();
    void heatmapColoursAndTooltip();
    void heatmapWithoutPatchData();

    void savingsWithMeasurement();
    void savingsWithoutMeasurement();

    void render();
};

void TestPanels::initTestCase()
{
    // Same look on every machine: the offscreen platform's default style differs by Qt build.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
}

void TestPanels::sliderScaleIsLogOfDistance()
{
    QCOMPARE(ThresholdPanel::sliderPosition(0.0), 0);
    QCOMPARE(ThresholdPanel::sliderPosition(0.9), 250);
    QCOMPARE(ThresholdPanel::sliderPosition(0.99), 500);
    QCOMPARE(ThresholdPanel::sliderPosition(0.999), 750);
    QCOMPARE(ThresholdPanel::sliderPosition(0.9999), 1000);
    // Beyond the ends the slider clamps.
    QCOMPARE(ThresholdPanel::sliderPosition(-0.7), 0);
    QCOMPARE(ThresholdPanel::sliderPosition(0.99999), 1000);
    QCOMPARE(ThresholdPanel::sliderPosition(1.0), 1000);
    QCOMPARE(ThresholdPanel::sliderPosition(5.0), 1000);
    QCOMPARE(ThresholdPanel::sliderPosition(std::numeric_limits<double>::quiet_NaN()), 0);
    QVERIFY(std::abs(ThresholdPanel::thresholdAt(500) - 0.99) < 1e-12);
    QVERIFY(std::abs(ThresholdPanel::thresholdAt(750) - 0.999) < 1e-12);
    QCOMPARE(ThresholdPanel::thresholdAt(0), 0.0);
    QCOMPARE(ThresholdPanel::thresholdAt(-5), 0.0);
    QVERIFY(std::abs(ThresholdPanel::thresholdAt(ThresholdPanel::kSliderSteps + 10) - 0.9999) < 1e-12);
    // Monotonic, and round trips land on the same position.
    for (int p = 1; p <= ThresholdPanel::kSliderSteps; ++p) {
        QVERIFY(ThresholdPanel::thresholdAt(p) > ThresholdPanel::thresholdAt(p - 1));
        QCOMPARE(ThresholdPanel::sliderPosition(ThresholdPanel::thresholdAt(p)), p);
    }
}

void TestPanels::sliderAndSpinBoxFollowEachOther()
{
    ThresholdPanel panel;
    ExitSettings mue = ExitSettings::preset("paper");
    panel.setSettings(mue);
    QSignalSpy spy(&panel, &ThresholdPanel::settingsChanged);

    // Spin box -> slider.
    panel.spinBox(Stream::Image)->setValue(0.99);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(panel.slider(Stream::Image)->value(), 500);
    QCOMPARE(panel.settings().image_threshold, 0.99);
    QCOMPARE(spy.takeFirst().at(0).value<ExitSettings>().image_threshold, 0.99);

    // Slider -> spin box, rounded to what the spin box shows.
    panel.slider(Stream::Text)->setValue(750);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(panel.spinBox(Stream::Text)->value(), 0.999);
    QCOMPARE(panel.settings().text_threshold, 0.999);
    QCOMPARE(panel.slider(Stream::Text)->value(), 750);  // no feedback from the spin box
    spy.clear();

    panel.slider(Stream::Decoder)->setValue(600);
    QCOMPARE(spy.count(), 1);
    const double expected = std::round(ThresholdPanel::thresholdAt(600) * 1e4) / 1e4;
    QCOMPARE(panel.settings().decoder_threshold, expected);
    QCOMPARE(panel.spinBox(Stream::Decoder)->value(), expected);
    QCOMPARE(panel.slider(Stream::Decoder)->value(), 600);
    // Other fields untouched.
    QCOMPARE(panel.settings().image_threshold, 0.99);
    QCOMPARE(panel.settings().beta, mue.beta);
}

void TestPanels::setThresholdEmitsOnce()
{
    ThresholdPanel panel;
    panel.setSettings(ExitSettings::preset("paper"));
    QSignalSpy spy(&panel, &ThresholdPanel::settingsChanged);

    panel.setThreshold(Stream::Decoder, 0.9975);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(panel.settings().decoder_threshold, 0.9975);
    QCOMPARE(panel.spinBox(Stream::Decoder)->value(), 0.9975);
    QCOMPARE(panel.slider(Stream::Decoder)->value(), ThresholdPanel::sliderPosition(0.9975));

    // The same value again (a drag's final release) changes nothing and says nothing.
    panel.setThreshold(Stream::Decoder, 0.9975);
    QCOMPARE(spy.count(), 1);

    // Finer than the spin box and beyond the slider: kept exactly, the controls clamp.
    panel.setThreshold(Stream::Image, 0.999987);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(panel.settings().image_threshold, 0.999987);
    QCOMPARE(panel.slider(Stream::Image)->value(), ThresholdPanel::kSliderSteps);
    QCOMPARE(panel.spinBox(Stream::Image)->value(), 1.0);
    QCOMPARE(spy.last().at(0).value<ExitSettings>().image_threshold, 0.999987);

    panel.setThreshold(Stream::Text, -0.25);
    QCOMPARE(spy.count(), 3);
    QCOMPARE(panel.slider(Stream::Text)->value(), 0);
    QCOMPARE(panel.spinBox(Stream::Text)->value(), -0.25);
    // A plot drag leaves the preset.
    QCOMPARE(panel.presetBox()->currentIndex(), panel.customPresetIndex());
}

void TestPanels::setSettingsDoesNotEmit()
{
    ThresholdPanel panel;
    QSignalSpy spy(&panel, &ThresholdPanel::settingsChanged);
    ExitSettings s = ExitSettings::preset("released-ve");
    s.what_if = true;
    s.lens = true;
    panel.setSettings(s);
    QCOMPARE(spy.count(), 0);
    QVERIFY(panel.settings() == s);  // 1/3 warm-up survives the 4-decimal spin box
    QCOMPARE(panel.spinBox(Stream::Image)->value(), 0.7);
    QCOMPARE(panel.slider(Stream::Text)->value(), 500);
    QCOMPARE(panel.warmupBox()->value(), 0.3333);
    QCOMPARE(panel.policyBox()->currentData().toInt(), static_cast<int>(ExitPolicy::Mue));
    QCOMPARE(panel.presetBox()->currentIndex(), 1);  // released SNLI-VE, whatever lens and what-if say
}

void TestPanels::presetsApplyAndEditsShowCustom()
{
    ThresholdPanel panel;
    panel.setSettings(ExitSettings::preset("paper"));
    QCOMPARE(panel.presetBox()->currentIndex(), 0);
    QCOMPARE(panel.presetBox()->count(), 5);
    QVERIFY(panel.presetBox()->itemText(panel.customPresetIndex()).contains(QStringLiteral("Custom")));
    QSignalSpy spy(&panel, &ThresholdPanel::settingsChanged);

    const char* keys[] = {"paper", "released-ve", "released-caption", "no-exits"};
    for (int i : {2, 1, 3, 0}) {
        panel.presetBox()->setCurrentIndex(i);
        Q_EMIT panel.presetBox()->activated(i);
        QVERIFY2(panel.settings() == ExitSettings::preset(keys[i]), keys[i]);
        QCOMPARE(spy.last().at(0).value<ExitSettings>(), ExitSettings::preset(keys[i]));
        QCOMPARE(panel.presetBox()->currentIndex(), i);
    }
    QCOMPARE(spy.count(), 4);

    // A manual edit shows Custom; undoing it shows the preset again.
    panel.spinBox(Stream::Text)->setValue(0.9612);
    QCOMPARE(panel.presetBox()->currentIndex(), panel.customPresetIndex());
    panel.spinBox(Stream::Text)->setValue(0.95);
    QCOMPARE(panel.presetBox()->currentIndex(), 0);
    panel.betaBox()->setValue(0.8);
    QCOMPARE(panel.presetBox()->currentIndex(), panel.customPresetIndex());
    QCOMPARE(spy.count(), 7);

    // Custom cannot be chosen: it only reports.
    auto* model = panel.presetBox()->model();
    QVERIFY(!(model->flags(model->index(panel.customPresetIndex(), 0)) & Qt::ItemIsEnabled));

    // Choosing the full model from the policy box is the "No exits" preset.
    const int full = panel.policyBox()->findData(static_cast<int>(ExitPolicy::Full));
    panel.policyBox()->setCurrentIndex(full);
    Q_EMIT panel.policyBox()->activated(full);
    QCOMPARE(panel.settings().policy, ExitPolicy::Full);
    QCOMPARE(panel.presetBox()->currentIndex(), 3);
    QCOMPARE(spy.count(), 8);
}

void TestPanels::policyDisablesUnusedControls()
{
    ThresholdPanel panel;
    auto choose = [&panel](ExitPolicy policy) {
        const int index = panel.policyBox()->findData(static_cast<int>(policy));
        panel.policyBox()->setCurrentIndex(index);
        Q_EMIT panel.policyBox()->activated(index);
        QCOMPARE(panel.settings().policy, policy);
    };
    auto thresholds = [&panel]() {
        return std::vector<bool>{panel.slider(Stream::Image)->isEnabled(), panel.slider(Stream::Text)->isEnabled(),
                                 panel.slider(Stream::Decoder)->isEnabled(), panel.spinBox(Stream::Image)->isEnabled(),
                                 panel.spinBox(Stream::Text)->isEnabled(), panel.spinBox(Stream::Decoder)->isEnabled()};
    };

    choose(ExitPolicy::Mue);
    QCOMPARE(thresholds(), std::vector<bool>(6, true));
    QVERIFY(panel.betaBox()->isEnabled() && panel.tauBox()->isEnabled() && panel.warmupBox()->isEnabled());
    QVERIFY(panel.kvPolicyBox()->isEnabled());
    QVERIFY(!panel.jointThresholdBox()->isEnabled());
    QVERIFY(!panel.staticLayersBox(Stream::Image)->isEnabled());
    QVERIFY(!panel.entropyBox()->isEnabled() && !panel.patienceBox()->isEnabled() &&
            !panel.confidenceBox()->isEnabled());

    choose(ExitPolicy::Full);
    QCOMPARE(thresholds(), std::vector<bool>(6, false));
    QVERIFY(!panel.betaBox()->isEnabled() && !panel.kvPolicyBox()->isEnabled());
    QVERIFY(panel.policyBox()->isEnabled() && panel.presetBox()->isEnabled());

    choose(ExitPolicy::Joint);
    QCOMPARE(thresholds(), (std::vector<bool>{true, false, true, true, false, true}));
    QVERIFY(panel.jointThresholdBox()->isEnabled() && panel.betaBox()->isEnabled());

    choose(ExitPolicy::Static);
    QCOMPARE(thresholds(), std::vector<bool>(6, false));
    for (Stream s : {Stream::Image, Stream::Text, Stream::Decoder})
        QVERIFY(panel.staticLayersBox(s)->isEnabled());
    QVERIFY(!panel.betaBox()->isEnabled() && panel.kvPolicyBox()->isEnabled());

    choose(ExitPolicy::DeeBert);
    QCOMPARE(thresholds(), std::vector<bool>(6, false));
    QVERIFY(panel.entropyBox()->isEnabled() && !panel.patienceBox()->isEnabled());
    choose(ExitPolicy::Pabee);
    QVERIFY(panel.patienceBox()->isEnabled() && !panel.entropyBox()->isEnabled());
    choose(ExitPolicy::Confidence);
    QVERIFY(panel.confidenceBox()->isEnabled() && !panel.patienceBox()->isEnabled());
    QVERIFY(!panel.staticLayersBox(Stream::Decoder)->isEnabled());
}

void TestPanels::jointPolicyImageRowIsJointThreshold()
{
    ThresholdPanel panel;
    ExitSettings s = ExitSettings::preset("paper");
    s.policy = ExitPolicy::Joint;
    s.joint_threshold = 0.999;
    panel.setSettings(s);
    QCOMPARE(panel.spinBox(Stream::Image)->value(), 0.999);
    QCOMPARE(panel.slider(Stream::Image)->value(), 750);
    QSignalSpy spy(&panel, &ThresholdPanel::settingsChanged);
    panel.setThreshold(Stream::Image, 0.99);  // the plot's image line is the joint stream's
    QCOMPARE(spy.count(), 1);
    QCOMPARE(panel.settings().joint_threshold, 0.99);
    QCOMPARE(panel.settings().image_threshold, s.image_threshold);
    QCOMPARE(panel.jointThresholdBox()->value(), 0.99);
    panel.jointThresholdBox()->setValue(0.9);
    QCOMPARE(panel.slider(Stream::Image)->value(), 250);
    QCOMPARE(spy.count(), 2);
}

void TestPanels::neverYieldsInvalidSettings()
{
    ThresholdPanel panel;
    ExitSettings bad = ExitSettings::preset("paper");
    bad.beta = 2;
    bad.tau = -1;
    bad.warmup_fraction = 7;
    bad.patience = 0;
    bad.static_decoder_layers = -3;
    bad.confidence_threshold = 1.5;
    bad.entropy_threshold = -1;
    bad.text_threshold = std::numeric_limits<double>::infinity();
    bad.image_threshold = std::numeric_limits<double>::quiet_NaN();
    QVERIFY(!validates(bad));
    panel.setSettings(bad);
    QVERIFY(validates(panel.settings()));
    QCOMPARE(panel.settings().beta, 1.0);
    QCOMPARE(panel.settings().patience, 1);

    QSignalSpy spy(&panel, &ThresholdPanel::settingsChanged);
    panel.setThreshold(Stream::Image, 1e9);
    QCOMPARE(panel.settings().image_threshold, 1e6);
    panel.setThreshold(Stream::Text, std::numeric_limits<double>::quiet_NaN());
    panel.setThreshold(Stream::Decoder, -std::numeric_limits<double>::infinity());
    QCOMPARE(panel.settings().decoder_threshold, -1e6);
    for (const QList<QVariant>& args : spy)
        QVERIFY(validates(args.at(0).value<ExitSettings>()));

    // Every control pushed to its extremes.
    for (Stream s : {Stream::Image, Stream::Text, Stream::Decoder}) {
        panel.slider(s)->setValue(0);
        panel.slider(s)->setValue(ThresholdPanel::kSliderSteps);
        panel.spinBox(s)->setValue(-5);
        panel.spinBox(s)->setValue(5);
        panel.staticLayersBox(s)->setValue(10000);
        QVERIFY(validates(panel.settings()));
    }
    for (QDoubleSpinBox* box : {panel.betaBox(), panel.tauBox(), panel.warmupBox(), panel.entropyBox(),
                                panel.confidenceBox(), panel.jointThresholdBox()}) {
        box->setValue(-1e9);
        QVERIFY(validates(panel.settings()));
        box->setValue(1e9);
        QVERIFY(validates(panel.settings()));
    }
    panel.patienceBox()->setValue(0);
    QVERIFY(validates(panel.settings()));
    for (const QList<QVariant>& args : spy)
        QVERIFY(validates(args.at(0).value<ExitSettings>()));

    // The model's depth caps the static counts.
    panel.setModelLayers(6, 4);
    panel.staticLayersBox(Stream::Decoder)->setValue(9);
    QCOMPARE(panel.settings().static_decoder_layers, 4);
}

void TestPanels::advancedSectionCollapsed()
{
    ThresholdPanel panel;
    QVERIFY(panel.advancedSection()->isHidden());
    QCOMPARE(panel.advancedButton()->arrowType(), Qt::RightArrow);
    panel.advancedButton()->click();
    QVERIFY(!panel.advancedSection()->isHidden());
    QCOMPARE(panel.advancedButton()->arrowType(), Qt::DownArrow);
    panel.advancedButton()->click();
    QVERIFY(panel.advancedSection()->isHidden());
    // Every control explains itself.
    for (QWidget* w : panel.findChildren<QWidget*>()) {
        if (qobject_cast<QSlider*>(w) || qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w) ||
            qobject_cast<QToolButton*>(w)) {
            if (w->parent() && qobject_cast<QAbstractSpinBox*>(w->parent()))
                continue;  // a spin box's own line edit
            QVERIFY2(!w->toolTip().isEmpty(), qPrintable(w->metaObject()->className()));
        }
    }
}

void TestPanels::tokenChipsPerStep()
{
    TokenOutputView view;
    view.resize(420, 200);
    const mue::RunTrace trace = captionTrace();
    view.setResult(trace, QStringLiteral("a red circle left of a blue square"), {});
    QCOMPARE(view.tokenCount(), static_cast<int>(trace.decoder_tokens.size()));
    QCOMPARE(TokenOutputView::displayText(" red"), QStringLiteral("red"));
    QCOMPARE(TokenOutputView::displayText("\xC4\xA0" "red"), QStringLiteral("red"));  // U+0120, BPE's space
    QCOMPARE(TokenOutputView::displayText("</s>"), QStringLiteral("</s>"));
    QCOMPARE(TokenOutputView::displayText(" "), QStringLiteral("\u2423"));
    for (int i = 0; i < view.tokenCount(); ++i) {
        const QRect chip = view.chipRect(i);
        QVERIFY(!chip.isNull());
        QVERIFY(view.rect().contains(chip.topLeft()));
        QVERIFY(chip.right() < view.width());
        QCOMPARE(view.tokenAt(chip.center()), i);
        for (int j = 0; j < i; ++j)
            QVERIFY(!chip.intersects(view.chipRect(j)));
        // A chip fits its text.
        QVERIFY(chip.width() > view.fontMetrics().horizontalAdvance(
                                   TokenOutputView::displayText(trace.decoder_tokens[static_cast<std::size_t>(i)].text)));
    }
    // Nine chips at 420 px wrap onto a second row; a narrow view is taller.
    QVERIFY(view.heightForWidth(120) > view.heightForWidth(800));
    QVERIFY(view.chipRect(-1).isNull());
    QVERIFY(view.chipRect(view.tokenCount()).isNull());
}

void TestPanels::chipColoursFollowExitLayer()
{
    TokenOutputView view;
    view.resize(600, 200);
    const mue::RunTrace trace = captionTrace();
    view.setResult(trace, QString(), {});
    // Steps 3 and 5 both exit at layer 2; 6 and 9 at layer 1; step 1 ran all 8.
    QCOMPARE(view.chipColor(2), view.chipColor(4));
    QCOMPARE(view.chipColor(5), view.chipColor(8));
    QVERIFY(view.chipColor(0) != view.chipColor(1));
    QCOMPARE(view.chipColor(0), mue::widgets::Palette{}.decoder);
    std::set<QRgb> colours;
    for (int i = 0; i < view.tokenCount(); ++i)
        colours.insert(view.chipColor(i).rgb());
    QCOMPARE(colours.size(), std::size_t(7));  // exit layers 8, 3, 2, 5, 1, 4, 6
    // Lighter for earlier exits.
    for (int layer = 2; layer <= kLayers; ++layer)
        QVERIFY(TokenOutputView::exitLayerColor(layer, kLayers).lightnessF() <
                TokenOutputView::exitLayerColor(layer - 1, kLayers).lightnessF());
    // The painted chip has its colour.
    const QImage image = view.grab().toImage();
    const QPoint inside = view.chipRect(1).topLeft() + QPoint(3, view.chipRect(1).height() / 2);
    const QColor painted = image.pixelColor(inside * image.devicePixelRatio());
    const QColor expected = view.chipColor(1);
    QVERIFY2(std::abs(painted.red() - expected.red()) < 8 && std::abs(painted.blue() - expected.blue()) < 8,
             qPrintable(painted.name() + QStringLiteral(" vs ") + expected.name()));
}

void TestPanels::tokenTooltipShowsLens()
{
    TokenOutputView view;
    view.resize(600, 200);
    view.setResult(captionTrace(), QString(), {});
    const QString tip = view.toolTipForToken(1);
    QVERIFY2(tip.contains(QStringLiteral("step 2")), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("exit layer 3 of 8")));
    QVERIFY(tip.contains(QStringLiteral("0.9912")));
    QVERIFY(tip.contains(QStringLiteral("<table")));
    QVERIFY(tip.contains(QStringLiteral("blue <small>31.0 %</small>")));
    QVERIFY(tip.contains(QStringLiteral("red <small>83.0 %</small>")));
    QVERIFY(tip.contains(QStringLiteral("&lt;green&gt;")));  // escaped
    QVERIFY(!tip.contains(QStringLiteral(" big")));        // top 3 only: big is 4th everywhere
    // Warm-up steps say why they cannot exit; tokens without a lens have no table.
    const QString warm = view.toolTipForToken(0);
    QVERIFY(warm.contains(QStringLiteral("warm-up")));
    QVERIFY(!warm.contains(QStringLiteral("<table")));
    QVERIFY(warm.contains(QStringLiteral("ran every layer")));
    QVERIFY(view.toolTipForToken(99).isEmpty());
}

void TestPanels::clickingChipEmits()
{
    TokenOutputView view;
    view.resize(600, 200);
    view.setResult(captionTrace(), QString(), {});
    QSignalSpy spy(&view, &TokenOutputView::tokenClicked);
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, view.chipRect(4).center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.takeFirst().at(0).toInt(), 4);
    QCOMPARE(view.selectedToken(), 4);
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, QPoint(view.width() - 2, view.height() - 2));
    QCOMPARE(spy.count(), 0);
}

void TestPanels::entailmentShowsAnswerBars()
{
    TokenOutputView view;
    view.resize(500, 200);
    view.setResult(entailmentTrace(), QStringLiteral("yes"), kAnswers);
    QCOMPARE(view.tokenCount(), 1);
    QCOMPARE(view.predictedAnswer(), 0);
    const QRect yes = view.answerBarRect(0);
    const QRect no = view.answerBarRect(1);
    const QRect maybe = view.answerBarRect(2);
    QVERIFY(yes.width() > no.width() && no.width() > maybe.width());
    QVERIFY(std::abs(yes.width() / double(no.width()) - 0.62 / 0.30) < 0.1);
    QCOMPARE(yes.left(), no.left());
    QVERIFY(no.top() > yes.top());
    QVERIFY(view.answerBarRect(3).isNull());
    QVERIFY(view.toolTipForToken(0).contains(QStringLiteral("scoring")));
    QVERIFY(view.toolTipForToken(0).contains(QStringLiteral("exit layer 4 of 8")));

    // The predicted answer follows the prediction, not the largest bar.
    view.setResult(entailmentTrace(), QStringLiteral("no"), kAnswers);
    QCOMPARE(view.predictedAnswer(), 1);
}

void TestPanels::emptyOutput()
{
    TokenOutputView view;
    view.resize(400, 200);
    view.setResult(captionTrace(), QStringLiteral("a red circle"), {});
    view.setSelectedToken(8);
    view.clear();
    QCOMPARE(view.tokenCount(), 0);
    QCOMPARE(view.selectedToken(), -1);
    QVERIFY(view.toolTipForToken(0).isEmpty());
    QVERIFY(!view.grab().isNull());
}

void TestPanels::heatmapPatchValues()
{
    PatchHeatmapView view;
    view.resize(400, 460);
    show(view);
    const mue::RunTrace trace = captionTrace();
    view.setImage(shapesImage());
    view.setTrace(trace);
    QCOMPARE(view.gridSize(), kGrid);
    QCOMPARE(view.layerCount(), kLayers);
    QCOMPARE(view.layersRun(), kImageExit);
    QCOMPARE(view.layer(), kImageExit);  // opens on the exit layer
    for (int layer = 1; layer <= kImageExit; ++layer) {
        for (int row = 0; row < kGrid; ++row) {
            for (int col = 0; col < kGrid; ++col) {
                const auto value = view.patchSimilarity(layer, row, col);
                QVERIFY(value.has_value());
                QCOMPARE(*value, trace.image.token_similarity[static_cast<std::size_t>(layer - 1)]
                                                               [static_cast<std::size_t>(row * kGrid + col)]);
            }
        }
    }
    QVERIFY(!view.patchSimilarity(0, 0, 0));
    QVERIFY(!view.patchSimilarity(1, kGrid, 0));
    QVERIFY(!view.patchSimilarity(1, 0, -1));
    QVERIFY(!view.patchSimilarity(kImageExit + 1, 0, 0));  // skipped: never ran

    // Patches tile the image.
    const QRectF image = view.imageRect();
    QVERIFY(!image.isEmpty());
    QCOMPARE(image.width(), image.height());  // a square image keeps its aspect
    QCOMPARE(view.patchRect(0, 0).topLeft(), image.topLeft());
    QVERIFY(std::abs(view.patchRect(kGrid - 1, kGrid - 1).bottomRight().x() - image.right()) < 1e-9);
    QVERIFY(std::abs(view.patchRect(kGrid - 1, kGrid - 1).width() * kGrid - image.width()) < 1e-9);
}

void TestPanels::heatmapLayerClampsAndSkips()
{
    PatchHeatmapView view;
    view.resize(400, 460);
    show(view);
    view.setTrace(captionTrace());
    view.setLayer(0);
    QCOMPARE(view.layer(), 1);
    QCOMPARE(view.layerSlider()->value(), 1);
    view.setLayer(100);
    QCOMPARE(view.layer(), kLayers);
    QCOMPARE(view.layerSlider()->maximum(), kLayers);

    view.setLayer(7);
    QVERIFY(view.isLayerSkipped(7));
    QVERIFY(!view.isLayerSkipped(kImageExit));
    QCOMPARE(view.layerLabel()->text(), QStringLiteral("layer 7 of 8 (exited at 5)"));
    QVERIFY2(view.overlayNote().contains(QStringLiteral("skipped")), qPrintable(view.overlayNote()));
    QVERIFY(view.toolTipAt(view.patchRect(1, 1).center()).contains(QStringLiteral("did not run")));

    view.layerSlider()->setValue(3);  // the slider drives the view
    QCOMPARE(view.layer(), 3);
    QVERIFY(view.overlayNote().isEmpty());
    QCOMPARE(view.layerLabel()->text(), QStringLiteral("layer 3 of 8 (exited at 5)"));

    // A what-if trace has data past the exit: shown, but noted.
    mue::RunTrace whatIf = captionTrace();
    for (int layer = kImageExit + 1; layer <= kLayers; ++layer)
        whatIf.image.token_similarity.push_back(whatIf.image.token_similarity.back());
    view.setTrace(whatIf);
    view.setLayer(kLayers);
    QVERIFY(view.isLayerSkipped(kLayers));
    QVERIFY(view.patchSimilarity(kLayers, 0, 0).has_value());
    QVERIFY(view.overlayNote().contains(QStringLiteral("What-if")));
    QVERIFY(!view.grab().isNull());
}

void TestPanels::heatmapColoursAndTooltip()
{
    PatchHeatmapView view;
    view.resize(400, 460);
    show(view);
    view.setTrace(captionTrace());
    // The scale covers the data in whole decades.
    QVERIFY(view.logLow() <= std::log10(1.0 - static_cast<double>(patchCosine(kImageExit, 0, 0))));
    QVERIFY(view.logHigh() >= std::log10(0.3));
    QVERIFY(view.colorForSimilarity(0.99999) != view.colorForSimilarity(0.7));
    // Settled patches are lighter (viridis runs dark to light).
    QVERIFY(view.colorForSimilarity(0.99999).lightnessF() > view.colorForSimilarity(0.7).lightnessF());
    // Clamped at the ends.
    QCOMPARE(view.colorForSimilarity(1.0), view.colorForSimilarity(1.5));
    QCOMPARE(view.colorForSimilarity(-1.0), view.colorForSimilarity(-3.0));

    view.setLayer(2);
    const QString tip = view.toolTipAt(view.patchRect(1, 2).center());
    QVERIFY2(tip.contains(QStringLiteral("row 2, column 3")), qPrintable(tip));
    QVERIFY(tip.contains(QString::number(static_cast<double>(patchCosine(2, 1, 2)), 'f', 5)));
    QVERIFY(view.toolTipAt(QPointF(-5, -5)).isEmpty());
}

void TestPanels::heatmapWithoutPatchData()
{
    PatchHeatmapView view;
    view.resize(400, 460);
    show(view);
    view.setImage(shapesImage());
    mue::RunTrace trace = captionTrace();
    for (auto& layer : trace.image.token_similarity)
        layer.resize(10);  // not a square grid
    view.setTrace(trace);
    QCOMPARE(view.gridSize(), 0);
    QVERIFY(!view.hasPatchData());
    QCOMPARE(view.layerCount(), kLayers);
    QVERIFY(!view.patchSimilarity(1, 0, 0));
    QCOMPARE(view.overlayNote(), QStringLiteral("No per-patch data"));
    QVERIFY(view.toolTipAt(view.imageRect().center()).isEmpty());
    QVERIFY(!view.grab().isNull());

    trace.image.token_similarity.clear();
    view.setTrace(trace);
    QCOMPARE(view.overlayNote(), QStringLiteral("No per-patch data"));
    view.setLayer(3);
    QVERIFY(!view.grab().isNull());

    // Ragged layers are no grid either.
    trace = captionTrace();
    trace.image.token_similarity[2].pop_back();
    view.setTrace(trace);
    QCOMPARE(view.gridSize(), 0);

    view.clear();
    QCOMPARE(view.layerCount(), 0);
    QCOMPARE(view.layer(), 0);
    view.setLayer(4);
    QCOMPARE(view.layer(), 0);
    QVERIFY(!view.grab().isNull());
}

void TestPanels::savingsWithMeasurement()
{
    SavingsPanel panel;
    mue::RunTrace trace = captionTrace();
    trace.settings.compare_full = true;
    mue::Savings savings = trace.savings;
    savings.measured_reduction = 0.25;
    savings.compute_ms = 12.0;
    savings.full_compute_ms = 16.0;
    panel.setSavings(savings, trace);
    using M = SavingsPanel::Measure;
    QCOMPARE(panel.valueText(M::ExpectedMean), QStringLiteral("31.3 %"));
    QCOMPARE(panel.valueText(M::ExpectedTokenWeighted), QStringLiteral("28.4 %"));
    QCOMPARE(panel.valueText(M::Flops), QStringLiteral("40.0 %"));
    QCOMPARE(panel.valueText(M::WallTime), QStringLiteral("25.0 %"));
    QCOMPARE(*panel.barValue(M::WallTime), 0.25);
    QCOMPARE(*panel.barValue(M::ExpectedMean), 0.3133);
    // Decoder exits 8 3 2 5 2 1 4 6 1: mean 32 / 9 = 3.6.
    QCOMPARE(panel.layersText(), QStringLiteral("image 5/8 \u00b7 text 7/8 \u00b7 decoder mean 3.6/8"));
    const QString summary = panel.summaryText();
    QVERIFY2(summary.contains(QStringLiteral("Measured wall time: 25.0 %, 12.0 ms vs 16.0 ms (full model)")),
             qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("FLOPs: 40.0 %, 1.23 GFLOP of 2.05 GFLOP")));
    QVERIFY(summary.contains(QStringLiteral("Expected (mean): 31.3 %")));
    QVERIFY(summary.contains(QStringLiteral("decoder mean 3.6/8")));
    for (int i = 0; i < SavingsPanel::kMeasureCount; ++i)
        QVERIFY(!panel.measureToolTip(static_cast<M>(i)).isEmpty());

    // A joint encoder is one stream.
    trace.joint_encoder = true;
    panel.setSavings(savings, trace);
    QVERIFY(panel.layersText().startsWith(QStringLiteral("joint encoder 5/8 \u00b7 decoder")));
}

void TestPanels::savingsWithoutMeasurement()
{
    SavingsPanel panel;
    using M = SavingsPanel::Measure;
    QCOMPARE(panel.valueText(M::ExpectedMean), QStringLiteral("\u2014"));
    QVERIFY(!panel.barValue(M::ExpectedMean));

    mue::RunTrace trace = captionTrace();
    trace.settings.compare_full = true;  // asked for, not reported yet
    panel.setSavings(trace.savings, trace);
    QCOMPARE(panel.valueText(M::WallTime), QStringLiteral("measuring\u2026"));
    QVERIFY(!panel.barValue(M::WallTime));
    QCOMPARE(panel.valueText(M::ExpectedMean), QStringLiteral("31.3 %"));

    trace.settings.compare_full = false;
    panel.setSavings(trace.savings, trace);
    QCOMPARE(panel.valueText(M::WallTime), QStringLiteral("\u2014"));
    QVERIFY(panel.summaryText().contains(QStringLiteral("Measured wall time: \u2014")));

    panel.clear();
    QCOMPARE(panel.valueText(M::Flops), QStringLiteral("\u2014"));
    QCOMPARE(panel.layersText(), QStringLiteral("\u2014"));
}

void TestPanels::render()
{
    ThresholdPanel thresholds;
    thresholds.setSettings(ExitSettings::preset("released-caption"));
    thresholds.setThreshold(Stream::Image, 0.995);
    thresholds.advancedButton()->click();
    saveAll(QStringLiteral("thresholds"), thresholds, 420, thresholds.sizeHint().height());

    TokenOutputView tokens;
    mue::RunTrace caption = captionTrace();
    tokens.setResult(caption, QStringLiteral("a red circle left of a blue square"), {});
    tokens.setSelectedToken(1);
    saveAll(QStringLiteral("tokens"), tokens, 420);

    TokenOutputView answers;
    answers.setResult(entailmentTrace(), QStringLiteral("yes"), kAnswers);
    saveAll(QStringLiteral("answers"), answers, 420);

    PatchHeatmapView heatmap;
    heatmap.setImage(shapesImage());
    heatmap.setTrace(caption);
    heatmap.setLayer(2);
    saveAll(QStringLiteral("heatmap"), heatmap, 380, 440);
    heatmap.setLayer(7);
    saveAll(QStringLiteral("heatmap-skipped"), heatmap, 380, 440);

    SavingsPanel savings;
    mue::Savings measured = caption.savings;
    measured.measured_reduction = 0.25;
    measured.full_compute_ms = 16.0;
    savings.setSavings(measured, caption);
    saveAll(QStringLiteral("savings"), savings, 420, savings.sizeHint().height());

    QVERIFY(!thresholds.grab().isNull());
}

QTEST_MAIN(TestPanels)
#include "tst_panels.moc"
