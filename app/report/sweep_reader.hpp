#pragma once
// Reads back the document `mue sweep --out PREFIX` writes (PREFIX.json, json_output.hpp's
// sweep_json): the app opens sweeps made headless, and caches its own in the same format.

#include "mue/engine.hpp"
#include "mue/sweep.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mue::report {

struct SweepDocument {
    std::string dataset;
    std::string split;
    Task task = Task::Entailment;
    std::string model_id;
    std::size_t n = 0;  // items evaluated per point
    std::vector<SweepPoint> points;
};

// Throws InputError naming `source` and the key that is missing, mistyped or out of range.
[[nodiscard]] SweepDocument read_sweep_json(std::string_view text, const std::string& source);

}  // namespace mue::report
