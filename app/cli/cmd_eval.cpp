// `mue eval`, `mue sweep` and `mue tune`: the model with early exits over a dataset.

#include "commands.hpp"
#include "common.hpp"
#include "exit_options.hpp"
#include "interrupt.hpp"
#include "json_output.hpp"
#include "sweep_reader.hpp"

#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/evaluation.hpp"
#include "mue/sweep.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace mue::cli {
namespace {

CommandSpec eval_spec() {
    CommandSpec spec{
        "eval", "",
        "Evaluate the model with early exits on a dataset: the task's score (accuracy or CIDEr-D), what\n"
        "the exits saved, where examples exited, and how both vary with difficulty.",
        {{"dataset", "shapes-ve|shapes-caption|DIR",
          "the shapes world's entailment or caption items, or a folder with data.tsv (docs/shapes-world.md)"},
         {"split", "validation|test", "split of a shapes dataset (default test)"},
         {"limit", "N", "evaluate the first N items (default: all)"},
         {"batch", "N", "examples per batch; results do not depend on it (default 16)"},
         {"beam", "N", "beam size for captions (1 = greedy; default: the model's)"},
         {"model", "DIR", "model folder (default: the embedded default model)"},
         {"threads", "N", "LibTorch intra-op threads (default 1: fastest on small models here)"},
         {"json", "", "print the whole report, one row per example, as JSON"}}};
    const auto exits = exit_option_specs();
    spec.options.insert(spec.options.end(), exits.begin(), exits.end());
    return spec;
}

// The grid and evaluation options `mue sweep` and `mue tune` share.
const std::vector<OptionSpec> kGridOptions{
    {"limit", "N", "evaluate the first N items (default: all)"},
    {"grid-image", "A,B,...", "image similarity thresholds (default 0.99,0.995,0.999,1)"},
    {"grid-text", "A,B,...", "text similarity thresholds (default 0.99,0.995,0.999,1)"},
    {"grid-decoder", "A,B,...", "decoder similarity thresholds (default 0.99,0.995,0.999,1)"},
    {"search", "grid|random|adaptive",
     "grid: every combination of the lists (default); random: --samples settings drawn log-uniformly in\n"
     "1 - threshold over --gap-range; adaptive: random, then --rounds rounds of --refine settings\n"
     "drawn around the Pareto front found so far"},
    {"samples", "N", "random and adaptive: settings drawn first (default 24)"},
    {"seed", "N", "random and adaptive: the same seed gives the same settings (default 1)"},
    {"gap-range", "MIN,MAX", "random and adaptive: range of 1 - threshold (default 0.0001,0.05)"},
    {"rounds", "N", "adaptive: refinement rounds (default 2)"},
    {"refine", "N", "adaptive: settings per round (default 8)"},
    {"route", "rerun|what-if",
     "what-if (default): one pass per example with every layer run gives its encoder exits under\n"
     "every setting, and settings that give it the same exits and decoder setting share one run;\n"
     "rerun: every setting runs every example. The points are the same"},
    {"batch", "N", "examples per batch; results do not depend on it (default 16)"},
    {"beam", "N", "beam size for captions (1 = greedy; default: the model's)"},
    {"model", "DIR", "model folder (default: the embedded default model)"},
    {"threads", "N", "LibTorch intra-op threads (default 1: fastest on small models here)"}};

CommandSpec sweep_spec() {
    CommandSpec spec{
        "sweep", "",
        "Evaluate the full model and every combination of MuE thresholds of a grid (optionally the\n"
        "baselines too) on a dataset, and mark the Pareto front of score against layers saved.",
        {{"dataset", "shapes-ve|shapes-caption|DIR",
          "the shapes world's entailment or caption items, or a folder with data.tsv (docs/shapes-world.md)"},
         {"split", "validation|test", "split of a shapes dataset (default test; choose thresholds on validation)"},
         {"baselines", "", "also sweep deebert, pabee, confidence, joint and static at their default grids"},
         {"out", "PREFIX",
          "write PREFIX.csv (one row per point) and PREFIX.json (with exit histograms); Ctrl+C writes\n"
          "the points finished so far, marked incomplete"},
         {"resume", "FILE", "take the points of an earlier run of the same sweep (PREFIX.json, complete or\n"
                            "not) instead of evaluating them again"},
         {"json", "", "print the points as JSON instead of the table"}}};
    spec.options.insert(spec.options.end(), kGridOptions.begin(), kGridOptions.end());
    return spec;
}

constexpr double kDefaultTargetRetention = 0.99;

CommandSpec tune_spec() {
    CommandSpec spec{
        "tune", "",
        "Choose MuE thresholds on a shapes dataset's validation split: the grid setting that saves the\n"
        "most layers while keeping a share of the full model's score; report it on the test split.",
        {{"dataset", "shapes-ve|shapes-caption", "the shapes world's entailment or caption items"},
         {"target-retention", "X", "least share of the full model's validation score to keep (default 0.99)"},
         {"confidence", "C",
          "choose only settings whose retention is at least X with confidence C, in (0, 1), e.g. 0.9: a\n"
          "bootstrap lower bound over the validation items must reach X. A few hundred items overstate\n"
          "retention (on 300, a setting kept 99.4% on validation and 86% on test). Default: off; the\n"
          "validation retention alone decides"},
         {"json", "", "print the choice and its test figures as JSON"}}};
    spec.options.insert(spec.options.end(), kGridOptions.begin(), kGridOptions.end());
    return spec;
}

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << value;
    return out.str();
}

