#pragma once
// OFA's unified encoder-decoder transformer (docs: ../shared/docs/ofa-architecture.md), driven one
// layer at a time so that exit policies can decide between layers without touching layer code.
// An OfaModel is immutable after construction; EncoderStream and DecoderRun hold one request's
// state and belong to the thread that runs it.

#include "mue/model_config.hpp"
#include "mue/trace.hpp"
#include "weights.hpp"

#include <torch/torch.h>

#include <tuple>
#include <utility>
#include <vector>

namespace mue::detail {

struct Linear {
    torch::Tensor weight, bias;
    // Inference only: the weights packed for packed_gemm, which then runs every float input
    // without autograd; undefined: torch::linear always.
    torch::Tensor panels;
    [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x) const;
};

// Up to this many rows Norm loops itself, without LibTorch's per-call cost, at any width; beyond,
// only where the loop is vectorised (layer_norm_vectorised), since LibTorch's vectorised layer norm
// beats the plain loop (84 rows of 128: 11.4 against 13.0 µs).
inline constexpr std::int64_t kLoopNormRowsMax = 24;

// A layer norm that is the identity when the config leaves it out.
struct Norm {
    torch::Tensor weight, bias;
    [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x) const;
};

// Batch norm in inference mode: the stored running statistics, never batch statistics.
struct BatchNorm {
    torch::Tensor weight, bias, running_mean, running_var;
    double eps = 1e-5;
    [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x) const;
};

// A torchvision-style bottleneck: 1x1, 3x3 (carries the stride), 1x1, each with batch norm, plus
// a 1x1 conv + batch norm on the shortcut where the shape changes.
struct Bottleneck {
    torch::Tensor conv1, conv2, conv3, downsample_conv;  // downsample_conv undefined: identity shortcut
    BatchNorm bn1, bn2, bn3, downsample_bn;
    int stride = 1;
};

struct ResNetStem {
    torch::Tensor conv1;
    BatchNorm bn1;
    std::vector<Bottleneck> blocks;  // stages 1-3 in order
    [[nodiscard]] torch::Tensor operator()(const torch::Tensor& pixels) const;
};

struct Attention {
    Linear q, k, v, out;
    torch::Tensor c_attn;  // per-head output scale (NormFormer); undefined when absent
    // Inference only (undefined while the weights train): q with the attention scaling folded in,
    // and [scaled q; k; v] in one product (self-attention).
    Linear scaled_q, qkv;
};

struct FeedForward {
    Norm pre;  // final_layer_norm
    Linear fc1, fc2;
    Norm mid;  // ffn_layernorm
};

struct EncoderLayer {
    Norm pre_attn, post_attn;  // self_attn_layer_norm, attn_ln
    Attention attn;
    FeedForward ffn;
    torch::Tensor token_rel_table, image_rel_table;  // [rows, H]
};

struct DecoderLayer {
    Norm pre_self, post_self, pre_cross, post_cross;
    Attention self_attn, cross_attn;
    FeedForward ffn;
    torch::Tensor token_rel_table;
};

enum class StreamKind { Image, Text, Joint };

// Row of a token_rel table for each (query position - key position): offsets up to half the bucket
// count keep their own row, farther ones share log-spaced rows up to text_positions - 2 (OFA).
[[nodiscard]] torch::Tensor token_rel_index(const torch::Tensor& relative, int bucket_size, int text_positions);
// Row of an image_rel table for every pair of cells of a grid x grid image, in a bucket-wide grid.
[[nodiscard]] torch::Tensor image_rel_index(int grid, int bucket_size);

class OfaModel;

// The encoder state of one stream (image, text, or both jointly) for a batch.
class EncoderStream {
public:
    [[nodiscard]] StreamKind kind() const { return kind_; }
    [[nodiscard]] int layers_done() const { return layers_done_; }
    [[nodiscard]] int num_layers() const;
    [[nodiscard]] bool finished() const { return layers_done_ == num_layers(); }
    // Runs layer layers_done()+1 (1-based). Rows whose `active` entry ([B] bool) is false have
    // exited and keep their state; an undefined `active` means every row.
    void step(const torch::Tensor& active = {});
    // step() for several streams of one model at the same depth and batch, `active` per stream.
    // The per-token work of the layer (norms, projections, FFN) runs once on the tokens of all
    // streams together, which saves per-operation cost on short streams; attention stays within
    // each stream. Same results as stepping each stream alone, up to float rounding.
    static void step_together(const std::vector<EncoderStream*>& streams, const std::vector<torch::Tensor>& active);
    // Raw residual stream [B, N, D]; padded rows are kept at zero.
    [[nodiscard]] const torch::Tensor& hidden() const { return hidden_; }
    [[nodiscard]] const torch::Tensor& padding() const { return padding_; }  // [B, N] bool, true = pad
    [[nodiscard]] const torch::Tensor& positions() const { return positions_; }  // [N, D] normed
    [[nodiscard]] int image_tokens() const { return image_tokens_; }
    [[nodiscard]] const ArchitectureConfig& arch() const;

private:
    friend class OfaModel;
    [[nodiscard]] torch::Tensor layer_bias(std::size_t layer_index) const;

