#include "sweep_reader.hpp"

#include "mue/errors.hpp"

#include <nlohmann/json.hpp>

namespace mue::report {
namespace {

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
        if (!v.is_number_integer()) fail(where + "." + key, "expected an integer");
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

    std::vector<int> counts(const Json& object, const char* key, const std::string& where) const {
        const Json& v = field(object, key, where);
        std::vector<int> out;
        if (!v.is_array()) fail(where + "." + key, "expected an array of counts");
        for (const Json& c : v) {
            if (!c.is_number_integer() || c.get<long long>() < 0) fail(where + "." + key, "expected counts >= 0");
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

private:
    std::string source_;
};

}  // namespace

SweepDocument read_sweep_json(std::string_view text, const std::string& source) {
    const Reader r(source);
    Json j;
    try {
        j = Json::parse(text);
    } catch (const Json::parse_error& error) {
        throw InputError(source + ": not valid JSON (" + error.what() + ")");
    }
    SweepDocument d;
    d.dataset = r.text(j, "dataset", "document");
    d.split = r.text(j, "split", "document");
    const std::string task = r.text(j, "task", "document");
    if (task == task_name(Task::Entailment)) {
        d.task = Task::Entailment;
    } else if (task == task_name(Task::Caption)) {
        d.task = Task::Caption;
    } else {
        r.fail("document.task", "expected \"entailment\" or \"caption\"");
    }
    d.model_id = r.text(j, "model_id", "document");
    const Json& n = r.field(j, "n", "document");
    if (!n.is_number_unsigned()) r.fail("document.n", "expected a count");
    d.n = n.get<std::size_t>();
    const Json& points = r.field(j, "points", "document");
    if (!points.is_array()) r.fail("document.points", "expected an array");
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::string where = "points[" + std::to_string(i) + "]";
        const Json& p = points[i];
        SweepPoint point;
        point.label = r.text(p, "label", where);
        point.settings = r.settings(r.field(p, "settings", where), where + ".settings");
        point.score = r.number(p, "score", where);
        point.retention = r.number(p, "retention", where);
        point.savings.expected_reduction_mean = r.number(p, "expected_reduction_mean", where);
        point.savings.expected_reduction_token_weighted = r.number(p, "expected_reduction_token_weighted", where);
        point.savings.flop_reduction = r.number(p, "flop_reduction", where);
        point.pareto = r.boolean(p, "pareto", where);
        const Json& h = r.field(p, "exit_histograms", where);
        point.histograms.image = r.counts(h, "image", where + ".exit_histograms");
        point.histograms.text = r.counts(h, "text", where + ".exit_histograms");
        point.histograms.decoder = r.counts(h, "decoder", where + ".exit_histograms");
        d.points.push_back(std::move(point));
    }
    return d;
}

}  // namespace mue::report
