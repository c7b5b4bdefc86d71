#include "mue_widgets/token_output_view.hpp"

#include <QEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace mue::widgets {

namespace {

constexpr int kMargin = 10;
constexpr int kChipPadX = 8;
constexpr int kChipPadY = 4;
constexpr int kChipGap = 6;
constexpr double kChipRadius = 6.0;
constexpr int kSectionGap = 12;
constexpr int kAnswerRowHeight = 22;
constexpr int kAnswerRowGap = 4;
constexpr int kPercentWidth = 58;
constexpr int kLegendHeight = 18;
constexpr int kSwatchWidth = 22;
constexpr int kMaxSwatches = 24;   // beyond this the legend is a continuous ramp
constexpr int kRampWidth = 180;
constexpr double kTitleScale = 1.2;
constexpr double kLightest = 0.85;  // how far layer 1's colour is mixed towards white
constexpr int kLensTop = 3;
constexpr int kDefaultWidth = 480;

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Black or white, whichever reads better on `fill`.
QColor textOn(const QColor& fill)
{
    const double luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF();
    return luminance > 0.45 ? QColor(Qt::black) : QColor(Qt::white);
}

QFont titleFont(const QFont& base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * kTitleScale);
    return f;
}

QString percent(double p) { return QStringLiteral("%1 %").arg(p * 100.0, 0, 'f', 1); }

}  // namespace

TokenOutputView::TokenOutputView(QWidget* parent) : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setMouseTracking(true);
    setToolTip(tr("The generated tokens, coloured by the decoder layer each one exited at; hover a token for "
                  "details, click it to plot its similarity."));
}

QString TokenOutputView::displayText(const std::string& token)
{
    return tokenDisplayText(token);
}

QColor TokenOutputView::exitLayerColor(int layer, int layers)
{
    const QColor decoder = Palette{}.decoder;
    const QColor light = mix(decoder, QColor(Qt::white), kLightest);
    if (layers <= 1)
        return decoder;
    const double t = std::clamp(static_cast<double>(layer - 1) / (layers - 1), 0.0, 1.0);
    return mix(light, decoder, t);
}

void TokenOutputView::setResult(const mue::RunTrace& trace, const QString& prediction,
                                const std::vector<std::pair<QString, float>>& answerProbabilities)
{
    tokens_ = trace.decoder_tokens;
    policy_ = trace.settings.policy;
    layers_ = trace.decoder_layers;
    for (const auto& token : tokens_)
        layers_ = std::max(layers_, token.exit_layer);
    prediction_ = prediction.trimmed();
    answers_ = answerProbabilities;
    predicted_ = -1;
    for (std::size_t i = 0; i < answers_.size(); ++i) {
        if (answers_[i].first.trimmed() == prediction_) {
            predicted_ = static_cast<int>(i);
            break;
        }
    }
    if (predicted_ < 0 && !answers_.empty()) {
        const auto best = std::max_element(answers_.begin(), answers_.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
        predicted_ = static_cast<int>(best - answers_.begin());
    }
    if (selected_ >= tokenCount())
        selected_ = -1;
    relayout();
}

void TokenOutputView::clear() { setResult(mue::RunTrace{}, QString(), {}); }

void TokenOutputView::setSelectedToken(int index)
{
    selected_ = index >= 0 && index < tokenCount() ? index : -1;
    update();
}

TokenOutputView::Geometry TokenOutputView::layoutFor(int width) const
{
    Geometry g;
    const int right = std::max(width - kMargin, kMargin + 40);
    int y = kMargin;
    if (!prediction_.isEmpty() || !answers_.empty()) {
        const QFontMetrics title(titleFont(font()));
        g.title = QRect(kMargin, y, right - kMargin, title.height() + 2);
        y = g.title.bottom() + 1 + kSectionGap / 2;
    }
    const QFontMetrics metrics = fontMetrics();
    const int chipHeight = metrics.height() + 2 * kChipPadY;
    int x = kMargin;
    int rowTop = y;
    for (const auto& token : tokens_) {
        const int w = std::min(metrics.horizontalAdvance(displayText(token.text)) + 2 * kChipPadX, right - kMargin);
        if (x > kMargin && x + w > right) {
            x = kMargin;
            rowTop += chipHeight + kChipGap;
        }
        g.chips.emplace_back(x, rowTop, w, chipHeight);
        x += w + kChipGap;
    }
    if (!tokens_.empty())
        y = rowTop + chipHeight + kSectionGap;
    for (std::size_t i = 0; i < answers_.size(); ++i) {
        g.answerRows.emplace_back(kMargin, y, right - kMargin, kAnswerRowHeight);
        y += kAnswerRowHeight + kAnswerRowGap;
    }
    if (!answers_.empty())
        y += kSectionGap - kAnswerRowGap;
    if (layers_ > 0 && !tokens_.empty()) {
        g.legend = QRect(kMargin, y, right - kMargin, kLegendHeight);
        y = g.legend.bottom() + 1;
    }
    if (tokens_.empty() && answers_.empty() && prediction_.isEmpty())
        y += metrics.height() * 2;  // room for "no output yet"
    g.height = y + kMargin;
    return g;
}

void TokenOutputView::relayout()
{
    geometry_ = layoutFor(width());
    updateGeometry();
    update();
}

int TokenOutputView::heightForWidth(int width) const { return layoutFor(width).height; }

QSize TokenOutputView::sizeHint() const { return {kDefaultWidth, heightForWidth(kDefaultWidth)}; }

QSize TokenOutputView::minimumSizeHint() const
{
    constexpr int kMinWidth = 200;
    return {kMinWidth, heightForWidth(kMinWidth)};
}

void TokenOutputView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    geometry_ = layoutFor(width());
    if (geometry_.height != height())
        updateGeometry();
}