std::string correlation(double value) { return std::isnan(value) ? "n/a" : fixed(value, 2); }

// One histogram as a bar per layer, scaled so that the largest count fills kBarWidth.
void print_histogram(const char* name, const std::vector<int>& counts) {
    constexpr int kBarWidth = 40;
    const int largest = std::max(1, *std::max_element(counts.begin(), counts.end()));
    std::cout << name << "\n";
    for (std::size_t l = 0; l < counts.size(); ++l) {
        const int bar = (counts[l] * kBarWidth + largest - 1) / largest;  // any count shows
        std::cout << "  " << std::setw(2) << l + 1 << " |" << std::string(static_cast<std::size_t>(bar), '#')
                  << std::string(static_cast<std::size_t>(kBarWidth - bar), ' ') << " " << counts[l] << "\n";
    }
}

void print_eval_summary(const mue::EvalReport& r, const mue::ModelInfo& info) {
    constexpr double kCiderScale = 100.0;  // CIDEr-D is usually quoted x100
    constexpr double kMsPerSecond = 1000.0;
    const bool entailment = r.task == mue::Task::Entailment;
    std::cout << label("dataset") << r.dataset << (r.split.empty() ? "" : " (" + r.split + ")") << ", " << r.n << " "
              << mue::task_name(r.task) << " items";
    if (r.dataset_problems > 0) std::cout << " (" << r.dataset_problems << " bad rows skipped)";
    std::cout << "\n"
              << label("model") << info.model_id << (info.trained ? "" : " (UNTRAINED: scores are meaningless)") << "\n"
              << label("policy") << mue::exit_policy_name(r.settings.policy);
    if (r.beam_size) std::cout << ", beam " << *r.beam_size;
    std::cout << "\n";
    if (entailment) {
        const auto correct =
            std::count_if(r.examples.begin(), r.examples.end(), [](const mue::EvalExample& e) { return e.correct; });
        std::cout << label("accuracy") << fixed(r.score, 4) << " (" << correct << "/" << r.n << ")\n";
    } else {
        std::cout << label("cider_d") << fixed(r.score, 4) << " (" << fixed(r.score * kCiderScale, 1)
                  << " x100), BLEU-4 " << fixed(r.bleu4.value_or(0), 4) << "\n";
    }
    std::cout << label("saved") << percent(r.savings.expected_reduction_mean) << " layers (mean), "
              << percent(r.savings.expected_reduction_token_weighted) << " layers (token-weighted), "
              << percent(r.savings.flop_reduction) << " FLOPs; means over examples\n"
              << label("time") << fixed(r.elapsed_ms / kMsPerSecond, 2) << " s\n\nexit layers\n";
    print_histogram("image stream (examples)", r.histograms.image);
    print_histogram("text stream (examples)", r.histograms.text);
    print_histogram("decoder (tokens)", r.histograms.decoder);
    if (r.difficulty_levels.empty()) {
        std::cout << "\nno difficulty levels: the dataset does not record them\n";
        return;
    }
    std::cout << "\nby difficulty    n  " << (entailment ? "accuracy" : "        ")
              << "  image exit  text exit  decoder exit  saved\n";
    for (const auto& l : r.difficulty_levels) {
        std::cout << "  " << std::setw(13) << std::left << l.difficulty << std::right << std::setw(3) << l.n << "  "
                  << std::setw(8) << (l.accuracy ? fixed(*l.accuracy, 3) : "") << "  " << std::setw(10)
                  << fixed(l.image_exit_mean, 2) << "  " << std::setw(9) << fixed(l.text_exit_mean, 2) << "  "
                  << std::setw(12) << fixed(l.decoder_exit_mean, 2) << "  " << std::setw(5)
                  << percent(l.expected_reduction_mean) << "\n";
    }
    const auto& c = r.correlations;
    std::cout << "Spearman with difficulty: image exit " << correlation(c.image_exit) << ", text exit "
              << correlation(c.text_exit) << ", decoder exit " << correlation(c.decoder_exit) << ", saved "
              << correlation(c.expected_reduction) << "\n";
    if (std::isnan(c.image_exit) || std::isnan(c.text_exit) || std::isnan(c.decoder_exit) ||
        std::isnan(c.expected_reduction)) {
        std::cout << "(n/a: the same for every example, or fewer than two examples)\n";
    }
}

