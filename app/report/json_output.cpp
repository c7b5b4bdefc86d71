#include "json_output.hpp"

#include <cmath>
#include <utility>

namespace mue::report {
namespace {

// NaN (an undefined correlation) becomes null.
nlohmann::ordered_json number_or_null(double value) {
    return std::isnan(value) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(value);
}

nlohmann::ordered_json difficulty_json(int difficulty) {
    return difficulty == kUnknownDifficulty ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(difficulty);
}

}  // namespace

nlohmann::ordered_json settings_json(const ExitSettings& s) {
    return {
        {"policy", std::string(exit_policy_name(s.policy))},
        {"image_threshold", s.image_threshold},
        {"text_threshold", s.text_threshold},
        {"joint_threshold", s.joint_threshold},
        {"decoder_threshold", s.decoder_threshold},
        {"beta", s.beta},
        {"tau", s.tau},
        {"warmup_fraction", s.warmup_fraction},
        {"kv_policy", std::string(kv_policy_name(s.kv_policy))},
        {"static_image_layers", s.static_image_layers},
        {"static_text_layers", s.static_text_layers},
        {"static_decoder_layers", s.static_decoder_layers},
        {"entropy_threshold", s.entropy_threshold},
        {"patience", s.patience},
        {"confidence_threshold", s.confidence_threshold},
        {"lens", s.lens},
        {"what_if", s.what_if},
        {"compare_full", s.compare_full},
    };
}

namespace {

nlohmann::ordered_json stream_json(const StreamTrace& s) {
    return {
        {"tokens", s.tokens},
        {"layers", s.layers},
        {"exit_layer", s.exit_layer},
        {"exited", s.exited},
        {"similarity", s.similarity},
        {"token_similarity", s.token_similarity},
    };
}

nlohmann::ordered_json lens_json(const std::vector<std::vector<LensEntry>>& lens) {
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const auto& layer : lens) {
        nlohmann::ordered_json top = nlohmann::ordered_json::array();
        for (const auto& e : layer) top.push_back({{"id", e.id}, {"text", e.text}, {"probability", e.probability}});
        layers.push_back(std::move(top));
    }
    return layers;
}

nlohmann::ordered_json decoder_json(const RunTrace& trace) {
    nlohmann::ordered_json tokens = nlohmann::ordered_json::array();
    for (const auto& t : trace.decoder_tokens) {
        nlohmann::ordered_json token = {
            {"id", t.id},
            {"text", t.text},
            {"step", t.step},
            {"threshold", t.threshold},
            {"exit_layer", t.exit_layer},
            {"exited", t.exited},
            {"similarity", t.similarity},
            {"measure", t.measure},
        };
        if (trace.settings.lens) token["lens"] = lens_json(t.lens);
        tokens.push_back(std::move(token));
    }
    return {{"layers", trace.decoder_layers}, {"tokens", std::move(tokens)}};
}

nlohmann::ordered_json savings_json(const Savings& s) {
    nlohmann::ordered_json out = {
        {"expected_reduction_mean", s.expected_reduction_mean},
        {"expected_reduction_token_weighted", s.expected_reduction_token_weighted},
        {"flops", s.flops},
        {"full_flops", s.full_flops},
        {"flop_reduction", s.flop_reduction},
    };
    if (s.measured_reduction) out["measured_reduction"] = *s.measured_reduction;
    out["compute_ms"] = s.compute_ms;
    if (s.full_compute_ms) out["full_compute_ms"] = *s.full_compute_ms;
    return out;
}

}  // namespace

nlohmann::ordered_json model_info_json(const ModelInfo& info) {
    const auto& a = info.arch;
    return {
        {"model_id", info.model_id},
        {"description", info.description},
        {"trained", info.trained},
        {"folder", info.folder.string()},
        {"encoder_mode", std::string(encoder_mode_name(info.encoder_mode))},
        {"parameters", info.parameters},
        {"encoder_layers", a.encoder_layers},
        {"decoder_layers", a.decoder_layers},
        {"d_model", a.d_model},
        {"ffn_dim", a.ffn_dim},
        {"attention_heads", a.attention_heads},
        {"vocab_size", a.vocab_size},
        {"entangle_position_embedding", a.entangle_position_embedding},
        {"decoder_entangle_position_embedding", a.decoder_entangle_position_embedding},
        {"image_size", info.image_size},
        {"image_tokens", info.image_tokens},
        {"tokenizer", info.tokenizer_format},
        {"threads", intra_op_threads()},
    };
}

