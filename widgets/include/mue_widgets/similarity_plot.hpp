#pragma once
// Per-layer similarity of one run: consecutive-layer cosine of the image stream, the text stream
// and one selected decoder token, with the three exit thresholds as lines the user can drag.
// GUI thread only.

#include "mue_widgets/palette.hpp"

#include <mue/trace.hpp>

#include <QWidget>

#include <array>
#include <optional>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QMouseEvent;

namespace mue::widgets {

// Separating thresholds live at 0.99-0.999, where cos itself is a flat line at 1. The y axis shows
// the distance 1 - cos on a log scale instead, so 0.99, 0.999 and 0.9999 are a decade apart.
class SimilarityPlot : public QWidget {
    Q_OBJECT

public:
    // Distances are clamped to this range: cos = 1 would sit at -infinity on a log axis, and
    // 1 - cos never exceeds 2.
    static constexpr double kMinDistance = 1e-6;
    static constexpr double kMaxDistance = 2.0;

    explicit SimilarityPlot(QWidget* parent = nullptr);

    // A new trace keeps a threshold line the user is dragging where the mouse holds it.
    void setTrace(const mue::RunTrace& trace);
    [[nodiscard]] const mue::RunTrace& trace() const { return trace_; }

    // Moves the threshold lines to edited settings before the run that uses them has finished.
    // The decoder line shows the selected token's schedule Theta(t) = beta*theta + ..., so it moves
    // by beta times the change of theta.
    void setThresholds(const mue::ExitSettings& settings);

    // A pinned run drawn faintly under the current one (same streams, same decoder step when it
    // has one), so that a change of threshold or input can be compared; nullopt removes it.
    void setReference(const std::optional<mue::RunTrace>& reference, const QString& name = {});
    [[nodiscard]] QCPGraph* referenceGraph(Stream stream) const { return referenceGraphs_[streamIndex(stream)]; }

    // The decoder token whose similarity and threshold are shown; clamped to the trace's tokens.
    void setSelectedToken(int index);
    [[nodiscard]] int selectedToken() const { return selectedToken_; }

    // The threshold a line shows now: the trace's, or where the user dragged it since.
    [[nodiscard]] double threshold(Stream stream) const { return thresholds_[streamIndex(stream)]; }

    // 1 - cos, clamped to [kMinDistance, kMaxDistance]: the plotted value of a cosine.
    [[nodiscard]] static double distance(double cosine);

    // For tests and exports.
    [[nodiscard]] QCustomPlot* customPlot() const { return plot_; }
    [[nodiscard]] QCPGraph* similarityGraph(Stream stream) const { return graphs_[streamIndex(stream)]; }
    [[nodiscard]] QCPGraph* exitMarker(Stream stream) const { return markers_[streamIndex(stream)]; }
    [[nodiscard]] QCPItemStraightLine* thresholdLine(Stream stream) const { return lines_[streamIndex(stream)]; }

Q_SIGNALS:
    // While a threshold line is dragged (every mouse move: debounce before rerunning) and once
    // more with the final value when the mouse is released.
    void thresholdChanged(mue::widgets::Stream stream, double threshold);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void rebuildReference();
    void fitRanges();
    void applyTheme();
    void placeThreshold(Stream stream, double threshold);
    [[nodiscard]] std::optional<Stream> lineNear(double pixelY) const;
    [[nodiscard]] double thresholdAtPixel(double pixelY) const;
    void onMousePress(QMouseEvent* event);
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    mue::RunTrace trace_;
    int selectedToken_ = 0;
    std::optional<Stream> dragged_;
    std::array<double, kStreamCount> thresholds_{};
    Palette palette_;
    QCustomPlot* plot_ = nullptr;
    std::array<QCPGraph*, kStreamCount> graphs_{};
    std::array<QCPGraph*, kStreamCount> referenceGraphs_{};
    std::optional<mue::RunTrace> reference_;
    QString referenceName_;
    std::array<QCPGraph*, kStreamCount> markers_{};
    std::array<QCPItemStraightLine*, kStreamCount> lines_{};
    std::array<QCPItemText*, kStreamCount> lineLabels_{};
};

}  // namespace mue::widgets
