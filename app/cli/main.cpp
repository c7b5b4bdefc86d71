// `mue`: the command-line face of the engine. Exit codes: 0 ok, 1 internal error, 2 usage error,
// 3 bad input (the message on stderr names the file or field).

#include "exit_options.hpp"
#include "json_output.hpp"
#include "options.hpp"

#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/evaluation.hpp"
#include "mue/shapes_world.hpp"
#include "mue/sweep.hpp"
#include "mue/tokenizer.hpp"
#include "mue/trainer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <unistd.h>

namespace {

using mue::cli::CommandSpec;
using mue::cli::ParsedArgs;
using mue::cli::UsageError;

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;
constexpr int kMaxThreads = 256;
constexpr const char* kDefaultModelEnv = "MUE_DEFAULT_MODEL";
constexpr std::size_t kLabelWidth = 9;  // the run summary's left column
constexpr double kPercent = 100.0;

const CommandSpec kInfo{"info", "", "Print the model's identity and architecture.",
                        {{"model", "DIR", "model folder (default: the embedded default model)"},
                         {"json", "", "print JSON"}}};
const CommandSpec kTokenize{
    "tokenize", "TEXT",
    "Print the token ids of TEXT as a JSON array. With --model (or no option) the model's tokenizer\n"
    "and OFA's source rules apply (clean-up, leading space, bos/eos); with --tokenizer DIR holding OFA's\n"
    "encoder.json + vocab.bpe + dict.txt the same rules apply; with HF files (vocab.json + merges.txt) plain BPE.",
    {{"model", "DIR", "model folder whose tokenizer to use"}, {"tokenizer", "DIR", "tokenizer folder"}}};
// The task and decoding options, then the early-exit ones.
CommandSpec run_spec() {
    CommandSpec spec{
        "run", "",
        "Run the model on one image with early exits: caption, entailment or a free prompt.\n"
        "Without --json, stderr summarises where each stream and token exited and what that saved.",
        {{"image", "PATH", "input image (PNG, JPEG, BMP, TIFF, WebP, ...)"},
         {"caption", "", "task: caption the image"},
         {"hypothesis", "TEXT", "task: visual entailment of TEXT (yes / no / maybe)"},
         {"prompt", "TEXT", "task: generate a response to a free prompt"},
         {"model", "DIR", "model folder (default: the embedded default model)"},
         {"mode", "decomposed|joint",
          "encoder mode of policies full, deebert, pabee, confidence (default: the model's)"},
         {"beam", "N", "beam size for generation (1 = greedy; default: the model's)"},
         {"max-length", "N", "most tokens to generate (default: the model's)"},
         {"threads", "N", "LibTorch intra-op threads (default 1: fastest on small models here)"},
         {"json", "", "print the whole result and exit trace as JSON"}}};
    const auto exits = mue::cli::exit_option_specs();
    spec.options.insert(spec.options.end(), exits.begin(), exits.end());
    return spec;
}

const CommandSpec kRun = run_spec();

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
    const auto exits = mue::cli::exit_option_specs();
    spec.options.insert(spec.options.end(), exits.begin(), exits.end());
    return spec;
}

const CommandSpec kEval = eval_spec();

// The grid and evaluation options `mue sweep` and `mue tune` share.
const std::vector<mue::cli::OptionSpec> kGridOptions{
    {"limit", "N", "evaluate the first N items (default: all)"},
    {"grid-image", "A,B,...", "image similarity thresholds (default 0.99,0.995,0.999,1)"},
    {"grid-text", "A,B,...", "text similarity thresholds (default 0.99,0.995,0.999,1)"},
    {"grid-decoder", "A,B,...", "decoder similarity thresholds (default 0.99,0.995,0.999,1)"},
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
         {"out", "PREFIX", "write PREFIX.csv (one row per point) and PREFIX.json (with exit histograms)"},
         {"json", "", "print the points as JSON instead of the table"}}};
    spec.options.insert(spec.options.end(), kGridOptions.begin(), kGridOptions.end());
    return spec;
}

