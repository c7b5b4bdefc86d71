#pragma once
// Fine-tuning with MuE's objective (mue-method.md section 5): the decomposed encoder, and the
// label-smoothed cross-entropy of EVERY decoder layer's output, through the shared final norm and
// tied head, summed. Both tasks mixed. Plain types; torch stays inside the engine.
//
// Threading: train() runs on the calling thread, plus TrainingOptions::workers - 1 threads of its
// own during each step; the example source is called from all of them (it must be thread-safe; the
// shapes world's is). The progress callback is called on the calling thread.
// CancellationToken::cancel() may be called from any thread: training stops after the current
// step and writes a checkpoint.

#include "mue/engine.hpp"
#include "mue/shapes_world.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mue {

// One supervised example. For Entailment, `target` is the label ("yes" / "no" / "maybe", matched
// against the config's answers); for Caption, the caption text.
struct TrainingExample {
    RgbImage image;
    Task task = Task::Caption;
    std::string text;  // hypothesis for Entailment
    std::string target;
    int difficulty = -1;  // the item's difficulty level where the source knows it, else -1
    // The scene the image was rendered from, where the source knows it: what the per-patch loss
    // (TrainingOptions::patch_loss_weight) reads.
    std::optional<shapes::Scene> scene;
};

// Examples by index: the same index must always give the same example (resume relies on it).
using ExampleSource = std::function<TrainingExample(std::uint64_t index)>;

// How a batch's loss averages its target tokens (see train()).
enum class LossAverage { PerToken, PerExample };

struct TrainingOptions {
    std::filesystem::path model_folder;  // holds config.json + tokenizer files; weights are written here
    int steps = 1000;
    int batch_size = 32;
    double learning_rate = 5e-4;   // peak, after linear warm-up
    double min_learning_rate = 2e-5;  // end of the cosine decay
    int warmup_steps = 100;
    double weight_decay = 0.01;
    double clip_norm = 1.0;
    double label_smoothing = 0.1;
    // PerExample: each example's token mean, then the batch mean, so that the one-token entailment
    // answers are not outweighed by the captions' many tokens (PerToken: fairseq's mean over all
    // target tokens, the recipe of the first embedded model).
    LossAverage loss_average = LossAverage::PerExample;
    bool layerwise_loss = true;    // false: the last decoder layer only (the paper's ablation)
    bool joint_encoder = false;    // true: OFA's joint encoder (the "without decomposition" ablation)
    // An addition beyond the paper's recipe, so that the decoder learns to read encoder states that
    // exited early: this share of the examples has each encoder stream stop after a layer drawn
    // uniformly from 1 .. L-1, independently per stream (0: every stream runs all layers, the paper).
    double encoder_exit_share = 0.0;
    // An addition beyond the paper's recipe, for grounding: a linear head on the encoder output's
    // image tokens predicts what each patch shows (shapes::patch_classes at the image-token grid),
    // and its cross-entropy, times this weight, joins the loss. Only examples with a scene count.
    // The head is a training aid: checkpointed beside the model, never part of it. 0: off.
    double patch_loss_weight = 0.0;
    std::uint64_t seed = 1;
    // Data parallelism on one machine: each step's batch is split into this many slices of rows,
    // each rendered and run forward and backward on its own thread, and the slices' gradients are
    // summed in slice order, so a run is reproducible for a given count. The split changes only the
    // order of floating-point sums, so a checkpoint may resume with another count.
    int workers = 1;
    int checkpoint_every = 200;    // steps; also written at the end and on cancellation
    bool resume = true;            // continue from the folder's checkpoint when there is one
    // Start from this model folder's weights (same architecture) instead of a random initialisation:
    // fine-tuning a trained model further. Ignored when resuming.
    std::filesystem::path init_from;
    // How the caller made its ExampleSource (setting -> value, e.g. "entailment_share" -> "0.8"):
    // recorded in the checkpoint with the other settings, so that resuming on another stream is
    // refused like any other change. Empty: nothing recorded.
    std::map<std::string, std::string> example_stream;
};

struct TrainingProgress {
    int step = 0;  // steps done
    int steps = 0;
    double loss = 0;                   // mean over the layers that count, this step
    std::vector<double> layer_losses;  // per decoder layer, this step (all layers, always)
    double learning_rate = 0;
    double examples_per_second = 0;
    double eta_seconds = 0;
    // Share of this step's entailment answers that the last decoder layer gets right (argmax over
    // the vocabulary); -1 when the batch has no entailment example.
    double answer_accuracy = -1;
    double gradient_norm = 0;  // global norm of this step's gradient, before clipping
    // With the per-patch loss: its value this step (unweighted), and the share of this step's
    // patches that show an object whose class the head gets right; -1 without it.
    double patch_loss = -1;
    double patch_accuracy = -1;
    // Share of this step's caption targets longer than the config's caption max_length, which are
    // cut there: the model then learns to stop at the cut. -1 when the batch has no caption.
    double cut_caption_share = -1;
};

// How shapes_example_source() mixes the shapes world's train split.
struct ShapesMix {
    double entailment_share = 0.5;  // of every batch
    // Questions (shapes::QuestionItem, trained as free prompts): a training aid beyond the paper's
    // recipe. They take this share of every batch; the rest is captions.
    double question_share = 0.0;
    // The question kinds drawn (names from shapes::kQuestionKinds); none: all.
    std::vector<std::string> question_kinds{};
    // Item numbering starts here, so a continued run can draw items the first run never saw.
    std::uint64_t first_item = 0;
    // Over the first this-many examples the highest difficulty allowed rises in equal stages from
    // the easiest level to the hardest; an item above the current limit is replaced by another item
    // of the same task from a separate, deterministic range. 0: no curriculum.
    std::uint64_t curriculum_examples = 0;
    // A training aid: entailment examples come in pairs about the same scene, the item and its
    // shapes::contrast_item (another hypothesis, another label), so the pair differs in text only.
    bool contrast_pairs = false;
};

// The shapes world's train split as a training stream rendered at image_size, the tasks evenly
// interleaved (shares 0.5 and 0: even indices captions, odd ones entailment). Each task's item
// index counts that task's examples before. Throws InputError for shares outside [0, 1] or adding
// up to more than 1.
[[nodiscard]] ExampleSource shapes_example_source(int image_size, const ShapesMix& mix = {});
// The embedded model's architecture: the paper's 6 + 6 layers at width `width` (heads of 32), a
// three-layer conv stem (image_size / 8 squared image tokens), OFA's prompts and answers.
[[nodiscard]] ModelConfig shapes_model_config(int width, int image_size);

// Trains the model in options.model_folder (random initialisation from `seed` unless resuming),
// writes model.safetensors plus training-state files, and returns the last progress. When every
// step is done, config.json is marked trained. Throws InputError for bad options or folders.
TrainingProgress train(const TrainingOptions& options, const ExampleSource& examples,
                       const std::function<void(const TrainingProgress&)>& on_progress = {},
                       const CancellationToken* cancel = nullptr);

}  // namespace mue
