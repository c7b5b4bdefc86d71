#pragma once
// Threshold sweeps and auto-tuning on top of evaluate(): score against savings over a grid of exit
// settings, its Pareto front, and the choice of MuE thresholds on a validation split for a target
// share of the full model's score, reported on the test split (training-notes.md: choose on
// validation, report on test). Plain types; `mue sweep` and `mue tune` print them.
//
// Threading: as evaluate(): sweep() and tune() run on the calling thread, their progress callbacks
// are called on it, and pareto_front() is pure.

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"
#include "mue/trace.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mue {

struct SweepPoint {
    std::string label;      // "full", "mue i=0.99 t=0.995 d=1", "pabee patience=2", ...; no commas
    ExitSettings settings;  // what was evaluated
    double score = 0;       // EvalReport::score
    double retention = 0;   // score / the full model's score; 1 when the full model scores 0
    // EvalExample::score of each example in dataset order (score is their mean), for
    // retention_lower_bound(). Empty for points read back from a sweep document, which omits them.
    std::vector<double> example_scores;
    EvalSavings savings;
    ExitHistograms histograms;
    bool pareto = false;  // on the front of (score, savings.expected_reduction_mean)
};

// Similarity thresholds that separate examples live at 0.99-0.999 on small models
// (training-notes.md); 1.0 never exits, so each stream can also be left whole.
inline const std::vector<double> kDefaultSweepThresholds{0.99, 0.995, 0.999, 1.0};

// How a sweep chooses MuE's thresholds.
//  Grid: the cartesian product of the three threshold lists.
//  Random: `samples` settings, each stream's 1 - threshold drawn log-uniformly from
//    [min_gap, max_gap] (the thresholds that matter crowd towards 1), rounded to 6 decimals.
//  Adaptive: Random's samples, then `rounds` rounds of `refine_samples` settings each, drawn around
//    the Pareto front found so far (each stream's gap multiplied by a log-normal factor that
//    narrows every round), so the evaluations go where the trade-off is decided.
// Random and Adaptive are seeded: the same grid and seed give the same settings (and, the
// evaluation being deterministic, the same points), which is what lets a sweep resume.
enum class SweepSearch { Grid, Random, Adaptive };

[[nodiscard]] std::string_view sweep_search_name(SweepSearch search);
[[nodiscard]] std::optional<SweepSearch> parse_sweep_search(std::string_view name);

// How a sweep evaluates its MuE settings.
//  Rerun: every setting runs every example (evaluate()).
//  WhatIf: one what-if pass per example (ExitSettings::what_if: every layer runs, the trace records
//    each stream's similarity after every layer) gives the image and text exit layers of that
//    example under every setting exactly: a stream's states up to its exit do not depend on the
//    threshold, and it exits after the first layer whose similarity exceeds it. Settings that give
//    an example the same two exit layers and the same decoder setting give it the same outcome
//    (prediction, exits, savings), so only the first of them in sweep order runs the example
//    (batched with the other examples it is first for) and the others take its outcome; the pass
//    itself is the outcome of settings that exit nowhere and leave the decoder whole. Every field
//    of a SweepPoint is a function of the examples' predictions, exit layers and token counts (the
//    FLOP-based reduction is analytic; no point records a measured time), so both routes give the
//    same points: other batch mates move similarities and logits by rounding only, and a group
//    whose first run exits elsewhere than derived shares nothing (SweepStats::mismatches). The
//    pass costs about one full-model evaluation and is skipped where it cannot save two settings'
//    evaluations (e.g. one image and text threshold pair, or random and adaptive search, which draw
//    a decoder threshold per setting) and when the base settings are what-if themselves. The full
//    model and the baselines always take the Rerun route.
enum class SweepRoute { Rerun, WhatIf };

[[nodiscard]] std::string_view sweep_route_name(SweepRoute route);  // "rerun", "what-if"
[[nodiscard]] std::optional<SweepRoute> parse_sweep_route(std::string_view name);

// The settings a sweep evaluates. MuE points come from `search` (Grid: 4 x 4 x 4 = 64 by default);
// baselines, when included, add one point per value of their own list (Joint: per pair with a
// decoder threshold, as MuE's decoder exits too); an empty list leaves that baseline out.
struct SweepGrid {
    std::vector<double> image_thresholds = kDefaultSweepThresholds;
    std::vector<double> text_thresholds = kDefaultSweepThresholds;
    std::vector<double> decoder_thresholds = kDefaultSweepThresholds;
    bool include_baselines = false;
    std::vector<double> entropy_thresholds{0.1, 0.5, 1.0, 2.0};       // DeeBert, nats
    std::vector<int> patience_values{1, 2, 3};                         // Pabee
    std::vector<double> confidence_thresholds{0.5, 0.7, 0.9, 0.99};  // Confidence (CALM)
    std::vector<double> joint_thresholds{0.99, 0.995, 0.999};          // Joint, x decoder_thresholds
    std::vector<int> static_layers{1, 2, 4};                           // Static: streams and decoder alike
    // Every point's other fields (beta, tau, warm-up, KV policy); policy and swept fields are replaced.
    ExitSettings base;

