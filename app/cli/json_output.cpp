#include "json_output.hpp"

#include <utility>

namespace mue::cli {
namespace {

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

}  // namespace mue::cli
