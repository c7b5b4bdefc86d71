#pragma once
// Evaluation of one exit policy over a dataset: the task's score, what the exits saved, where the
// examples exited, and how all of that varies with difficulty. Plain types; `mue eval` prints a
// report and the app's dataset explorer draws one.
//
// Threading: load_eval_dataset() and spearman() are pure. evaluate() runs on the calling thread and
// may run on several threads at once (Engine::run_batch is thread-safe); its progress callback is
// called on that thread. Datasets and reports are plain values, safe to copy between threads.

#include "mue/dataset.hpp"
#include "mue/engine.hpp"
#include "mue/image.hpp"
#include "mue/trace.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mue {

inline constexpr int kUnknownDifficulty = -1;

struct EvalItem {
    std::string id;                       // "ve-test-000042" (shapes world) or "<image>:<line>" (data.tsv)
    RgbImage image;                       // the shapes world's render; empty for a folder's items
    std::filesystem::path image_path;     // a folder's image, read when `image` is empty
    std::string text;                     // Entailment: the hypothesis; empty for captions
    std::string label;                    // Entailment: "yes", "no" or "maybe"
    std::vector<std::string> references;  // Caption: at least one
    int difficulty = kUnknownDifficulty;  // 0..4 in the shapes world
};

struct EvalDataset {
    std::string name;              // "shapes-ve", "shapes-caption" or the folder / TSV path
    std::string split;             // "validation" or "test"; empty for a folder
    Task task = Task::Entailment;  // Entailment or Caption
    std::vector<EvalItem> items;
    std::vector<DatasetProblem> problems;  // data.tsv rows left out as bad (a folder only)
};

// `name_or_folder` is "shapes-ve" or "shapes-caption" (the shapes world's items of `split`,
// "validation" or "test" (empty: test), rendered at `image_size` px), or else a folder holding a
// data.tsv, or the TSV itself (mue/dataset.hpp): entailment when its rows have three fields, caption
// when two; bad rows are skipped and listed. Built-in names win over a folder of the same name
// (write "./shapes-ve" for the folder). Folders have no splits: `split` must then be empty.
// `limit` keeps the first items; 0 keeps all. Throws InputError for an unknown name, split or folder,
// a bad image size, and a TSV without one usable row.
[[nodiscard]] EvalDataset load_eval_dataset(std::string_view name_or_folder, std::string_view split, std::size_t limit,
                                            int image_size);

inline constexpr int kDefaultEvalBatch = 16;

struct EvalOptions {
    int batch_size = kDefaultEvalBatch;  // examples per Engine::run_batch; results do not depend on it
    std::optional<int> beam_size;        // captions; default: the model's
};

struct EvalExample {
    std::string id;
    std::string prediction;
    std::string label;                    // Entailment
    bool correct = false;                 // Entailment: prediction == label
    std::vector<std::string> references;  // Caption
    int difficulty = kUnknownDifficulty;
    int image_exit = 0;  // layers the image stream used
    int text_exit = 0;
    double decoder_exit_mean = 0;        // mean exit layer over the decoded tokens
    int decoder_tokens = 0;              // tokens decoded (1 for entailment's scoring pass)
    double expected_reduction_mean = 0;  // the example's Savings
    double expected_reduction_token_weighted = 0;
    double flop_reduction = 0;
    // The example's part of the report's score: 1 or 0 for entailment, its CIDEr-D (corpus idf)
    // for captions; the report's score is their mean.
    double score = 0;
    // cos(h_i, h_i-1) per executed layer: each encoder stream's, and the decoder's mean over the
    // decoded tokens that ran the layer (all layers when ExitSettings::what_if).
    std::vector<float> image_similarity;
    std::vector<float> text_similarity;
    std::vector<float> decoder_similarity;
};

// Means over the examples of their Savings.
struct EvalSavings {
    double expected_reduction_mean = 0;
    double expected_reduction_token_weighted = 0;
    double flop_reduction = 0;
};

// counts[l - 1]: how many examples (tokens, for the decoder) exited after layer l.
struct ExitHistograms {
    std::vector<int> image;
    std::vector<int> text;
    std::vector<int> decoder;
};

struct DifficultyLevel {
    int difficulty = 0;
    std::size_t n = 0;
    std::size_t correct = 0;         // Entailment
    std::optional<double> accuracy;  // Entailment: correct / n
    double image_exit_mean = 0;
    double text_exit_mean = 0;
    double decoder_exit_mean = 0;  // mean of the examples' decoder_exit_mean
    double expected_reduction_mean = 0;
};

// Spearman's rank correlation of difficulty with each quantity over the examples of known
// difficulty; NaN where it is undefined (fewer than two such examples, or a constant variable).
struct DifficultyCorrelations {
    double image_exit = 0;
    double text_exit = 0;
    double decoder_exit = 0;
    double expected_reduction = 0;
};

struct EvalReport {
    std::string dataset;
    std::string split;
    Task task = Task::Entailment;
    std::string model_id;
    ExitSettings settings;
    std::optional<int> beam_size;  // Caption: the beam used
    std::size_t n = 0;
    std::string metric;                 // "accuracy" or "cider_d"
    double score = 0;                   // accuracy in [0, 1], or corpus CIDEr-D as cider_d() returns it
    std::optional<double> bleu4;        // Caption: corpus BLEU-4 in [0, 1]
    std::vector<EvalExample> examples;  // in dataset order
    EvalSavings savings;
    ExitHistograms histograms;
    std::vector<DifficultyLevel> difficulty_levels;  // ascending, levels with examples only
    DifficultyCorrelations correlations;
    std::size_t dataset_problems = 0;  // data.tsv rows the dataset left out
    double elapsed_ms = 0;
};

// Runs every item in batches under `exits` and scores the predictions: entailment by accuracy,
// captions by corpus CIDEr-D and BLEU-4 (predictions and references compared without ASCII
// punctuation, which coco-caption's tokenizer drops). `progress` hears (done, total) after each
// batch. Throws InputError for a batch size below 1, a task other than entailment or caption, or an
// image the engine cannot read (naming it), and Cancelled when `cancel` is set.
[[nodiscard]] EvalReport evaluate(const Engine& engine, const EvalDataset& dataset, const ExitSettings& exits,
                                  const EvalOptions& options, const CancellationToken* cancel = nullptr,
                                  const std::function<void(std::size_t done, std::size_t total)>& progress = {});

// Spearman's rho: Pearson's correlation of the average ranks (ties share the mean of their ranks).
// NaN for fewer than two pairs or when either variable is constant. Throws std::invalid_argument
// when the sizes differ.
[[nodiscard]] double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace mue
