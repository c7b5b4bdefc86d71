#include "run_reader.hpp"

#include "json_reader.hpp"

namespace mue::report {
namespace {

Task task_of(const Reader& r, const std::string& name, const std::string& where) {
    for (const Task t : {Task::Caption, Task::Entailment, Task::Prompt}) {
        if (name == task_name(t)) return t;
    }
    r.fail(where + ".task", "expected \"caption\", \"entailment\" or \"prompt\"");
}

EncoderMode encoder_mode_of(const Reader& r, const std::string& name, const std::string& where) {
    for (const EncoderMode m : {EncoderMode::Decomposed, EncoderMode::Joint}) {
        if (name == encoder_mode_name(m)) return m;
    }
    r.fail(where + ".encoder_mode", "expected \"decomposed\" or \"joint\"");
}

std::vector<std::vector<float>> float_rows(const Reader& r, const Json& object, const char* key,
                                           const std::string& where) {
    std::vector<std::vector<float>> rows;
    const Json& v = r.array(object, key, where);
    for (std::size_t i = 0; i < v.size(); ++i) {
        const Json wrapped = {{"row", v[i]}};
        rows.push_back(r.floats(wrapped, "row", where + "." + key + "[" + std::to_string(i) + "]"));
    }
    return rows;
}

int bounded(const Reader& r, const Json& object, const char* key, const std::string& where, int low, int high) {
    const int v = r.integer(object, key, where);
    if (v < low || v > high) {
        r.fail(where + "." + key, "expected " + std::to_string(low) + " ... " + std::to_string(high));
    }
    return v;
}

// Layer counts and indices stay small; anything larger is a damaged or hostile file.
constexpr int kMaxLayers = 4096;
constexpr int kMaxTokens = 1 << 20;

StreamTrace stream_of(const Reader& r, const Json& s, const std::string& where) {
    StreamTrace t;
    t.tokens = bounded(r, s, "tokens", where, 0, kMaxTokens);
    t.layers = bounded(r, s, "layers", where, 0, kMaxLayers);
    t.exit_layer = bounded(r, s, "exit_layer", where, 0, t.layers);
    t.exited = r.boolean(s, "exited", where);
    t.similarity = r.floats(s, "similarity", where);
    t.token_similarity = float_rows(r, s, "token_similarity", where);
    if (t.similarity.size() > static_cast<std::size_t>(t.layers)) r.fail(where + ".similarity", "more values than layers");
    return t;
}

std::vector<std::vector<LensEntry>> lens_of(const Reader& r, const Json& token, const std::string& where) {
    std::vector<std::vector<LensEntry>> layers;
    const Json& lens = r.array(token, "lens", where);
    for (std::size_t l = 0; l < lens.size(); ++l) {
        const std::string at = where + ".lens[" + std::to_string(l) + "]";
        if (!lens[l].is_array()) r.fail(at, "expected an array");
        std::vector<LensEntry> top;
        for (std::size_t k = 0; k < lens[l].size(); ++k) {
            const std::string entry = at + "[" + std::to_string(k) + "]";
            top.push_back({r.integer(lens[l][k], "id", entry), r.text(lens[l][k], "text", entry),
                           r.single(lens[l][k], "probability", entry)});
        }
        layers.push_back(std::move(top));
    }
    return layers;
}

void read_settings_flags(const Reader& r, const Json& s, ExitSettings& settings, const std::string& where) {
    settings.lens = r.boolean(s, "lens", where);
    settings.what_if = r.boolean(s, "what_if", where);
    settings.compare_full = r.boolean(s, "compare_full", where);
}

Savings savings_of(const Reader& r, const Json& s, const std::string& where) {
    Savings out;
    out.expected_reduction_mean = r.number(s, "expected_reduction_mean", where);
    out.expected_reduction_token_weighted = r.number(s, "expected_reduction_token_weighted", where);
    out.flops = r.number(s, "flops", where);
    out.full_flops = r.number(s, "full_flops", where);
    out.flop_reduction = r.number(s, "flop_reduction", where);
    if (s.contains("measured_reduction")) out.measured_reduction = r.number(s, "measured_reduction", where);
    out.compute_ms = r.number(s, "compute_ms", where);
    if (s.contains("full_compute_ms")) out.full_compute_ms = r.number(s, "full_compute_ms", where);
    return out;
}

}  // namespace

RunDocument read_run_document(const Json& j, const std::string& source, const std::string& where) {
    const Reader r(source);
    RunDocument d;
    RunResult& out = d.result;
    out.prediction = r.text(j, "prediction", where);
    d.task = task_of(r, r.text(j, "task", where), where);
    d.text = r.text(j, "text", where);
    // Documents written before the premise prompt have none.
    if (j.contains("premise")) d.premise = r.text(j, "premise", where);
    d.image = r.text(j, "image", where);
    out.encoder_mode = encoder_mode_of(r, r.text(j, "encoder_mode", where), where);
    out.source_ids = r.integers(j, "source_ids", where);
    out.image_tokens = bounded(r, j, "image_tokens", where, 0, kMaxTokens);
    out.text_tokens = bounded(r, j, "text_tokens", where, 0, kMaxTokens);
    const std::string output_at = where + ".output";
    const Json& output = r.field(j, "output", where);
    out.output_ids = r.integers(output, "ids", output_at);
    const Json& tokens = r.array(output, "tokens", output_at);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (!tokens[i].is_string()) r.fail(output_at + ".tokens[" + std::to_string(i) + "]", "expected a string");
        out.output_tokens.push_back(tokens[i].get<std::string>());
    }
    out.output_score = r.number(output, "score", output_at);
    const Json& answers = r.array(j, "answers", where);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const std::string at = where + ".answers[" + std::to_string(i) + "]";
        out.answers.push_back(
            {r.text(answers[i], "answer", at), r.single(answers[i], "probability", at), r.single(answers[i], "logit", at)});
    }
    out.decoder_steps = bounded(r, j, "decoder_steps", where, 0, kMaxTokens);

    RunTrace& trace = out.trace;
    const std::string settings_at = where + ".settings";
    const Json& settings = r.field(j, "settings", where);
    trace.settings = r.settings(settings, settings_at);
    read_settings_flags(r, settings, trace.settings, settings_at);
    const std::string encoder_at = where + ".encoder";
    const Json& encoder = r.field(j, "encoder", where);
    trace.joint_encoder = r.boolean(encoder, "joint", encoder_at);
    trace.image = stream_of(r, r.field(encoder, "image", encoder_at), encoder_at + ".image");
    trace.text = stream_of(r, r.field(encoder, "text", encoder_at), encoder_at + ".text");
    const std::string decoder_at = where + ".decoder";
    const Json& decoder = r.field(j, "decoder", where);
    trace.decoder_layers = bounded(r, decoder, "layers", decoder_at, 0, kMaxLayers);
    const Json& steps = r.array(decoder, "tokens", decoder_at);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const std::string at = decoder_at + ".tokens[" + std::to_string(i) + "]";
        const Json& s = steps[i];
        DecoderTokenTrace t;
        t.id = r.integer(s, "id", at);
        t.text = r.text(s, "text", at);
        t.step = bounded(r, s, "step", at, 1, kMaxTokens);
        t.threshold = r.single(s, "threshold", at);
        t.exit_layer = bounded(r, s, "exit_layer", at, 0, trace.decoder_layers);
        t.exited = r.boolean(s, "exited", at);
        t.similarity = r.floats(s, "similarity", at);
        t.measure = r.floats(s, "measure", at);
        if (trace.settings.lens) t.lens = lens_of(r, s, at);
        trace.decoder_tokens.push_back(std::move(t));
    }
    trace.savings = savings_of(r, r.field(j, "savings", where), where + ".savings");

    const std::string timing_at = where + ".timing";
    const Json& timing = r.field(j, "timing", where);
    out.total_ms = r.number(timing, "total_ms", timing_at);
    out.preprocess_ms = r.number(timing, "preprocess_ms", timing_at);
    const Json& layers = r.array(timing, "layers", timing_at);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string at = timing_at + ".layers[" + std::to_string(i) + "]";
        out.timings.push_back({r.text(layers[i], "stage", at), r.integer(layers[i], "layer", at),
                               r.number(layers[i], "ms", at), r.number(layers[i], "flops", at)});
    }
    if (const auto model = j.find("model"); model != j.end() && model->is_object()) {
        trace.model_id = r.text(*model, "model_id", where + ".model");
    }
    return d;
}

}  // namespace mue::report