// "a,b,c": throws UsageError naming the option unless every piece is a finite number.
std::optional<std::vector<double>> number_list(const ParsedArgs& args, const std::string& name) {
    const auto text = args.value(name);
    if (!text) return std::nullopt;
    const auto bad = [&] { return UsageError("--" + name + " must be comma-separated numbers (got '" + *text + "')"); };
    std::vector<double> values;
    std::istringstream pieces(*text + ",");  // the extra comma lets an empty last piece show
    std::string piece;
    while (std::getline(pieces, piece, ',')) {
        char* end = nullptr;
        const double v = std::strtod(piece.c_str(), &end);
        if (piece.empty() || std::isspace(static_cast<unsigned char>(piece.front())) != 0 ||
            end != piece.c_str() + piece.size() || !std::isfinite(v)) {
            throw bad();
        }
        values.push_back(v);
    }
    return values;
}

mue::SweepGrid sweep_grid(const ParsedArgs& args) {
    constexpr int kMaxSamples = 100000;
    constexpr int kMaxRounds = 100;
    mue::SweepGrid grid;
    grid.image_thresholds = number_list(args, "grid-image").value_or(grid.image_thresholds);
    grid.text_thresholds = number_list(args, "grid-text").value_or(grid.text_thresholds);
    grid.decoder_thresholds = number_list(args, "grid-decoder").value_or(grid.decoder_thresholds);
    if (const auto search = args.value("search")) {
        const auto parsed = mue::parse_sweep_search(*search);
        if (!parsed) throw UsageError("--search must be grid, random or adaptive (got '" + *search + "')");
        grid.search = *parsed;
    }
    grid.samples = static_cast<std::size_t>(args.integer("samples", 1, kMaxSamples).value_or(
        static_cast<int>(grid.samples)));
    grid.seed = static_cast<std::uint64_t>(
        args.integer("seed", 0, std::numeric_limits<int>::max()).value_or(static_cast<int>(grid.seed)));
    grid.rounds = args.integer("rounds", 0, kMaxRounds).value_or(grid.rounds);
    grid.refine_samples = static_cast<std::size_t>(args.integer("refine", 1, kMaxSamples).value_or(
        static_cast<int>(grid.refine_samples)));
    if (const auto route = args.value("route")) {
        const auto parsed = mue::parse_sweep_route(*route);
        if (!parsed) throw UsageError("--route must be rerun or what-if (got '" + *route + "')");
        grid.route = *parsed;
    }
    if (const auto range = number_list(args, "gap-range")) {
        if (range->size() != 2) throw UsageError("--gap-range must be MIN,MAX (two numbers)");
        grid.min_gap = (*range)[0];
        grid.max_gap = (*range)[1];
    }
    return grid;
}

mue::EvalOptions eval_options(const ParsedArgs& args) {
    mue::EvalOptions options;
    options.batch_size = args.integer("batch", 1, 4096).value_or(options.batch_size);
    options.beam_size = args.integer("beam", 1, 64);
    return options;
}