nlohmann::ordered_json run_result_json(const RunResult& result, const RunRequest& request, const ModelInfo& info) {
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const auto& t : result.timings) {
        layers.push_back({{"stage", t.stage}, {"layer", t.layer}, {"ms", t.ms}, {"flops", t.flops}});
    }
    nlohmann::ordered_json answers = nlohmann::ordered_json::array();
    for (const auto& a : result.answers) {
        answers.push_back({{"answer", a.answer}, {"probability", a.probability}, {"logit", a.logit}});
    }
    const auto& trace = result.trace;
    nlohmann::ordered_json out = {
        {"prediction", result.prediction},
        {"policy", std::string(exit_policy_name(trace.settings.policy))},
        {"task", std::string(task_name(request.task))},
        {"text", request.text},
        {"premise", request.premise},
        {"image", request.image_path.string()},
        {"encoder_mode", std::string(encoder_mode_name(result.encoder_mode))},
        {"source_ids", result.source_ids},
        {"image_tokens", result.image_tokens},
        {"text_tokens", result.text_tokens},
        {"output", {{"ids", result.output_ids}, {"tokens", result.output_tokens}, {"score", result.output_score}}},
        {"answers", answers},
        {"decoder_steps", result.decoder_steps},
        {"settings", settings_json(trace.settings)},
        {"encoder",
         {{"joint", trace.joint_encoder}, {"image", stream_json(trace.image)}, {"text", stream_json(trace.text)}}},
        {"decoder", decoder_json(trace)},
        {"savings", savings_json(trace.savings)},
        {"timing", {{"total_ms", result.total_ms}, {"preprocess_ms", result.preprocess_ms}, {"layers", layers}}},
        {"model", model_info_json(info)},
    };
    return out;
}

nlohmann::ordered_json eval_report_json(const EvalReport& r) {
    const bool entailment = r.task == Task::Entailment;
    nlohmann::ordered_json examples = nlohmann::ordered_json::array();
    for (const auto& e : r.examples) {
        nlohmann::ordered_json row = {{"id", e.id}, {"prediction", e.prediction}};
        if (entailment) {
            row["label"] = e.label;
            row["correct"] = e.correct;
        } else {
            row["references"] = e.references;
        }
        row["difficulty"] = difficulty_json(e.difficulty);
        row["image_exit"] = e.image_exit;
        row["text_exit"] = e.text_exit;
        row["decoder_exit_mean"] = e.decoder_exit_mean;
        row["decoder_tokens"] = e.decoder_tokens;
        row["expected_reduction_mean"] = e.expected_reduction_mean;
        row["expected_reduction_token_weighted"] = e.expected_reduction_token_weighted;
        row["flop_reduction"] = e.flop_reduction;
        examples.push_back(std::move(row));
    }
    nlohmann::ordered_json levels = nlohmann::ordered_json::array();
    for (const auto& l : r.difficulty_levels) {
        nlohmann::ordered_json level = {{"difficulty", l.difficulty}, {"n", l.n}};
        if (l.accuracy) {
            level["correct"] = l.correct;
            level["accuracy"] = *l.accuracy;
        }
        level["image_exit_mean"] = l.image_exit_mean;
        level["text_exit_mean"] = l.text_exit_mean;
        level["decoder_exit_mean"] = l.decoder_exit_mean;
        level["expected_reduction_mean"] = l.expected_reduction_mean;
        levels.push_back(std::move(level));
    }
    const auto& c = r.correlations;
    return {
        {"dataset", r.dataset},
        {"split", r.split},
        {"task", std::string(task_name(r.task))},
        {"model_id", r.model_id},
        {"policy", std::string(exit_policy_name(r.settings.policy))},
        {"settings", settings_json(r.settings)},
        {"beam_size", r.beam_size ? nlohmann::ordered_json(*r.beam_size) : nlohmann::ordered_json(nullptr)},
        {"n", r.n},
        {"metric", r.metric},
        {"score", r.score},
        {"bleu4", r.bleu4 ? nlohmann::ordered_json(*r.bleu4) : nlohmann::ordered_json(nullptr)},
        {"savings",
         {{"expected_reduction_mean", r.savings.expected_reduction_mean},
          {"expected_reduction_token_weighted", r.savings.expected_reduction_token_weighted},
          {"flop_reduction", r.savings.flop_reduction}}},
        {"exit_histograms",
         {{"image", r.histograms.image}, {"text", r.histograms.text}, {"decoder", r.histograms.decoder}}},
        {"difficulty_levels", levels},
        {"difficulty_spearman",
         {{"image_exit", number_or_null(c.image_exit)},
          {"text_exit", number_or_null(c.text_exit)},
          {"decoder_exit", number_or_null(c.decoder_exit)},
          {"expected_reduction", number_or_null(c.expected_reduction)}}},
        {"dataset_problems", r.dataset_problems},
        {"elapsed_ms", r.elapsed_ms},
        {"examples", examples},
    };
}

