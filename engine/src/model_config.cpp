#include "mue/model_config.hpp"

#include "json_util.hpp"
#include "mue/errors.hpp"

#include <fstream>
#include <sstream>

namespace mue {
namespace {

constexpr const char* kFormatName = "mue-model";
// Bounds that catch corrupt or absurd configs before any allocation (OFA-Huge fits well inside).
constexpr std::int64_t kMaxWidth = 16384;
constexpr std::int64_t kMaxLayers = 256;
constexpr std::int64_t kMaxVocab = 1 << 20;
constexpr std::int64_t kMaxPositions = 65536;
constexpr std::int64_t kMaxImageSize = 4096;
constexpr std::int64_t kMaxBeam = 64;
constexpr std::int64_t kMaxStemLayers = 8;
constexpr std::int64_t kMaxStemChannels = 4096;
constexpr std::int64_t kMaxResNetBlocks = 64;
constexpr double kDefaultBatchNormEps = 1e-5;

struct ResNetDepth {
    int depth;
    std::array<int, kResNetStages> blocks;
};
// Stages 1-3 of the standard bottleneck ResNets (OFA's resnet50 / resnet101 / resnet152).
constexpr ResNetDepth kResNetDepths[] = {{50, {3, 4, 6}}, {101, {3, 4, 23}}, {152, {3, 8, 36}}};

EncoderMode parse_encoder_mode(const std::string& name, const std::string& source) {
    if (name == "decomposed") return EncoderMode::Decomposed;
    if (name == "joint") return EncoderMode::Joint;
    throw InputError(source + ": field 'encoder_mode' must be \"decomposed\" or \"joint\" (got \"" + name + "\")");
}

}  // namespace

std::optional<std::array<int, kResNetStages>> resnet_blocks_for_depth(int depth) {
    for (const auto& d : kResNetDepths) {
        if (d.depth == depth) return d.blocks;
    }
    return std::nullopt;
}

int ArchitectureConfig::image_stem_downsampling() const {
    return image_stem == ImageStemType::ResNet ? kResNetDownsampling : 1 << conv_stem.channels.size();
}

int ArchitectureConfig::image_feature_channels() const {
    if (image_stem == ImageStemType::ResNet) return kResNetOutputChannels;
    return conv_stem.channels.empty() ? 3 : conv_stem.channels.back();
}

std::string_view encoder_mode_name(EncoderMode mode) {
    return mode == EncoderMode::Decomposed ? "decomposed" : "joint";
}

int ModelConfig::image_grid() const {
    return image.size / arch.image_stem_downsampling();
}

ModelConfig ModelConfig::parse(std::string_view json_text, const std::string& source) {
    const nlohmann::json doc = detail::parse_json(json_text, source);
    detail::StrictObject root(doc, source, "");
    ModelConfig c;

    if (const std::string format = root.string("format"); format != kFormatName) {
        throw InputError(source + ": field 'format' must be \"" + kFormatName + "\" (got \"" + format + "\")");
    }
    if (root.integer("format_version", 1, 1000) != kModelFormatVersion) {
        throw InputError(source + ": field 'format_version' is not " + std::to_string(kModelFormatVersion) +
                         "; this build reads version " + std::to_string(kModelFormatVersion));
    }
    c.model_id = root.string("model_id");
    if (c.model_id.empty()) throw InputError(source + ": field 'model_id' must not be empty");
    c.description = root.string("description");
    c.trained = root.boolean("trained");
    c.encoder_mode = parse_encoder_mode(root.string("encoder_mode"), source);

    {
        auto a = root.object("architecture");
        auto& arch = c.arch;
        arch.d_model = static_cast<int>(a.integer("d_model", 1, kMaxWidth));
        arch.ffn_dim = static_cast<int>(a.integer("ffn_dim", 1, 4 * kMaxWidth));
        arch.attention_heads = static_cast<int>(a.integer("attention_heads", 1, 256));
        if (arch.d_model % arch.attention_heads != 0) {
            throw InputError(source + ": field 'architecture.d_model' (" + std::to_string(arch.d_model) +
                             ") must be divisible by 'architecture.attention_heads' (" +
                             std::to_string(arch.attention_heads) + ")");
        }
        arch.encoder_layers = static_cast<int>(a.integer("encoder_layers", 1, kMaxLayers));
        arch.decoder_layers = static_cast<int>(a.integer("decoder_layers", 1, kMaxLayers));
        arch.vocab_size = static_cast<int>(a.integer("vocab_size", 8, kMaxVocab));
        arch.text_positions = static_cast<int>(a.integer("text_positions", 4, kMaxPositions));
        arch.token_bucket_size = static_cast<int>(a.integer("token_bucket_size", 2, kMaxPositions));
        arch.image_bucket_size = static_cast<int>(a.integer("image_bucket_size", 1, 256));
        arch.type_vocab_size = static_cast<int>(a.integer("type_vocab_size", 2, 16));
        arch.attn_scale_factor = a.number("attn_scale_factor", 0.01, 100.0);
        arch.normalize_before = a.boolean("normalize_before");
        arch.scale_attn = a.boolean("scale_attn");
        arch.scale_fc = a.boolean("scale_fc");
        arch.scale_heads = a.boolean("scale_heads");
        arch.layernorm_embedding = a.boolean("layernorm_embedding");
        arch.patch_layernorm_embedding = a.boolean("patch_layernorm_embedding");
        arch.image_relative_bias_in_decomposed_encoder = a.boolean("image_relative_bias_in_decomposed_encoder");
        // Optional: folders written before these fields existed keep positions out of the stream.
        if (a.has("entangle_position_embedding")) arch.entangle_position_embedding = a.boolean("entangle_position_embedding");
        if (a.has("decoder_entangle_position_embedding")) {
            arch.decoder_entangle_position_embedding = a.boolean("decoder_entangle_position_embedding");
        }
        auto stem = a.object("image_stem");
        if (const std::string type = stem.string("type"); type == "conv") {
            arch.image_stem = ImageStemType::Conv;
            for (const auto ch : stem.integer_list("channels", 1, kMaxStemLayers, 1, kMaxStemChannels)) {
                arch.conv_stem.channels.push_back(static_cast<int>(ch));
            }
            arch.conv_stem.kernel_size = static_cast<int>(stem.integer("kernel_size", 1, 15));
            if (arch.conv_stem.kernel_size % 2 == 0) {
                throw InputError(source + ": field 'architecture.image_stem.kernel_size' must be odd");
            }
        } else if (type == "resnet") {
            arch.image_stem = ImageStemType::ResNet;
            if (stem.is_array("layers")) {
                const auto blocks = stem.integer_list("layers", kResNetStages, kResNetStages, 1, kMaxResNetBlocks);
                for (std::size_t i = 0; i < blocks.size(); ++i) arch.resnet.blocks[i] = static_cast<int>(blocks[i]);
            } else {
                const auto depth = stem.integer("layers", 1, 1000);
                const auto blocks = resnet_blocks_for_depth(static_cast<int>(depth));
                if (!blocks) {
                    throw InputError(source + ": field 'architecture.image_stem.layers' must be 50, 101, 152 or a list of " +
                                     std::to_string(kResNetStages) + " block counts (got " + std::to_string(depth) + ")");
                }
                arch.resnet.blocks = *blocks;
            }
            arch.resnet.batch_norm_eps =
                stem.has("batch_norm_eps") ? stem.number("batch_norm_eps", 1e-12, 1.0) : kDefaultBatchNormEps;
        } else {
            throw InputError(source + ": field 'architecture.image_stem.type' must be \"conv\" or \"resnet\" (got \"" +
                             type + "\")");
        }
        stem.reject_unknown_fields();
        a.reject_unknown_fields();
    }
    {
        auto im = root.object("image");
        c.image.size = static_cast<int>(im.integer("size", 1, kMaxImageSize));
        const auto mean = im.number_list("mean", 3, 0.0, 1.0);
        const auto std = im.number_list("std", 3, 1e-6, 100.0);
        for (int i = 0; i < 3; ++i) {
            c.image.mean[static_cast<std::size_t>(i)] = static_cast<float>(mean[static_cast<std::size_t>(i)]);
            c.image.std[static_cast<std::size_t>(i)] = static_cast<float>(std[static_cast<std::size_t>(i)]);
        }
        im.reject_unknown_fields();
    }
    {
        auto sp = root.object("special_tokens");
        const auto max_id = c.arch.vocab_size - 1;
        c.special.bos = static_cast<int>(sp.integer("bos", 0, max_id));
        c.special.pad = static_cast<int>(sp.integer("pad", 0, max_id));
        c.special.eos = static_cast<int>(sp.integer("eos", 0, max_id));
        c.special.unk = static_cast<int>(sp.integer("unk", 0, max_id));
        sp.reject_unknown_fields();
    }
    c.max_source_tokens = static_cast<int>(root.integer("max_source_tokens", 3, c.arch.text_positions));
    {
        auto tasks = root.object("tasks");
        auto cap = tasks.object("caption");
        c.caption.prompt = cap.string("prompt");
        c.caption.beam_size = static_cast<int>(cap.integer("beam_size", 1, kMaxBeam));
        c.caption.max_length = static_cast<int>(cap.integer("max_length", 1, c.arch.text_positions - 2));
        c.caption.no_repeat_ngram_size = static_cast<int>(cap.integer("no_repeat_ngram_size", 0, 16));
        c.caption.length_penalty = cap.number("length_penalty", -10.0, 10.0);
        c.caption.strip_punctuation = cap.boolean("strip_punctuation");
        cap.reject_unknown_fields();
        auto ve = tasks.object("entailment");
        c.entailment.prompt = ve.string("prompt");
        if (c.entailment.prompt.find("{hypothesis}") == std::string::npos) {
            throw InputError(source + ": field 'tasks.entailment.prompt' must contain \"{hypothesis}\"");
        }
        if (ve.has("premise_prompt")) {
            c.entailment.premise_prompt = ve.string("premise_prompt");
            for (const char* field : {"{premise}", "{hypothesis}"}) {
                if (c.entailment.premise_prompt.find(field) == std::string::npos) {
                    throw InputError(source + ": field 'tasks.entailment.premise_prompt' must contain \"" + field + "\"");
                }
            }
        }
        c.entailment.answers = ve.string_list("answers", 2, 64);
        ve.reject_unknown_fields();
        tasks.reject_unknown_fields();
    }
    root.reject_unknown_fields();

    if (const int down = c.arch.image_stem_downsampling(); c.image_grid() < 1 || c.image_grid() * down != c.image.size) {
        throw InputError(source + ": field 'image.size' (" + std::to_string(c.image.size) + ") must be a multiple of " +
                         std::to_string(down) +
                         (c.arch.image_stem == ImageStemType::ResNet ? " (the ResNet stem's stride)"
                                                                     : " (one halving per stem layer)"));
    }
    if (c.image_grid() > c.arch.image_bucket_size) {
        throw InputError(source + ": image grid " + std::to_string(c.image_grid()) + "x" +
                         std::to_string(c.image_grid()) + " exceeds 'architecture.image_bucket_size' (" +
                         std::to_string(c.arch.image_bucket_size) + ")");
    }
    return c;
}

ModelConfig ModelConfig::load(const std::filesystem::path& config_json) {
    std::ifstream in(config_json, std::ios::binary);
    if (!in) {
        throw InputError(config_json.string() + ": cannot open the model config");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), config_json.string());
}

