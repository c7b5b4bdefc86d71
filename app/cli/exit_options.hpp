#pragma once
// The early-exit options of `mue run`: their rows in the option table and the ExitSettings they
// describe.

#include "options.hpp"

#include "mue/trace.hpp"

#include <vector>

namespace mue::cli {

[[nodiscard]] std::vector<OptionSpec> exit_option_specs();

// --preset (or ExitSettings' defaults with the Mue policy), then every explicit option on top.
// Throws UsageError for unknown names and malformed numbers, and InputError (from
// ExitSettings::validate) for values out of range.
[[nodiscard]] ExitSettings exit_settings(const ParsedArgs& args);

}  // namespace mue::cli
