#include "mue/evaluation.hpp"

#include "evaluation_parts.hpp"
#include "mue/errors.hpp"
#include "mue/metrics.hpp"
#include "mue/shapes_world.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace mue {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kShapesEntailment = "shapes-ve";
constexpr std::string_view kShapesCaption = "shapes-caption";
constexpr std::string_view kDefaultSplit = "test";
constexpr std::string_view kAccuracy = "accuracy";
constexpr std::string_view kCiderD = "cider_d";

shapes::Split parse_split(std::string_view split, std::string_view dataset) {
    if (split.empty() || split == kDefaultSplit) return shapes::Split::Test;
    if (split == "validation") return shapes::Split::Validation;
    throw InputError("dataset '" + std::string(dataset) + "': unknown split '" + std::string(split) +
                     "' (expected validation or test)");
}

// How many of `available` items a limit keeps; 0 keeps all.
std::size_t kept(std::size_t available, std::size_t limit) {
    return limit == 0 ? available : std::min(limit, available);
}

EvalDataset shapes_dataset(std::string_view name, std::string_view split_text, std::size_t limit, int image_size) {
    const shapes::Split split = parse_split(split_text, name);
    EvalDataset d;
    d.name = name;
    d.split = shapes::split_name(split);
    const std::size_t count = kept(split == shapes::Split::Test ? shapes::kTestItems : shapes::kValidationItems, limit);
    if (name == kShapesEntailment) {
        d.task = Task::Entailment;
        for (auto& item : shapes::entailment_items(split, count, image_size)) {
            EvalItem e;
            e.id = shapes::item_name(item.id);
            e.image = shapes::render(item.scene);
            e.text = std::move(item.hypothesis);
            e.label = shapes::label_name(item.label);
            e.difficulty = item.difficulty;
            d.items.push_back(std::move(e));
        }
    } else {
        d.task = Task::Caption;
        for (auto& item : shapes::caption_items(split, count, image_size)) {
            EvalItem e;
            e.id = shapes::item_name(item.id);
            e.image = shapes::render(item.scene);
            e.references = std::move(item.references);
            e.difficulty = item.difficulty;
            d.items.push_back(std::move(e));
        }
    }
    return d;
}

// "<image relative to the TSV's folder>:<line>": unique even when rows share an image.
std::string row_id(const fs::path& tsv, const fs::path& image, int line) {
    return image.lexically_relative(tsv.parent_path()).generic_string() + ":" + std::to_string(line);
}

EvalDataset folder_dataset(std::string_view folder, std::string_view split, std::size_t limit) {
    if (!split.empty()) {
        throw InputError("dataset '" + std::string(folder) + "' is a folder and has no splits (got split '" +
                         std::string(split) + "')");
    }
    // The layouts differ in their field count, so every row is bad under the other loader.
    auto entailment = load_entailment_dataset(fs::path(folder), BadRowPolicy::Skip);
    auto caption = load_caption_dataset(fs::path(folder), BadRowPolicy::Skip);
    if (entailment.rows.empty() && caption.rows.empty()) {
        std::string message = entailment.tsv.string() + ": no usable row";
        if (!entailment.problems.empty()) {
            const auto& first = entailment.problems.front();
            message += " (line " + std::to_string(first.line) + ": " + first.message + ")";
        }
        throw InputError(message);
    }
    EvalDataset d;
    d.name = folder;
    if (entailment.rows.size() >= caption.rows.size()) {
        d.task = Task::Entailment;
        entailment.rows.resize(kept(entailment.rows.size(), limit));
        for (auto& row : entailment.rows) {
            EvalItem e;
            e.id = row_id(entailment.tsv, row.image, row.line);
            e.image_path = row.image;
            e.text = std::move(row.hypothesis);
            e.label = std::move(row.label);
            d.items.push_back(std::move(e));
        }
        d.problems = std::move(entailment.problems);
    } else {
        d.task = Task::Caption;
        caption.rows.resize(kept(caption.rows.size(), limit));
        for (auto& row : caption.rows) {
            EvalItem e;
            e.id = row_id(caption.tsv, row.image, row.line);
            e.image_path = row.image;
            e.references = std::move(row.references);
            d.items.push_back(std::move(e));
        }
        d.problems = std::move(caption.problems);
    }
    return d;
}

