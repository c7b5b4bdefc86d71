#pragma once
// JSON documents printed by `mue ... --json` and the app's exports. Key names are a public interface: tools rely on them
// (README.md lists the ones documented as stable).

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"
#include "mue/sweep.hpp"

#include <nlohmann/json.hpp>

namespace mue::report {

// Every field of ExitSettings, as every document below writes them.
[[nodiscard]] nlohmann::ordered_json settings_json(const ExitSettings& settings);
[[nodiscard]] nlohmann::ordered_json model_info_json(const ModelInfo& info);
[[nodiscard]] nlohmann::ordered_json run_result_json(const RunResult& result, const RunRequest& request,
                                                     const ModelInfo& info);

[[nodiscard]] nlohmann::ordered_json eval_report_json(const EvalReport& report);

// `mue sweep`: the dataset, whether the sweep finished (`complete`: false when it was cancelled;
// `--resume` continues it), then one object per point (settings, score, retention, reductions,
// Pareto flag, exit histograms) in the sweep's order.
[[nodiscard]] nlohmann::ordered_json sweep_json(const std::vector<SweepPoint>& points, const EvalDataset& dataset,
                                                const std::string& model_id, bool complete = true);
// `mue tune`: `thresholds` (image, text, decoder; 1.0 for a stream that never exits, as under the
// full model), the validation point and `test` (score, full_score, retention and the reductions).
// Tuned with a confidence: `confidence`, and `validation.retention_lower_bound`.
[[nodiscard]] nlohmann::ordered_json tune_result_json(const TuneResult& result, const std::string& dataset,
                                                      double target_retention);

}  // namespace mue::report
