#include "mue_widgets/exit_diagram.hpp"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace mue::widgets {

namespace {

constexpr int kMargin = 12;
constexpr int kLabelWidth = 150;      // lane names and token text, elided to fit
constexpr int kSummaryWidth = 64;     // "5 / 8" after each lane
constexpr int kRowHeight = 20;
constexpr int kRowGap = 4;
constexpr int kSectionGap = 10;
constexpr int kSectionTitleHeight = 20;
constexpr int kHeaderHeight = 16;     // the layer numbers above the boxes
constexpr int kLegendHeight = 20;
constexpr int kLegendSwatch = 12;
constexpr int kLegendSpacing = 18;
constexpr double kMinBoxWidth = 10.0;
constexpr double kPreferredBoxWidth = 30.0;
constexpr double kMaxBoxWidth = 56.0;
constexpr double kBoxGap = 3.0;
constexpr double kExitPenWidth = 2.5;
constexpr double kNeutralAlpha = 0.55;  // legend swatches: any stream

QString stateText(CellState state)
{
    switch (state) {
    case CellState::Run:
        return ExitDiagram::tr("ran");
    case CellState::Exit:
        return ExitDiagram::tr("ran; exited after this layer");
    case CellState::Skipped:
        return ExitDiagram::tr("skipped");
    case CellState::WouldSkip:
        return ExitDiagram::tr("ran for the what-if trace; a real run skips it");
    }
    return {};
}

}  // namespace

ExitDiagram::ExitDiagram(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
}

void ExitDiagram::setTrace(const mue::RunTrace& trace)
{
    lanes_ = exitLanes(trace);
    joint_ = trace.joint_encoder;
    encoderLanes_ = static_cast<int>(std::count_if(lanes_.begin(), lanes_.end(),
                                                   [](const Lane& lane) { return lane.stream != Stream::Decoder; }));
    updateGeometry();
    update();
}

int ExitDiagram::columns() const
{
    std::size_t most = 0;
    for (const Lane& lane : lanes_)
        most = std::max(most, lane.cells.size());
    return static_cast<int>(most);
}

double ExitDiagram::boxWidth() const
{
    const int n = std::max(columns(), 1);
    const double available = width() - 2 * kMargin - kLabelWidth - kSummaryWidth;
    return std::clamp(available / n, kMinBoxWidth, kMaxBoxWidth);
}

int ExitDiagram::laneTop(int lane) const
{
    constexpr int kPitch = kRowHeight + kRowGap;
    int top = kMargin + kLegendHeight + kSectionGap + kHeaderHeight;
    if (encoderLanes_ > 0) {
        top += kSectionTitleHeight;
        if (lane < encoderLanes_)
            return top + lane * kPitch;
        top += encoderLanes_ * kPitch + kSectionGap;
    }
    return top + kSectionTitleHeight + (lane - encoderLanes_) * kPitch;
}

int ExitDiagram::contentHeight() const
{
    if (lanes_.empty())
        return 2 * kMargin + kLegendHeight + kSectionGap + kHeaderHeight + kRowHeight;
    return laneTop(static_cast<int>(lanes_.size()) - 1) + kRowHeight + kMargin;
}

QSize ExitDiagram::sizeHint() const
{
    const int boxes = static_cast<int>(std::lround(std::max(columns(), 1) * kPreferredBoxWidth));
    return {2 * kMargin + kLabelWidth + kSummaryWidth + boxes, contentHeight()};
}

QSize ExitDiagram::minimumSizeHint() const
{
    const int boxes = static_cast<int>(std::lround(std::max(columns(), 1) * kMinBoxWidth));
    return {2 * kMargin + kLabelWidth + kSummaryWidth + boxes, contentHeight()};
}

QRect ExitDiagram::cellRect(int lane, int cell) const
{
    const double box = boxWidth();
    const double left = kMargin + kLabelWidth + cell * box;
    return QRectF(left, laneTop(lane), box - kBoxGap, kRowHeight).toAlignedRect();
}

std::optional<ExitDiagram::CellRef> ExitDiagram::cellAt(const QPoint& pos) const
{
    for (int lane = 0; lane < static_cast<int>(lanes_.size()); ++lane) {
        const int top = laneTop(lane);
        if (pos.y() < top || pos.y() >= top + kRowHeight)
            continue;
        const int cells = static_cast<int>(lanes_[static_cast<std::size_t>(lane)].cells.size());
        for (int cell = 0; cell < cells; ++cell) {
            if (cellRect(lane, cell).contains(pos))
                return CellRef{lane, cell};
        }
    }
    return std::nullopt;
}

QString ExitDiagram::toolTipAt(const QPoint& pos) const
{
    const std::optional<CellRef> ref = cellAt(pos);
    if (!ref)
        return {};
    const Lane& lane = lanes_[static_cast<std::size_t>(ref->lane)];
    const LaneCell& cell = lane.cells[static_cast<std::size_t>(ref->cell)];
    const QString who = lane.stream == Stream::Decoder ? tr("decoder, token %1").arg(lane.label) : lane.label;
    QStringList lines{tr("%1, layer %2: %3").arg(who).arg(cell.layer).arg(stateText(cell.state))};
    if (cell.similarity)
        lines << tr("cos(h_i, h_i-1) = %1   (1 - cos = %2)")
                     .arg(QString::number(*cell.similarity, 'f', 5))
                     .arg(QString::number(1.0 - *cell.similarity, 'g', 3));
    lines << tr("threshold %1").arg(QString::number(cell.threshold, 'f', 4));
    return lines.join(QLatin1Char('\n'));
}

