#include "mue_widgets/similarity_plot.hpp"

#include "mue_widgets/qcustomplot.hpp"

#include <QEvent>
#include <QMouseEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mue::widgets {

namespace {

constexpr double kGrabTolerancePx = 6.0;   // how close to a threshold line a press must be
constexpr double kLinePenWidth = 1.5;
constexpr double kDraggedLinePenWidth = 2.5;
constexpr double kGraphPenWidth = 2.0;
constexpr double kPointSize = 6.0;
constexpr double kExitMarkerSize = 13.0;
constexpr double kReferenceAlpha = 0.45;   // a pinned reference run sits behind the current one
constexpr double kUpperMargin = 1.5;       // head room above the largest distance, as a factor
constexpr int kCosineDecades = 6;          // right-axis cosine labels: 0, 0.9, ..., 0.999999
constexpr int kLegendRows = 2;             // each stream's curve above its exit marker
constexpr double kLegendRowStretch = 0.001;  // keeps the legend row at its minimum height
// Where each threshold's label sits along its line (axis-rect ratio), so equal thresholds do not
// print on top of each other.
constexpr std::array<double, kStreamCount> kLabelX{0.01, 0.5, 0.99};

const std::array<Stream, kStreamCount> kStreams{Stream::Image, Stream::Text, Stream::Decoder};

QCPScatterStyle::ScatterShape exitShape(Stream stream)
{
    switch (stream) {
    case Stream::Image:
        return QCPScatterStyle::ssCircle;
    case Stream::Text:
        return QCPScatterStyle::ssSquare;
    case Stream::Decoder:
        return QCPScatterStyle::ssDiamond;
    }
    return QCPScatterStyle::ssCircle;
}

QString formatThreshold(double threshold) { return QString::number(threshold, 'f', 4); }

}  // namespace

SimilarityPlot::SimilarityPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);

    plot_->plotLayout()->insertRow(0);
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    titleFont.setBold(true);
    plot_->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot_, tr("Layer-to-layer change of each stream"), titleFont));

    // The legend goes in its own row under the axis rect, where it cannot hide any data.
    auto* legendRow = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(2, 0, legendRow);
    legendRow->addElement(0, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(2, kLegendRowStretch);
    plot_->legend->setVisible(true);
    plot_->legend->setFillOrder(QCPLegend::foRowsFirst);
    plot_->legend->setWrap(kLegendRows);
    plot_->legend->setBorderPen(Qt::NoPen);

    plot_->xAxis->setLabel(tr("layer i"));
    auto layerTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    layerTicker->setTickStep(1.0);
    layerTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->xAxis->setTicker(layerTicker);

    plot_->yAxis->setLabel(tr("1 - cos(h_i, h_i-1)   (log scale)"));
    plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    auto logTicker = QSharedPointer<QCPAxisTickerLog>::create();
    plot_->yAxis->setTicker(logTicker);
    plot_->yAxis->setNumberFormat(QStringLiteral("eb"));
    plot_->yAxis->setNumberPrecision(0);

    // The right axis reads the same positions as cosines, the unit thresholds are set in.
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(tr("cos"));
    plot_->yAxis2->setScaleType(QCPAxis::stLogarithmic);
    auto cosineTicker = QSharedPointer<QCPAxisTickerText>::create();
    cosineTicker->addTick(1.0, QStringLiteral("0"));
    for (int decade = 1; decade <= kCosineDecades; ++decade)
        cosineTicker->addTick(std::pow(10.0, -decade), QStringLiteral("0.") + QString(decade, QLatin1Char('9')));
    plot_->yAxis2->setTicker(cosineTicker);
    plot_->yAxis2->setSubTicks(false);
    connect(plot_->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), plot_->yAxis2,
            qOverload<const QCPRange&>(&QCPAxis::setRange));

    for (Stream stream : kStreams) {
        const int i = streamIndex(stream);
        const QColor color = palette_.color(stream);

        QCPGraph* reference = plot_->addGraph();
        QColor faded = color;
        faded.setAlphaF(kReferenceAlpha);
        reference->setPen(QPen(faded, kGraphPenWidth, Qt::DashLine));
        reference->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, faded, kPointSize));
        reference->setVisible(false);
        reference->removeFromLegend();
        referenceGraphs_[i] = reference;

        QCPGraph* graph = plot_->addGraph();
        graph->setPen(QPen(color, kGraphPenWidth));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kPointSize));
        graphs_[i] = graph;

        QCPGraph* marker = plot_->addGraph();
        marker->setLineStyle(QCPGraph::lsNone);
        marker->setScatterStyle(QCPScatterStyle(exitShape(stream), QPen(color.darker(), kGraphPenWidth),
                                                QBrush(color), kExitMarkerSize));
        markers_[i] = marker;

        auto* line = new QCPItemStraightLine(plot_);
        line->setPen(QPen(color, kLinePenWidth, Qt::DashLine));
        lines_[i] = line;

        auto* label = new QCPItemText(plot_);
        label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        label->position->setTypeY(QCPItemPosition::ptPlotCoords);
        const Qt::Alignment horizontal = stream == Stream::Image  ? Qt::AlignLeft
                                         : stream == Stream::Text ? Qt::AlignHCenter
                                                                  : Qt::AlignRight;
        label->setPositionAlignment(horizontal | Qt::AlignBottom);
        label->setColor(color);
        label->setPadding(QMargins(3, 1, 3, 1));  // with the background set in applyTheme
        lineLabels_[i] = label;
    }

    connect(plot_, &QCustomPlot::mousePress, this, &SimilarityPlot::onMousePress);
    connect(plot_, &QCustomPlot::mouseMove, this, &SimilarityPlot::onMouseMove);
    connect(plot_, &QCustomPlot::mouseRelease, this, &SimilarityPlot::onMouseRelease);

    applyTheme();
    rebuild();
}