void TokenOutputView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        relayout();
}

QRect TokenOutputView::chipRect(int index) const
{
    if (index < 0 || index >= static_cast<int>(geometry_.chips.size()))
        return {};
    return geometry_.chips[static_cast<std::size_t>(index)];
}

QColor TokenOutputView::chipColor(int index) const
{
    if (index < 0 || index >= tokenCount())
        return {};
    return exitLayerColor(tokens_[static_cast<std::size_t>(index)].exit_layer, layers_);
}

int TokenOutputView::tokenAt(const QPoint& pos) const
{
    for (std::size_t i = 0; i < geometry_.chips.size(); ++i) {
        if (geometry_.chips[i].contains(pos))
            return static_cast<int>(i);
    }
    return -1;
}

QRect TokenOutputView::barArea(const QRect& row) const
{
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    int label = 0;
    for (const auto& answer : answers_)
        label = std::max(label, metrics.horizontalAdvance(answer.first.trimmed()));
    label += 12;
    return QRect(row.left() + label, row.top() + 3, std::max(row.width() - label - kPercentWidth, 20),
                 row.height() - 6);
}

QRect TokenOutputView::answerBarRect(int index) const
{
    if (index < 0 || index >= static_cast<int>(geometry_.answerRows.size()))
        return {};
    const QRect area = barArea(geometry_.answerRows[static_cast<std::size_t>(index)]);
    const double p = std::clamp(static_cast<double>(answers_[static_cast<std::size_t>(index)].second), 0.0, 1.0);
    return QRect(area.left(), area.top(), static_cast<int>(std::lround(area.width() * p)), area.height());
}

QString TokenOutputView::thresholdText(const mue::DecoderTokenTrace& token) const
{
    const double t = token.threshold;
    switch (policy_) {
    case ExitPolicy::Mue:
    case ExitPolicy::Joint:
        if (t >= 1.0)
            return tr("threshold \u0398(t) = 1: no exit at this step (warm-up, or decoder exits off)");
        return tr("threshold \u0398(t) = %1 (exit when cos(h<sub>i</sub>, h<sub>i-1</sub>) &gt; \u0398)")
            .arg(QString::number(t, 'f', 4));
    case ExitPolicy::Static:
        return tr("fixed depth: %1 layers").arg(static_cast<int>(std::lround(t)));
    case ExitPolicy::DeeBert:
        return tr("exit when the head's entropy &lt; %1 nats").arg(QString::number(t, 'f', 3));
    case ExitPolicy::Pabee:
        return tr("exit when the prediction is unchanged for %1 layers").arg(static_cast<int>(std::lround(t)));
    case ExitPolicy::Confidence:
        return tr("exit when the head's top probability &gt; %1").arg(QString::number(t, 'f', 3));
    case ExitPolicy::Full:
        break;
    }
    return tr("no exits (full model)");
}