namespace {

nlohmann::ordered_json histograms_json(const ExitHistograms& h) {
    return {{"image", h.image}, {"text", h.text}, {"decoder", h.decoder}};
}

// The reductions flat beside the score, as the CSV has them.
void add_savings(nlohmann::ordered_json& j, const EvalSavings& s) {
    j["expected_reduction_mean"] = s.expected_reduction_mean;
    j["expected_reduction_token_weighted"] = s.expected_reduction_token_weighted;
    j["flop_reduction"] = s.flop_reduction;
}

}  // namespace

nlohmann::ordered_json sweep_json(const std::vector<SweepPoint>& points, const EvalDataset& dataset,
                                  const std::string& model_id, bool complete) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& p : points) {
        nlohmann::ordered_json row = {{"label", p.label},
                                      {"policy", std::string(exit_policy_name(p.settings.policy))},
                                      {"settings", settings_json(p.settings)},
                                      {"score", p.score},
                                      {"retention", p.retention}};
        add_savings(row, p.savings);
        row["pareto"] = p.pareto;
        row["exit_histograms"] = histograms_json(p.histograms);
        rows.push_back(std::move(row));
    }
    return {
        {"dataset", dataset.name},
        {"split", dataset.split},
        {"task", std::string(task_name(dataset.task))},
        {"model_id", model_id},
        {"n", dataset.items.size()},
        {"complete", complete},
        {"points", rows},
    };
}

nlohmann::ordered_json tune_result_json(const TuneResult& r, const std::string& dataset, double target_retention) {
    constexpr double kNeverExits = 1.0;
    const bool mue = r.settings.policy == ExitPolicy::Mue;
    nlohmann::ordered_json validation = {{"label", r.validation.label},
                                         {"score", r.validation.score},
                                         {"retention", r.validation.retention}};
    if (r.validation_retention_lower_bound) validation["retention_lower_bound"] = *r.validation_retention_lower_bound;
    add_savings(validation, r.validation.savings);
    nlohmann::ordered_json test = {{"n", r.test.n},
                                   {"metric", r.test.metric},
                                   {"score", r.test.score},
                                   {"full_score", r.full_test_score},
                                   {"retention", r.test_retention}};
    add_savings(test, r.test.savings);
    test["exit_histograms"] = histograms_json(r.test.histograms);
    nlohmann::ordered_json document = {
        {"dataset", dataset},
        {"model_id", r.test.model_id},
        {"target_retention", target_retention},
    };
    if (r.confidence) document["confidence"] = *r.confidence;
    document["policy"] = std::string(exit_policy_name(r.settings.policy));
    document["thresholds"] = {{"image", mue ? r.settings.image_threshold : kNeverExits},
                              {"text", mue ? r.settings.text_threshold : kNeverExits},
                              {"decoder", mue ? r.settings.decoder_threshold : kNeverExits}};
    document["settings"] = settings_json(r.settings);
    document["validation"] = validation;
    document["test"] = test;
    return document;
}

}  // namespace mue::report
