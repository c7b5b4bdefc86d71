#pragma once
// Checked access to a parsed JSON document, for the readers of the documents json_output.hpp
// writes: every failure is an InputError naming the source, the place in the document and what
// was expected. Internal to mue_report.

#include "mue/errors.hpp"
#include "mue/trace.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace mue::report {

using Json = nlohmann::json;

class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw InputError(source_ + ": " + where + ": " + what);
    }

    const Json& field(const Json& object, const char* key, const std::string& where) const {
        if (!object.is_object()) fail(where, "expected an object");
        const auto found = object.find(key);
        if (found == object.end()) fail(where, std::string("missing \"") + key + "\"");
        return *found;
    }

    double number(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        if (!v.is_number()) fail(where + "." + key, "expected a number");
        return v.get<double>();
    }

    int integer(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        if (!v.is_number_integer() || !fits_int(v)) fail(where + "." + key, "expected an integer");
        return v.get<int>();
    }

    std::string text(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        if (!v.is_string()) fail(where + "." + key, "expected a string");
        return v.get<std::string>();
    }

    bool boolean(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        if (!v.is_boolean()) fail(where + "." + key, "expected true or false");
        return v.get<bool>();
    }

    // A single-precision field (similarities, probabilities): larger values cannot be converted.
    float single(const Json& object, const char* key, const std::string& where) const {
        const double v = number(object, key, where);
        if (!fits_float(v)) fail(where + "." + key, "expected a number within single precision");
        return static_cast<float>(v);
    }

    static bool fits_float(double v) {
        return std::isnan(v) || std::abs(v) <= static_cast<double>(std::numeric_limits<float>::max());
    }

    // Integers beyond int's range would wrap on conversion.
    static bool fits_int(const Json& v) {
        if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max());
        const auto wide = v.get<std::int64_t>();
        return wide >= std::numeric_limits<int>::min() && wide <= std::numeric_limits<int>::max();
    }

    std::vector<int> counts(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        std::vector<int> out;
        if (!v.is_array()) fail(where + "." + key, "expected an array of counts");
        for (const Json& c : v) {
            if (!c.is_number_integer() || !fits_int(c) || c.get<long long>() < 0) {
                fail(where + "." + key, "expected counts >= 0");
            }
            out.push_back(c.get<int>());
        }
        return out;
    }

    ExitSettings settings(const Json& s, const std::string& where) const {
        ExitSettings out;
        const auto policy = parse_exit_policy(text(s, "policy", where));
        if (!policy) fail(where + ".policy", "unknown policy");
        out.policy = *policy;
        out.image_threshold = number(s, "image_threshold", where);
        out.text_threshold = number(s, "text_threshold", where);
        out.joint_threshold = number(s, "joint_threshold", where);
        out.decoder_threshold = number(s, "decoder_threshold", where);
        out.beta = number(s, "beta", where);
        out.tau = number(s, "tau", where);
        out.warmup_fraction = number(s, "warmup_fraction", where);
        const auto kv = parse_kv_policy(text(s, "kv_policy", where));
        if (!kv) fail(where + ".kv_policy", "unknown KV policy");
        out.kv_policy = *kv;
        out.static_image_layers = integer(s, "static_image_layers", where);
        out.static_text_layers = integer(s, "static_text_layers", where);
        out.static_decoder_layers = integer(s, "static_decoder_layers", where);
        out.entropy_threshold = number(s, "entropy_threshold", where);
        out.patience = integer(s, "patience", where);
        out.confidence_threshold = number(s, "confidence_threshold", where);
        try {
            out.validate();
        } catch (const InputError& error) {
            fail(where, error.what());
        }
        return out;
    }

    std::vector<float> floats(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        if (!v.is_array()) fail(where + "." + key, "expected an array of numbers");
        std::vector<float> out;
        out.reserve(v.size());
        for (const Json& x : v) {
            if (!x.is_number() || !fits_float(x.get<double>())) fail(where + "." + key, "expected an array of numbers");
            out.push_back(x.get<float>());
        }
        return out;
    }

    std::vector<int> integers(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        if (!v.is_array()) fail(where + "." + key, "expected an array of integers");
        std::vector<int> out;
        out.reserve(v.size());
        for (const Json& x : v) {
            if (!x.is_number_integer() || !fits_int(x)) fail(where + "." + key, "expected an array of integers");
            out.push_back(x.get<int>());
        }
        return out;
    }

    const Json& array(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        if (!v.is_array()) fail(where + "." + key, "expected an array");
        return v;
    }

    [[nodiscard]] const std::string& source() const { return source_; }

private:
    std::string source_;
};


// Parses `text`; throws InputError naming `source` when it is not JSON.
[[nodiscard]] Json parse_json(std::string_view text, const std::string& source);

}  // namespace mue::report
