// `mue convert-ofa`: an OFA or MuE checkpoint (fairseq .pt or Hugging Face folder) into a model
// folder. The conversion is scripts/convert_ofa.py on Debian's python3-torch, whose restricted
// unpickler never runs code from the checkpoint; this command finds the script, runs it, and then
// loads the written folder with the engine, which reads only safetensors.

#include "commands.hpp"
#include "common.hpp"

#include "mue/engine.hpp"
#include "mue/errors.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

extern char** environ;

namespace mue::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, with python3-torch
constexpr const char* kScriptName = "convert_ofa.py";

// The installed copy (share/mue-studio/scripts beside bin/), else the source tree's.
fs::path converter_script() {
    const auto installed = executable_dir() / ".." / "share" / "mue-studio" / "scripts" / kScriptName;
    if (fs::exists(installed)) return installed.lexically_normal();
    const fs::path source = fs::path(MUE_SOURCE_SCRIPTS_DIR) / kScriptName;
    if (fs::exists(source)) return source;
    throw std::runtime_error(std::string("cannot find ") + kScriptName + " (looked in " + installed.string() +
                             " and " + source.string() + ")");
}

// Runs argv[0] with stdin/stdout/stderr inherited; returns its exit status (128 + signal if killed).
int run_process(const std::vector<std::string>& argv) {
    std::vector<char*> raw;
    raw.reserve(argv.size() + 1);
    for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));  // posix_spawn's signature
    raw.push_back(nullptr);
    pid_t pid = 0;
    if (const int err = posix_spawn(&pid, raw[0], nullptr, nullptr, raw.data(), environ); err != 0) {
        throw std::runtime_error(argv[0] + ": cannot start: " + std::strerror(err));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    constexpr int kSignalBase = 128;
    return WIFEXITED(status) ? WEXITSTATUS(status) : kSignalBase + WTERMSIG(status);
}

}  // namespace

const CommandSpec kConvertOfa{
    "convert-ofa", "CHECKPOINT OUT_DIR",
    "Convert an OFA or MuE checkpoint into a model folder (docs/ofa-checkpoints.md). CHECKPOINT is a\n"
    "fairseq .pt file or a Hugging Face OFA folder (pytorch_model.bin or model.safetensors, config.json).\n"
    "Needs /usr/bin/python3 with PyTorch (Debian: python3-torch); no code in the checkpoint is run.",
    {{"bpe-dir", "DIR", "OFA's encoder.json, vocab.bpe, dict.txt (required for fairseq checkpoints)"},
     {"dtype", "fp32|fp16", "weight type in model.safetensors (default fp32)"},
     {"image-size", "N", "input side in pixels (default: the checkpoint's task setting, else 480)"},
     {"encoder-mode", "joint|decomposed", "default: decomposed for MuE checkpoints, else joint"},
     {"image-relative-bias", "yes|no", "2D relative bias in the decomposed image stream (default: no for MuE)"},
     {"model-id", "NAME", "model name (default: the checkpoint's file name)"}}};

int cmd_convert_ofa(const ParsedArgs& args) {
    if (args.positionals().size() != 2) throw UsageError("mue convert-ofa: give CHECKPOINT and OUT_DIR");
    if (!fs::exists(kPython)) {
        std::cerr << "error: mue convert-ofa needs " << kPython << " with PyTorch (Debian: apt install python3-torch)\n";
        return kExitInternal;
    }
    std::vector<std::string> argv{kPython, converter_script().string(), args.positionals()[0], args.positionals()[1]};
    for (const auto& option : kConvertOfa.options) {
        if (const auto value = args.value(option.name)) {
            argv.push_back("--" + option.name);
            argv.push_back(*value);
        }
    }
    const int status = run_process(argv);
    if (status != kExitOk) return status;  // the script has said why on stderr

    // The engine's strict loader is the final check: every tensor named and shaped as the config says.
    try {
        const auto engine = mue::Engine::load(args.positionals()[1]);
        const auto& i = engine.info();
        std::cout << "loaded " << i.model_id << ": " << i.arch.encoder_layers << "+" << i.arch.decoder_layers
                  << " layers, width " << i.arch.d_model << ", " << i.parameters << " parameters, " << i.image_size
                  << " px -> " << i.image_tokens << " image tokens, " << mue::encoder_mode_name(i.encoder_mode)
                  << " encoder\n";
    } catch (const mue::InputError& e) {
        throw mue::InputError(std::string("the converted folder does not load: ") + e.what());
    }
    return kExitOk;
}

}  // namespace mue::cli