std::size_t item_limit(const ParsedArgs& args) {
    return static_cast<std::size_t>(args.integer("limit", 1, std::numeric_limits<int>::max()).value_or(0));
}

// Points done out of all, only where someone watches; a redirected stderr gets no carriage returns.
mue::SweepProgress sweep_progress(bool show) {
    return [show](std::size_t done, std::size_t total) {
        if (show) std::cerr << "\rsweeping " << done << "/" << total << " settings" << std::flush;
    };
}

// The swept parameters of the point's policy; the others' columns stay empty.
std::string csv_row(const mue::SweepPoint& p) {
    constexpr int kDigits = 10;
    const auto& s = p.settings;
    const auto number = [](double v) {
        std::ostringstream out;
        out << std::setprecision(kDigits) << v;
        return out.str();
    };
    const auto when = [](bool relevant, const std::string& text) { return relevant ? text : std::string(); };
    const bool mue = s.policy == mue::ExitPolicy::Mue;
    const bool joint = s.policy == mue::ExitPolicy::Joint;
    const bool fixed_layers = s.policy == mue::ExitPolicy::Static;
    std::ostringstream row;
    row << p.label << "," << mue::exit_policy_name(s.policy) << "," << when(mue, number(s.image_threshold)) << ","
        << when(mue, number(s.text_threshold)) << "," << when(mue || joint, number(s.decoder_threshold)) << ","
        << when(joint, number(s.joint_threshold)) << ","
        << when(s.policy == mue::ExitPolicy::DeeBert, number(s.entropy_threshold)) << ","
        << when(s.policy == mue::ExitPolicy::Pabee, std::to_string(s.patience)) << ","
        << when(s.policy == mue::ExitPolicy::Confidence, number(s.confidence_threshold)) << ","
        << when(fixed_layers, std::to_string(s.static_image_layers)) << ","
        << when(fixed_layers, std::to_string(s.static_text_layers)) << ","
        << when(fixed_layers, std::to_string(s.static_decoder_layers)) << "," << number(p.score) << ","
        << number(p.retention) << "," << number(p.savings.expected_reduction_mean) << ","
        << number(p.savings.expected_reduction_token_weighted) << "," << number(p.savings.flop_reduction) << ","
        << (p.pareto ? 1 : 0);
    return row.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) throw mue::InputError("cannot write " + path.string());
}

void write_sweep_files(const std::string& prefix, const std::vector<mue::SweepPoint>& points,
                       const nlohmann::ordered_json& json) {
    std::string csv =
        "label,policy,image_threshold,text_threshold,decoder_threshold,joint_threshold,entropy_threshold,patience,"
        "confidence_threshold,static_image_layers,static_text_layers,static_decoder_layers,score,retention,"
        "expected_reduction_mean,expected_reduction_token_weighted,flop_reduction,pareto\n";
    for (const auto& p : points) csv += csv_row(p) + "\n";
    write_file(prefix + ".csv", csv);
    write_file(prefix + ".json", json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    std::cerr << "wrote " << prefix << ".csv and " << prefix << ".json\n";
}

void print_sweep_table(const std::vector<mue::SweepPoint>& points, const mue::EvalDataset& dataset,
                       const mue::ModelInfo& info) {
    constexpr int kLabelColumn = 32;
    constexpr int kNumberColumn = 10;
    std::cout << "dataset " << dataset.name << (dataset.split.empty() ? "" : " (" + dataset.split + ")") << ", "
              << dataset.items.size() << " " << mue::task_name(dataset.task) << " items; model " << info.model_id
              << (info.trained ? "" : " (UNTRAINED: scores are meaningless)") << "\n\n"
              << "  " << std::left << std::setw(kLabelColumn) << "setting" << std::right << std::setw(kNumberColumn)
              << "score" << std::setw(kNumberColumn) << "retained" << std::setw(kNumberColumn) << "saved"
              << std::setw(kNumberColumn) << "saved/tok" << std::setw(kNumberColumn) << "FLOPs" << "\n";
    for (const auto& p : points) {
        std::cout << (p.pareto ? "* " : "  ") << std::left << std::setw(kLabelColumn) << p.label << std::right
                  << std::setw(kNumberColumn) << fixed(p.score, 4) << std::setw(kNumberColumn) << percent(p.retention)
                  << std::setw(kNumberColumn) << percent(p.savings.expected_reduction_mean) << std::setw(kNumberColumn)
                  << percent(p.savings.expected_reduction_token_weighted) << std::setw(kNumberColumn)
                  << percent(p.savings.flop_reduction) << "\n";
    }
    std::cout << "\n* on the Pareto front of score against layers saved (mean)\n";
}

// The points of an earlier run of this sweep; refuses a file made on other data or another model,
// whose points would be silently wrong here.
std::vector<mue::SweepPoint> resumable_points(const std::string& path, const mue::EvalDataset& dataset,
                                              const mue::ModelInfo& info) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw mue::InputError("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    const auto document = mue::report::read_sweep_json(text.str(), path);
    const auto mismatch = [&](const std::string& what, const std::string& had, const std::string& now) {
        return mue::InputError(path + ": made with " + what + " '" + had + "', this sweep uses '" + now +
                               "'; it cannot be resumed");
    };
    if (document.model_id != info.model_id) throw mismatch("model", document.model_id, info.model_id);
    if (document.dataset != dataset.name) throw mismatch("data set", document.dataset, dataset.name);
    if (document.split != dataset.split) throw mismatch("split", document.split, dataset.split);
    if (document.n != dataset.items.size()) {
        throw mismatch("item count", std::to_string(document.n), std::to_string(dataset.items.size()));
    }
    return document.points;
}

}  // namespace