QString TokenOutputView::toolTipForToken(int index) const
{
    if (index < 0 || index >= tokenCount())
        return {};
    const DecoderTokenTrace& token = tokens_[static_cast<std::size_t>(index)];
    const bool scoring = !answers_.empty();
    QString html = QStringLiteral("<p style=\"white-space:pre\"><b>%1</b> &nbsp;%2<br>")
                       .arg(displayText(token.text).toHtmlEscaped(),
                            scoring ? tr("(the scoring pass)") : tr("step %1").arg(token.step));
    html += tr("exit layer %1 of %2").arg(token.exit_layer).arg(layers_);
    html += token.exited ? tr(" (exited)") : tr(" (ran every layer)");
    html += QStringLiteral("<br>") + thresholdText(token) + QStringLiteral("</p>");
    if (!token.lens.empty()) {
        html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\"><tr><th align=\"left\">%1</th>"
                               "<th align=\"left\" colspan=\"%2\">%3</th></tr>")
                    .arg(tr("layer"))
                    .arg(kLensTop)
                    .arg(tr("the head's top predictions"));
        for (std::size_t layer = 0; layer < token.lens.size(); ++layer) {
            const bool exitRow = static_cast<int>(layer) + 1 == token.exit_layer;
            html += QStringLiteral("<tr><td>%1%2</td>")
                        .arg(static_cast<int>(layer) + 1)
                        .arg(exitRow ? QStringLiteral(" \u2190") : QString());
            const auto& entries = token.lens[layer];
            for (std::size_t k = 0; k < static_cast<std::size_t>(kLensTop); ++k) {
                if (k >= entries.size()) {
                    html += QStringLiteral("<td></td>");
                    continue;
                }
                const QString cell = QStringLiteral("%1 <small>%2</small>")
                                         .arg(displayText(entries[k].text).toHtmlEscaped(),
                                              percent(static_cast<double>(entries[k].probability)));
                html += QStringLiteral("<td>%1</td>").arg(exitRow ? QStringLiteral("<b>%1</b>").arg(cell) : cell);
            }
            html += QStringLiteral("</tr>");
        }
        html += QStringLiteral("</table>");
    }
    return html;
}

bool TokenOutputView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int index = tokenAt(help->pos());
        if (index >= 0) {
            QToolTip::showText(help->globalPos(), toolTipForToken(index), this, chipRect(index));
            return true;
        }
        for (std::size_t i = 0; i < geometry_.answerRows.size(); ++i) {
            if (geometry_.answerRows[i].contains(help->pos())) {
                QToolTip::showText(help->globalPos(),
                                   tr("Softmax over the candidate answers at the last prompt position: %1")
                                       .arg(percent(static_cast<double>(answers_[i].second))),
                                   this);
                return true;
            }
        }
    }
    return QWidget::event(event);
}

void TokenOutputView::mousePressEvent(QMouseEvent* event)
{
    const int index = tokenAt(event->position().toPoint());
    if (event->button() == Qt::LeftButton && index >= 0) {
        setSelectedToken(index);
        Q_EMIT tokenClicked(index);
        return;
    }
    QWidget::mousePressEvent(event);
}

void TokenOutputView::mouseMoveEvent(QMouseEvent* event)
{
    if (tokenAt(event->position().toPoint()) >= 0)
        setCursor(Qt::PointingHandCursor);
    else
        unsetCursor();
    QWidget::mouseMoveEvent(event);
}

