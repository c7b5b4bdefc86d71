#pragma once
// Reads back the run document json_output.hpp's run_result_json writes (`mue run --json`, the
// app's trace export and its sessions' history): everything the app draws, so a saved run shows
// again without the model.

#include "mue/engine.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace mue::report {

struct RunDocument {
    RunResult result;
    Task task = Task::Caption;
    std::string text;     // the request's hypothesis or prompt
    std::string premise;  // entailment with a text premise; empty otherwise
    std::string image;  // the request's image path; empty for an image given as pixels
};

// `where` is the document's place in a larger one (a session), for messages. Throws InputError
// naming `source`, the key that is missing, mistyped or out of range.
[[nodiscard]] RunDocument read_run_document(const nlohmann::json& document, const std::string& source,
                                            const std::string& where);

}  // namespace mue::report
