// `mue`: the command-line face of the engine. Exit codes: 0 ok, 1 internal error, 2 usage error,
// 3 bad input (the message on stderr names the file or field).

#include "json_output.hpp"
#include "options.hpp"

#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/tokenizer.hpp"

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <iostream>
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

const CommandSpec kInfo{"info", "", "Print the model's identity and architecture.",
                        {{"model", "DIR", "model folder (default: the embedded default model)"},
                         {"json", "", "print JSON"}}};
const CommandSpec kTokenize{
    "tokenize", "TEXT",
    "Print the token ids of TEXT as a JSON array. With --model (or no option) the model's tokenizer\n"
    "and OFA's source rules apply (clean-up, leading space, bos/eos); with --tokenizer DIR holding OFA's\n"
    "encoder.json + vocab.bpe + dict.txt the same rules apply; with HF files (vocab.json + merges.txt) plain BPE.",
    {{"model", "DIR", "model folder whose tokenizer to use"}, {"tokenizer", "DIR", "tokenizer folder"}}};
const CommandSpec kRun{
    "run", "",
    "Run the model on one image: caption it, decide whether a hypothesis holds, or answer a prompt.",
    {{"image", "PATH", "input image (PNG, JPEG, BMP, TIFF, WebP, ...)"},
     {"caption", "", "task: caption the image"},
     {"hypothesis", "TEXT", "task: visual entailment of TEXT (yes / no / maybe)"},
     {"prompt", "TEXT", "task: generate a response to a free prompt"},
     {"model", "DIR", "model folder (default: the embedded default model)"},
     {"mode", "decomposed|joint", "encoder mode (default: the model's)"},
     {"beam", "N", "beam size for generation (1 = greedy; default: the model's)"},
     {"max-length", "N", "most tokens to generate (default: the model's)"},
     {"threads", "N", "LibTorch intra-op threads (default 1: fastest on small models here)"},
     {"json", "", "print the whole result as JSON"}}};
const CommandSpec kInitRandom{"init-random-model", "",
                              "Write a model folder with seeded RANDOM (untrained) weights in the engine's format.",
                              {{"out", "DIR", "folder to write (created)"}, {"seed", "N", "random seed (default 2023)"}}};

const std::vector<const CommandSpec*> kCommands{&kInfo, &kTokenize, &kRun, &kInitRandom};

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

void print_json(const nlohmann::ordered_json& j) { std::cout << j.dump(2) << "\n"; }

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
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));

    const auto engine = mue::Engine::load(model_dir(args));
    const auto result = engine.run(request);
    if (args.flag("json")) {
        print_json(mue::cli::run_result_json(result, request, engine.info()));
        return kExitOk;
    }
    std::cout << result.prediction << std::endl;  // flushed before the details on stderr
    std::cerr << std::fixed << std::setprecision(2);
    for (const auto& a : result.answers) std::cerr << "  " << a.answer << ": " << a.probability << "\n";
    std::cerr << "model " << engine.info().model_id << (engine.info().trained ? "" : " (UNTRAINED)") << ", "
              << mue::encoder_mode_name(result.encoder_mode) << " encoder, " << result.total_ms << " ms\n";
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
