#pragma once
// Strict reading of JSON objects for config files: every field must be known, present and of
// the right type and range; errors name the source file and the field's dotted path.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mue::detail {

class StrictObject {
public:
    // Throws InputError unless `value` is an object.
    StrictObject(const nlohmann::json& value, std::string source, std::string path);

    [[nodiscard]] bool has(const std::string& key) const;
    // Whether the field is present and a JSON array (for fields that take a number or a list).
    [[nodiscard]] bool is_array(const std::string& key) const;
    [[nodiscard]] std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max);
    [[nodiscard]] double number(const std::string& key, double min, double max);
    [[nodiscard]] bool boolean(const std::string& key);
    [[nodiscard]] std::string string(const std::string& key);
    [[nodiscard]] std::vector<std::int64_t> integer_list(const std::string& key, std::size_t min_size,
                                                         std::size_t max_size, std::int64_t min,
                                                         std::int64_t max);
    [[nodiscard]] std::vector<double> number_list(const std::string& key, std::size_t size, double min,
                                                  double max);
    [[nodiscard]] std::vector<std::string> string_list(const std::string& key, std::size_t min_size,
                                                       std::size_t max_size);
    [[nodiscard]] StrictObject object(const std::string& key);
    // Throws InputError naming the first field that was never read.
    void reject_unknown_fields() const;

private:
    [[nodiscard]] const nlohmann::json& field(const std::string& key);
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

    const nlohmann::json& value_;
    std::string source_;
    std::string path_;
    std::set<std::string> read_;
};

// Parses JSON text; throws InputError "<source>: invalid JSON: ..." on syntax errors.
[[nodiscard]] nlohmann::json parse_json(std::string_view text, const std::string& source);

}  // namespace mue::detail
