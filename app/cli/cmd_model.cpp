// `mue info`, `mue tokenize` and `mue init-random-model`: the model folder and its tokenizer.

#include "commands.hpp"
#include "common.hpp"
#include "json_output.hpp"

#include "mue/engine.hpp"
#include "mue/tokenizer.hpp"

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace mue::cli {

const CommandSpec kInfo{"info", "", "Print the model's identity and architecture.",
                        {{"model", "DIR", "model folder (default: the embedded default model)"},
                         {"json", "", "print JSON"}}};
const CommandSpec kTokenize{
    "tokenize", "TEXT",
    "Print the token ids of TEXT as a JSON array. With --model (or no option) the model's tokenizer\n"
    "and OFA's source rules apply (clean-up, leading space, bos/eos); with --tokenizer DIR holding OFA's\n"
    "encoder.json + vocab.bpe + dict.txt the same rules apply; with HF files (vocab.json + merges.txt) plain BPE.",
    {{"model", "DIR", "model folder whose tokenizer to use"}, {"tokenizer", "DIR", "tokenizer folder"}}};
const CommandSpec kInitRandom{"init-random-model", "",
                              "Write a model folder with seeded RANDOM (untrained) weights in the engine's format.",
                              {{"out", "DIR", "folder to write (created)"}, {"seed", "N", "random seed (default 2023)"}}};

namespace {

// "ResNet (3, 4, 23 blocks)" or "conv stem (3 layers)".
std::string image_stem_summary(const mue::ArchitectureConfig& a) {
    if (a.image_stem == mue::ImageStemType::Conv) {
        return "conv stem (" + std::to_string(a.conv_stem.channels.size()) + " layers)";
    }
    std::string blocks;
    for (const int b : a.resnet.blocks) blocks += (blocks.empty() ? "" : ", ") + std::to_string(b);
    return "ResNet stem (" + blocks + " blocks)";
}

// OFA's released models bias attention by position only; entangled models also add the positions
// to the tokens.
std::string position_summary(const mue::ArchitectureConfig& a) {
    if (!a.entangle_position_embedding && !a.decoder_entangle_position_embedding) return "attention biases only (OFA's release)";
    std::string where = a.entangle_position_embedding ? "encoder" : "";
    if (a.decoder_entangle_position_embedding) where += where.empty() ? "decoder" : " and decoder";
    return "attention biases, and added to the " + where + " tokens (entangled)";
}

}  // namespace

int cmd_info(const ParsedArgs& args) {
    no_positionals(kInfo, args);
    const auto engine = mue::Engine::load(model_dir(args));
    const auto& i = engine.info();
    if (args.flag("json")) {
        print_json(mue::report::model_info_json(i));
        return kExitOk;
    }
    std::cout << "model        " << i.model_id << (i.trained ? "" : "  (UNTRAINED: random weights)") << "\n"
              << "folder       " << i.folder.string() << "\n"
              << "description  " << i.description << "\n"
              << "layers       " << i.arch.encoder_layers << " encoder + " << i.arch.decoder_layers << " decoder, width "
              << i.arch.d_model << ", " << i.arch.attention_heads << " heads, FFN " << i.arch.ffn_dim << "\n"
              << "parameters   " << i.parameters << "\n"
              << "image        " << i.image_size << "x" << i.image_size << " px -> " << i.image_tokens << " tokens, "
              << image_stem_summary(i.arch) << "\n"
              << "vocabulary   " << i.arch.vocab_size << " (" << i.tokenizer_format << " tokenizer files)\n"
              << "encoder mode " << mue::encoder_mode_name(i.encoder_mode) << "\n"
              << "positions    " << position_summary(i.arch) << "\n";
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

int cmd_init_random(const ParsedArgs& args) {
    no_positionals(kInitRandom, args);
    const auto out = args.value("out");
    if (!out) throw UsageError("mue init-random-model: --out DIR is required");
    const int seed = args.integer("seed", 0, 1 << 30).value_or(2023);
    mue::write_random_model(*out, mue::default_random_model_config(), static_cast<std::uint64_t>(seed));
    std::cout << "wrote random (untrained) model to " << *out << "\n";
    return kExitOk;
}

}  // namespace mue::cli