const CommandSpec kSweep = sweep_spec();

constexpr double kDefaultTargetRetention = 0.99;

CommandSpec tune_spec() {
    CommandSpec spec{
        "tune", "",
        "Choose MuE thresholds on a shapes dataset's validation split: the grid setting that saves the\n"
        "most layers while keeping a share of the full model's score; report it on the test split.",
        {{"dataset", "shapes-ve|shapes-caption", "the shapes world's entailment or caption items"},
         {"target-retention", "X", "least share of the full model's validation score to keep (default 0.99)"},
         {"json", "", "print the choice and its test figures as JSON"}}};
    spec.options.insert(spec.options.end(), kGridOptions.begin(), kGridOptions.end());
    return spec;
}

const CommandSpec kTune = tune_spec();
const CommandSpec kInitRandom{"init-random-model", "",
                              "Write a model folder with seeded RANDOM (untrained) weights in the engine's format.",
                              {{"out", "DIR", "folder to write (created)"}, {"seed", "N", "random seed (default 2023)"}}};

const CommandSpec kTrain{
    "train", "",
    "Train a model on the shapes world with MuE's objective (decomposed encoder, loss at every decoder\n"
    "layer). Creates the model folder when it has no config.json; resumes from its checkpoint otherwise.",
    {{"out", "DIR", "model folder to create or continue"},
     {"steps", "N", "optimizer steps (default 3000)"},
     {"batch", "N", "examples per step, half captions, half entailment (default 32)"},
     {"lr", "X", "peak learning rate after warm-up (default 5e-4)"},
     {"warmup", "N", "linear warm-up steps (default 100)"},
     {"width", "N", "model width for a new folder, a multiple of 32 (default 128)"},
     {"image-size", "N", "image side for a new folder, a multiple of 8 (default 64)"},
     {"seed", "N", "initialisation seed (default 1)"},
     {"checkpoint-every", "N", "steps between checkpoints (default 200)"},
     {"no-layerwise-loss", "", "ablation: loss at the last decoder layer only"},
     {"joint-encoder", "", "ablation: train OFA's joint encoder instead of the decomposed one"},
     {"fresh", "", "ignore an existing checkpoint and start from the seed"},
     {"threads", "N", "LibTorch intra-op threads (default 1)"}}};

const std::vector<const CommandSpec*> kCommands{&kInfo,  &kTokenize, &kRun,  &kEval,
                                                  &kSweep, &kTune,     &kTrain, &kInitRandom};

std::string top_level_help() {
    std::string help =
        "mue " MUE_VERSION " - MuE (multiple early exiting) vision-language engine\n\n"
        "Usage: mue COMMAND [options]\n\nCommands:\n";
    for (const auto* c : kCommands) {
        std::string name = "  " + c->name;
        name.resize(22, ' ');
        help += name + c->summary.substr(0, c->summary.find('\n')) + "\n";
    }
    help += "\n'mue COMMAND --help' shows a command's options. Exit codes: 0 ok, 2 usage error, 3 bad input.\n";
    return help;
}

std::filesystem::path executable_dir() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path{} : self.parent_path();
}

// --model, else $MUE_DEFAULT_MODEL, else the installed share/ folder, else the build tree's model.
std::filesystem::path model_dir(const ParsedArgs& args) {
    if (const auto m = args.value("model")) return *m;
    if (const char* env = std::getenv(kDefaultModelEnv); env != nullptr && *env != '\0') return env;
    const auto installed = executable_dir() / ".." / "share" / "mue-studio" / "models" / "default";
    if (std::filesystem::exists(installed / "config.json")) return installed.lexically_normal();
    return MUE_BUILD_MODEL_DIR;
}

void no_positionals(const CommandSpec& spec, const ParsedArgs& args) {
    if (!args.positionals().empty()) {
        throw UsageError("mue " + spec.name + ": unexpected argument '" + args.positionals().front() + "'");
    }
}

