#include "sweep_reader.hpp"

#include "json_reader.hpp"
#include "mue/errors.hpp"

#include <nlohmann/json.hpp>

namespace mue::report {

SweepDocument read_sweep_json(std::string_view text, const std::string& source) {
    return read_sweep_document(parse_json(text, source), source, "document");
}

SweepDocument read_sweep_document(const nlohmann::json& j, const std::string& source, const std::string& where) {
    const Reader r(source);
    SweepDocument d;
    d.dataset = r.text(j, "dataset", where);
    d.split = r.text(j, "split", where);
    const std::string task = r.text(j, "task", where);
    if (task == task_name(Task::Entailment)) {
        d.task = Task::Entailment;
    } else if (task == task_name(Task::Caption)) {
        d.task = Task::Caption;
    } else {
        r.fail(where + ".task", "expected \"entailment\" or \"caption\"");
    }
    d.model_id = r.text(j, "model_id", where);
    const Json& n = r.field(j, "n", where);
    if (!n.is_number_unsigned()) r.fail(where + ".n", "expected a count");
    d.n = n.get<std::size_t>();
    if (const auto complete = j.find("complete"); complete != j.end()) {
        if (!complete->is_boolean()) r.fail(where + ".complete", "expected true or false");
        d.complete = complete->get<bool>();
    }
    const Json& points = r.field(j, "points", where);
    if (!points.is_array()) r.fail(where + ".points", "expected an array");
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::string at = where + ".points[" + std::to_string(i) + "]";
        const Json& p = points[i];
        SweepPoint point;
        point.label = r.text(p, "label", at);
        point.settings = r.settings(r.field(p, "settings", at), at + ".settings");
        point.score = r.number(p, "score", at);
        point.retention = r.number(p, "retention", at);
        point.savings.expected_reduction_mean = r.number(p, "expected_reduction_mean", at);
        point.savings.expected_reduction_token_weighted = r.number(p, "expected_reduction_token_weighted", at);
        point.savings.flop_reduction = r.number(p, "flop_reduction", at);
        point.pareto = r.boolean(p, "pareto", at);
        const Json& h = r.field(p, "exit_histograms", at);
        point.histograms.image = r.counts(h, "image", at + ".exit_histograms");
        point.histograms.text = r.counts(h, "text", at + ".exit_histograms");
        point.histograms.decoder = r.counts(h, "decoder", at + ".exit_histograms");
        d.points.push_back(std::move(point));
    }
    return d;
}

}  // namespace mue::report