std::string ModelConfig::to_json() const {
    const auto& a = arch;
    nlohmann::ordered_json j;
    j["format"] = kFormatName;
    j["format_version"] = kModelFormatVersion;
    j["model_id"] = model_id;
    j["description"] = description;
    j["trained"] = trained;
    j["encoder_mode"] = std::string(encoder_mode_name(encoder_mode));
    j["architecture"] = {
        {"d_model", a.d_model},
        {"ffn_dim", a.ffn_dim},
        {"attention_heads", a.attention_heads},
        {"encoder_layers", a.encoder_layers},
        {"decoder_layers", a.decoder_layers},
        {"vocab_size", a.vocab_size},
        {"text_positions", a.text_positions},
        {"token_bucket_size", a.token_bucket_size},
        {"image_bucket_size", a.image_bucket_size},
        {"type_vocab_size", a.type_vocab_size},
        {"attn_scale_factor", a.attn_scale_factor},
        {"normalize_before", a.normalize_before},
        {"scale_attn", a.scale_attn},
        {"scale_fc", a.scale_fc},
        {"scale_heads", a.scale_heads},
        {"layernorm_embedding", a.layernorm_embedding},
        {"patch_layernorm_embedding", a.patch_layernorm_embedding},
        {"image_relative_bias_in_decomposed_encoder", a.image_relative_bias_in_decomposed_encoder},
    };
    if (a.entangle_position_embedding || a.decoder_entangle_position_embedding) {
        j["architecture"]["entangle_position_embedding"] = a.entangle_position_embedding;
        j["architecture"]["decoder_entangle_position_embedding"] = a.decoder_entangle_position_embedding;
    }
    if (a.image_stem == ImageStemType::Conv) {
        j["architecture"]["image_stem"] = {
            {"type", "conv"}, {"channels", a.conv_stem.channels}, {"kernel_size", a.conv_stem.kernel_size}};
    } else {
        nlohmann::ordered_json layers = a.resnet.blocks;
        for (const auto& d : kResNetDepths) {
            if (d.blocks == a.resnet.blocks) layers = d.depth;
        }
        j["architecture"]["image_stem"] = {
            {"type", "resnet"}, {"layers", layers}, {"batch_norm_eps", a.resnet.batch_norm_eps}};
    }
    j["image"] = {{"size", image.size}, {"mean", image.mean}, {"std", image.std}};
    j["special_tokens"] = {{"bos", special.bos}, {"pad", special.pad}, {"eos", special.eos}, {"unk", special.unk}};
    j["max_source_tokens"] = max_source_tokens;
    j["tasks"] = {
        {"caption",
         {{"prompt", caption.prompt},
          {"beam_size", caption.beam_size},
          {"max_length", caption.max_length},
          {"no_repeat_ngram_size", caption.no_repeat_ngram_size},
          {"length_penalty", caption.length_penalty},
          {"strip_punctuation", caption.strip_punctuation}}},
        {"entailment", {{"prompt", entailment.prompt}}},
    };
    if (!entailment.premise_prompt.empty()) j["tasks"]["entailment"]["premise_prompt"] = entailment.premise_prompt;
    j["tasks"]["entailment"]["answers"] = entailment.answers;
    return j.dump(2) + "\n";
}

}  // namespace mue