// Token texts are byte-level BPE pieces: a broken UTF-8 sequence must not abort the output.
void print_json(const nlohmann::ordered_json& j) {
    std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

int cmd_info(const ParsedArgs& args) {
    no_positionals(kInfo, args);
    const auto engine = mue::Engine::load(model_dir(args));
    const auto& i = engine.info();
    if (args.flag("json")) {
        print_json(mue::cli::model_info_json(i));
        return kExitOk;
    }
    std::cout << "model        " << i.model_id << (i.trained ? "" : "  (UNTRAINED: random weights)") << "\n"
              << "folder       " << i.folder.string() << "\n"
              << "description  " << i.description << "\n"
              << "layers       " << i.arch.encoder_layers << " encoder + " << i.arch.decoder_layers << " decoder, width "
              << i.arch.d_model << ", " << i.arch.attention_heads << " heads, FFN " << i.arch.ffn_dim << "\n"
              << "parameters   " << i.parameters << "\n"
              << "image        " << i.image_size << "x" << i.image_size << " px -> " << i.image_tokens << " tokens\n"
              << "vocabulary   " << i.arch.vocab_size << " (" << i.tokenizer_format << " tokenizer files)\n"
              << "encoder mode " << mue::encoder_mode_name(i.encoder_mode) << "\n";
    return kExitOk;
}

int cmd_tokenize(const ParsedArgs& args) {
    if (args.positionals().size() != 1) throw UsageError("mue tokenize: give exactly one TEXT argument");
    if (args.value("model") && args.value("tokenizer")) throw UsageError("mue tokenize: give --model or --tokenizer, not both");
    const std::string& text = args.positionals().front();
    std::vector<int> ids;
    if (const auto dir = args.value("tokenizer")) {
        const auto tokenizer = mue::Tokenizer::load(*dir);
        ids = tokenizer.format() == mue::VocabularyFormat::Ofa ? tokenizer.encode_source(text) : tokenizer.encode(text);
    } else {
        ids = mue::Tokenizer::load(model_dir(args)).encode_source(text);
    }
    std::cout << nlohmann::json(ids).dump() << "\n";
    return kExitOk;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// A decoded token as the summary shows it: without BPE's leading space, and as "#id" when blank or
// when it holds control characters (a random model emits those, and they would garble the terminal).
std::string token_label(const mue::DecoderTokenTrace& token) {
    const auto text = trimmed(token.text);
    const bool printable = std::none_of(text.begin(), text.end(), [](char c) {
        return std::iscntrl(static_cast<unsigned char>(c)) != 0;
    });
    return !text.empty() && printable ? text : "#" + std::to_string(token.id);
}

std::string percent(double fraction) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << fraction * kPercent << "%";
    return out.str();
}

// Where each stream and decoded token exited and what that saved, one labelled line each.
void print_run_summary(const mue::RunResult& result, const mue::ModelInfo& info) {
    const auto& trace = result.trace;
    const auto& savings = trace.savings;
    const auto label = [](const char* name) {
        return std::string(name).append(kLabelWidth - std::strlen(name), ' ');
    };
    std::cerr << std::fixed << std::setprecision(2);
    if (!result.answers.empty()) {
        std::cerr << label("answers");
        const char* separator = "";
        for (const auto& a : result.answers) {
            std::cerr << separator << trimmed(a.answer) << " " << a.probability;
            separator = ", ";
        }
        std::cerr << "\n";
    }
    std::cerr << label("policy") << mue::exit_policy_name(trace.settings.policy)
              << (trace.settings.what_if ? " (what-if: every layer ran)" : "") << ", "
              << mue::encoder_mode_name(result.encoder_mode) << " encoder\n"
              << label("exits") << "image " << trace.image.exit_layer << "/" << trace.image.layers << ", text "
              << trace.text.exit_layer << "/" << trace.text.layers << "\n"
              << label("tokens");
    for (const auto& t : trace.decoder_tokens) std::cerr << token_label(t) << "@" << t.exit_layer << " ";
    std::cerr << "(of " << trace.decoder_layers << " layers)\n"
              << label("saved") << percent(savings.expected_reduction_mean) << " layers (mean), "
              << percent(savings.expected_reduction_token_weighted) << " layers (token-weighted), "
              << percent(savings.flop_reduction) << " FLOPs";
    if (savings.measured_reduction) std::cerr << ", " << percent(*savings.measured_reduction) << " measured time";
    std::cerr << "\n"
              << label("model") << info.model_id << (info.trained ? "" : " (UNTRAINED)") << ", " << result.total_ms
              << " ms\n";
}

int cmd_run(const ParsedArgs& args) {
    no_positionals(kRun, args);
    mue::RunRequest request;
    const auto image = args.value("image");
    if (!image) throw UsageError("mue run: --image PATH is required");
    request.image_path = *image;
    const int tasks = static_cast<int>(args.flag("caption")) + static_cast<int>(args.flag("hypothesis")) +
                      static_cast<int>(args.flag("prompt"));
    if (tasks != 1) throw UsageError("mue run: choose exactly one of --caption, --hypothesis TEXT, --prompt TEXT");
    if (args.flag("hypothesis")) {
        request.task = mue::Task::Entailment;
        request.text = *args.value("hypothesis");
    } else if (args.flag("prompt")) {
        request.task = mue::Task::Prompt;
        request.text = *args.value("prompt");
    }
    if (const auto mode = args.value("mode")) {
        if (*mode == "decomposed") {
            request.encoder_mode = mue::EncoderMode::Decomposed;
        } else if (*mode == "joint") {
            request.encoder_mode = mue::EncoderMode::Joint;
        } else {
            throw UsageError("mue run: --mode must be 'decomposed' or 'joint' (got '" + *mode + "')");
        }
    }
    request.beam_size = args.integer("beam", 1, 64);
    request.max_length = args.integer("max-length", 1, 1024);
    request.exits = mue::cli::exit_settings(args);
    if (const auto forced = mue::policy_encoder_mode(request.exits.policy);
        forced && request.encoder_mode && *forced != *request.encoder_mode) {
        throw UsageError("mue run: policy " + std::string(mue::exit_policy_name(request.exits.policy)) + " runs the " +
                         std::string(mue::encoder_mode_name(*forced)) + " encoder and cannot honour --mode " +
                         *args.value("mode") + " (policies full, deebert, pabee and confidence can)");
    }
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));

    const auto engine = mue::Engine::load(model_dir(args));
    const auto result = engine.run(request);
    if (args.flag("json")) {
        print_json(mue::cli::run_result_json(result, request, engine.info()));
        return kExitOk;
    }
    std::cout << result.prediction << std::endl;  // flushed before the details on stderr
    print_run_summary(result, engine.info());
    return kExitOk;
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
    const auto label = [](const char* name) { return std::string(name).append(kLabelWidth - std::strlen(name), ' '); };
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