double SimilarityPlot::distance(double cosine)
{
    return std::clamp(1.0 - cosine, kMinDistance, kMaxDistance);
}

void SimilarityPlot::setTrace(const mue::RunTrace& trace)
{
    trace_ = trace;
    selectedToken_ = std::clamp(selectedToken_, 0, std::max(0, static_cast<int>(trace_.decoder_tokens.size()) - 1));
    rebuild();
}

void SimilarityPlot::setThresholds(const mue::ExitSettings& settings)
{
    const bool joint = trace_.joint_encoder;
    const double previousDecoder = trace_.settings.decoder_threshold;
    trace_.settings = settings;
    if (!dragged_ || *dragged_ != Stream::Image)
        placeThreshold(Stream::Image, joint ? settings.joint_threshold : settings.image_threshold);
    if (!dragged_ || *dragged_ != Stream::Text)
        placeThreshold(Stream::Text, settings.text_threshold);
    if (!dragged_ || *dragged_ != Stream::Decoder) {
        for (auto& token : trace_.decoder_tokens)
            token.threshold += static_cast<float>(settings.beta * (settings.decoder_threshold - previousDecoder));
        const auto& tokens = trace_.decoder_tokens;
        placeThreshold(Stream::Decoder, tokens.empty() ? settings.decoder_threshold
                                                       : tokens[static_cast<std::size_t>(selectedToken_)].threshold);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityPlot::setReference(const std::optional<mue::RunTrace>& reference, const QString& name)
{
    reference_ = reference;
    referenceName_ = name;
    rebuild();
}

void SimilarityPlot::setSelectedToken(int index)
{
    const int clamped = std::clamp(index, 0, std::max(0, static_cast<int>(trace_.decoder_tokens.size()) - 1));
    if (clamped == selectedToken_)
        return;
    selectedToken_ = clamped;
    rebuild();
}

void SimilarityPlot::rebuild()
{
    const bool joint = trace_.joint_encoder;
    const DecoderTokenTrace* token =
        trace_.decoder_tokens.empty() ? nullptr : &trace_.decoder_tokens[static_cast<std::size_t>(selectedToken_)];

    struct Series {
        const std::vector<float>* similarity;
        int exitLayer;
        bool exited;
        double threshold;
        QString name;
    };
    const std::vector<float> none;
    std::array<Series, kStreamCount> series{{
        {&trace_.image.similarity, trace_.image.exit_layer, trace_.image.exited,
         joint ? trace_.settings.joint_threshold : trace_.settings.image_threshold, streamName(Stream::Image, joint)},
        // A joint trace's text stream repeats the joint one: drawn once, as Image.
        {joint ? &none : &trace_.text.similarity, trace_.text.exit_layer, trace_.text.exited,
         trace_.settings.text_threshold, streamName(Stream::Text, joint)},
        {token ? &token->similarity : &none, token ? token->exit_layer : 0, token && token->exited,
         token ? token->threshold : 1.0,
         token ? tr("decoder, token %1 \"%2\"").arg(token->step).arg(tokenDisplayText(token->text))
               : streamName(Stream::Decoder, joint)},
    }};

    for (Stream stream : kStreams) {
        const int i = streamIndex(stream);
        const Series& s = series[static_cast<std::size_t>(i)];
        QVector<double> layers;
        QVector<double> distances;
        for (std::size_t layer = 0; layer < s.similarity->size(); ++layer) {
            layers.push_back(static_cast<double>(layer + 1));
            distances.push_back(distance((*s.similarity)[layer]));
        }
        const bool shown = !layers.isEmpty();
        QCPGraph* graph = graphs_[i];
        graph->setData(layers, distances, /*alreadySorted=*/true);
        graph->setName(s.name);
        graph->setVisible(shown);

        QCPGraph* marker = markers_[i];
        const bool marked = shown && s.exited && s.exitLayer >= 1 && s.exitLayer <= layers.size();
        marker->data()->clear();
        if (marked)
            marker->addData(s.exitLayer, distances[s.exitLayer - 1]);
        const QString shortName = stream == Stream::Decoder ? tr("decoder")
                                  : joint                   ? tr("joint")
                                  : stream == Stream::Image ? tr("image")
                                                            : tr("text");
        marker->setName(tr("%1 exit: layer %2").arg(shortName).arg(s.exitLayer));
        marker->setVisible(marked);

        for (QCPGraph* g : {graph, marker}) {
            if (g->visible())
                g->addToLegend();
            else
                g->removeFromLegend();
        }
        lines_[i]->setVisible(shown);
        lineLabels_[i]->setVisible(shown);
        if (dragged_ != stream)
            placeThreshold(stream, s.threshold);
    }
    rebuildReference();
    // The axis holds still under a line being dragged while new traces arrive.
    if (!dragged_)
        fitRanges();
    plot_->replot();
}

void SimilarityPlot::rebuildReference()
{
    for (Stream stream : kStreams) {
        QCPGraph* graph = referenceGraphs_[streamIndex(stream)];
        const std::vector<float>* similarity = nullptr;
        if (reference_) {
            const auto& tokens = reference_->decoder_tokens;
            if (stream == Stream::Image)
                similarity = &reference_->image.similarity;
            else if (stream == Stream::Text && !reference_->joint_encoder)
                similarity = &reference_->text.similarity;
            else if (stream == Stream::Decoder && !tokens.empty())
                similarity = &tokens[static_cast<std::size_t>(std::min<int>(selectedToken_, static_cast<int>(tokens.size()) - 1))].similarity;
        }
        QVector<double> layers;
        QVector<double> distances;
        if (similarity != nullptr) {
            for (std::size_t layer = 0; layer < similarity->size(); ++layer) {
                layers.push_back(static_cast<double>(layer + 1));
                distances.push_back(distance((*similarity)[layer]));
            }
        }
        graph->setData(layers, distances, /*alreadySorted=*/true);
        const bool shown = !layers.isEmpty();
        graph->setVisible(shown);
        graph->setName(tr("%1 (reference %2)")
                           .arg(stream == Stream::Decoder ? tr("decoder") : streamName(stream, reference_ && reference_->joint_encoder),
                                referenceName_));
        if (shown && stream == Stream::Image)
            graph->addToLegend();
        else
            graph->removeFromLegend();
    }
}

void SimilarityPlot::fitRanges()
{
    const int layers = std::max({trace_.image.layers, trace_.text.layers, trace_.decoder_layers, 1});
    plot_->xAxis->setRange(0.5, layers + 0.5);

    constexpr double kEmptyLower = 1e-4;  // the range an empty plot shows
    double smallest = kMaxDistance;
    double largest = kEmptyLower;
    for (Stream stream : kStreams) {
        const int i = streamIndex(stream);
        for (const QCPGraph* graph : {referenceGraphs_[i], graphs_[i]}) {
            if (!graph->visible())
                continue;
            for (const QCPGraphData& point : *graph->data()) {
                smallest = std::min(smallest, point.value);
                largest = std::max(largest, point.value);
            }
        }
        if (!graphs_[i]->visible())
            continue;
        smallest = std::min(smallest, distance(thresholds_[i]));
        largest = std::max(largest, distance(thresholds_[i]));
    }
    smallest = std::min(smallest, largest);
    // Start at a whole decade at least a factor 2 below the data, so the lowest point is not on
    // the edge and the first log tick is labelled.
    const double lower = std::max(kMinDistance, std::pow(10.0, std::floor(std::log10(smallest * 0.5))));
    const double upper = std::min(kMaxDistance, std::max(1.0, largest * kUpperMargin));
    plot_->yAxis->setRange(lower, upper);
}

void SimilarityPlot::placeThreshold(Stream stream, double threshold)
{
    const int i = streamIndex(stream);
    thresholds_[i] = threshold;
    const double y = distance(threshold);
    lines_[i]->point1->setCoords(0.0, y);
    lines_[i]->point2->setCoords(1.0, y);
    const QString name = stream == Stream::Decoder ? tr("decoder") : streamName(stream, trace_.joint_encoder);
    lineLabels_[i]->setText(tr("%1 threshold %2").arg(name, formatThreshold(threshold)));
    lineLabels_[i]->position->setCoords(kLabelX[static_cast<std::size_t>(i)], y);
}

void SimilarityPlot::applyTheme()
{
    const QPalette& colors = palette();
    const QColor foreground = colors.color(QPalette::WindowText);
    QColor grid = foreground;
    grid.setAlphaF(0.18);
    plot_->setBackground(colors.brush(QPalette::Base));
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
        axis->setBasePen(QPen(foreground));
        axis->setTickPen(QPen(foreground));
        axis->setSubTickPen(QPen(foreground));
        axis->setTickLabelColor(foreground);
        axis->setLabelColor(foreground);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setSubGridVisible(false);
    }
    plot_->yAxis2->grid()->setVisible(false);
    plot_->legend->setBrush(colors.brush(QPalette::Base));
    // Labels mask the lines and curves they sit on, so close thresholds stay readable.
    for (QCPItemText* label : lineLabels_)
        label->setBrush(colors.brush(QPalette::Base));
    plot_->legend->setTextColor(foreground);
    if (auto* title = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0)))
        title->setTextColor(foreground);
}

