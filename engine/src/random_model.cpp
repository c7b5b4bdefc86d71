// The seeded random model: the embedded default until a trained model ships. It exercises the
// whole engine (every tensor, the tokenizer, both tasks) but its outputs carry no meaning, and
// its config says so (trained = false).

#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/tokenizer.hpp"
#include "weights.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

namespace mue {
namespace {

constexpr int kFirstByteTokenId = 4;  // after <s> <pad> </s> <unk>
constexpr int kByteValues = 256;

// Words that become single tokens: the task prompts plus the vocabulary of simple scene
// descriptions, so captions and hypotheses tokenize compactly.
const char* const kWordList[] = {
    "a", "an", "the", "is", "are", "there", "of", "on", "in", "to", "and", "with", "at", "left", "right",
    "above", "below", "next", "near", "top", "bottom", "middle", "red", "green", "blue", "yellow", "purple",
    "orange", "white", "black", "grey", "gray", "circle", "circles", "square", "squares", "triangle",
    "triangles", "star", "stars", "small", "large", "big", "one", "two", "three", "four", "five", "no",
    "yes", "maybe", "object", "objects", "shape", "shapes", "image", "picture", "describe", "does", "what",
    "can", "imply", "text", "background", "than", "more", "fewer", "same", "colour", "color",
};

// The words of the task prompts, which every vocabulary must hold as single tokens.
std::vector<std::string> prompt_words(const ModelConfig& config) {
    std::vector<std::string> words;
    std::istringstream prompts(config.caption.prompt + " " + config.entailment.prompt);
    for (std::string w; prompts >> w;) {
        std::string letters;
        for (const char ch : w) {
            if (std::isalpha(static_cast<unsigned char>(ch)) != 0) letters += ch;
        }
        if (!letters.empty()) words.push_back(letters);
    }
    return words;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw InputError(path.string() + ": cannot write");
}

}  // namespace

ModelConfig default_random_model_config() {
    ModelConfig c;
    c.model_id = "mue-random-tiny";
    c.description =
        "Seeded RANDOM weights in the MuE Studio model format (not trained): exercises the engine end to end; "
        "its predictions are meaningless.";
    c.trained = false;
    c.encoder_mode = EncoderMode::Decomposed;
    auto& a = c.arch;
    a.d_model = 128;
    a.ffn_dim = 512;
    a.attention_heads = 4;
    a.encoder_layers = 6;
    a.decoder_layers = 6;
    a.text_positions = 130;
    a.token_bucket_size = 64;
    a.image_bucket_size = 8;
    a.type_vocab_size = 2;
    a.conv_stem.channels = {32, 64, 128, 128};
    a.conv_stem.kernel_size = 3;
    c.image.size = 128;
    c.image.mean = {0.5F, 0.5F, 0.5F};
    c.image.std = {0.5F, 0.5F, 0.5F};
    c.max_source_tokens = 64;
    c.caption.prompt = " what does the image describe?";
    c.entailment.prompt = " does the image describe \" {hypothesis} \"?";
    c.entailment.premise_prompt = " can image and text1 \" {premise} \" imply text2 \" {hypothesis} \"?";
    c.entailment.answers = {" yes", " no", " maybe"};
    return c;
}

void write_model_folder(const std::filesystem::path& folder, ModelConfig config, const std::vector<std::string>& words,
                        std::uint64_t seed) {
    std::filesystem::create_directories(folder);

    // Byte-level vocabulary plus whole-word merges, so that each word w (and " w") is one token and
    // any other text still tokenizes, byte by byte. BPE applies the lowest-ranked merge first, not
    // left to right, so each word is segmented as BPE would with the merges so far, and a new
    // (last-ranked) merge joins its first two pieces until one piece is left. A later merge never
    // applies to a word already whole, so earlier words stay one token.
    nlohmann::ordered_json vocab;
    vocab["<s>"] = 0;
    vocab["<pad>"] = 1;
    vocab["</s>"] = 2;
    vocab["<unk>"] = 3;
    for (int b = 0; b < kByteValues; ++b) vocab[byte_level_symbol(static_cast<unsigned char>(b))] = kFirstByteTokenId + b;
    std::string merges = "#version: 0.2\n";
    std::map<std::pair<std::string, std::string>, std::size_t> rank;
    const auto segment = [&rank](std::vector<std::string> pieces) {
        while (pieces.size() > 1) {
            std::size_t best = pieces.size();
            std::size_t best_rank = std::numeric_limits<std::size_t>::max();
            for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
                const auto found = rank.find({pieces[i], pieces[i + 1]});
                if (found != rank.end() && found->second < best_rank) {
                    best_rank = found->second;
                    best = i;
                }
            }
            if (best == pieces.size()) break;
            pieces[best] += pieces[best + 1];
            pieces.erase(pieces.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        }
        return pieces;
    };
    std::vector<std::string> all_words = prompt_words(config);
    all_words.insert(all_words.end(), words.begin(), words.end());
    for (const auto& word : all_words) {
        if (word.empty()) continue;
        for (const std::string& form : {word, " " + word}) {
            std::vector<std::string> pieces;
            for (const char c : form) pieces.push_back(byte_level_symbol(static_cast<unsigned char>(c)));
            for (pieces = segment(pieces); pieces.size() > 1; pieces = segment(pieces)) {
                const auto added = rank.emplace(std::make_pair(pieces[0], pieces[1]), rank.size());
                merges += pieces[0] + " " + pieces[1] + "\n";
                if (!vocab.contains(pieces[0] + pieces[1])) vocab[pieces[0] + pieces[1]] = static_cast<int>(vocab.size());
                if (!added.second) throw std::logic_error("merge list: segment() left a known pair unmerged");
            }
        }
    }
    config.arch.vocab_size = static_cast<int>(vocab.size());
    config.special = SpecialTokenIds{};
    config.trained = false;

    write_text(folder / "vocab.json", vocab.dump(1) + "\n");
    write_text(folder / "merges.txt", merges);
    write_text(folder / "config.json", config.to_json());
    // Round trip through the strict parser so a generator bug cannot ship an unreadable model.
    const ModelConfig checked = ModelConfig::load(folder / "config.json");
    detail::Weights::random(checked, seed)
        .save(folder / "model.safetensors", {{"format", "pt"}, {"mue.seed", std::to_string(seed)}, {"mue.trained", "false"}});
}

void write_random_model(const std::filesystem::path& folder, ModelConfig config, std::uint64_t seed) {
    write_model_folder(folder, std::move(config), std::vector<std::string>(std::begin(kWordList), std::end(kWordList)),
                       seed);
}

}  // namespace mue
