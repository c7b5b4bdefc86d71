// The JSON documents the app opens: a sweep (`mue sweep --out`, the explorer's cache, a session's
// sweep) and a run (a session's history entries, `mue run --json`).
#include "fuzz_support.hpp"

#include "json_reader.hpp"
#include "run_reader.hpp"
#include "sweep_reader.hpp"

#include <mue/errors.hpp>

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        static_cast<void>(mue::report::read_sweep_json(text, "sweep.json"));
    } catch (const mue::InputError&) {
    }
    try {
        const auto json = mue::report::parse_json(text, "run.json");
        static_cast<void>(mue::report::read_run_document(json, "run.json", "run"));
    } catch (const mue::InputError&) {
    }
    return 0;
}