void TokenOutputView::paintLegend(QPainter& painter) const
{
    const QRect area = geometry_.legend;
    const QColor foreground = palette().color(QPalette::WindowText);
    const QFontMetrics metrics = fontMetrics();
    painter.setPen(foreground);
    const QString label = tr("exit layer");
    const int labelWidth = metrics.horizontalAdvance(label) + 8;
    painter.drawText(QRect(area.left(), area.top(), labelWidth, area.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     label);
    int x = area.left() + labelWidth;
    if (layers_ <= kMaxSwatches) {
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        painter.setFont(small);
        for (int layer = 1; layer <= layers_; ++layer) {
            const QRect swatch(x, area.top(), kSwatchWidth - 2, area.height());
            const QColor fill = exitLayerColor(layer, layers_);
            painter.setPen(Qt::NoPen);
            painter.setBrush(fill);
            painter.drawRoundedRect(QRectF(swatch).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
            painter.setPen(textOn(fill));
            painter.drawText(swatch, Qt::AlignCenter, QString::number(layer));
            x += kSwatchWidth;
        }
        painter.setFont(font());
        painter.setPen(foreground);
        const QString note = tr("(light = exited early, dark = ran every layer)");
        if (x + 8 + metrics.horizontalAdvance(note) <= area.right())
            painter.drawText(QRect(x + 8, area.top(), area.right() - x - 8, area.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, note);
        return;
    }
    const QString first = QStringLiteral("1");
    const QString last = QString::number(layers_);
    painter.drawText(QRect(x, area.top(), metrics.horizontalAdvance(first) + 4, area.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, first);
    x += metrics.horizontalAdvance(first) + 6;
    QLinearGradient ramp(x, 0, x + kRampWidth, 0);
    ramp.setColorAt(0, exitLayerColor(1, layers_));
    ramp.setColorAt(1, exitLayerColor(layers_, layers_));
    painter.setPen(Qt::NoPen);
    painter.setBrush(ramp);
    painter.drawRoundedRect(QRectF(x, area.top() + 2, kRampWidth, area.height() - 4), 3, 3);
    painter.setPen(foreground);
    painter.drawText(QRect(x + kRampWidth + 6, area.top(), metrics.horizontalAdvance(last) + 4, area.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, last);
}

void TokenOutputView::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor foreground = palette().color(QPalette::WindowText);
    if (tokens_.empty() && answers_.empty() && prediction_.isEmpty()) {
        QColor muted = foreground;
        muted.setAlphaF(0.6F);
        painter.setPen(muted);
        painter.drawText(rect(), Qt::AlignCenter, tr("No output yet"));
        return;
    }

    // The prediction, or the chosen answer.
    if (!geometry_.title.isNull()) {
        QFont title = titleFont(font());
        painter.setPen(foreground);
        if (!answers_.empty()) {
            const QString lead = tr("Answer: ");
            painter.setFont(title);
            const int leadWidth = QFontMetrics(title).horizontalAdvance(lead);
            painter.drawText(geometry_.title, Qt::AlignLeft | Qt::AlignVCenter, lead);
            title.setBold(true);
            painter.setFont(title);
            painter.drawText(geometry_.title.adjusted(leadWidth, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                             prediction_);
        } else {
            painter.setFont(title);
            painter.drawText(geometry_.title, Qt::AlignLeft | Qt::AlignVCenter,
                             QFontMetrics(title).elidedText(prediction_, Qt::ElideRight, geometry_.title.width()));
        }
        painter.setFont(font());
    }

    // The chips.
    for (std::size_t i = 0; i < geometry_.chips.size(); ++i) {
        const QRectF chip = QRectF(geometry_.chips[i]).adjusted(0.5, 0.5, -0.5, -0.5);
        const QColor fill = chipColor(static_cast<int>(i));
        const bool selected = static_cast<int>(i) == selected_;
        painter.setBrush(fill);
        painter.setPen(selected ? QPen(foreground, 2.0) : QPen(fill.darker(125), 1.0));
        painter.drawRoundedRect(chip, kChipRadius, kChipRadius);
        painter.setPen(textOn(fill));
        const QString text = displayText(tokens_[i].text);
        painter.drawText(chip, Qt::AlignCenter,
                         fontMetrics().elidedText(text, Qt::ElideRight, static_cast<int>(chip.width()) - 2 * kChipPadX + 2));
    }
    if (!answers_.empty() && geometry_.chips.size() == 1) {
        // Entailment makes one decision: say which, beside its chip.
        const DecoderTokenTrace& token = tokens_.front();
        QColor muted = foreground;
        muted.setAlphaF(0.75F);
        painter.setPen(muted);
        const QRect chip = geometry_.chips.front();
        const QString note = tr("one scoring pass: exit layer %1 of %2").arg(token.exit_layer).arg(layers_);
        painter.drawText(QRect(chip.right() + 10, chip.top(), std::max(0, width() - chip.right() - 10 - kMargin),
                               chip.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         fontMetrics().elidedText(note, Qt::ElideRight, width() - chip.right() - 10 - kMargin));
    }

    // The answers' probabilities.
    for (std::size_t i = 0; i < geometry_.answerRows.size(); ++i) {
        const QRect row = geometry_.answerRows[i];
        const bool predicted = static_cast<int>(i) == predicted_;
        QFont f = font();
        f.setBold(predicted);
        painter.setFont(f);
        painter.setPen(foreground);
        painter.drawText(QRect(row.left(), row.top(), barArea(row).left() - row.left(), row.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, answers_[i].first.trimmed());
        const QRect track = barArea(row);
        QColor trackColor = foreground;
        trackColor.setAlphaF(0.08F);
        painter.setPen(Qt::NoPen);
        painter.setBrush(trackColor);
        painter.drawRoundedRect(QRectF(track), 3, 3);
        const QRect bar = answerBarRect(static_cast<int>(i));
        if (bar.width() > 0) {
            QColor fill = palette_.decoder;
            if (!predicted)
                fill = mix(fill, palette().color(QPalette::Base), 0.5);
            painter.setBrush(fill);
            painter.drawRoundedRect(QRectF(bar), 3, 3);
        }
        painter.setPen(foreground);
        painter.setFont(f);
        painter.drawText(QRect(track.right() + 8, row.top(), kPercentWidth - 8, row.height()),
                         Qt::AlignRight | Qt::AlignVCenter, percent(static_cast<double>(answers_[i].second)));
    }
    painter.setFont(font());

    if (!geometry_.legend.isNull())
        paintLegend(painter);
}

}  // namespace mue::widgets
