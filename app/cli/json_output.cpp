#include "json_output.hpp"

namespace mue::cli {

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
    for (const auto& t : result.timings) layers.push_back({{"stage", t.stage}, {"layer", t.layer}, {"ms", t.ms}});
    nlohmann::ordered_json answers = nlohmann::ordered_json::array();
    for (const auto& a : result.answers) {
        answers.push_back({{"answer", a.answer}, {"probability", a.probability}, {"logit", a.logit}});
    }
    nlohmann::ordered_json out = {
        {"prediction", result.prediction},
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
        {"timing", {{"total_ms", result.total_ms}, {"preprocess_ms", result.preprocess_ms}, {"layers", layers}}},
        {"model", model_info_json(info)},
    };
    return out;
}

}  // namespace mue::cli