    const OfaModel* model_ = nullptr;
    StreamKind kind_ = StreamKind::Joint;
    torch::Tensor hidden_, padding_, keep_, positions_, abs_bias_;
    torch::Tensor text_rel_index_, image_rel_index_;  // undefined when the stream has no such block
    int image_tokens_ = 0;
    int layers_done_ = 0;
    bool has_padding_ = false;
};

// What the decoder reads: encoder states after the final layer norm, their padding, and the
// position vectors for the cross-attention bias.
struct EncoderOutput {
    torch::Tensor states;     // [B, S, D]
    torch::Tensor padding;    // [B, S] bool
    torch::Tensor positions;  // [S, D]
};

// Incremental decoding over a batch of rows with per-layer self-attention key/value caches. Within
// a step, rows may exit at different layers; what skipped layers cache follows the KvPolicy.
class DecoderRun {
public:
    [[nodiscard]] int rows() const { return static_cast<int>(rows_); }
    [[nodiscard]] int num_layers() const;
    [[nodiscard]] int cached_length() const { return cached_length_; }
    [[nodiscard]] int encoder_length() const { return static_cast<int>(encoder_.states.size(1)); }
    [[nodiscard]] int layers_done() const { return layers_done_; }
    [[nodiscard]] bool step_finished() const { return layers_done_ == num_layers(); }
    [[nodiscard]] KvPolicy kv_policy() const { return kv_policy_; }

    // Starts a step on tokens [R, T] at positions cached_length() .. +T-1. `padding` ([R, T] bool,
    // true = pad; right padding only) is for teacher-forced blocks of unequal length.
    void begin_step(const torch::Tensor& tokens, const torch::Tensor& padding = {});
    // Runs the next decoder layer. Rows whose `active` entry ([R] bool) is false exited earlier in
    // this step: they keep their state and cache what the KvPolicy says for this layer.
    void step_layer(const torch::Tensor& active = {});
    // Fills the caches of the layers no row ran in this step, per the KvPolicy, and closes the step.
    void finish_step();
    // Raw residual stream of the current step [R, T, D]; exited rows hold their exit state.
    [[nodiscard]] const torch::Tensor& hidden() const { return hidden_; }
    // Every row becomes `times` consecutive rows that read one encoder row (beam search's beams):
    // the encoder states and cross-attention keys and values are kept once, not per beam.
    void repeat_rows(int times);
    // Keeps only rows `index` (and duplicates, for beams). Rows keep reading groups of encoder rows
    // as repeat_rows() set them up: every new row reads the encoder row of the old row at its place
    // (beams move only within their example), unless `encoder_index` is given: then the encoder
    // rows kept, one per group of rows in the new order (an example left the batch).
    void select_rows(const torch::Tensor& index, const torch::Tensor& encoder_index = {});

