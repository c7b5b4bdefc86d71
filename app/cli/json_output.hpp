#pragma once
// JSON documents printed by `mue ... --json`. Key names are a public interface: tools rely on them
// (README.md lists the ones documented as stable).

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"

#include <nlohmann/json.hpp>

namespace mue::cli {

[[nodiscard]] nlohmann::ordered_json model_info_json(const ModelInfo& info);
[[nodiscard]] nlohmann::ordered_json run_result_json(const RunResult& result, const RunRequest& request,
                                                     const ModelInfo& info);

[[nodiscard]] nlohmann::ordered_json eval_report_json(const EvalReport& report);

}  // namespace mue::cli