bool ExitDiagram::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this);
        }
        return true;
    }
    return QWidget::event(event);
}

void ExitDiagram::paintCell(QPainter& painter, const QColor& color, CellState state, const QRect& box) const
{
    const QRectF inner = QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5);
    switch (state) {
    case CellState::Run:
        painter.setPen(QPen(color.darker(130), 1.0));
        painter.setBrush(color);
        break;
    case CellState::Exit:
        painter.setPen(QPen(palette().color(QPalette::WindowText), kExitPenWidth));
        painter.setBrush(color);
        break;
    case CellState::Skipped:
        painter.setPen(QPen(color, 1.0));
        painter.setBrush(Qt::NoBrush);
        break;
    case CellState::WouldSkip:
        painter.setPen(QPen(color, 1.0, Qt::DashLine));
        painter.setBrush(QBrush(color, Qt::BDiagPattern));
        break;
    }
    painter.drawRect(inner);
}

void ExitDiagram::paintLegend(QPainter& painter) const
{
    QColor neutral = palette().color(QPalette::WindowText);
    neutral.setAlphaF(kNeutralAlpha);
    const struct {
        CellState state;
        QString text;
    } entries[] = {
        {CellState::Run, tr("ran")},
        {CellState::Exit, tr("exit layer")},
        {CellState::Skipped, tr("skipped")},
        {CellState::WouldSkip, tr("ran past the exit (what-if)")},
    };
    int x = kMargin;
    const int y = kMargin + (kLegendHeight - kLegendSwatch) / 2;
    const QFontMetrics metrics = fontMetrics();
    for (const auto& entry : entries) {
        paintCell(painter, neutral, entry.state, QRect(x, y, kLegendSwatch, kLegendSwatch));
        painter.setPen(palette().color(QPalette::WindowText));
        const QRect textRect(x + kLegendSwatch + 6, kMargin, metrics.horizontalAdvance(entry.text) + 2, kLegendHeight);
        painter.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, entry.text);
        x = textRect.right() + kLegendSpacing;
    }
}

void ExitDiagram::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().brush(QPalette::Base));
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor foreground = palette().color(QPalette::WindowText);
    const QFontMetrics metrics = fontMetrics();

    paintLegend(painter);

    if (lanes_.empty()) {
        painter.setPen(foreground);
        painter.drawText(rect(), Qt::AlignCenter, tr("No run to show yet"));
        return;
    }

    // Layer numbers; only every few when the boxes are too narrow for each.
    const double box = boxWidth();
    const int n = columns();
    const int widest = metrics.horizontalAdvance(QString::number(n));
    const int step = box >= widest + kBoxGap ? 1 : (box * 5 >= widest ? 5 : 10);
    const int headerTop = kMargin + kLegendHeight + kSectionGap;
    QColor muted = foreground;
    muted.setAlphaF(kNeutralAlpha + 0.15);
    painter.setPen(muted);
    painter.drawText(QRect(kMargin, headerTop, kLabelWidth - 8, kHeaderHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("layer"));
    for (int layer = 1; layer <= n; ++layer) {
        if (layer != 1 && layer % step != 0)
            continue;
        const double left = kMargin + kLabelWidth + (layer - 1) * box;
        painter.drawText(QRectF(left, headerTop, box - kBoxGap, kHeaderHeight), Qt::AlignCenter,
                         QString::number(layer));
    }

    QFont sectionFont = font();
    sectionFont.setBold(true);
    const QFont laneFont = font();
    auto drawSection = [&](int firstLane, const QString& title) {
        painter.setFont(sectionFont);
        painter.setPen(foreground);
        painter.drawText(QRect(kMargin, laneTop(firstLane) - kSectionTitleHeight, width() - 2 * kMargin,
                               kSectionTitleHeight),
                         Qt::AlignLeft | Qt::AlignVCenter, title);
        painter.setFont(laneFont);
    };
    if (encoderLanes_ > 0)
        drawSection(0, joint_ ? tr("Encoder (joint: image and text in one stream)") : tr("Encoder"));
    if (static_cast<int>(lanes_.size()) > encoderLanes_)
        drawSection(encoderLanes_, tr("Decoder (one row per generated token)"));

    for (int i = 0; i < static_cast<int>(lanes_.size()); ++i) {
        const Lane& lane = lanes_[static_cast<std::size_t>(i)];
        const int top = laneTop(i);
        painter.setPen(foreground);
        painter.drawText(QRect(kMargin, top, kLabelWidth - 8, kRowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(lane.label, Qt::ElideRight, kLabelWidth - 8));
        for (int c = 0; c < static_cast<int>(lane.cells.size()); ++c)
            paintCell(painter, palette_.color(lane.stream), lane.cells[static_cast<std::size_t>(c)].state,
                      cellRect(i, c));
        painter.setPen(muted);
        const double right = kMargin + kLabelWidth + lane.cells.size() * box + 4;
        painter.drawText(QRectF(right, top, kSummaryWidth, kRowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         tr("%1 / %2").arg(lane.executed()).arg(lane.cells.size()));
    }
}

}  // namespace mue::widgets