// OFA strips ASCII punctuation from its captions and coco-caption's tokenizer drops punctuation
// tokens, so references and predictions are compared without it.
std::string without_punctuation(std::string s) {
    s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::ispunct(c) != 0; }), s.end());
    return s;
}

// Exit layers are 1-based; at() turns an out-of-range one into an error rather than a miscount.
void count_exit(std::vector<int>& histogram, int layer) { ++histogram.at(static_cast<std::size_t>(layer - 1)); }

template <typename Field>
double mean_of(const std::vector<const EvalExample*>& examples, Field field) {
    if (examples.empty()) return 0;
    double sum = 0;
    for (const auto* e : examples) sum += field(*e);
    return sum / static_cast<double>(examples.size());
}

void score(EvalReport& report) {
    if (report.task == Task::Entailment) {
        report.metric = kAccuracy;
        const auto correct = std::count_if(report.examples.begin(), report.examples.end(),
                                           [](const EvalExample& e) { return e.correct; });
        report.score = report.n == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(report.n);
        for (auto& e : report.examples) e.score = e.correct ? 1.0 : 0.0;
        return;
    }
    report.metric = kCiderD;
    std::vector<std::string> candidates;
    std::vector<std::vector<std::string>> references;
    for (const auto& e : report.examples) {
        candidates.push_back(without_punctuation(e.prediction));
        auto& refs = references.emplace_back();
        for (const auto& r : e.references) refs.push_back(without_punctuation(r));
    }
    const auto per_image = cider_d_per_image(candidates, references);
    double total = 0;
    for (std::size_t i = 0; i < per_image.size(); ++i) {
        report.examples[i].score = per_image[i];
        total += per_image[i];
    }
    report.score = per_image.empty() ? 0.0 : total / static_cast<double>(per_image.size());
    report.bleu4 = bleu4(candidates, references);
}

void summarise(EvalReport& report) {
    std::vector<const EvalExample*> all;
    std::map<int, std::vector<const EvalExample*>> by_level;
    for (const auto& e : report.examples) {
        all.push_back(&e);
        if (e.difficulty != kUnknownDifficulty) by_level[e.difficulty].push_back(&e);
    }
    report.savings.expected_reduction_mean =
        mean_of(all, [](const EvalExample& e) { return e.expected_reduction_mean; });
    report.savings.expected_reduction_token_weighted =
        mean_of(all, [](const EvalExample& e) { return e.expected_reduction_token_weighted; });
    report.savings.flop_reduction = mean_of(all, [](const EvalExample& e) { return e.flop_reduction; });

    std::vector<double> difficulty, image, text, decoder, reduction;
    for (const auto& [level, examples] : by_level) {
        DifficultyLevel l;
        l.difficulty = level;
        l.n = examples.size();
        l.image_exit_mean = mean_of(examples, [](const EvalExample& e) { return e.image_exit; });
        l.text_exit_mean = mean_of(examples, [](const EvalExample& e) { return e.text_exit; });
        l.decoder_exit_mean = mean_of(examples, [](const EvalExample& e) { return e.decoder_exit_mean; });
        l.expected_reduction_mean = mean_of(examples, [](const EvalExample& e) { return e.expected_reduction_mean; });
        if (report.task == Task::Entailment) {
            l.correct = static_cast<std::size_t>(
                std::count_if(examples.begin(), examples.end(), [](const EvalExample* e) { return e->correct; }));
            l.accuracy = static_cast<double>(l.correct) / static_cast<double>(l.n);
        }
        report.difficulty_levels.push_back(l);
        for (const auto* e : examples) {
            difficulty.push_back(level);
            image.push_back(e->image_exit);
            text.push_back(e->text_exit);
            decoder.push_back(e->decoder_exit_mean);
            reduction.push_back(e->expected_reduction_mean);
        }
    }
    report.correlations = {spearman(difficulty, image), spearman(difficulty, text), spearman(difficulty, decoder),
                           spearman(difficulty, reduction)};
}