    SweepSearch search = SweepSearch::Grid;
    std::size_t samples = 24;        // Random and Adaptive: first settings drawn
    std::uint64_t seed = 1;
    double min_gap = 1e-4;           // 1 - threshold range: 0.9999 ...
    double max_gap = 0.05;           // ... 0.95
    int rounds = 2;                  // Adaptive
    std::size_t refine_samples = 8;  // Adaptive: settings per round

    SweepRoute route = SweepRoute::WhatIf;  // the points do not depend on it, only the time taken
};

// What a sweep ran, in example runs (one example under one setting).
struct SweepStats {
    std::size_t what_if_runs = 0;  // examples run by what-if passes (every layer)
    std::size_t runs = 0;          // examples run under a setting of the sweep
    std::size_t reused = 0;        // outcomes taken from another setting's run or a what-if pass
    // Examples whose first run under a group's settings exited elsewhere than the pass predicted
    // (a similarity within rounding of a threshold); the group's other settings then run the
    // example themselves instead of taking its outcome.
    std::size_t mismatches = 0;
};

// flags[i]: no other point has a first >= and a second >= points[i]'s with one of them strictly
// greater. Equal points do not dominate each other, so duplicates on the front are all flagged.
[[nodiscard]] std::vector<bool> pareto_front(const std::vector<std::pair<double, double>>& points);

// (points done, points in all), after each point.
using SweepProgress = std::function<void(std::size_t done, std::size_t total)>;

// Evaluates the full model first (points[0], the reference for retention), then every MuE setting
// of the search, then the baselines, and marks the Pareto front. When `cancel` is set, returns the
// points finished so far (front marked among them). `finished`: points of an earlier, interrupted
// run of the same sweep on the same data; one whose label and settings match a setting is taken
// as it is instead of being evaluated again (the sweep resumes). `stats`, when given, is set to what
// the sweep ran. Throws InputError for an empty MuE threshold list (Grid), a bad search range, a
// setting ExitSettings::validate() rejects (before evaluating anything), and whatever evaluate()
// throws but Cancelled.
[[nodiscard]] std::vector<SweepPoint> sweep(const Engine& engine, const EvalDataset& dataset, const SweepGrid& grid,
                                            const EvalOptions& options, const CancellationToken* cancel = nullptr,
                                            const SweepProgress& progress = {},
                                            const std::vector<SweepPoint>& finished = {},
                                            SweepStats* stats = nullptr);

// Resamples retention_lower_bound() draws: enough that the bound moves by well under a point
// between seeds, few enough to bound every setting of a 125-point grid in about a second.
inline constexpr std::size_t kRetentionResamples = 2000;

// A lower confidence bound on a setting's retention, by a paired bootstrap over examples: each of
// kRetentionResamples resamples draws example indices with replacement (std::mt19937_64 seeded
// with `seed`), and its retention is sum(setting) / sum(full) over the drawn indices (1 when the
// full sum is 0, as SweepPoint::retention). The bound is the (1 - confidence) quantile of those
// retentions by nearest rank. Pairing keeps the examples both get right or wrong from adding
// noise. `setting` and `full` are per-example scores in the same order (SweepPoint::example_scores).
// Deterministic for a seed. Throws InputError for vectors of different or zero length and a
// confidence outside (0, 1).
[[nodiscard]] double retention_lower_bound(const std::vector<double>& setting, const std::vector<double>& full,
                                           double confidence, std::uint64_t seed);

// The seed tune() bounds every setting's retention with.
inline constexpr std::uint64_t kTuneBootstrapSeed = 1;

struct TuneResult {
    ExitSettings settings;      // the chosen MuE setting, or the full model's when none kept the target
    SweepPoint validation;      // its point of the validation sweep
    EvalReport test;            // it on the test split
    double test_retention = 0;  // test.score / full_test_score; 1 when the full model scores 0
    double full_test_score = 0;
    std::optional<double> confidence;  // as given to tune()
    // With a confidence: retention_lower_bound() of the chosen setting on validation.
    std::optional<double> validation_retention_lower_bound;
};

// Sweeps the MuE grid (baselines left out) over the first `limit` validation items of the shapes
// dataset `dataset_name` (0: all), picks the setting with the largest expected_reduction_mean whose
// retention is at least `target_retention` (ties: the higher score, then grid order), and evaluates
// it and the full model on the first `limit` test items.
// Validation retention is a noisy estimate: on 300 entailment items at about 60 % accuracy, a
// setting kept 99.4 % on validation and 86 % on test. With a `confidence`, a setting qualifies only
// when its retention_lower_bound() at that confidence (seeded with kTuneBootstrapSeed, so that the
// same sweep gives the same choice) reaches the target too; the full model is still the fallback.
// Throws InputError for a target outside [0, 1], a confidence outside (0, 1) and what
// load_eval_dataset() and sweep() throw, and Cancelled when `cancel` is set.
[[nodiscard]] TuneResult tune(const Engine& engine, const std::string& dataset_name, double target_retention,
                              const SweepGrid& grid, const EvalOptions& options, std::size_t limit,
                              const CancellationToken* cancel = nullptr, const SweepProgress& progress = {},
                              std::optional<double> confidence = std::nullopt);

}  // namespace mue
