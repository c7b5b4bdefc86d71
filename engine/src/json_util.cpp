#include "json_util.hpp"

#include "mue/errors.hpp"

#include <cmath>

namespace mue::detail {

StrictObject::StrictObject(const nlohmann::json& value, std::string source, std::string path)
    : value_(value), source_(std::move(source)), path_(std::move(path)) {
    if (!value_.is_object()) {
        throw InputError(source_ + ": " + (path_.empty() ? std::string("the document") : "field '" + path_ + "'") +
                         " must be a JSON object");
    }
}

bool StrictObject::has(const std::string& key) const { return value_.contains(key); }

bool StrictObject::is_array(const std::string& key) const {
    const auto it = value_.find(key);
    return it != value_.end() && it->is_array();
}

void StrictObject::fail(const std::string& key, const std::string& problem) const {
    const std::string dotted = path_.empty() ? key : path_ + "." + key;
    throw InputError(source_ + ": field '" + dotted + "' " + problem);
}

const nlohmann::json& StrictObject::field(const std::string& key) {
    const auto it = value_.find(key);
    if (it == value_.end()) {
        fail(key, "is missing");
    }
    read_.insert(key);
    return *it;
}

std::int64_t StrictObject::integer(const std::string& key, std::int64_t min, std::int64_t max) {
    const auto& v = field(key);
    if (!v.is_number_integer()) {
        fail(key, "must be an integer");
    }
    const std::int64_t x = v.get<std::int64_t>();
    if (x < min || x > max) {
        fail(key, "is " + std::to_string(x) + ", outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return x;
}

double StrictObject::number(const std::string& key, double min, double max) {
    const auto& v = field(key);
    if (!v.is_number()) {
        fail(key, "must be a number");
    }
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < min || x > max) {
        fail(key, "is " + std::to_string(x) + ", outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return x;
}

bool StrictObject::boolean(const std::string& key) {
    const auto& v = field(key);
    if (!v.is_boolean()) {
        fail(key, "must be true or false");
    }
    return v.get<bool>();
}

std::string StrictObject::string(const std::string& key) {
    const auto& v = field(key);
    if (!v.is_string()) {
        fail(key, "must be a string");
    }
    return v.get<std::string>();
}

std::vector<std::int64_t> StrictObject::integer_list(const std::string& key, std::size_t min_size,
                                                     std::size_t max_size, std::int64_t min, std::int64_t max) {
    const auto& v = field(key);
    if (!v.is_array() || v.size() < min_size || v.size() > max_size) {
        fail(key, "must be a list of " + std::to_string(min_size) + " to " + std::to_string(max_size) + " integers");
    }
    std::vector<std::int64_t> out;
    for (const auto& item : v) {
        if (!item.is_number_integer() || item.get<std::int64_t>() < min || item.get<std::int64_t>() > max) {
            fail(key, "must hold integers in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
        }
        out.push_back(item.get<std::int64_t>());
    }
    return out;
}

std::vector<double> StrictObject::number_list(const std::string& key, std::size_t size, double min, double max) {
    const auto& v = field(key);
    if (!v.is_array() || v.size() != size) {
        fail(key, "must be a list of " + std::to_string(size) + " numbers");
    }
    std::vector<double> out;
    for (const auto& item : v) {
        if (!item.is_number() || !std::isfinite(item.get<double>()) || item.get<double>() < min ||
            item.get<double>() > max) {
            fail(key, "must hold numbers in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
        }
        out.push_back(item.get<double>());
    }
    return out;
}

std::vector<std::string> StrictObject::string_list(const std::string& key, std::size_t min_size,
                                                   std::size_t max_size) {
    const auto& v = field(key);
    if (!v.is_array() || v.size() < min_size || v.size() > max_size) {
        fail(key, "must be a list of " + std::to_string(min_size) + " to " + std::to_string(max_size) + " strings");
    }
    std::vector<std::string> out;
    for (const auto& item : v) {
        if (!item.is_string()) {
            fail(key, "must hold only strings");
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

StrictObject StrictObject::object(const std::string& key) {
    const auto& v = field(key);
    return StrictObject(v, source_, path_.empty() ? key : path_ + "." + key);
}

void StrictObject::reject_unknown_fields() const {
    for (const auto& item : value_.items()) {
        if (read_.count(item.key()) == 0) {
            const std::string dotted = path_.empty() ? item.key() : path_ + "." + item.key();
            throw InputError(source_ + ": unknown field '" + dotted + "'");
        }
    }
}

nlohmann::json parse_json(std::string_view text, const std::string& source) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
        throw InputError(source + ": invalid JSON: " + e.what());
    }
}

}  // namespace mue::detail
