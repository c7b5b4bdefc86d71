// `mue run`: one image through the model with early exits.

#include "commands.hpp"
#include "common.hpp"
#include "exit_options.hpp"
#include "json_output.hpp"

#include "mue/engine.hpp"

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <iostream>
#include <string>

namespace mue::cli {
namespace {

// The task and decoding options, then the early-exit ones.
CommandSpec run_spec() {
    CommandSpec spec{
        "run", "",
        "Run the model on one image with early exits: caption, entailment or a free prompt.\n"
        "Without --json, stderr summarises where each stream and token exited and what that saved.",
        {{"image", "PATH", "input image (PNG, JPEG, BMP, TIFF, WebP, ...)"},
         {"caption", "", "task: caption the image"},
         {"hypothesis", "TEXT", "task: visual entailment of TEXT (yes / no / maybe)"},
         {"premise", "TEXT", "with --hypothesis: a text premise (OFA's SNLI-VE prompt with a caption)"},
         {"prompt", "TEXT", "task: generate a response to a free prompt"},
         {"model", "DIR", "model folder (default: the embedded default model)"},
         {"mode", "decomposed|joint",
          "encoder mode of policies full, deebert, pabee, confidence (default: the model's)"},
         {"beam", "N", "beam size for generation (1 = greedy; default: the model's)"},
         {"max-length", "N", "most tokens to generate (default: the model's)"},
         {"threads", "N", "LibTorch intra-op threads (default 1: fastest on small models here)"},
         {"json", "", "print the whole result and exit trace as JSON"}}};
    const auto exits = exit_option_specs();
    spec.options.insert(spec.options.end(), exits.begin(), exits.end());
    return spec;
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

// Where each stream and decoded token exited and what that saved, one labelled line each.
void print_run_summary(const mue::RunResult& result, const mue::ModelInfo& info) {
    const auto& trace = result.trace;
    const auto& savings = trace.savings;
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

}  // namespace

const CommandSpec kRun = run_spec();

int cmd_run(const ParsedArgs& args) {
    no_positionals(kRun, args);
    mue::RunRequest request;
    const auto image = args.value("image");
    if (!image) throw UsageError("mue run: --image PATH is required");
    request.image_path = *image;
    const int tasks = static_cast<int>(args.flag("caption")) + static_cast<int>(args.flag("hypothesis")) +
                      static_cast<int>(args.flag("prompt"));
    if (tasks != 1) throw UsageError("mue run: choose exactly one of --caption, --hypothesis TEXT, --prompt TEXT");
    if (args.flag("premise") && !args.flag("hypothesis")) throw UsageError("mue run: --premise needs --hypothesis");
    if (args.flag("hypothesis")) {
        request.task = mue::Task::Entailment;
        request.text = *args.value("hypothesis");
        request.premise = args.value("premise").value_or("");
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
    request.exits = exit_settings(args);
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
        print_json(mue::report::run_result_json(result, request, engine.info()));
        return kExitOk;
    }
    std::cout << result.prediction << std::endl;  // flushed before the details on stderr
    print_run_summary(result, engine.info());
    return kExitOk;
}

}  // namespace mue::cli