    // Inspection, for tests: a layer's cache in row order ([R, H, S, hd] and [R, S] bool, true =
    // no key), copied out of the buffers once rows have moved.
    [[nodiscard]] torch::Tensor cached_keys(int layer) const { return in_row_order(cache_.at(static_cast<std::size_t>(layer)).k, 2); }
    [[nodiscard]] torch::Tensor cached_values(int layer) const { return in_row_order(cache_.at(static_cast<std::size_t>(layer)).v, 2); }
    [[nodiscard]] torch::Tensor cached_padding(int layer) const { return in_row_order(cache_.at(static_cast<std::size_t>(layer)).padding, 1); }
    // The value stored in place of a missing (KvPolicy::None) entry; tests change it to prove that
    // masked entries are never read.
    void set_missing_entry_value(float value) { missing_entry_value_ = value; }

private:
    friend class OfaModel;
    // The self-attention cache is a buffer with room for more keys, written in place: a step adds
    // its entries without copying the earlier ones, and beam search reorders rows through
    // key_rows_ instead of copying the caches of every layer (docs/benchmarks.md).
    struct LayerCache {
        torch::Tensor k, v;     // [physical rows, H, capacity, hd]
        torch::Tensor padding;  // [physical rows, capacity] bool
        torch::Tensor cross_k, cross_v;
        LayerCache() = default;
        // A copied run decodes on its own: it gets its own buffers (the cross-attention keys,
        // never written, are shared).
        LayerCache(const LayerCache& other);
        LayerCache& operator=(const LayerCache& other);
        LayerCache(LayerCache&&) = default;
        LayerCache& operator=(LayerCache&&) = default;
        ~LayerCache() = default;
    };
    struct StepEntries {  // views of this step's entries of rows 0 .. R-1 in a layer's buffers
        torch::Tensor k, v, padding;
    };
    // Makes room for this step in `cache`, growing it when needed.
    void make_room(LayerCache& cache) const;
    // make_room, then where this step's entries go.
    [[nodiscard]] StepEntries step_entries(LayerCache& cache) const;
    void store(LayerCache& cache, const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& padding);
    // A buffer's first cached_length() keys with the rows in row order ([R, ...]); a view while
    // no row has moved.
    [[nodiscard]] torch::Tensor in_row_order(const torch::Tensor& buffer, std::int64_t key_dim) const;
    // Whether step_layer can run as packed_step_layer: a decoding step of one token per row in
    // inference, on a pre-norm model whose weights are packed and whose self-attention bias table
    // was computed at load.
    [[nodiscard]] bool packed_step_applies() const;
    // step_layer on plain buffers (decoder_step.cpp): the same results, without the per-operation
    // cost of some forty tensor operations, and with the matrix products, norms and residual
    // additions run for the active rows only, so that a layer costs in proportion to the rows
    // that have not exited.
    void packed_step_layer(const torch::Tensor& active);
    // finish_step's Propagate for one skipped layer on plain buffers: every row's keys and values
    // projected from its exit state.
    [[nodiscard]] bool packed_propagate_applies() const;
    void packed_propagate();

    const OfaModel* model_ = nullptr;
    KvPolicy kv_policy_ = KvPolicy::None;
    std::int64_t rows_ = 0;
    std::int64_t rows_per_encoder_row_ = 1;
    float missing_entry_value_ = 0.0F;
    EncoderOutput encoder_;
    bool encoder_padded_ = true;    // any padded encoder position: cross-attention masks keys
    torch::Tensor cross_pos_kt_;    // [H, hd, S_enc], contiguous
    torch::Tensor step_padding_;    // [R, T] bool
    torch::Tensor step_cross_bias_; // [H, T, S_enc]
    // Only without the model's decoder bias table (training, large models):
    torch::Tensor self_pos_k_;      // [H, S, hd] for every cached position
    torch::Tensor step_self_bias_;  // [H, T, S] abs bias + causal mask for the current step
    torch::Tensor step_rel_index_;  // [T, S] into token_rel tables
    torch::Tensor exit_k_, exit_v_; // this step's keys/values at each row's last run layer (Copy)
    // packed_step_layer's scratch, kept between layers and steps: sized once per run.
    struct StepBuffers {
        std::vector<float> normed, qkv, queries, attended, projected, inner;
        std::vector<std::int64_t> rows;  // the rows a product runs for
    };
    StepBuffers buffers_;
    std::vector<LayerCache> cache_;
    // key_rows_[r * key_rows_stride_ + s]: the buffer row that holds row r's key s (rows written by
    // beams that have since moved). rows_moved_: some entry differs from r.
    std::vector<std::int64_t> key_rows_;
    std::int64_t key_rows_stride_ = 0;
    bool rows_moved_ = false;
    torch::Tensor hidden_;
    int cached_length_ = 0;
    int step_length_ = 0;
    int layers_done_ = 0;
};

class OfaModel {
public:
    OfaModel(ModelConfig config, Weights weights);

