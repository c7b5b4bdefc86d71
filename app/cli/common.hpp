#pragma once
// What several `mue` commands share: exit codes, option limits, the default model and output helpers.

#include "options.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <string>

namespace mue::cli {

// Exit codes: 0 ok, 1 internal error, 2 usage error, 3 bad input (the message on stderr names the
// file or field).
constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

constexpr int kMaxThreads = 256;

// The folder of the running `mue` executable (empty when /proc/self/exe is unreadable).
[[nodiscard]] std::filesystem::path executable_dir();
// --model, else $MUE_DEFAULT_MODEL, else the installed share/ folder, else the build tree's model.
[[nodiscard]] std::filesystem::path model_dir(const ParsedArgs& args);
// Throws UsageError when the command line holds a positional argument.
void no_positionals(const CommandSpec& spec, const ParsedArgs& args);
// Token texts are byte-level BPE pieces: a broken UTF-8 sequence must not abort the output.
void print_json(const nlohmann::ordered_json& j);
// A summary line's left-column label, padded so that the values line up.
[[nodiscard]] std::string label(const char* name);
// "12.3%": a fraction as a percentage with one decimal.
[[nodiscard]] std::string percent(double fraction);

}  // namespace mue::cli
