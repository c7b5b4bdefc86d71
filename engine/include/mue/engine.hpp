#pragma once
// The inference engine's public face: load a model folder, run image + text requests.
// Plain types only; LibTorch stays inside the engine's sources.
//
// Threading: an Engine is immutable after load(); run() may be called from any thread, and from
// several threads at once. CancellationToken::cancel() may be called from any thread.

#include "mue/image.hpp"
#include "mue/model_config.hpp"
#include "mue/trace.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mue {

class CancellationToken {
public:
    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> cancelled_{false};
};

enum class Task { Caption, Entailment, Prompt };
[[nodiscard]] std::string_view task_name(Task task);

struct ModelInfo {
    std::string model_id;
    std::string description;
    bool trained = false;
    std::filesystem::path folder;
    ArchitectureConfig arch;
    int image_size = 0;
    int image_tokens = 0;
    EncoderMode encoder_mode = EncoderMode::Decomposed;
    std::int64_t parameters = 0;
    std::string tokenizer_format;  // "huggingface" or "ofa"
};

struct RunRequest {
    std::filesystem::path image_path;  // used when `image` is empty
    RgbImage image;
    Task task = Task::Caption;
    std::string text;                  // hypothesis (Entailment) or prompt (Prompt); unused for Caption
    // Entailment only: a text premise (OFA's SNLI-VE with captions); empty = image-only prompt.
    std::string premise;
    std::optional<EncoderMode> encoder_mode;  // default: the model's
    std::optional<int> beam_size;             // default: the model's caption settings
    std::optional<int> max_length;
    // Early exits. The Mue and Static policies run the decomposed encoder and Joint the joint
    // one, whatever encoder_mode says; the other policies honour it.
    ExitSettings exits;
};

struct AnswerScore {
    std::string answer;   // as configured, e.g. " yes"
    float probability = 0;  // softmax over the candidate answers at the last prompt position
    float logit = 0;
};

// Wall time and analytic FLOPs of one layer over the whole batch (summed over decoding steps for
// the decoder; "decoder.kv" is the key/value work the Propagate policy adds for skipped layers).
struct LayerTiming {
    std::string stage;  // "image_stem", "text_embed", "encoder.image", "encoder.text", "encoder.joint", "decoder", "output_head"
    int layer = 0;      // 1-based; 0 for single stages
    double ms = 0;
    double flops = 0;
};

// Reported after each layer finishes, on the thread that runs the request.
using LayerObserver = std::function<void(const LayerTiming& layer)>;

struct RunResult {
    std::string prediction;             // caption / generated text, or the best answer (trimmed)
    std::vector<int> source_ids;        // encoder text tokens (bos ... eos)
    std::vector<int> output_ids;        // generated tokens (no bos/eos); empty for Entailment
    std::vector<std::string> output_tokens;
    double output_score = 0;            // length-normalised log-probability of the generation
    std::vector<AnswerScore> answers;   // Entailment only
    EncoderMode encoder_mode = EncoderMode::Decomposed;
    int image_tokens = 0;
    int text_tokens = 0;
    int decoder_steps = 0;
    std::vector<LayerTiming> timings;
    double preprocess_ms = 0;
    double total_ms = 0;
    RunTrace trace;
};

class Engine {
public:
    // Loads config.json, model.safetensors and the tokenizer files of a model folder. Throws
    // InputError naming the file and field on anything missing or malformed.
    [[nodiscard]] static Engine load(const std::filesystem::path& model_folder);

    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;
    ~Engine();

    [[nodiscard]] const ModelInfo& info() const;
    [[nodiscard]] const ModelConfig& config() const;

    // One request. Throws InputError for bad input, Cancelled when `cancel` is set (checked
    // before every layer). `observer` hears of each finished layer.
    [[nodiscard]] RunResult run(const RunRequest& request, const CancellationToken* cancel = nullptr,
                                const LayerObserver& observer = {}) const;
    // Several requests with the same task, encoder mode, decoding and exit settings as one batch;
    // every exit decision is per example, so results equal one-by-one runs.
    [[nodiscard]] std::vector<RunResult> run_batch(const std::vector<RunRequest>& requests,
                                                   const CancellationToken* cancel = nullptr,
                                                   const LayerObserver& observer = {}) const;

private:
    struct Impl;
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The encoder a policy needs whatever RunRequest::encoder_mode says: Mue and Static the decomposed
// streams, Joint the joint encoder; none for the others.
[[nodiscard]] std::optional<EncoderMode> policy_encoder_mode(ExitPolicy policy);

// LibTorch's intra-op thread count for this process (all engines share it).
void set_intra_op_threads(int threads);
[[nodiscard]] int intra_op_threads();

// Writes a complete model folder: config.json (labelled untrained), seeded random weights, and a
// byte-level BPE vocabulary (vocab.json + merges.txt) in which each of `words`, and each word of
// the task prompts, is one token.
void write_model_folder(const std::filesystem::path& folder, ModelConfig config, const std::vector<std::string>& words,
                        std::uint64_t seed);
// write_model_folder with the words of simple scene descriptions and the task prompts. Its
// outputs carry no meaning.
void write_random_model(const std::filesystem::path& folder, ModelConfig config, std::uint64_t seed);
// The architecture of the embedded default model until a trained one ships.
[[nodiscard]] ModelConfig default_random_model_config();

}  // namespace mue
