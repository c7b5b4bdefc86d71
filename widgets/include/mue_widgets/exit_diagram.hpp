#pragma once
// Which layers each stream ran: one lane of layer boxes for the image and text encoder streams
// (one joint lane for a joint encoder) and one per decoded token. Run layers are filled with the
// stream's colour, the exit layer is outlined, skipped layers are empty, and layers a what-if
// trace ran past the exit are hatched. GUI thread only.
//
// The height grows with the number of decoded tokens: put the diagram in a QScrollArea with
// widgetResizable set.

#include "mue_widgets/exit_lanes.hpp"
#include "mue_widgets/palette.hpp"

#include <mue/trace.hpp>

#include <QWidget>

#include <optional>
#include <vector>

namespace mue::widgets {

class ExitDiagram : public QWidget {
    Q_OBJECT

public:
    explicit ExitDiagram(QWidget* parent = nullptr);

    void setTrace(const mue::RunTrace& trace);
    [[nodiscard]] const std::vector<Lane>& lanes() const { return lanes_; }

    // The box under a point in widget coordinates, as (lane, cell) indices into lanes().
    struct CellRef {
        int lane = 0;
        int cell = 0;
    };
    [[nodiscard]] std::optional<CellRef> cellAt(const QPoint& pos) const;
    [[nodiscard]] QRect cellRect(int lane, int cell) const;
    // What the tooltip says for a point; empty off the boxes.
    [[nodiscard]] QString toolTipAt(const QPoint& pos) const;

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    [[nodiscard]] int columns() const;
    [[nodiscard]] int laneTop(int lane) const;
    [[nodiscard]] int contentHeight() const;
    [[nodiscard]] double boxWidth() const;
    void paintLegend(QPainter& painter) const;
    void paintCell(QPainter& painter, const QColor& color, CellState state, const QRect& box) const;

    std::vector<Lane> lanes_;
    int encoderLanes_ = 0;
    bool joint_ = false;
    Palette palette_;
};

}  // namespace mue::widgets
