#include "options.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <string_view>

namespace mue::cli {
namespace {

constexpr std::size_t kHelpColumn = 28;  // width of the option column in command help
constexpr std::size_t kHelpWidth = 100;  // help lines are wrapped to this many characters

// All of `text` as one T, or nothing: no leading spaces, signs other than '-' or trailing characters.
template <typename T>
std::optional<T> parse_whole(std::string_view text) {
    T parsed{};
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, parsed);
    if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
    return parsed;
}

}  // namespace

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::optional<int> ParsedArgs::integer(const std::string& name, int min, int max) const {
    const auto text = value(name);
    if (!text) return std::nullopt;
    const auto parsed = parse_whole<long long>(*text);
    if (!parsed || *parsed < min || *parsed > max) {
        throw UsageError("--" + name + " must be an integer in [" + std::to_string(min) + ", " +
                         std::to_string(max) + "] (got '" + *text + "')");
    }
    return static_cast<int>(*parsed);
}

std::optional<int> ParsedArgs::integer(const std::string& name) const {
    const auto text = value(name);
    if (!text) return std::nullopt;
    const auto parsed = parse_whole<int>(*text);
    if (!parsed) throw UsageError("--" + name + " must be an integer (got '" + *text + "')");
    return parsed;
}

std::optional<double> ParsedArgs::number(const std::string& name) const {
    const auto text = value(name);
    if (!text) return std::nullopt;
    const auto parsed = parse_whole<double>(*text);
    if (!parsed || !std::isfinite(*parsed)) throw UsageError("--" + name + " must be a number (got '" + *text + "')");
    return parsed;
}

std::optional<std::vector<int>> ParsedArgs::integers(const std::string& name, std::size_t count) const {
    const auto text = value(name);
    if (!text) return std::nullopt;
    std::vector<int> parsed;
    std::size_t start = 0;
    while (true) {
        const auto comma = text->find(',', start);
        const auto piece = parse_whole<int>(std::string_view(*text).substr(start, comma - start));
        if (!piece) break;
        parsed.push_back(*piece);
        if (comma == std::string::npos) {
            if (parsed.size() == count) return parsed;
            break;
        }
        start = comma + 1;
    }
    throw UsageError("--" + name + " must be " + std::to_string(count) + " comma-separated integers (got '" + *text +
                     "')");
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
        if (left.size() > kHelpColumn) {  // a long list of choices: the help goes below, in its column
            out << left << "\n";
            left.clear();
        }
        left.resize(kHelpColumn, ' ');
        // Rewrapped in the help column: the line breaks in the specs only separate words.
        std::istringstream words(o.help);
        std::string line;
        for (std::string word; words >> word;) {
            if (!line.empty() && kHelpColumn + 1 + line.size() + 1 + word.size() > kHelpWidth) {
                out << left << " " << line << "\n";
                left.assign(kHelpColumn, ' ');
                line.clear();
            }
            line += (line.empty() ? "" : " ") + word;
        }
        out << left << " " << line << "\n";
    }
    return out.str();
}

}  // namespace mue::cli
