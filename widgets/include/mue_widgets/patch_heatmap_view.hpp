#pragma once
// The input image with a per-patch "saturation" heatmap: at layer l, each image patch is coloured
// by its cosine between layers l and l-1 (trace.image.token_similarity), i.e. how much that patch
// still changed. Like the similarity plot, the colour follows 1 - cos on a log scale. A slider
// steps through the layers; layers after the image stream's exit did not run and are shown
// hatched. GUI thread only.

#include <mue/trace.hpp>

#include <QImage>
#include <QWidget>

#include <optional>
#include <vector>

class QLabel;
class QSlider;

namespace mue::widgets {

class HeatmapCanvas;

class PatchHeatmapView : public QWidget {
    Q_OBJECT

public:
    // Distances 1 - cos are clamped to [kMinDistance, kMaxDistance] before taking the log.
    static constexpr double kMinDistance = 1e-6;
    static constexpr double kMaxDistance = 2.0;

    explicit PatchHeatmapView(QWidget* parent = nullptr);

    void setImage(const QImage& image);
    // Shows the image stream's exit layer (or the last layer run) of the new trace.
    void setTrace(const mue::RunTrace& trace);
    void clear();

    // 1-based; clamped to [1, layerCount()].
    void setLayer(int layer);
    [[nodiscard]] int layer() const { return layer_; }
    // The stream's layers (run or not); 0 without a trace.
    [[nodiscard]] int layerCount() const { return layerCount_; }
    // Layers with per-patch data (those that ran).
    [[nodiscard]] int layersRun() const { return static_cast<int>(similarity_.size()); }
    [[nodiscard]] int exitLayer() const { return exitLayer_; }
    // A layer after the stream's exit: a real run skipped it.
    [[nodiscard]] bool isLayerSkipped(int layer) const;
    // Patches per side of the square grid; 0 when the trace has no usable per-patch data.
    [[nodiscard]] int gridSize() const { return grid_; }
    [[nodiscard]] bool hasPatchData() const { return grid_ > 0; }

    // cos of patch (row, col) between layers `layer` and `layer` - 1; none off the grid or for a
    // layer without data.
    [[nodiscard]] std::optional<float> patchSimilarity(int layer, int row, int col) const;
    // The heatmap colour of a cosine under the current trace's colour scale.
    [[nodiscard]] QColor colorForSimilarity(double cosine) const;
    // The scale's ends as log10(1 - cos): the legend runs from logHigh (changing) to logLow (settled).
    [[nodiscard]] double logLow() const { return logLow_; }
    [[nodiscard]] double logHigh() const { return logHigh_; }

    [[nodiscard]] QSlider* layerSlider() const { return slider_; }
    [[nodiscard]] QLabel* layerLabel() const { return label_; }
    [[nodiscard]] QWidget* canvas() const;
    // In canvas coordinates: where the image is drawn and where one patch sits.
    [[nodiscard]] QRectF imageRect() const;
    [[nodiscard]] QRectF patchRect(int row, int col) const;
    // What the canvas tooltip says at a canvas point; empty off the patches.
    [[nodiscard]] QString toolTipAt(const QPointF& canvasPos) const;
    // The note drawn over the image ("no per-patch data", the skipped-layer note), empty if none.
    [[nodiscard]] QString overlayNote() const;

private:
    friend class HeatmapCanvas;
    void updateLabel();

    QImage image_;
    std::vector<std::vector<float>> similarity_;  // [layer][token]
    int grid_ = 0;
    int layerCount_ = 0;
    int exitLayer_ = 0;
    bool exited_ = false;
    bool joint_ = false;
    int layer_ = 0;
    double logLow_ = -4;
    double logHigh_ = 0;
    HeatmapCanvas* canvas_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* label_ = nullptr;
};

}  // namespace mue::widgets