// 1-based ranks; tied values share the mean of the ranks they span.
std::vector<double> average_ranks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size());
    for (std::size_t first = 0; first < order.size();) {
        std::size_t last = first + 1;
        while (last < order.size() && values[order[last]] == values[order[first]]) ++last;
        const double rank = (static_cast<double>(first + 1) + static_cast<double>(last)) / 2.0;
        for (std::size_t k = first; k < last; ++k) ranks[order[k]] = rank;
        first = last;
    }
    return ranks;
}

}  // namespace

EvalDataset load_eval_dataset(std::string_view name_or_folder, std::string_view split, std::size_t limit,
                              int image_size) {
    if (name_or_folder == kShapesEntailment || name_or_folder == kShapesCaption) {
        return shapes_dataset(name_or_folder, split, limit, image_size);
    }
    std::error_code ec;
    if (name_or_folder.empty() || !fs::exists(fs::path(name_or_folder), ec)) {
        throw InputError("unknown dataset '" + std::string(name_or_folder) + "': expected " +
                         std::string(kShapesEntailment) + ", " + std::string(kShapesCaption) +
                         " or a folder holding data.tsv");
    }
    return folder_dataset(name_or_folder, split, limit);
}

namespace detail {

void require_evaluable(const EvalDataset& dataset, const EvalOptions& options) {
    if (options.batch_size < 1) {
        throw InputError("evaluation batch size must be at least 1 (got " + std::to_string(options.batch_size) + ")");
    }
    if (dataset.task != Task::Entailment && dataset.task != Task::Caption) {
        throw InputError("dataset '" + dataset.name + "': only entailment and caption datasets can be evaluated");
    }
}

RunRequest eval_request(const EvalItem& item, Task task, const ExitSettings& exits, const EvalOptions& options) {
    RunRequest r;
    r.image = item.image;
    r.image_path = item.image_path;
    r.task = task;
    r.text = item.text;
    if (task == Task::Caption) r.beam_size = options.beam_size;
    r.exits = exits;
    return r;
}

ExampleOutcome example_outcome(const EvalItem& item, const RunResult& result, int decoder_layers) {
    const auto& trace = result.trace;
    ExampleOutcome outcome;
    for (const auto& t : trace.decoder_tokens) outcome.decoder_exits.push_back(t.exit_layer);
    EvalExample& e = outcome.example;
    e.id = item.id;
    e.prediction = result.prediction;
    e.label = item.label;
    e.correct = !item.label.empty() && result.prediction == item.label;
    e.references = item.references;
    e.difficulty = item.difficulty;
    e.image_exit = trace.image.exit_layer;
    e.text_exit = trace.text.exit_layer;
    e.decoder_tokens = static_cast<int>(trace.decoder_tokens.size());
    double layers = 0;
    for (const auto& t : trace.decoder_tokens) layers += t.exit_layer;
    // Savings count a decoder without tokens as fully run; the mean exit follows suit.
    e.decoder_exit_mean = e.decoder_tokens == 0 ? decoder_layers : layers / e.decoder_tokens;
    e.expected_reduction_mean = trace.savings.expected_reduction_mean;
    e.expected_reduction_token_weighted = trace.savings.expected_reduction_token_weighted;
    e.flop_reduction = trace.savings.flop_reduction;
    e.image_similarity = trace.image.similarity;
    e.text_similarity = trace.text.similarity;
    std::vector<int> ran;
    for (const auto& t : trace.decoder_tokens) {
        if (t.similarity.size() > e.decoder_similarity.size()) {
            e.decoder_similarity.resize(t.similarity.size(), 0.0F);
            ran.resize(t.similarity.size(), 0);
        }
        for (std::size_t l = 0; l < t.similarity.size(); ++l) {
            e.decoder_similarity[l] += t.similarity[l];
            ++ran[l];
        }
    }
    for (std::size_t l = 0; l < e.decoder_similarity.size(); ++l) e.decoder_similarity[l] /= static_cast<float>(ran[l]);
    return outcome;
}

EvalReport assemble_report(const Engine& engine, const EvalDataset& dataset, const ExitSettings& exits,
                           const EvalOptions& options, const std::vector<const ExampleOutcome*>& outcomes) {
    const auto& arch = engine.info().arch;
    EvalReport report;
    report.dataset = dataset.name;
    report.split = dataset.split;
    report.task = dataset.task;
    report.model_id = engine.info().model_id;
    report.settings = exits;
    if (dataset.task == Task::Caption) report.beam_size = options.beam_size.value_or(engine.config().caption.beam_size);
    report.n = dataset.items.size();
    report.dataset_problems = dataset.problems.size();
    report.histograms.image.assign(static_cast<std::size_t>(arch.encoder_layers), 0);
    report.histograms.text.assign(static_cast<std::size_t>(arch.encoder_layers), 0);
    report.histograms.decoder.assign(static_cast<std::size_t>(arch.decoder_layers), 0);
    for (const auto* outcome : outcomes) {
        report.examples.push_back(outcome->example);
        count_exit(report.histograms.image, outcome->example.image_exit);
        count_exit(report.histograms.text, outcome->example.text_exit);
        for (const int layer : outcome->decoder_exits) count_exit(report.histograms.decoder, layer);
    }
    score(report);
    summarise(report);
    return report;
}

}  // namespace detail