int cmd_eval(const ParsedArgs& args) {
    no_positionals(kEval, args);
    const auto dataset_name = args.value("dataset");
    if (!dataset_name) throw UsageError("mue eval: --dataset shapes-ve|shapes-caption|DIR is required");
    const int limit = args.integer("limit", 1, std::numeric_limits<int>::max()).value_or(0);
    mue::EvalOptions options;
    options.batch_size = args.integer("batch", 1, 4096).value_or(options.batch_size);
    options.beam_size = args.integer("beam", 1, 64);
    const auto exits = mue::cli::exit_settings(args);
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
        print_json(mue::cli::eval_report_json(report));
        return kExitOk;
    }
    print_eval_summary(report, engine.info());
    return kExitOk;
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
    mue::SweepGrid grid;
    grid.image_thresholds = number_list(args, "grid-image").value_or(grid.image_thresholds);
    grid.text_thresholds = number_list(args, "grid-text").value_or(grid.text_thresholds);
    grid.decoder_thresholds = number_list(args, "grid-decoder").value_or(grid.decoder_thresholds);
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

int cmd_sweep(const ParsedArgs& args) {
    no_positionals(kSweep, args);
    const auto dataset_name = args.value("dataset");
    if (!dataset_name) throw UsageError("mue sweep: --dataset shapes-ve|shapes-caption|DIR is required");
    auto grid = sweep_grid(args);
    grid.include_baselines = args.flag("baselines");
    const auto options = eval_options(args);
    const auto limit = item_limit(args);
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));

    const auto engine = mue::Engine::load(model_dir(args));
    const auto dataset =
        mue::load_eval_dataset(*dataset_name, args.value("split").value_or(""), limit, engine.info().image_size);
    const bool show_progress = isatty(STDERR_FILENO) != 0;
    const auto points = mue::sweep(engine, dataset, grid, options, nullptr, sweep_progress(show_progress));
    if (show_progress) std::cerr << "\n";
    const auto json = mue::cli::sweep_json(points, dataset, engine.info().model_id);
    if (const auto prefix = args.value("out")) write_sweep_files(*prefix, points, json);
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
    const auto grid = sweep_grid(args);
    const auto options = eval_options(args);
    const auto limit = item_limit(args);
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));

    const auto engine = mue::Engine::load(model_dir(args));
    const bool show_progress = isatty(STDERR_FILENO) != 0;
    const auto r = mue::tune(engine, *dataset_name, target, grid, options, limit, nullptr, sweep_progress(show_progress));
    if (show_progress) std::cerr << "\n";
    if (args.flag("json")) {
        print_json(mue::cli::tune_result_json(r, *dataset_name, target));
        return kExitOk;
    }
    const auto label = [](const char* name) { return std::string(name).append(kLabelWidth - std::strlen(name), ' '); };
    const auto& v = r.validation;
    std::cout << label("dataset") << *dataset_name << ": thresholds chosen on validation, reported on test ("
              << r.test.n << " items)\n"
              << label("model") << engine.info().model_id
              << (engine.info().trained ? "" : " (UNTRAINED: scores are meaningless)") << "\n"
              << label("chosen") << v.label << (v.settings.policy == mue::ExitPolicy::Full ? " (no setting kept " : " (keeps ")
              << "at least " << percent(target) << " of the full score on validation)\n"
              << label("valid.") << r.test.metric << " " << fixed(v.score, 4) << ", retention " << percent(v.retention)
              << ", saved " << percent(v.savings.expected_reduction_mean) << " layers (mean)\n"
              << label("test") << r.test.metric << " " << fixed(r.test.score, 4) << " (full model "
              << fixed(r.full_test_score, 4) << "), retention " << percent(r.test_retention) << "\n"
              << label("saved") << percent(r.test.savings.expected_reduction_mean) << " layers (mean), "
              << percent(r.test.savings.expected_reduction_token_weighted) << " layers (token-weighted), "
              << percent(r.test.savings.flop_reduction) << " FLOPs\n";
    return kExitOk;
}

