#pragma once
// Command-line parsing for `mue`: one table per command is both the parser's specification and
// its help text.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mue::cli {

// A malformed command line; `mue` prints it with a hint and exits with code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;        // without the leading "--"
    std::string value_name;  // empty for flags
    std::string help;
};

struct CommandSpec {
    std::string name;
    std::string positional;  // e.g. "TEXT"; empty when the command takes none
    std::string summary;
    std::vector<OptionSpec> options;
};

class ParsedArgs {
public:
    [[nodiscard]] bool flag(const std::string& name) const { return values_.count(name) != 0; }
    [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
    // Throws UsageError naming the option when the value is not an integer in [min, max].
    [[nodiscard]] std::optional<int> integer(const std::string& name, int min, int max) const;
    // The same with the range left to the caller to check.
    [[nodiscard]] std::optional<int> integer(const std::string& name) const;
    // Throws UsageError naming the option when the whole value is not a finite number; the range
    // is the caller's to check.
    [[nodiscard]] std::optional<double> number(const std::string& name) const;
    // "a,b,c": throws UsageError naming the option unless the value is exactly `count`
    // comma-separated integers; their range is the caller's to check.
    [[nodiscard]] std::optional<std::vector<int>> integers(const std::string& name, std::size_t count) const;
    [[nodiscard]] const std::vector<std::string>& positionals() const { return positionals_; }

private:
    friend ParsedArgs parse_args(const CommandSpec& spec, const std::vector<std::string>& args);
    std::map<std::string, std::string> values_;
    std::vector<std::string> positionals_;
};

// Accepts "--name value", "--name=value" and flags; throws UsageError for unknown options,
// missing values and repeated options.
[[nodiscard]] ParsedArgs parse_args(const CommandSpec& spec, const std::vector<std::string>& args);
[[nodiscard]] std::string command_help(const CommandSpec& spec);

}  // namespace mue::cli
