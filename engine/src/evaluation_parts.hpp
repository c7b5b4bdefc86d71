#pragma once
// The pieces evaluate() is made of, for sweep()'s what-if route, which assembles a setting's report
// from outcomes that it shares with other settings (mue/sweep.hpp).

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"

#include <vector>

namespace mue::detail {

// One example's outcome under one setting: everything a report is assembled from.
struct ExampleOutcome {
    EvalExample example;
    std::vector<int> decoder_exits;  // each decoded token's exit layer, for the histogram
};

// Throws InputError for what evaluate() refuses before running anything.
void require_evaluable(const EvalDataset& dataset, const EvalOptions& options);

[[nodiscard]] RunRequest eval_request(const EvalItem& item, Task task, const ExitSettings& exits,
                                      const EvalOptions& options);

[[nodiscard]] ExampleOutcome example_outcome(const EvalItem& item, const RunResult& result, int decoder_layers);

// The report of `exits` on `dataset` from one outcome per item, in dataset order: score, savings,
// histograms and the difficulty breakdown. elapsed_ms is left to the caller.
[[nodiscard]] EvalReport assemble_report(const Engine& engine, const EvalDataset& dataset, const ExitSettings& exits,
                                         const EvalOptions& options,
                                         const std::vector<const ExampleOutcome*>& outcomes);

}  // namespace mue::detail
