#pragma once
// A model folder's config.json, parsed strictly into plain types. docs/model-format.md documents
// every field. Immutable after parsing; safe to share between threads.

#include "mue/image.hpp"
#include "mue/tokenizer.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

namespace mue {

inline constexpr int kModelFormatVersion = 1;

// The image stem turns pixels into a grid of feature vectors before image_proj.
enum class ImageStemType { Conv, ResNet };

struct ConvStemConfig {
    std::vector<int> channels;  // one 3x3 (kernel_size) stride-2 conv + GELU per entry
    int kernel_size = 3;
};

// OFA's truncated ResNet: the 7x7 stem and bottleneck stages 1-3 (1024 channels at stride 16),
// batch norm in inference mode with the stored running statistics.
inline constexpr int kResNetStages = 3;
inline constexpr int kResNetDownsampling = 16;
inline constexpr int kResNetOutputChannels = 1024;
struct ResNetStemConfig {
    std::array<int, kResNetStages> blocks{3, 4, 6};  // ResNet-50; 101: 3,4,23; 152: 3,8,36
    double batch_norm_eps = 1e-5;                     // OFA trained with sync_bn uses 1e-3
};
// The bottleneck block counts of a standard depth (50, 101, 152), or none.
[[nodiscard]] std::optional<std::array<int, kResNetStages>> resnet_blocks_for_depth(int depth);

struct ArchitectureConfig {
    int d_model = 0;
    int ffn_dim = 0;
    int attention_heads = 0;
    int encoder_layers = 0;
    int decoder_layers = 0;
    int vocab_size = 0;
    int text_positions = 0;     // rows of embed_positions (OFA: 1026)
    int token_bucket_size = 0;  // text relative-position buckets; table has 2b-1 rows (OFA: 256)
    int image_bucket_size = 0;  // image position grid side; (2b-1)^2+3 relative rows (OFA: 42)
    int type_vocab_size = 0;    // rows of encoder.type_embedding (OFA: 3)
    double attn_scale_factor = 2.0;  // scaling = (head_dim * factor)^-0.5
    bool normalize_before = true;    // pre-norm layers plus final encoder/decoder layer_norm
    bool scale_attn = true;          // NormFormer attn_ln / self_attn_ln / cross_attn_ln
    bool scale_fc = true;            // NormFormer ffn_layernorm
    bool scale_heads = true;         // NormFormer per-head c_attn
    bool layernorm_embedding = true;
    bool patch_layernorm_embedding = true;
    // MuE's released code drops the 2D relative bias in the decomposed image stream (false).
    bool image_relative_bias_in_decomposed_encoder = true;
    // OFA's --entangle-position-embedding: the raw absolute position embeddings are also added to
    // the encoder's text and image tokens before their embedding norms, so the tokens themselves
    // carry where they are. Released OFA models keep positions out of the residual stream (false).
    bool entangle_position_embedding = false;
    // The same for the decoder's input tokens (OFA: entangle_position_embedding && !disable_entangle).
    bool decoder_entangle_position_embedding = false;
    ImageStemType image_stem = ImageStemType::Conv;
    ConvStemConfig conv_stem;    // when image_stem is Conv
    ResNetStemConfig resnet;     // when image_stem is ResNet

    [[nodiscard]] int head_dim() const { return d_model / attention_heads; }
    [[nodiscard]] int token_rel_rows() const { return 2 * token_bucket_size - 1; }
    [[nodiscard]] int image_rel_rows() const { return (2 * image_bucket_size - 1) * (2 * image_bucket_size - 1) + 3; }
    [[nodiscard]] int image_position_rows() const { return image_bucket_size * image_bucket_size + 1; }
    // Side of an input pixel's share of one grid cell: image.size / grid.
    [[nodiscard]] int image_stem_downsampling() const;
    // Channels entering image_proj.
    [[nodiscard]] int image_feature_channels() const;
};

enum class EncoderMode { Decomposed, Joint };
[[nodiscard]] std::string_view encoder_mode_name(EncoderMode mode);

struct CaptionTaskConfig {
    std::string prompt;         // fed to the encoder as-is (no clean-up), with bos/eos
    int beam_size = 5;
    int max_length = 16;        // generated tokens before eos is forced
    int no_repeat_ngram_size = 3;
    double length_penalty = 1.0;
    bool strip_punctuation = true;
};

struct EntailmentTaskConfig {
    std::string prompt;                 // contains "{hypothesis}" once; hypothesis is clean_text()-ed
    // OFA's SNLI-VE prompt for a request with a premise: contains "{premise}" and "{hypothesis}";
    // empty when the model has none (a premise is then an error).
    std::string premise_prompt;
    std::vector<std::string> answers;   // single-token candidates in model form, e.g. " yes"
};

struct ModelConfig {
    std::string model_id;
    std::string description;
    bool trained = false;               // false: weights are seeded random, outputs are meaningless
    EncoderMode encoder_mode = EncoderMode::Decomposed;  // how the model was trained and runs by default
    ArchitectureConfig arch;
    ImageNormalization image;
    SpecialTokenIds special;
    int max_source_tokens = 0;          // prompt tokens kept (bos/eos included) before truncation
    CaptionTaskConfig caption;
    EntailmentTaskConfig entailment;

    [[nodiscard]] int image_grid() const;    // stem output side: image.size / image_stem_downsampling()
    [[nodiscard]] int image_tokens() const { return image_grid() * image_grid(); }

    // Parses and validates; InputError names `source` and the field.
    [[nodiscard]] static ModelConfig parse(std::string_view json_text, const std::string& source);
    [[nodiscard]] static ModelConfig load(const std::filesystem::path& config_json);
    [[nodiscard]] std::string to_json() const;
};

}  // namespace mue
