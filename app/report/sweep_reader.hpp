#pragma once
// Reads back the document `mue sweep --out PREFIX` writes (PREFIX.json, json_output.hpp's
// sweep_json): the app opens sweeps made headless, and caches its own in the same format.

#include "mue/engine.hpp"
#include "mue/sweep.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mue::report {

struct SweepDocument {
    std::string dataset;
    std::string split;
    Task task = Task::Entailment;
    std::string model_id;
    std::size_t n = 0;     // items evaluated per point
    bool complete = true;  // false: a cancelled sweep's points so far (absent in older files: true)
    std::vector<SweepPoint> points;
};

// Throws InputError naming `source` and the key that is missing, mistyped or out of range.
[[nodiscard]] SweepDocument read_sweep_json(std::string_view text, const std::string& source);
// The same document inside a larger one (a session); `where` is its place there, for messages.
[[nodiscard]] SweepDocument read_sweep_document(const nlohmann::json& document, const std::string& source,
                                                const std::string& where);

}  // namespace mue::report
