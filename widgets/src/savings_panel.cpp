#include "mue_widgets/savings_panel.hpp"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mue::widgets {

namespace {

constexpr int kBarHeight = 12;
constexpr int kValueWidthChars = 8;  // "-100.0 %"
constexpr float kDetailAlpha = 0.7F;

QString percentText(double fraction) { return QStringLiteral("%1 %").arg(fraction * 100.0, 0, 'f', 1); }

QString flopText(double flops)
{
    static const char* const units[] = {"", "k", "M", "G", "T", "P"};
    int unit = 0;
    double value = flops;
    while (std::abs(value) >= 1000.0 && unit < 5) {
        value /= 1000.0;
        ++unit;
    }
    return QStringLiteral("%1 %2FLOP").arg(value, 0, 'f', value < 10 ? 2 : 1).arg(QLatin1String(units[unit]));
}

QString msText(double ms) { return QStringLiteral("%1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : 1); }

}  // namespace

// A reduction in [0, 1] as a filled track; nothing filled without a value.
class ReductionBar : public QWidget {
public:
    explicit ReductionBar(QWidget* parent = nullptr) : QWidget(parent)
    {
        setMinimumWidth(60);
        setFixedHeight(kBarHeight + 4);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    }

    void setValue(std::optional<double> value)
    {
        value_ = value;
        update();
    }
    [[nodiscard]] std::optional<double> value() const { return value_; }

protected:
    void paintEvent(QPaintEvent* /*event*/) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        const QRectF track(0.5, (height() - kBarHeight) / 2.0 + 0.5, width() - 1.0, kBarHeight - 1.0);
        QColor trackColor = palette().color(QPalette::WindowText);
        trackColor.setAlphaF(0.1F);
        painter.setPen(Qt::NoPen);
        painter.setBrush(trackColor);
        painter.drawRoundedRect(track, 3, 3);
        if (value_ && *value_ > 0) {
            const double fraction = std::clamp(*value_, 0.0, 1.0);
            QRectF fill = track;
            fill.setWidth(std::max(track.width() * fraction, 2.0));
            painter.setBrush(palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, QPalette::Highlight));
            painter.drawRoundedRect(fill, 3, 3);
        }
    }

private:
    std::optional<double> value_;
};

SavingsPanel::SavingsPanel(QWidget* parent) : QWidget(parent)
{
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(2);
    grid->setColumnStretch(2, 1);

    auto* heading = new QLabel(tr("<b>Reduction vs. the full model</b>"));
    heading->setToolTip(tr("How much of the full model's work this run skipped, by four definitions."));
    grid->addWidget(heading, 0, 0, 1, 3);

    int gridRow = 1;
    const int valueWidth = fontMetrics().horizontalAdvance(QLatin1Char('0')) * kValueWidthChars;
    for (int i = 0; i < kMeasureCount; ++i) {
        const auto measure = static_cast<Measure>(i);
        Row& row = rows_[static_cast<std::size_t>(i)];
        row.name = new QLabel(measureName(measure));
        row.value = new QLabel;
        row.value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        row.value->setMinimumWidth(valueWidth);
        QFont bold = row.value->font();
        bold.setBold(true);
        row.value->setFont(bold);
        row.bar = new ReductionBar;
        row.detail = new QLabel;
        QFont small = row.detail->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        row.detail->setFont(small);
        const QString tip = measureToolTip(measure);
        for (QWidget* w : {static_cast<QWidget*>(row.name), static_cast<QWidget*>(row.value),
                           static_cast<QWidget*>(row.bar), static_cast<QWidget*>(row.detail)})
            w->setToolTip(tip);
        grid->addWidget(row.name, gridRow, 0);
        grid->addWidget(row.value, gridRow, 1);
        grid->addWidget(row.bar, gridRow, 2);
        grid->addWidget(row.detail, gridRow + 1, 1, 1, 2);
        gridRow += 2;
    }
    layers_ = new QLabel;
    layers_->setToolTip(tr("Layers each stream ran out of its total; for the decoder, the mean over the generated "
                           "tokens."));
    layers_->setWordWrap(true);
    layers_->setContentsMargins(0, 6, 0, 0);
    grid->addWidget(layers_, gridRow, 0, 1, 3);
    grid->setRowStretch(gridRow + 1, 1);
    applyMutedPalette();
    clear();
}

void SavingsPanel::applyMutedPalette()
{
    // The detail lines are the window text at lower contrast, in whichever theme is active.
    for (Row& row : rows_) {
        QPalette muted = palette();
        QColor text = muted.color(QPalette::WindowText);
        text.setAlphaF(kDetailAlpha);
        muted.setColor(QPalette::WindowText, text);
        row.detail->setPalette(muted);
    }
}

void SavingsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyMutedPalette();
}

QString SavingsPanel::measureName(Measure measure) const
{
    switch (measure) {
    case Measure::ExpectedMean:
        return tr("Expected (mean)");
    case Measure::ExpectedTokenWeighted:
        return tr("Expected (token-weighted)");
    case Measure::Flops:
        return tr("FLOPs");
    case Measure::WallTime:
        return tr("Measured wall time");
    }
    return {};
}