const CommandSpec kEval = eval_spec();
const CommandSpec kSweep = sweep_spec();
const CommandSpec kTune = tune_spec();

int cmd_eval(const ParsedArgs& args) {
    no_positionals(kEval, args);
    const auto dataset_name = args.value("dataset");
    if (!dataset_name) throw UsageError("mue eval: --dataset shapes-ve|shapes-caption|DIR is required");
    const int limit = args.integer("limit", 1, std::numeric_limits<int>::max()).value_or(0);
    mue::EvalOptions options;
    options.batch_size = args.integer("batch", 1, 4096).value_or(options.batch_size);
    options.beam_size = args.integer("beam", 1, 64);
    const auto exits = exit_settings(args);
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));

    const auto engine = mue::Engine::load(model_dir(args));
    const auto dataset = mue::load_eval_dataset(*dataset_name, args.value("split").value_or(""),
                                                static_cast<std::size_t>(limit), engine.info().image_size);
    if (!dataset.problems.empty()) {
        const auto& first = dataset.problems.front();
        std::cerr << "skipped " << dataset.problems.size() << " bad rows of " << *dataset_name << " (first: line "
                  << first.line << ": " << first.message << ")\n";
    }
    // Progress only where someone watches; a redirected stderr gets no carriage returns.
    const bool show_progress = isatty(STDERR_FILENO) != 0;
    const auto progress = [show_progress](std::size_t done, std::size_t total) {
        if (show_progress) std::cerr << "\revaluating " << done << "/" << total << std::flush;
    };
    const auto report = mue::evaluate(engine, dataset, exits, options, nullptr, progress);
    if (show_progress) std::cerr << "\n";
    if (args.flag("json")) {
        print_json(mue::report::eval_report_json(report));
        return kExitOk;
    }
    print_eval_summary(report, engine.info());
    return kExitOk;
}