std::string duration(double seconds) {
    const auto s = static_cast<long>(seconds);
    std::ostringstream out;
    out << s / 3600 << "h" << std::setw(2) << std::setfill('0') << (s / 60) % 60 << "m" << std::setw(2) << s % 60 << "s";
    return out.str();
}

int cmd_train(const ParsedArgs& args) {
    constexpr int kDefaultWidth = 128;
    constexpr int kDefaultImageSize = 64;
    constexpr int kReportEvery = 10;
    no_positionals(kTrain, args);
    const auto out = args.value("out");
    if (!out) throw UsageError("mue train: --out DIR is required");
    mue::TrainingOptions o;
    o.model_folder = *out;
    o.steps = args.integer("steps", 1, 10'000'000).value_or(o.steps);
    o.batch_size = args.integer("batch", 1, 4096).value_or(o.batch_size);
    if (const auto lr = args.number("lr")) o.learning_rate = *lr;
    o.min_learning_rate = std::min(o.min_learning_rate, o.learning_rate);
    o.warmup_steps = args.integer("warmup", 0, 10'000'000).value_or(o.warmup_steps);
    o.seed = static_cast<std::uint64_t>(args.integer("seed", 0, 1 << 30).value_or(1));
    o.checkpoint_every = args.integer("checkpoint-every", 1, 10'000'000).value_or(o.checkpoint_every);
    o.layerwise_loss = !args.flag("no-layerwise-loss");
    o.joint_encoder = args.flag("joint-encoder");
    o.resume = !args.flag("fresh");
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));

    const int width = args.integer("width", 32, 4096).value_or(kDefaultWidth);
    const int image_size = args.integer("image-size", 8, 1024).value_or(kDefaultImageSize);
    if (!std::filesystem::exists(o.model_folder / "config.json")) {
        mue::write_model_folder(o.model_folder, mue::shapes_model_config(width, image_size), mue::shapes::vocabulary_words(),
                                o.seed);
        std::cerr << "created " << o.model_folder.string() << " (width " << width << ", " << image_size << " px)\n";
    }
    const auto config = mue::ModelConfig::load(o.model_folder / "config.json");
    const auto report = [&](const mue::TrainingProgress& p) {
        if (p.step % kReportEvery != 0 && p.step != p.steps) return;
        std::cerr << std::fixed << std::setprecision(3) << "step " << p.step << "/" << p.steps << "  loss " << p.loss
                  << "  layers";
        for (const double l : p.layer_losses) std::cerr << " " << std::setprecision(2) << l;
        std::cerr << std::setprecision(1) << std::scientific << "  lr " << p.learning_rate << std::fixed << "  "
                  << p.examples_per_second << " ex/s  ETA " << duration(p.eta_seconds) << std::endl;
    };
    const auto last = mue::train(o, mue::shapes_example_source(config.image.size), report);
    std::cout << "trained " << o.model_folder.string() << " to step " << last.step << " (loss " << last.loss << ")\n";
    return kExitOk;
}