    [[nodiscard]] const ModelConfig& config() const { return config_; }
    [[nodiscard]] const Weights& weights() const { return weights_; }

    // Pixels [B, 3, S, S] (normalised) -> image token embeddings [B, P, D].
    [[nodiscard]] torch::Tensor embed_image(const torch::Tensor& pixels) const;
    // The stem alone: pixels -> features [B, C, g, g] before image_proj.
    [[nodiscard]] torch::Tensor image_features(const torch::Tensor& pixels) const;
    // Token ids [B, L] -> text embeddings [B, L, D].
    [[nodiscard]] torch::Tensor embed_text(const torch::Tensor& tokens) const;

    // Decomposed streams (MuE) and the joint stream (OFA). A joint stream may lack either part.
    [[nodiscard]] EncoderStream image_stream(const torch::Tensor& image_embed) const;
    [[nodiscard]] EncoderStream text_stream(const torch::Tensor& text_embed, const torch::Tensor& padding) const;
    [[nodiscard]] EncoderStream joint_stream(const torch::Tensor& image_embed, const torch::Tensor& text_embed,
                                             const torch::Tensor& text_padding) const;

    // The decoder's memory from decomposed streams, at whatever layer each stopped: layer_norm([I; T]).
    [[nodiscard]] EncoderOutput encoder_output(const EncoderStream& image, const EncoderStream& text) const;
    [[nodiscard]] EncoderOutput encoder_output(const EncoderStream& joint) const;

    [[nodiscard]] DecoderRun decoder(EncoderOutput encoder, KvPolicy kv_policy = KvPolicy::None) const;
    // Decoder hidden states -> vocabulary logits through the final norm and the tied projection.
    [[nodiscard]] torch::Tensor logits(const torch::Tensor& decoder_hidden) const;

private:
    friend class EncoderStream;
    friend class DecoderRun;

