#include "mue_widgets/exit_lanes.hpp"

#include <algorithm>
#include <utility>

namespace mue::widgets {

int Lane::count(CellState state) const
{
    return static_cast<int>(std::count_if(cells.begin(), cells.end(),
                                          [state](const LaneCell& cell) { return cell.state == state; }));
}

std::vector<LaneCell> laneCells(int layers, int exitLayer, bool exited, const std::vector<float>& similarity,
                                double threshold)
{
    std::vector<LaneCell> cells;
    cells.reserve(static_cast<std::size_t>(std::max(layers, 0)));
    for (int layer = 1; layer <= layers; ++layer) {
        LaneCell cell;
        cell.layer = layer;
        cell.threshold = threshold;
        const bool recorded = layer <= static_cast<int>(similarity.size());
        if (recorded)
            cell.similarity = similarity[static_cast<std::size_t>(layer - 1)];
        if (layer < exitLayer)
            cell.state = CellState::Run;
        else if (layer == exitLayer)
            cell.state = exited ? CellState::Exit : CellState::Run;
        else
            cell.state = recorded ? CellState::WouldSkip : CellState::Skipped;
        cells.push_back(cell);
    }
    return cells;
}

namespace {

Lane encoderLane(Stream stream, const mue::StreamTrace& trace, double threshold, bool joint)
{
    Lane lane;
    lane.stream = stream;
    lane.label = streamName(stream, joint);
    lane.cells = laneCells(trace.layers, trace.exit_layer, trace.exited, trace.similarity, threshold);
    return lane;
}

}  // namespace

std::vector<Lane> exitLanes(const mue::RunTrace& trace)
{
    std::vector<Lane> lanes;
    const ExitSettings& settings = trace.settings;
    if (trace.joint_encoder) {
        // Both stream traces describe the one joint stream: draw it once.
        if (trace.image.layers > 0)
            lanes.push_back(encoderLane(Stream::Image, trace.image, settings.joint_threshold, true));
    } else {
        if (trace.image.layers > 0)
            lanes.push_back(encoderLane(Stream::Image, trace.image, settings.image_threshold, false));
        if (trace.text.layers > 0)
            lanes.push_back(encoderLane(Stream::Text, trace.text, settings.text_threshold, false));
    }
    for (std::size_t i = 0; i < trace.decoder_tokens.size(); ++i) {
        const DecoderTokenTrace& token = trace.decoder_tokens[i];
        Lane lane;
        lane.stream = Stream::Decoder;
        lane.tokenIndex = static_cast<int>(i);
        lane.label = QStringLiteral("%1  %2").arg(token.step).arg(tokenDisplayText(token.text));
        lane.cells = laneCells(trace.decoder_layers, token.exit_layer, token.exited, token.similarity,
                               token.threshold);
        lanes.push_back(std::move(lane));
    }
    return lanes;
}

}  // namespace mue::widgets
