#include "options.hpp"

#include <sstream>

namespace mue::cli {

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::optional<int> ParsedArgs::integer(const std::string& name, int min, int max) const {
    const auto text = value(name);
    if (!text) return std::nullopt;
    std::size_t used = 0;
    long long parsed = 0;
    try {
        parsed = std::stoll(*text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text->size() || parsed < min || parsed > max) {
        throw UsageError("--" + name + " must be an integer in [" + std::to_string(min) + ", " +
                         std::to_string(max) + "] (got '" + *text + "')");
    }
    return static_cast<int>(parsed);
}

ParsedArgs parse_args(const CommandSpec& spec, const std::vector<std::string>& args) {
    ParsedArgs parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0 || arg == "--") {
            parsed.positionals_.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        const OptionSpec* option = nullptr;
        for (const auto& o : spec.options) {
            if (o.name == name) option = &o;
        }
        if (option == nullptr) throw UsageError("mue " + spec.name + ": unknown option '--" + name + "'");
        if (parsed.values_.count(name) != 0) throw UsageError("mue " + spec.name + ": option '--" + name + "' given twice");
        if (option->value_name.empty()) {
            if (inline_value) throw UsageError("mue " + spec.name + ": option '--" + name + "' takes no value");
            parsed.values_[name] = "";
        } else if (inline_value) {
            parsed.values_[name] = *inline_value;
        } else {
            if (i + 1 >= args.size()) {
                throw UsageError("mue " + spec.name + ": option '--" + name + "' needs a value (" + option->value_name + ")");
            }
            parsed.values_[name] = args[++i];
        }
    }
    return parsed;
}

std::string command_help(const CommandSpec& spec) {
    std::ostringstream out;
    out << "Usage: mue " << spec.name << " [options]" << (spec.positional.empty() ? "" : " " + spec.positional) << "\n\n"
        << spec.summary << "\n\nOptions:\n";
    for (const auto& o : spec.options) {
        std::string left = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
        if (left.size() < 28) left.resize(28, ' ');
        out << left << " " << o.help << "\n";
    }
    return out.str();
}

}  // namespace mue::cli
