#pragma once
// The exit diagram's model: which layers of each lane ran, exited, were skipped, or would have
// been skipped (what-if traces, which run every layer). Pure functions of a trace; any thread.

#include "mue_widgets/palette.hpp"

#include <mue/trace.hpp>

#include <QString>

#include <optional>
#include <vector>

namespace mue::widgets {

enum class CellState {
    Run,        // executed before the exit
    Exit,       // executed, and the exit rule fired after it
    Skipped,    // not executed
    WouldSkip,  // executed only because the trace runs every layer (what-if): a real run skips it
};

struct LaneCell {
    int layer = 0;                   // 1-based
    CellState state = CellState::Run;
    std::optional<float> similarity; // cos(h_i, h_{i-1}) when the layer ran
    double threshold = 0;            // the lane's active similarity threshold
};

struct Lane {
    Stream stream = Stream::Image;
    QString label;     // stream name, or step and token text for decoder lanes
    int tokenIndex = -1;  // index into RunTrace::decoder_tokens for decoder lanes
    std::vector<LaneCell> cells;

    [[nodiscard]] int count(CellState state) const;
    [[nodiscard]] int executed() const { return count(CellState::Run) + count(CellState::Exit); }
};

// Encoder lanes first (image and text, or one joint lane), then one lane per decoder token.
// Streams with no layers give no lane, so an empty trace gives no lanes.
[[nodiscard]] std::vector<Lane> exitLanes(const mue::RunTrace& trace);

// The cells of one stream with `layers` layers that used `exitLayer` of them.
[[nodiscard]] std::vector<LaneCell> laneCells(int layers, int exitLayer, bool exited,
                                              const std::vector<float>& similarity, double threshold);

}  // namespace mue::widgets