void SimilarityPlot::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyTheme();
        plot_->replot();
    }
}

std::optional<Stream> SimilarityPlot::lineNear(double pixelY) const
{
    std::optional<Stream> nearest;
    double best = kGrabTolerancePx;
    for (Stream stream : kStreams) {
        const int i = streamIndex(stream);
        if (!lines_[i]->visible())
            continue;
        const double gap = std::abs(plot_->yAxis->coordToPixel(distance(thresholds_[i])) - pixelY);
        if (gap <= best) {
            best = gap;
            nearest = stream;
        }
    }
    return nearest;
}

double SimilarityPlot::thresholdAtPixel(double pixelY) const
{
    const QCPRange range = plot_->yAxis->range();
    const double lower = std::max(kMinDistance, range.lower);
    const double upper = std::min(kMaxDistance, range.upper);
    return 1.0 - std::clamp(plot_->yAxis->pixelToCoord(pixelY), lower, upper);
}

void SimilarityPlot::onMousePress(QMouseEvent* event)
{
    // A line at the axis' edge (a threshold of 1 sits on the lower edge) can still be grabbed.
    const int tolerance = static_cast<int>(kGrabTolerancePx);
    const QRect grabArea = plot_->axisRect()->rect().adjusted(0, -tolerance, 0, tolerance);
    if (event->button() != Qt::LeftButton || !grabArea.contains(event->position().toPoint()))
        return;
    dragged_ = lineNear(event->position().y());
    if (!dragged_)
        return;
    QCPItemStraightLine* line = lines_[streamIndex(*dragged_)];
    QPen pen = line->pen();
    pen.setWidthF(kDraggedLinePenWidth);
    line->setPen(pen);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityPlot::onMouseMove(QMouseEvent* event)
{
    const double y = event->position().y();
    if (!dragged_) {
        // Hovering: show that the line can be grabbed.
        if (lineNear(y) && plot_->axisRect()->rect().contains(event->position().toPoint()))
            plot_->setCursor(Qt::SplitVCursor);
        else
            plot_->unsetCursor();
        return;
    }
    const double threshold = thresholdAtPixel(y);
    placeThreshold(*dragged_, threshold);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT thresholdChanged(*dragged_, threshold);
}

void SimilarityPlot::onMouseRelease(QMouseEvent* event)
{
    if (!dragged_ || event->button() != Qt::LeftButton)
        return;
    const Stream stream = *dragged_;
    dragged_.reset();
    const double threshold = thresholdAtPixel(event->position().y());
    placeThreshold(stream, threshold);
    QCPItemStraightLine* line = lines_[streamIndex(stream)];
    QPen pen = line->pen();
    pen.setWidthF(kLinePenWidth);
    line->setPen(pen);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT thresholdChanged(stream, threshold);
}

}  // namespace mue::widgets