int cmd_init_random(const ParsedArgs& args) {
    no_positionals(kInitRandom, args);
    const auto out = args.value("out");
    if (!out) throw UsageError("mue init-random-model: --out DIR is required");
    const int seed = args.integer("seed", 0, 1 << 30).value_or(2023);
    mue::write_random_model(*out, mue::default_random_model_config(), static_cast<std::uint64_t>(seed));
    std::cout << "wrote random (untrained) model to " << *out << "\n";
    return kExitOk;
}

int dispatch(const std::vector<std::string>& argv) {
    if (argv.empty() || argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
        std::cout << top_level_help();
        return argv.empty() ? kExitUsage : kExitOk;
    }
    if (argv[0] == "--version") {
        std::cout << "mue " MUE_VERSION "\n";
        return kExitOk;
    }
    const std::vector<std::string> rest(argv.begin() + 1, argv.end());
    for (const auto* spec : kCommands) {
        if (spec->name != argv[0]) continue;
        if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
            std::cout << mue::cli::command_help(*spec);
            return kExitOk;
        }
        const ParsedArgs args = mue::cli::parse_args(*spec, rest);
        if (spec == &kInfo) return cmd_info(args);
        if (spec == &kTokenize) return cmd_tokenize(args);
        if (spec == &kRun) return cmd_run(args);
        if (spec == &kEval) return cmd_eval(args);
        if (spec == &kSweep) return cmd_sweep(args);
        if (spec == &kTune) return cmd_tune(args);
        if (spec == &kTrain) return cmd_train(args);
        return cmd_init_random(args);
    }
    throw UsageError("unknown command '" + argv[0] + "'");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return dispatch(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const UsageError& e) {
        std::cerr << e.what() << "\n(see 'mue --help')\n";
        return kExitUsage;
    } catch (const mue::InputError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\n";
        return kExitInternal;
    }
}
