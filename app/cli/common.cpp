#include "common.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <system_error>

namespace mue::cli {
namespace {

constexpr const char* kDefaultModelEnv = "MUE_DEFAULT_MODEL";
constexpr double kPercent = 100.0;

}  // namespace

std::filesystem::path executable_dir() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path{} : self.parent_path();
}

std::filesystem::path model_dir(const ParsedArgs& args) {
    if (const auto m = args.value("model")) return *m;
    if (const char* env = std::getenv(kDefaultModelEnv); env != nullptr && *env != '\0') return env;
    const auto installed = executable_dir() / ".." / "share" / "mue-studio" / "models" / "default";
    if (std::filesystem::exists(installed / "config.json")) return installed.lexically_normal();
    return MUE_BUILD_MODEL_DIR;
}

void no_positionals(const CommandSpec& spec, const ParsedArgs& args) {
    if (!args.positionals().empty()) {
        throw UsageError("mue " + spec.name + ": unexpected argument '" + args.positionals().front() + "'");
    }
}

void print_json(const nlohmann::ordered_json& j) {
    std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

std::string label(const char* name) {
    constexpr std::size_t kLabelWidth = 9;
    return std::string(name).append(kLabelWidth - std::min(kLabelWidth, std::strlen(name)), ' ');
}

std::string percent(double fraction) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << fraction * kPercent << "%";
    return out.str();
}

}  // namespace mue::cli