QString SavingsPanel::measureToolTip(Measure measure) const
{
    switch (measure) {
    case Measure::ExpectedMean:
        return tr("The paper's count in layers: 1 - ((p + q)/2 + mean decoder layers) / (encoder + decoder layers), "
                  "the image and text streams counted equally.");
    case Measure::ExpectedTokenWeighted:
        return tr("As the mean definition, but the image and text streams' layers are weighted by their token "
                  "counts.");
    case Measure::Flops:
        return tr("1 - FLOPs used / the full model's FLOPs, from analytic counts of the stem, every layer run and "
                  "the output head.");
    case Measure::WallTime:
        return tr("1 - compute time / the full model's compute time on the same input, preprocessing left out; "
                  "needs a comparison run with the full model.");
    }
    return {};
}

void SavingsPanel::setRow(Measure measure, std::optional<double> reduction, const QString& placeholder,
                          const QString& detail)
{
    Row& row = rows_[static_cast<std::size_t>(static_cast<int>(measure))];
    row.value->setText(reduction ? percentText(*reduction) : placeholder);
    row.bar->setValue(reduction);
    row.bar->setEnabled(reduction.has_value());
    row.detail->setText(detail);
    row.detail->setVisible(!detail.isEmpty());
}

void SavingsPanel::clear()
{
    const QString none = QStringLiteral("\u2014");
    for (int i = 0; i < kMeasureCount; ++i)
        setRow(static_cast<Measure>(i), std::nullopt, none, QString());
    layers_->setText(tr("Layers run: %1").arg(none));
}

void SavingsPanel::setSavings(const mue::Savings& savings, const mue::RunTrace& trace)
{
    setRow(Measure::ExpectedMean, savings.expected_reduction_mean, {}, {});
    setRow(Measure::ExpectedTokenWeighted, savings.expected_reduction_token_weighted, {}, {});
    setRow(Measure::Flops, savings.full_flops > 0 ? std::optional<double>(savings.flop_reduction) : std::nullopt,
           QStringLiteral("\u2014"),
           savings.full_flops > 0 ? tr("%1 of %2").arg(flopText(savings.flops), flopText(savings.full_flops))
                                  : QString());
    if (savings.measured_reduction) {
        const QString detail = savings.full_compute_ms
                                   ? tr("%1 vs %2 (full model)")
                                         .arg(msText(savings.compute_ms), msText(*savings.full_compute_ms))
                                   : tr("%1 compute").arg(msText(savings.compute_ms));
        setRow(Measure::WallTime, savings.measured_reduction, {}, detail);
    } else if (trace.settings.compare_full) {
        setRow(Measure::WallTime, std::nullopt, tr("measuring\u2026"), tr("running the full model for comparison"));
    } else {
        setRow(Measure::WallTime, std::nullopt, QStringLiteral("\u2014"), tr("turn on the comparison run to measure"));
    }

    QStringList parts;
    auto stream = [](const QString& name, const mue::StreamTrace& s) {
        return QStringLiteral("%1 %2/%3").arg(name).arg(s.exit_layer).arg(s.layers);
    };
    if (trace.joint_encoder) {
        if (trace.image.layers > 0)
            parts << stream(tr("joint encoder"), trace.image);
    } else {
        if (trace.image.layers > 0)
            parts << stream(tr("image"), trace.image);
        if (trace.text.layers > 0)
            parts << stream(tr("text"), trace.text);
    }
    if (!trace.decoder_tokens.empty() && trace.decoder_layers > 0) {
        double sum = 0;
        for (const auto& token : trace.decoder_tokens)
            sum += token.exit_layer;
        const double mean = sum / static_cast<double>(trace.decoder_tokens.size());
        parts << tr("decoder mean %1/%2").arg(QString::number(mean, 'f', 1)).arg(trace.decoder_layers);
    }
    layers_->setText(tr("Layers run: %1")
                         .arg(parts.isEmpty() ? QStringLiteral("\u2014") : parts.join(QStringLiteral(" \u00b7 "))));
}

QString SavingsPanel::layersText() const
{
    const QString prefix = tr("Layers run: %1").arg(QString());
    QString text = layers_->text();
    if (text.startsWith(prefix))
        text.remove(0, prefix.size());
    return text;
}

QString SavingsPanel::valueText(Measure measure) const
{
    return rows_[static_cast<std::size_t>(static_cast<int>(measure))].value->text();
}

std::optional<double> SavingsPanel::barValue(Measure measure) const
{
    return rows_[static_cast<std::size_t>(static_cast<int>(measure))].bar->value();
}

QString SavingsPanel::summaryText() const
{
    QStringList lines;
    for (int i = 0; i < kMeasureCount; ++i) {
        const auto measure = static_cast<Measure>(i);
        const Row& row = rows_[static_cast<std::size_t>(i)];
        QString line = tr("%1: %2").arg(measureName(measure), row.value->text());
        if (!row.detail->text().isEmpty())
            line += QStringLiteral(", %1").arg(row.detail->text());
        lines << line;
    }
    lines << layers_->text();
    return lines.join(QLatin1Char('\n'));
}

}  // namespace mue::widgets