EvalReport evaluate(const Engine& engine, const EvalDataset& dataset, const ExitSettings& exits,
                    const EvalOptions& options, const CancellationToken* cancel,
                    const std::function<void(std::size_t done, std::size_t total)>& progress) {
    detail::require_evaluable(dataset, options);
    const auto start = std::chrono::steady_clock::now();
    const int decoder_layers = engine.info().arch.decoder_layers;
    std::vector<detail::ExampleOutcome> outcomes;
    outcomes.reserve(dataset.items.size());
    const auto batch = static_cast<std::size_t>(options.batch_size);
    for (std::size_t first = 0; first < dataset.items.size(); first += batch) {
        const std::size_t last = std::min(first + batch, dataset.items.size());
        std::vector<RunRequest> requests;
        for (std::size_t i = first; i < last; ++i) {
            requests.push_back(detail::eval_request(dataset.items[i], dataset.task, exits, options));
        }
        const auto results = engine.run_batch(requests, cancel);
        for (std::size_t i = first; i < last; ++i) {
            outcomes.push_back(detail::example_outcome(dataset.items[i], results[i - first], decoder_layers));
        }
        if (progress) progress(last, dataset.items.size());
    }
    std::vector<const detail::ExampleOutcome*> in_order;
    for (const auto& o : outcomes) in_order.push_back(&o);
    auto report = detail::assemble_report(engine, dataset, exits, options, in_order);
    report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return report;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) {
        throw std::invalid_argument("spearman: " + std::to_string(x.size()) + " and " + std::to_string(y.size()) +
                                    " values");
    }
    constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
    if (x.size() < 2) return kUndefined;
    const auto rx = average_ranks(x);
    const auto ry = average_ranks(y);
    // Ranks 1..n average (n + 1) / 2 whatever the ties.
    const double mean = (static_cast<double>(x.size()) + 1.0) / 2.0;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < rx.size(); ++i) {
        sxy += (rx[i] - mean) * (ry[i] - mean);
        sxx += (rx[i] - mean) * (rx[i] - mean);
        syy += (ry[i] - mean) * (ry[i] - mean);
    }
    if (sxx == 0 || syy == 0) return kUndefined;
    return sxy / std::sqrt(sxx * syy);
}

}  // namespace mue