    [[nodiscard]] EncoderStream make_stream(StreamKind kind, const torch::Tensor& image_embed,
                                            const torch::Tensor& text_embed, const torch::Tensor& text_padding) const;
    [[nodiscard]] torch::Tensor image_position_ids() const;            // [P] rows of embed_image_positions
    [[nodiscard]] torch::Tensor compute_image_positions() const;       // [P, D] normed
    [[nodiscard]] std::int64_t checked_text_length(std::int64_t length) const;  // throws past the table
    [[nodiscard]] torch::Tensor text_positions(std::int64_t length) const;  // [L, D] normed
    // q: [B, T, D], already scaled (query(), project_qkv()). Keys, values and their padding may
    // hold one row per `rows_per_key_row` query rows (beams sharing one encoder output). Rows
    // whose `active_rows` entry ([B] bool) is false may be skipped: their result is unspecified.
    [[nodiscard]] torch::Tensor attend(const Attention& attn, const torch::Tensor& q,
                                       const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& bias,
                                       const torch::Tensor& key_padding, std::int64_t rows_per_key_row = 1,
                                       const torch::Tensor& active_rows = {}) const;
    // attend() before the output projection: [B, T, D].
    [[nodiscard]] torch::Tensor attend_unprojected(const Attention& attn, const torch::Tensor& q, const torch::Tensor& k,
                                                   const torch::Tensor& v, const torch::Tensor& bias,
                                                   const torch::Tensor& key_padding, std::int64_t rows_per_key_row,
                                                   const torch::Tensor& active_rows = {}) const;
    // Whether attend_by_loop() can serve these inputs: float, no autograd, and one query per row
    // or a vectorised loop (attention_loop_vectorised).
    [[nodiscard]] static bool loop_attention_applies(const torch::Tensor& q, const torch::Tensor& k,
                                                     const torch::Tensor& v, const torch::Tensor& bias);
    // attend() as one loop (OneQueryAttention) for queries [R, T, D], scaled, without autograd,
    // before the output projection: [R, T, D]. bias is [H, T, S] or [1 or R, H, T, S]. Skipped
    // rows get zeros. With `key_rows`, row r reads key s from row key_rows[r * key_rows_stride + s]
    // of k, v and key_padding.
    [[nodiscard]] torch::Tensor attend_by_loop(const Attention& attn, const torch::Tensor& q, const torch::Tensor& k,
                                               const torch::Tensor& v, const torch::Tensor& bias,
                                               const torch::Tensor& key_padding, std::int64_t rows_per_key_row,
                                               const torch::Tensor& active_rows, const std::int64_t* key_rows = nullptr,
                                               std::int64_t key_rows_stride = 0) const;
    [[nodiscard]] std::pair<torch::Tensor, torch::Tensor> project_kv(const Attention& attn,
                                                                     const torch::Tensor& x) const;
    [[nodiscard]] torch::Tensor query(const Attention& attn, const torch::Tensor& x) const;  // scaled [B, T, D]
    // Scaled queries [B, T, D], keys and values [B, H, T, hd] of one input.
    [[nodiscard]] std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> project_qkv(const Attention& attn,
                                                                                      const torch::Tensor& x) const;
    [[nodiscard]] torch::Tensor split_heads(const torch::Tensor& x) const;  // [B, N, D] -> [B, H, N, hd]
    [[nodiscard]] torch::Tensor position_heads(const torch::Tensor& x) const;  // [N, D] -> [H, N, hd]
    [[nodiscard]] torch::Tensor decoder_positions(const torch::Tensor& positions) const;  // [N, D] normed
    // Decoder self-attention position bias [H, T, S] of the queries at `positions` (vectors `pos`)
    // over keys 0..S-1 (their self_pos_k vectors [H, S, hd]), causal mask included.
    [[nodiscard]] torch::Tensor decoder_self_bias(const torch::Tensor& pos, const torch::Tensor& positions,
                                                  const torch::Tensor& key_pos_k) const;
    // A token_rel table's rows for a [T, S] index: [H, T, S].
    [[nodiscard]] static torch::Tensor relative_bias(const torch::Tensor& table, const torch::Tensor& index);
    [[nodiscard]] torch::Tensor feed_forward(const FeedForward& ffn, const torch::Tensor& x) const;
    // The conv stem as gathered patches and packed products, channels last throughout: features
    // [B, C, g, g] as a view of [B, g, g, C]. Inference on float pixels with packed stem weights.
    [[nodiscard]] torch::Tensor packed_image_features(const torch::Tensor& pixels) const;
    // One encoder layer over the states xs[i] ([B, N_i, D]) of one or more streams, each with its
    // own attention bias ([H, N_i, N_i]) and key padding (undefined: none). Every step except the
    // attention itself works per token, so it runs once on the streams' tokens concatenated.
    [[nodiscard]] std::vector<torch::Tensor> encoder_layer(const EncoderLayer& layer, const std::vector<torch::Tensor>& xs,
                                                           const std::vector<torch::Tensor>& biases,
                                                           const std::vector<torch::Tensor>& paddings) const;

    ModelConfig config_;
    Weights weights_;
    double scaling_ = 1.0;
    torch::Tensor embed_tokens_, type_embedding_;
    Norm layernorm_embedding_, patch_layernorm_embedding_;
    std::vector<Linear> stem_convs_;  // conv stem
    ResNetStem resnet_;               // ResNet stem
    Linear image_proj_;
    torch::Tensor embed_positions_, embed_image_positions_;
    Norm pos_ln_, image_pos_ln_;
    Linear pos_q_, pos_k_;
    std::vector<EncoderLayer> encoder_layers_;
    Norm encoder_norm_;
    Norm decoder_layernorm_embedding_;
    torch::Tensor decoder_embed_positions_;
    Norm decoder_pos_ln_;
    Linear self_pos_q_, self_pos_k_, cross_pos_q_, cross_pos_k_;
    std::vector<DecoderLayer> decoder_layers_;
    Norm decoder_norm_;
    Linear output_projection_;  // embed_tokens_ (tied), with panels for inference
    torch::Tensor image_positions_;                  // [P, D] normed, the same for every request
    std::vector<torch::Tensor> image_stream_bias_;   // per layer [H, P, P]; empty when too large
    std::vector<torch::Tensor> text_stream_bias_;    // per layer [H, T, T] over all text positions; ditto
    // Inference only, undefined when too large: per layer [L, H, T, T] over all text positions
    // (position bias, relative bias and causal mask), and the cross-attention position queries
    // [H, T, hd], scaled.
    torch::Tensor decoder_self_bias_, decoder_cross_query_;
};

}  // namespace mue::detail
