#pragma once
// Early-exit settings and the run trace: everything the app draws about one run, in plain C++
// types (no torch). Values are per example; a batched run yields one trace per example.
// Immutable once returned; safe to copy between threads.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mue {

// How layers are skipped. mue-method.md describes each.
enum class ExitPolicy {
    Full,        // no exits: the reference
    Mue,         // decomposed encoder, one similarity exit per stream, per-token decoder exits
    Joint,       // joint encoder with one similarity exit over [image; text] ("without decomposition")
    Static,      // fixed layer counts for image, text and decoder
    DeeBert,     // decoder exit when the shared head's entropy falls below a threshold
    Pabee,       // decoder exit when the shared head's prediction is unchanged for `patience` layers
    Confidence,  // decoder exit when the top softmax probability exceeds a threshold (CALM)
};

// What decoder layers skipped by an exited token store for later steps.
enum class KvPolicy {
    None,       // nothing: later tokens attend over fewer keys in those layers (released MuE code)
    Copy,       // the exited layer's keys/values are copied into every skipped layer (authors' dev code)
    Propagate,  // the exited state is fed to each skipped layer only to compute its keys/values (CALM)
};

[[nodiscard]] std::string_view exit_policy_name(ExitPolicy policy);
[[nodiscard]] std::optional<ExitPolicy> parse_exit_policy(std::string_view name);
[[nodiscard]] std::string_view kv_policy_name(KvPolicy policy);
[[nodiscard]] std::optional<KvPolicy> parse_kv_policy(std::string_view name);

struct ExitSettings {
    ExitPolicy policy = ExitPolicy::Full;
    // Similarity thresholds: a stream exits after layer i when cos(h_i, h_{i-1}) > threshold.
    // 1.0 never exits; anything below -1 exits after layer 1. Defaults: the paper's appendix (VE).
    double image_threshold = 0.90;
    double text_threshold = 0.95;
    double joint_threshold = 0.95;    // the Joint policy's single encoder exit
    double decoder_threshold = 0.95;  // theta in Theta(t) = beta*theta + (1-beta)*exp(-tau*t/N);
                                      // theta >= 1 never exits; entailment scoring uses theta itself
    double beta = 0.95;
    double tau = 1.0;
    double warmup_fraction = 0.0;     // steps t <= floor(fraction * N) never exit (released code: 1/3)
    KvPolicy kv_policy = KvPolicy::None;
    int static_image_layers = 0;      // Static policy; 0 means all layers
    int static_text_layers = 0;
    int static_decoder_layers = 0;
    double entropy_threshold = 1.0;   // DeeBert, in nats
    int patience = 2;                 // Pabee
    double confidence_threshold = 0.9;  // Confidence
    bool lens = false;                // record the shared head's top-5 at every decoder layer
    bool what_if = false;             // run every layer; record where the policy would have exited
    bool compare_full = false;        // also run the full model on the same input and time both

    // "paper" (appendix: 0.90 / 0.95 / 0.95, beta 0.95, tau 1), "released-ve" (0.70 / 0.99 / 0.70,
    // beta 0.9, warm-up 1/3), "released-caption" (0.99 / 0.70 / 0.90, beta 0.9, warm-up 1/3),
    // "no-exits" (Full). Throws InputError for other names.
    [[nodiscard]] static ExitSettings preset(std::string_view name);
    // Throws InputError naming the field that is out of range.
    void validate() const;
};

[[nodiscard]] bool operator==(const ExitSettings& a, const ExitSettings& b);
[[nodiscard]] inline bool operator!=(const ExitSettings& a, const ExitSettings& b) { return !(a == b); }

struct LensEntry {
    int id = 0;
    std::string text;
    float probability = 0;
};

// One encoder stream of one example. For a joint encoder, the image and text traces both describe
// the joint stream (same similarity and exit), each with its own tokens' per-token similarity.
struct StreamTrace {
    int tokens = 0;                 // real tokens of this example in this stream
    int layers = 0;                 // N, layers available
    int exit_layer = 0;             // layers used; N when the stream never exited
    bool exited = false;            // the exit rule fired (exit_layer may still equal N)
    std::vector<float> similarity;  // cos(vec h_i, vec h_{i-1}) for each executed layer i = 1..
    std::vector<std::vector<float>> token_similarity;  // [layer][token]: per-token cosine
};

// One decoder step of one example: a generated token, or the single scoring pass of entailment.
struct DecoderTokenTrace {
    int id = 0;
    std::string text;
    int step = 0;                   // 1-based
    float threshold = 0;            // the active threshold: Theta(t) for mue/joint (1 in warm-up)
    int exit_layer = 0;
    bool exited = false;
    std::vector<float> similarity;  // cos(h_i, h_{i-1}) of this step's state, each executed layer
    std::vector<float> measure;     // the policy's own measure per layer (entropy, top prob, streak)
    std::vector<std::vector<LensEntry>> lens;  // [layer][top-5], when ExitSettings::lens
};

struct Savings {
    // 1 - (n_E + mean_t n_D(t)) / (N_E + N_D) with n_E = (p + q) / 2 ...
    double expected_reduction_mean = 0;
    // ... and with n_E weighted by the streams' token counts.
    double expected_reduction_token_weighted = 0;
    double flops = 0;        // analytic FLOPs this example used (stem, layers, output head)
    double full_flops = 0;   // the same input with every layer
    double flop_reduction = 0;
    // With compare_full: 1 - compute time / full model's compute time (same input, same batch).
    std::optional<double> measured_reduction;
    double compute_ms = 0;
    std::optional<double> full_compute_ms;
};

struct RunTrace {
    std::string model_id;
    ExitSettings settings;
    bool joint_encoder = false;
    StreamTrace image;
    StreamTrace text;
    int decoder_layers = 0;
    std::vector<DecoderTokenTrace> decoder_tokens;
    Savings savings;
};

}  // namespace mue