int cmd_sweep(const ParsedArgs& args) {
    no_positionals(kSweep, args);
    const auto dataset_name = args.value("dataset");
    if (!dataset_name) throw UsageError("mue sweep: --dataset shapes-ve|shapes-caption|DIR is required");
    auto grid = sweep_grid(args);
    grid.include_baselines = args.flag("baselines");
    const auto options = eval_options(args);
    const auto limit = item_limit(args);
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));
    // From here on Ctrl+C ends the sweep with what it finished (nothing, while loading).
    const InterruptCancels interrupt;

    const auto engine = mue::Engine::load(model_dir(args));
    const auto dataset =
        mue::load_eval_dataset(*dataset_name, args.value("split").value_or(""), limit, engine.info().image_size);
    std::vector<mue::SweepPoint> finished;
    if (const auto resume = args.value("resume")) finished = resumable_points(*resume, dataset, engine.info());
    const bool show_progress = isatty(STDERR_FILENO) != 0;
    mue::SweepStats stats;
    const auto points = mue::sweep(engine, dataset, grid, options, &interrupt.token(), sweep_progress(show_progress),
                                   finished, &stats);
    if (show_progress) std::cerr << "\n";
    std::cerr << "ran " << stats.runs << " example(s) under sweep settings";
    if (stats.what_if_runs > 0) {
        std::cerr << " and " << stats.what_if_runs << " in a what-if pass; " << stats.reused
                  << " outcome(s) shared between settings with the same exits";
        if (stats.mismatches > 0) {
            std::cerr << " (" << stats.mismatches << " run(s) exited elsewhere than derived, so not shared)";
        }
    }
    std::cerr << "\n";
    const bool complete = !interrupt.token().cancelled();
    const auto json = mue::report::sweep_json(points, dataset, engine.info().model_id, complete);
    if (const auto prefix = args.value("out")) write_sweep_files(*prefix, points, json);
    if (!complete) {
        std::cerr << "interrupted after " << points.size() << " settings"
                  << (args.value("out") ? "; --resume " + *args.value("out") + ".json continues the sweep" : "")
                  << "\n";
        return kExitInterrupted;
    }
    if (args.flag("json")) {
        print_json(json);
    } else {
        print_sweep_table(points, dataset, engine.info());
    }
    return kExitOk;
}

int cmd_tune(const ParsedArgs& args) {
    no_positionals(kTune, args);
    const auto dataset_name = args.value("dataset");
    if (!dataset_name) throw UsageError("mue tune: --dataset shapes-ve|shapes-caption is required");
    const double target = args.number("target-retention").value_or(kDefaultTargetRetention);
    if (target < 0 || target > 1) throw UsageError("--target-retention must be in [0, 1] (got " + fixed(target, 4) + ")");
    const auto confidence = args.number("confidence");
    if (confidence && !(*confidence > 0 && *confidence < 1)) {
        throw UsageError("--confidence must be in (0, 1), e.g. 0.9 (got " + *args.value("confidence") + ")");
    }
    const auto grid = sweep_grid(args);
    const auto options = eval_options(args);
    const auto limit = item_limit(args);
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));

    const auto engine = mue::Engine::load(model_dir(args));
    const bool show_progress = isatty(STDERR_FILENO) != 0;
    const auto r = mue::tune(engine, *dataset_name, target, grid, options, limit, nullptr, sweep_progress(show_progress),
                             confidence);
    if (show_progress) std::cerr << "\n";
    if (args.flag("json")) {
        print_json(mue::report::tune_result_json(r, *dataset_name, target));
        return kExitOk;
    }
    const auto& v = r.validation;
    const std::string with_confidence = confidence ? " with " + percent(*confidence) + " confidence" : "";
    std::cout << label("dataset") << *dataset_name << ": thresholds chosen on validation, reported on test ("
              << r.test.n << " items)\n"
              << label("model") << engine.info().model_id
              << (engine.info().trained ? "" : " (UNTRAINED: scores are meaningless)") << "\n"
              << label("chosen") << v.label << (v.settings.policy == mue::ExitPolicy::Full ? " (no setting kept " : " (keeps ")
              << "at least " << percent(target) << " of the full score on validation" << with_confidence << ")\n"
              << label("valid.") << r.test.metric << " " << fixed(v.score, 4) << ", retention " << percent(v.retention);
    if (r.validation_retention_lower_bound) {
        std::cout << " (lower bound " << percent(*r.validation_retention_lower_bound) << " at " << percent(*confidence)
                  << " confidence)";
    }
    std::cout << ", saved " << percent(v.savings.expected_reduction_mean) << " layers (mean)\n"
              << label("test") << r.test.metric << " " << fixed(r.test.score, 4) << " (full model "
              << fixed(r.full_test_score, 4) << "), retention " << percent(r.test_retention) << "\n"
              << label("saved") << percent(r.test.savings.expected_reduction_mean) << " layers (mean), "
              << percent(r.test.savings.expected_reduction_token_weighted) << " layers (token-weighted), "
              << percent(r.test.savings.flop_reduction) << " FLOPs\n";
    return kExitOk;
}

}  // namespace mue::cli
