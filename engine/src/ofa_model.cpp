#include "ofa_model.hpp"

#include "cache_writer.hpp"
#include "mue/errors.hpp"
#include "one_query_attention.hpp"
#include "packed_gemm.hpp"
#include "row_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

namespace mue::detail {
namespace {

constexpr std::int64_t kTextType = 0;
constexpr std::int64_t kImageType = 1;
// The image stream's, the text stream's and the decoder's position biases are the same for every
// request (the text ones over all text positions); each is kept per layer when all layers' biases
// fit in this much memory (the default model: 0.4 MB each; OFA-Base at 480 px would need 233 MB
// for the image stream and computes it per run instead).
constexpr std::int64_t kBiasCacheBytes = std::int64_t{64} << 20;

// Names of the weights that go through torch::linear.
bool is_linear_weight(const std::string& name) {
    const auto ends_with = [&](const std::string& suffix) {
        return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends_with("_proj.weight") || ends_with(".fc1.weight") || ends_with(".fc2.weight") ||
           ends_with("_linear.weight");
}

// Inference weights: x W^T with W stored as the transpose of a contiguous [in, out] matrix runs
// BLAS's non-transposed kernel, 1.3-3x faster for the few rows of a decoding step
// (docs/benchmarks.md). Same values and shape; trainable weights stay as they are.
torch::Tensor gemm_layout(const torch::Tensor& weight) { return weight.t().contiguous().t(); }

void use_gemm_layout(Weights& weights) {
    std::vector<std::string> names;
    for (const auto& [name, t] : weights.all()) {
        if (t.dim() == 2 && !t.requires_grad() && is_linear_weight(name)) names.push_back(name);
    }
    for (const auto& name : names) weights.replace_layout(name, gemm_layout(weights.get(name)));
}

// Inference: the query projection with the attention scaling folded in (one product instead of a
// product and a multiplication) and, for self-attention, the three projections of one input
// stacked into one product.
void fuse_projections(Attention& attn, double scaling, bool self_attention) {
    const auto q_weight = attn.q.weight * scaling;
    const auto q_bias = attn.q.bias * scaling;
    attn.scaled_q = {gemm_layout(q_weight), q_bias, {}};
    if (self_attention) {
        attn.qkv = {gemm_layout(torch::cat({q_weight, attn.k.weight, attn.v.weight})),
                    torch::cat({q_bias, attn.k.bias, attn.v.bias}), {}};
    }
}

// Inference: the weights packed for packed_gemm, a copy beside the gemm-layout one (which
// torch::linear reads for other inputs and CPUs), when all copies together fit this much memory
// (the default model: 12 MB; OFA-Base would need about 600 MB and uses OpenBLAS only).
constexpr std::int64_t kPanelBytes = std::int64_t{256} << 20;
// Every layer of the conv stem halves the image.
constexpr std::int64_t kConvStemStride = 2;
// Keys a decoder cache has room for at first; it doubles when full.
constexpr std::int64_t kMinCachedKeys = 16;

void pack_for_inference(const std::vector<Linear*>& linears) {
    if (!packed_gemm_supported()) return;
    std::int64_t bytes = 0;
    for (const auto* l : linears) {
        const bool float_bias =
            !l->bias.defined() || (l->bias.scalar_type() == torch::kFloat && l->bias.is_contiguous());
        if (l->weight.scalar_type() != torch::kFloat || l->weight.requires_grad() || !float_bias) return;
        bytes += static_cast<std::int64_t>(sizeof(float)) * packed_panels_size(l->weight.size(1), l->weight.size(0));
    }
    if (bytes > kPanelBytes) return;
    for (auto* l : linears) {
        const auto& w = l->weight;  // [out, in]: element [k][n] of the [in, out] product at w[n][k]
        l->panels = torch::empty({packed_panels_size(w.size(1), w.size(0))});
        pack_panels(w.data_ptr<float>(), /*in=*/w.size(1), /*out=*/w.size(0), /*row_stride=*/w.stride(1),
                    /*column_stride=*/w.stride(0), l->panels.data_ptr<float>());
    }
}

// A conv stem layer's weights [out, in, k, k] packed as the rows [out, (ky, kx, in)] of one
// product over gathered patches (gather_patches' order).
void pack_convolution(Linear& conv) {
    const auto& w = conv.weight;
    const auto rows = w.permute({0, 2, 3, 1}).reshape({w.size(0), -1}).contiguous();
    conv.panels = torch::empty({packed_panels_size(/*in=*/rows.size(1), /*out=*/rows.size(0))});
    pack_panels(rows.data_ptr<float>(), /*in=*/rows.size(1), /*out=*/rows.size(0), /*row_stride=*/1,
                /*column_stride=*/rows.size(1), conv.panels.data_ptr<float>());
}

// Exact (erf) GELU whose backward makes the incoming gradient contiguous first: LibTorch 1.13's
// GELU backward returns garbage, even inf, for a transposed gradient such as the one the image
// stem receives (tst_model's finite-difference test catches it).
struct Gelu : torch::autograd::Function<Gelu> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
        ctx->save_for_backward({x});
        return torch::gelu(x);
    }
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 const torch::autograd::tensor_list& grad) {
        return {torch::gelu_backward(grad[0].contiguous(), ctx->get_saved_variables()[0])};
    }
};

torch::Tensor exact_gelu(const torch::Tensor& x) {
    return x.requires_grad() ? Gelu::apply(x) : torch::gelu(x);
}

// exact_gelu that may overwrite x: a fresh product's output, never read again. Vectorised, in
// place, it saves LibTorch's allocation and per-call cost.
torch::Tensor exact_gelu_of_temporary(torch::Tensor x) {
    if (!packed_gemm_supported() || x.requires_grad() || x.scalar_type() != torch::kFloat || !x.is_cpu() ||
        !x.is_contiguous()) {
        return exact_gelu(x);
    }
    gelu_in_place(x.data_ptr<float>(), x.numel());
    return x;
}

Norm norm_or_identity(const Weights& w, const std::string& prefix, bool present) {
    if (!present) return {};
    return {w.get(prefix + ".weight"), w.get(prefix + ".bias")};
}

Linear linear(const Weights& w, const std::string& prefix) {
    return {w.get(prefix + ".weight"), w.get(prefix + ".bias"), {}};
}

Attention attention(const Weights& w, const std::string& prefix, bool scale_heads) {
    Attention a{linear(w, prefix + ".q_proj"), linear(w, prefix + ".k_proj"), linear(w, prefix + ".v_proj"),
                linear(w, prefix + ".out_proj"), {}, {}, {}};
    if (scale_heads) a.c_attn = w.get(prefix + ".c_attn");
    return a;
}

FeedForward feed_forward_weights(const Weights& w, const std::string& prefix, bool scale_fc) {
    return {norm_or_identity(w, prefix + ".final_layer_norm", true), linear(w, prefix + ".fc1"),
            linear(w, prefix + ".fc2"), norm_or_identity(w, prefix + ".ffn_layernorm", scale_fc)};
}

BatchNorm batch_norm(const Weights& w, const std::string& prefix, double eps) {
    return {w.get(prefix + ".weight"), w.get(prefix + ".bias"), w.get(prefix + ".running_mean"),
            w.get(prefix + ".running_var"), eps};
}

ResNetStem resnet_stem(const Weights& w, const ResNetStemConfig& config) {
    const std::string root = "encoder.embed_images.";
    const double eps = config.batch_norm_eps;
    ResNetStem stem{w.get(root + "conv1.weight"), batch_norm(w, root + "bn1", eps), {}};
    for (int stage = 0; stage < kResNetStages; ++stage) {
        for (int b = 0; b < config.blocks[static_cast<std::size_t>(stage)]; ++b) {
            const std::string p = root + "layer" + std::to_string(stage + 1) + "." + std::to_string(b);
            Bottleneck block{w.get(p + ".conv1.weight"), w.get(p + ".conv2.weight"), w.get(p + ".conv3.weight"), {},
                             batch_norm(w, p + ".bn1", eps), batch_norm(w, p + ".bn2", eps),
                             batch_norm(w, p + ".bn3", eps), {}, 1};
            if (b == 0) {
                block.downsample_conv = w.get(p + ".downsample.0.weight");
                block.downsample_bn = batch_norm(w, p + ".downsample.1", eps);
                block.stride = stage == 0 ? 1 : 2;  // stage 1 follows the max pool at stride 4 already
            }
            stem.blocks.push_back(std::move(block));
        }
    }
    return stem;
}

}  // namespace

torch::Tensor BatchNorm::operator()(const torch::Tensor& x) const {
    return torch::batch_norm(x, weight, bias, running_mean, running_var, /*training=*/false, /*momentum=*/0.0, eps,
                             /*cudnn_enabled=*/false);
}

torch::Tensor ResNetStem::operator()(const torch::Tensor& pixels) const {
    constexpr int kStemStride = 2;
    constexpr int kStemPadding = 3;  // 7x7 conv
    constexpr int kPoolSize = 3;
    auto x = torch::relu(bn1(torch::conv2d(pixels, conv1, {}, kStemStride, kStemPadding)));
    x = torch::max_pool2d(x, kPoolSize, /*stride=*/2, /*padding=*/1);
    for (const auto& block : blocks) {
        auto out = torch::relu(block.bn1(torch::conv2d(x, block.conv1)));
        out = torch::relu(block.bn2(torch::conv2d(out, block.conv2, {}, block.stride, /*padding=*/1)));
        out = block.bn3(torch::conv2d(out, block.conv3));
        const auto shortcut =
            block.downsample_conv.defined()
                ? block.downsample_bn(torch::conv2d(x, block.downsample_conv, {}, block.stride))
                : x;
        x = torch::relu(out + shortcut);
    }
    return x;
}

torch::Tensor token_rel_index(const torch::Tensor& relative, int bucket_size, int text_positions) {
    const std::int64_t buckets = bucket_size;
    const std::int64_t mid = buckets / 2;
    const double max_position = text_positions - 2;
    const auto abs_rel = relative.abs();
    // OFA computes the log buckets in fp32; so do we, to land on the same rows.
    const double log_span = std::log(std::max(max_position - 1.0, static_cast<double>(mid) + 1.0) / mid);
    const auto log_pos =
        (torch::ceil(torch::log(abs_rel.clamp_min(mid).to(torch::kFloat32) / static_cast<float>(mid)) /
                     static_cast<float>(log_span) * static_cast<float>(mid - 1)) +
         static_cast<float>(mid))
            .to(torch::kLong);
    const auto bucket = torch::where(abs_rel <= mid, relative, log_pos * relative.sign());
    return (bucket + buckets - 1).clamp(0, 2 * buckets - 2);
}

torch::Tensor image_rel_index(int grid, int bucket_size) {
    const std::int64_t b = bucket_size;
    const auto k = torch::arange(static_cast<std::int64_t>(grid) * grid, torch::kLong);
    const auto r = k.div(grid, "floor");
    const auto c = k.remainder(grid);
    const auto dr = r.unsqueeze(1) - r.unsqueeze(0);
    const auto dc = c.unsqueeze(1) - c.unsqueeze(0);
    return (dr + b - 1) * (2 * b - 1) + (dc + b - 1);
}

torch::Tensor Linear::operator()(const torch::Tensor& x) const {
    const auto in = weight.size(1);
    const bool fits = x.dim() > 0 && x.size(-1) == in && in > 0;  // else torch::linear names the mismatch
    const auto rows = fits ? x.numel() / in : 0;
    if (!panels.defined() || rows == 0 || x.scalar_type() != torch::kFloat || !x.is_cpu() || x.requires_grad()) {
        return torch::linear(x, weight, bias);
    }
    const auto out = weight.size(0);
    const auto input = x.contiguous();
    auto sizes = x.sizes().vec();
    sizes.back() = out;
    auto y = torch::empty(sizes, x.options());
    packed_gemm(input.data_ptr<float>(), rows, in, panels.data_ptr<float>(), out,
                bias.defined() ? bias.data_ptr<float>() : nullptr, y.data_ptr<float>());
    return y;
}

torch::Tensor Norm::operator()(const torch::Tensor& x) const {
    if (!weight.defined()) return x;
    const std::int64_t width = x.dim() > 0 ? x.size(-1) : 0;
    const std::int64_t rows = width > 0 ? x.numel() / width : 0;
    // LibTorch's layer norm spends about 3 µs per call on dispatch and bookkeeping, more than the
    // arithmetic for a decoding step's few rows: layer norms were 10 % of a caption run (perf).
    const auto plain_float = [](const torch::Tensor& t) {
        return t.scalar_type() == torch::kFloat && t.is_cpu() && !t.requires_grad() && t.is_contiguous();
    };
    const bool plain = rows > 0 && (rows <= kLoopNormRowsMax || layer_norm_vectorised(width)) &&
                       width == weight.numel() && x.scalar_type() == torch::kFloat && x.is_cpu() &&
                       !x.requires_grad() && plain_float(weight) && (!bias.defined() || plain_float(bias));
    if (!plain) return torch::layer_norm(x, {width}, weight, bias, kLayerNormEps);
    const auto input = x.contiguous();
    auto y = torch::empty(x.sizes(), x.options());
    layer_norm_rows(input.data_ptr<float>(), rows, width, weight.data_ptr<float>(),
                    bias.defined() ? bias.data_ptr<float>() : nullptr, y.data_ptr<float>());
    return y;
}

// ---------------------------------------------------------------------------------------------
// OfaModel

OfaModel::OfaModel(ModelConfig config, Weights weights) : config_(std::move(config)), weights_(std::move(weights)) {
    use_gemm_layout(weights_);
    const auto& a = config_.arch;
    const auto& w = weights_;
    scaling_ = std::pow(static_cast<double>(a.head_dim()) * a.attn_scale_factor, -0.5);
    embed_tokens_ = w.get("encoder.embed_tokens.weight");
    type_embedding_ = w.get("encoder.type_embedding.weight");
    layernorm_embedding_ = norm_or_identity(w, "encoder.layernorm_embedding", a.layernorm_embedding);
    patch_layernorm_embedding_ = norm_or_identity(w, "encoder.patch_layernorm_embedding", a.patch_layernorm_embedding);
    if (a.image_stem == ImageStemType::ResNet) {
        resnet_ = resnet_stem(w, a.resnet);
    } else {
        for (std::size_t i = 0; i < a.conv_stem.channels.size(); ++i) {
            stem_convs_.push_back(linear(w, "encoder.embed_images.convs." + std::to_string(i)));
        }
    }
    image_proj_ = linear(w, "encoder.image_proj");
    embed_positions_ = w.get("encoder.embed_positions.weight");
    embed_image_positions_ = w.get("encoder.embed_image_positions.weight");
    pos_ln_ = norm_or_identity(w, "encoder.pos_ln", true);
    image_pos_ln_ = norm_or_identity(w, "encoder.image_pos_ln", true);
    pos_q_ = linear(w, "encoder.pos_q_linear");
    pos_k_ = linear(w, "encoder.pos_k_linear");
    for (int l = 0; l < a.encoder_layers; ++l) {
        const std::string p = "encoder.layers." + std::to_string(l);
        encoder_layers_.push_back(EncoderLayer{
            norm_or_identity(w, p + ".self_attn_layer_norm", true), norm_or_identity(w, p + ".attn_ln", a.scale_attn),
            attention(w, p + ".self_attn", a.scale_heads), feed_forward_weights(w, p, a.scale_fc),
            w.get("encoder.token_rel_pos_table_list." + std::to_string(l) + ".weight"),
            w.get("encoder.image_rel_pos_table_list." + std::to_string(l) + ".weight")});
    }
    encoder_norm_ = norm_or_identity(w, "encoder.layer_norm", a.normalize_before);

    decoder_layernorm_embedding_ = norm_or_identity(w, "decoder.layernorm_embedding", a.layernorm_embedding);
    decoder_embed_positions_ = w.get("decoder.embed_positions.weight");
    decoder_pos_ln_ = norm_or_identity(w, "decoder.pos_ln", true);
    self_pos_q_ = linear(w, "decoder.self_pos_q_linear");
    self_pos_k_ = linear(w, "decoder.self_pos_k_linear");
    cross_pos_q_ = linear(w, "decoder.cross_pos_q_linear");
    cross_pos_k_ = linear(w, "decoder.cross_pos_k_linear");
    for (int l = 0; l < a.decoder_layers; ++l) {
        const std::string p = "decoder.layers." + std::to_string(l);
        decoder_layers_.push_back(DecoderLayer{
            norm_or_identity(w, p + ".self_attn_layer_norm", true), norm_or_identity(w, p + ".self_attn_ln", a.scale_attn),
            norm_or_identity(w, p + ".encoder_attn_layer_norm", true),
            norm_or_identity(w, p + ".cross_attn_ln", a.scale_attn), attention(w, p + ".self_attn", a.scale_heads),
            attention(w, p + ".encoder_attn", a.scale_heads), feed_forward_weights(w, p, a.scale_fc),
            w.get("decoder.token_rel_pos_table_list." + std::to_string(l) + ".weight")});
    }
    decoder_norm_ = norm_or_identity(w, "decoder.layer_norm", a.normalize_before);
    output_projection_ = {embed_tokens_, {}, {}};

    // Trainable weights need these recomputed in every forward pass, inside the autograd graph.
    if (embed_tokens_.requires_grad()) return;
    c10::InferenceMode guard;
    for (auto& layer : encoder_layers_) fuse_projections(layer.attn, scaling_, /*self_attention=*/true);
    for (auto& layer : decoder_layers_) {
        fuse_projections(layer.self_attn, scaling_, /*self_attention=*/true);
        fuse_projections(layer.cross_attn, scaling_, /*self_attention=*/false);
    }
    std::vector<Linear*> packed{&output_projection_, &image_proj_};
    for (auto& layer : encoder_layers_) {
        for (auto* l : {&layer.attn.qkv, &layer.attn.out, &layer.ffn.fc1, &layer.ffn.fc2}) packed.push_back(l);
    }
    for (auto& layer : decoder_layers_) {
        for (auto* l : {&layer.self_attn.qkv, &layer.self_attn.k, &layer.self_attn.v, &layer.self_attn.out,
                        &layer.cross_attn.scaled_q, &layer.cross_attn.k, &layer.cross_attn.v, &layer.cross_attn.out,
                        &layer.ffn.fc1, &layer.ffn.fc2}) {
            packed.push_back(l);
        }
    }
    pack_for_inference(packed);
    // With the other weights, so that the stem too runs packed exactly when they do.
    if (output_projection_.panels.defined()) {
        // The packed stem trusts these shapes; weights that break them keep LibTorch's
        // convolutions, which name the mismatch.
        std::int64_t channels = -1;  // the first layer takes what the pixels bring (checked per run)
        const auto packable = [&](const Linear& conv) {
            const auto& kernel = conv.weight;
            const bool fits = kernel.dim() == 4 && (channels < 0 || kernel.size(1) == channels) &&
                              kernel.size(2) == a.conv_stem.kernel_size && kernel.size(3) == a.conv_stem.kernel_size &&
                              kernel.scalar_type() == torch::kFloat && !kernel.requires_grad();
            if (!fits) return false;
            channels = kernel.size(0);
            return !conv.bias.defined() || (conv.bias.scalar_type() == torch::kFloat && conv.bias.is_contiguous() &&
                                            conv.bias.numel() == kernel.size(0));
        };
        if (std::all_of(stem_convs_.begin(), stem_convs_.end(), packable)) {
            for (auto& conv : stem_convs_) pack_convolution(conv);
        }
    }
    image_positions_ = compute_image_positions();
    const std::int64_t p = config_.image_tokens();
    const std::int64_t bias_bytes = static_cast<std::int64_t>(sizeof(float)) * a.attention_heads * p * p * a.encoder_layers;
    if (bias_bytes <= kBiasCacheBytes) {
        const auto image = make_stream(StreamKind::Image, torch::zeros({1, p, a.d_model}), {}, {});
        std::vector<torch::Tensor> biases;  // filled apart: layer_bias reads the cache once it is set
        for (std::size_t l = 0; l < encoder_layers_.size(); ++l) biases.push_back(image.layer_bias(l));
        image_stream_bias_ = std::move(biases);
    }
    const std::int64_t positions = a.text_positions;
    const std::int64_t text_bias_bytes =
        static_cast<std::int64_t>(sizeof(float)) * a.attention_heads * positions * positions * a.encoder_layers;
    if (text_bias_bytes <= kBiasCacheBytes) {
        // Over all text positions; a stream of L tokens reads the first L rows and columns.
        const auto text = make_stream(StreamKind::Text, {}, torch::zeros({1, positions, a.d_model}),
                                      torch::zeros({1, positions}, torch::kBool));
        std::vector<torch::Tensor> biases;
        for (std::size_t l = 0; l < encoder_layers_.size(); ++l) biases.push_back(text.layer_bias(l));
        text_stream_bias_ = std::move(biases);
    }
    const std::int64_t decoder_bias_bytes =
        static_cast<std::int64_t>(sizeof(float)) * a.attention_heads * positions * positions * a.decoder_layers;
    if (decoder_bias_bytes <= kBiasCacheBytes) {
        // Every position's queries over every key position; a step reads its rows and columns.
        const auto all = torch::arange(positions, torch::kLong);
        const auto pos = decoder_positions(all);
        const auto bias = decoder_self_bias(pos, all, position_heads(self_pos_k_(pos)));
        const auto rel_index = token_rel_index(all.unsqueeze(1) - all.unsqueeze(0), a.token_bucket_size, a.text_positions);
        std::vector<torch::Tensor> layers;
        for (const auto& layer : decoder_layers_) layers.push_back(bias + relative_bias(layer.token_rel_table, rel_index));
        decoder_self_bias_ = torch::stack(layers);
        decoder_cross_query_ = position_heads(cross_pos_q_(pos) * scaling_);
    }
}

torch::Tensor OfaModel::position_heads(const torch::Tensor& x) const {
    const auto& a = config_.arch;
    return x.view({x.size(0), a.attention_heads, a.head_dim()}).transpose(0, 1);
}

torch::Tensor OfaModel::decoder_positions(const torch::Tensor& positions) const {
    return decoder_pos_ln_(decoder_embed_positions_.index_select(0, positions));
}

torch::Tensor OfaModel::decoder_self_bias(const torch::Tensor& pos, const torch::Tensor& positions,
                                          const torch::Tensor& key_pos_k) const {
    const auto key_positions = torch::arange(key_pos_k.size(1), torch::kLong);
    return torch::matmul(position_heads(self_pos_q_(pos) * scaling_), key_pos_k.transpose(1, 2))
        .masked_fill(key_positions.unsqueeze(0) > positions.unsqueeze(1), -std::numeric_limits<float>::infinity());
}

torch::Tensor OfaModel::relative_bias(const torch::Tensor& table, const torch::Tensor& index) {
    return table.index_select(0, index.flatten()).view({index.size(0), index.size(1), -1}).permute({2, 0, 1});
}

torch::Tensor OfaModel::image_features(const torch::Tensor& pixels) const {
    if (config_.arch.image_stem == ImageStemType::ResNet) return resnet_(pixels);
    const bool packed = !stem_convs_.empty() && stem_convs_.front().panels.defined();
    if (packed && pixels.dim() == 4 && pixels.scalar_type() == torch::kFloat && pixels.is_cpu() &&
        !pixels.requires_grad() && pixels.size(1) == stem_convs_.front().weight.size(1) && pixels.size(2) > 0 &&
        pixels.size(3) > 0) {
        return packed_image_features(pixels);
    }
    const int ks = config_.arch.conv_stem.kernel_size;
    torch::Tensor x = pixels;
    for (const auto& conv : stem_convs_) {
        x = exact_gelu(torch::conv2d(x, conv.weight, conv.bias, kConvStemStride, /*padding=*/ks / 2));
    }
    return x;
}

torch::Tensor OfaModel::packed_image_features(const torch::Tensor& pixels) const {
    const std::int64_t kernel = config_.arch.conv_stem.kernel_size;
    const std::int64_t padding = kernel / 2;
    torch::Tensor x = pixels.contiguous();
    const std::int64_t batch = x.size(0);
    std::int64_t channels = x.size(1);
    std::int64_t height = x.size(2);
    std::int64_t width = x.size(3);
    StridedImage image{x.data_ptr<float>(), batch, channels, height, width,
                       /*batch_stride=*/channels * height * width, /*channel_stride=*/height * width,
                       /*row_stride=*/width, /*column_stride=*/1};
    for (const auto& conv : stem_convs_) {
        const std::int64_t out_height = convolution_output_size(height, kernel, kConvStemStride, padding);
        const std::int64_t out_width = convolution_output_size(width, kernel, kConvStemStride, padding);
        const std::int64_t pixels_out = batch * out_height * out_width;
        const std::int64_t patch = kernel * kernel * channels;
        auto patches = torch::empty({pixels_out, patch});
        gather_patches(image, kernel, kConvStemStride, padding, patches.data_ptr<float>());
        const std::int64_t out_channels = conv.weight.size(0);
        auto y = torch::empty({pixels_out, out_channels});
        packed_gemm(patches.data_ptr<float>(), pixels_out, patch, conv.panels.data_ptr<float>(), out_channels,
                    conv.bias.defined() ? conv.bias.data_ptr<float>() : nullptr, y.data_ptr<float>());
        x = exact_gelu_of_temporary(y);
        channels = out_channels;
        height = out_height;
        width = out_width;
        image = {x.data_ptr<float>(), batch, channels, height, width, /*batch_stride=*/height * width * channels,
                 /*channel_stride=*/1, /*row_stride=*/width * channels, /*column_stride=*/channels};
    }
    return x.view({batch, height, width, channels}).permute({0, 3, 1, 2});
}

torch::Tensor OfaModel::embed_image(const torch::Tensor& pixels) const {
    // [B, C, g, g] -> [B, g*g, C], token k = row * g + col.
    auto x = image_features(pixels).flatten(2).transpose(1, 2);
    x = image_proj_(x) + type_embedding_[kImageType];
    // Read from the table on every call, not cached at load, so that training updates it.
    if (config_.arch.entangle_position_embedding) x = x + embed_image_positions_.index_select(0, image_position_ids());
    return patch_layernorm_embedding_(x);
}

torch::Tensor OfaModel::embed_text(const torch::Tensor& tokens) const {
    torch::Tensor x = embed_tokens_.index_select(0, tokens.flatten()).view({tokens.size(0), tokens.size(1), -1});
    if (config_.arch.entangle_position_embedding) x = x + embed_positions_.narrow(0, 0, checked_text_length(tokens.size(1)));
    return layernorm_embedding_(x + type_embedding_[kTextType]);
}

std::int64_t OfaModel::checked_text_length(std::int64_t length) const {
    if (length > config_.arch.text_positions) {
        throw InputError("text of " + std::to_string(length) + " tokens exceeds the model's " +
                         std::to_string(config_.arch.text_positions) + " positions");
    }
    return length;
}

torch::Tensor OfaModel::text_positions(std::int64_t length) const {
    return pos_ln_(embed_positions_.narrow(0, 0, checked_text_length(length)));
}

torch::Tensor OfaModel::image_position_ids() const {
    const std::int64_t g = config_.image_grid();
    const auto rows = torch::arange(g, torch::kLong).unsqueeze(1);
    const auto cols = torch::arange(g, torch::kLong).unsqueeze(0);
    // OFA indexes a fixed bucket-wide grid, whatever the real grid width.
    return (rows * config_.arch.image_bucket_size + cols + 1).flatten();
}

torch::Tensor OfaModel::compute_image_positions() const {
    return image_pos_ln_(embed_image_positions_.index_select(0, image_position_ids()));
}

torch::Tensor OfaModel::split_heads(const torch::Tensor& x) const {
    const auto& a = config_.arch;
    return x.view({x.size(0), x.size(1), a.attention_heads, a.head_dim()}).transpose(1, 2);
}

std::pair<torch::Tensor, torch::Tensor> OfaModel::project_kv(const Attention& attn, const torch::Tensor& x) const {
    return {split_heads(attn.k(x)), split_heads(attn.v(x))};
}

torch::Tensor OfaModel::query(const Attention& attn, const torch::Tensor& x) const {
    return attn.scaled_q.weight.defined() ? attn.scaled_q(x) : attn.q(x) * scaling_;
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> OfaModel::project_qkv(const Attention& attn,
                                                                              const torch::Tensor& x) const {
    if (!attn.qkv.weight.defined()) {
        auto [k, v] = project_kv(attn, x);
        return {query(attn, x), std::move(k), std::move(v)};
    }
    const std::int64_t d = config_.arch.d_model;
    const auto qkv = attn.qkv(x);
    return {qkv.narrow(-1, 0, d), split_heads(qkv.narrow(-1, d, d)), split_heads(qkv.narrow(-1, 2 * d, d))};
}

torch::Tensor OfaModel::attend(const Attention& attn, const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& bias, const torch::Tensor& key_padding,
                               std::int64_t rows_per_key_row, const torch::Tensor& active_rows) const {
    return attn.out(attend_unprojected(attn, q, k, v, bias, key_padding, rows_per_key_row, active_rows));
}

torch::Tensor OfaModel::attend_unprojected(const Attention& attn, const torch::Tensor& q, const torch::Tensor& k,
                                           const torch::Tensor& v, const torch::Tensor& bias,
                                           const torch::Tensor& key_padding, std::int64_t rows_per_key_row,
                                           const torch::Tensor& active_rows) const {
    const auto batch = q.size(0);
    const auto length = q.size(1);
    if (loop_attention_applies(q, k, v, bias)) {
        return attend_by_loop(attn, q, k, v, bias, key_padding, rows_per_key_row, active_rows);
    }
    const auto per_query_row = [&](const torch::Tensor& t) {
        return rows_per_key_row == 1 || !t.defined() ? t : t.repeat_interleave(rows_per_key_row, 0);
    };
    auto logits = torch::matmul(split_heads(q), per_query_row(k).transpose(-1, -2));
    if (bias.defined()) logits = logits + bias;
    if (key_padding.defined()) {
        logits = logits.masked_fill(per_query_row(key_padding).view({batch, 1, 1, key_padding.size(1)}),
                                    -std::numeric_limits<float>::infinity());
    }
    auto out = torch::matmul(torch::softmax(logits, -1), per_query_row(v));
    if (attn.c_attn.defined()) out = out * attn.c_attn.view({1, -1, 1, 1});
    return out.transpose(1, 2).reshape({batch, length, config_.arch.d_model});
}

bool OfaModel::loop_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                      const torch::Tensor& bias) {
    // A decoding step has one query per row: one loop over the tiny per-head matrices replaces
    // eight tensor operations (docs/benchmarks.md). Vectorised, the loop also beats them for an
    // encoder stream's or a prompt's few dozen queries. Autograd needs the tensor operations.
    const bool needs_grad = q.requires_grad() || k.requires_grad() || v.requires_grad() ||
                            (bias.defined() && bias.requires_grad());
    const bool all_float = q.scalar_type() == torch::kFloat32 && k.scalar_type() == torch::kFloat32 &&
                           v.scalar_type() == torch::kFloat32 &&
                           (!bias.defined() || bias.scalar_type() == torch::kFloat32);
    return !needs_grad && all_float && (q.size(1) == 1 || attention_loop_vectorised(k.size(-1)));
}

torch::Tensor OfaModel::attend_by_loop(const Attention& attn, const torch::Tensor& q, const torch::Tensor& k,
                                       const torch::Tensor& v, const torch::Tensor& bias,
                                       const torch::Tensor& key_padding, std::int64_t rows_per_key_row,
                                       const torch::Tensor& active_rows, const std::int64_t* key_rows,
                                       std::int64_t key_rows_stride) const {
    const auto& arch = config_.arch;
    // The caches and the cross-attention keys are views; only vectors of head_dim values must be
    // contiguous.
    const auto inner_contiguous = [](const torch::Tensor& t) { return t.stride(-1) == 1 ? t : t.contiguous(); };
    const auto qc = inner_contiguous(q);
    const auto kc = inner_contiguous(k);
    const auto vc = inner_contiguous(v);
    torch::Tensor bc;  // [1 or R, H, T, S]
    if (bias.defined()) bc = bias.dim() == 3 ? bias.unsqueeze(0) : bias;
    const auto pad = key_padding.defined() ? inner_contiguous(key_padding) : torch::Tensor();  // [key rows, S]
    const auto scale = attn.c_attn.defined() ? attn.c_attn.contiguous() : torch::Tensor();
    const auto active = active_rows.defined() ? active_rows.contiguous() : torch::Tensor();
    const std::int64_t queries = q.size(1);
    auto out = torch::empty({q.size(0), queries, arch.d_model});

    OneQueryAttention a;
    a.rows = q.size(0);
    a.heads = arch.attention_heads;
    a.head_dim = arch.head_dim();
    a.keys = k.size(2);
    a.queries = queries;
    a.q = qc.data_ptr<float>();
    a.q_row = qc.stride(0);
    a.q_query = qc.stride(1);
    a.k = kc.data_ptr<float>();
    a.k_row = kc.stride(0);
    a.k_head = kc.stride(1);
    a.k_key = kc.stride(2);
    a.v = vc.data_ptr<float>();
    a.v_row = vc.stride(0);
    a.v_head = vc.stride(1);
    a.v_key = vc.stride(2);
    a.rows_per_key_row = rows_per_key_row;
    a.key_rows = key_rows;
    a.key_rows_stride = key_rows_stride;
    if (bc.defined()) {
        // A dimension of size 1 is shared: stride 0, whatever its stored stride.
        const auto stride = [&](std::int64_t dim) { return bc.size(dim) > 1 ? bc.stride(dim) : 0; };
        a.bias = bc.data_ptr<float>();
        a.bias_row = stride(0);
        a.bias_head = stride(1);
        a.bias_query = stride(2);
        a.bias_key = stride(3);
    }
    if (pad.defined()) {
        a.key_padding = pad.data_ptr<bool>();
        a.key_padding_row = pad.stride(0);
    }
    if (scale.defined()) a.head_scale = scale.data_ptr<float>();
    if (active.defined()) a.active = active.data_ptr<bool>();
    a.out = out.data_ptr<float>();
    a.out_row = queries * arch.d_model;
    a.out_query = arch.d_model;
    mue::detail::attend_one_query(a);
    return out;
}

torch::Tensor OfaModel::feed_forward(const FeedForward& ffn, const torch::Tensor& x) const {
    const bool pre = config_.arch.normalize_before;
    auto h = pre ? ffn.pre(x) : x;
    h = ffn.fc2(ffn.mid(exact_gelu_of_temporary(ffn.fc1(h))));
    h = x + h;
    return pre ? h : ffn.pre(h);
}

std::vector<torch::Tensor> OfaModel::encoder_layer(const EncoderLayer& layer, const std::vector<torch::Tensor>& xs,
                                                   const std::vector<torch::Tensor>& biases,
                                                   const std::vector<torch::Tensor>& paddings) const {
    const bool pre = config_.arch.normalize_before;
    const bool fused = xs.size() > 1;
    // Stream i's tokens in the concatenation: a view, never a copy.
    std::vector<std::int64_t> offsets{0};
    for (const auto& x : xs) offsets.push_back(offsets.back() + x.size(1));
    const auto part = [&](const torch::Tensor& t, std::int64_t dim, std::size_t i) {
        return fused ? t.narrow(dim, offsets[i], offsets[i + 1] - offsets[i]) : t;
    };
    const auto x = fused ? torch::cat(xs, 1) : xs.front();
    auto h = pre ? layer.pre_attn(x) : x;
    const auto [q, k, v] = project_qkv(layer.attn, h);  // q [B, N, D]; k, v [B, H, N, hd]
    std::vector<torch::Tensor> attended;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        attended.push_back(attend_unprojected(layer.attn, part(q, 1, i), part(k, 2, i), part(v, 2, i),
                                              biases[i].unsqueeze(0), paddings[i], /*rows_per_key_row=*/1));
    }
    h = layer.post_attn(layer.attn.out(fused ? torch::cat(attended, 1) : attended.front()));
    h = x + h;
    if (!pre) h = layer.pre_attn(h);
    const auto out = feed_forward(layer.ffn, h);
    std::vector<torch::Tensor> outs;
    for (std::size_t i = 0; i < xs.size(); ++i) outs.push_back(part(out, 1, i));
    return outs;
}

EncoderStream OfaModel::make_stream(StreamKind kind, const torch::Tensor& image_embed, const torch::Tensor& text_embed,
                                    const torch::Tensor& text_padding) const {
    EncoderStream s;
    s.model_ = this;
    s.kind_ = kind;
    const bool cached_bias = (kind == StreamKind::Image && !image_stream_bias_.empty()) ||
                             (kind == StreamKind::Text && !text_stream_bias_.empty());
    std::vector<torch::Tensor> hidden, padding, positions;
    if (image_embed.defined()) {
        s.image_tokens_ = static_cast<int>(image_embed.size(1));
        hidden.push_back(image_embed);
        padding.push_back(torch::zeros({image_embed.size(0), image_embed.size(1)}, torch::kBool));
        positions.push_back(image_positions_.defined() ? image_positions_ : compute_image_positions());
        if (!cached_bias && (kind == StreamKind::Joint || config_.arch.image_relative_bias_in_decomposed_encoder)) {
            s.image_rel_index_ = image_rel_index(config_.image_grid(), config_.arch.image_bucket_size);
        }
    }
    if (text_embed.defined()) {
        const auto length = text_embed.size(1);
        hidden.push_back(text_embed);
        padding.push_back(text_padding);
        positions.push_back(text_positions(length));
        if (!cached_bias) {
            const auto pos = torch::arange(length, torch::kLong);
            s.text_rel_index_ = token_rel_index(pos.unsqueeze(1) - pos.unsqueeze(0), config_.arch.token_bucket_size,
                                                config_.arch.text_positions);
        }
    }
    if (hidden.empty()) throw std::logic_error("an encoder stream needs image or text tokens");
    s.padding_ = torch::cat(padding, 1);
    s.keep_ = s.padding_.logical_not().unsqueeze(-1).to(torch::kFloat32);
    s.has_padding_ = text_embed.defined() && s.padding_.any().item<bool>();
    s.hidden_ = torch::cat(hidden, 1) * s.keep_;
    s.positions_ = torch::cat(positions, 0);
    if (cached_bias) return s;  // biases computed at load
    const auto pq = (pos_q_(s.positions_) * scaling_).view({-1, config_.arch.attention_heads, config_.arch.head_dim()});
    const auto pk = pos_k_(s.positions_).view({-1, config_.arch.attention_heads, config_.arch.head_dim()});
    s.abs_bias_ = torch::matmul(pq.transpose(0, 1), pk.permute({1, 2, 0}));  // [H, N, N]
    return s;
}

EncoderStream OfaModel::image_stream(const torch::Tensor& image_embed) const {
    return make_stream(StreamKind::Image, image_embed, {}, {});
}

EncoderStream OfaModel::text_stream(const torch::Tensor& text_embed, const torch::Tensor& padding) const {
    return make_stream(StreamKind::Text, {}, text_embed, padding);
}

EncoderStream OfaModel::joint_stream(const torch::Tensor& image_embed, const torch::Tensor& text_embed,
                                     const torch::Tensor& text_padding) const {
    return make_stream(StreamKind::Joint, image_embed, text_embed, text_padding);
}

EncoderOutput OfaModel::encoder_output(const EncoderStream& image, const EncoderStream& text) const {
    return {encoder_norm_(torch::cat({image.hidden(), text.hidden()}, 1)),
            torch::cat({image.padding(), text.padding()}, 1), torch::cat({image.positions(), text.positions()}, 0)};
}

EncoderOutput OfaModel::encoder_output(const EncoderStream& joint) const {
    return {encoder_norm_(joint.hidden()), joint.padding(), joint.positions()};
}

DecoderRun OfaModel::decoder(EncoderOutput encoder, KvPolicy kv_policy) const {
    const auto& a = config_.arch;
    DecoderRun run;
    run.model_ = this;
    run.kv_policy_ = kv_policy;
    run.cross_pos_kt_ =
        cross_pos_k_(encoder.positions).view({-1, a.attention_heads, a.head_dim()}).permute({1, 2, 0}).contiguous();
    run.self_pos_k_ = torch::zeros({a.attention_heads, 0, a.head_dim()});
    run.encoder_padded_ = encoder.padding.any().item<bool>();
    run.rows_ = encoder.states.size(0);
    run.encoder_ = std::move(encoder);
    run.cache_.resize(decoder_layers_.size());
    run.key_rows_stride_ = a.text_positions;
    run.key_rows_.assign(static_cast<std::size_t>(run.rows_ * run.key_rows_stride_), 0);
    run.layers_done_ = static_cast<int>(decoder_layers_.size());  // no step open yet
    return run;
}

torch::Tensor OfaModel::logits(const torch::Tensor& decoder_hidden) const {
    return output_projection_(decoder_norm_(decoder_hidden));
}

// ---------------------------------------------------------------------------------------------
// EncoderStream

int EncoderStream::num_layers() const { return model_->config().arch.encoder_layers; }

const ArchitectureConfig& EncoderStream::arch() const { return model_->config().arch; }

torch::Tensor EncoderStream::layer_bias(std::size_t index) const {
    if (kind_ == StreamKind::Image && !model_->image_stream_bias_.empty()) return model_->image_stream_bias_[index];
    if (kind_ == StreamKind::Text && !model_->text_stream_bias_.empty()) {
        // Position and relative biases depend on positions only: the first rows and columns.
        const auto length = hidden_.size(1);
        return model_->text_stream_bias_[index].narrow(1, 0, length).narrow(2, 0, length);
    }
    const auto& layer = model_->encoder_layers_[index];
    if (!text_rel_index_.defined() && !image_rel_index_.defined()) return abs_bias_;
    auto bias = abs_bias_.clone();
    if (text_rel_index_.defined()) {
        const auto length = text_rel_index_.size(0);
        bias.narrow(1, image_tokens_, length)
            .narrow(2, image_tokens_, length)
            .add_(layer.token_rel_table.index_select(0, text_rel_index_.flatten())
                      .view({length, length, -1})
                      .permute({2, 0, 1}));
    }
    if (image_rel_index_.defined()) {
        bias.narrow(1, 0, image_tokens_)
            .narrow(2, 0, image_tokens_)
            .add_(layer.image_rel_table.index_select(0, image_rel_index_.flatten())
                      .view({image_tokens_, image_tokens_, -1})
                      .permute({2, 0, 1}));
    }
    return bias;
}

void EncoderStream::step(const torch::Tensor& active) { step_together({this}, {active}); }

void EncoderStream::step_together(const std::vector<EncoderStream*>& streams, const std::vector<torch::Tensor>& active) {
    if (streams.empty() || active.size() != streams.size()) {
        throw std::logic_error("step_together needs one active mask per stream");
    }
    const EncoderStream& first = *streams.front();
    std::vector<torch::Tensor> xs, biases, paddings;
    for (const auto* s : streams) {
        if (s->finished()) throw std::logic_error("encoder stream has no layer left to run");
        if (s->model_ != first.model_ || s->layers_done_ != first.layers_done_ ||
            s->hidden_.size(0) != first.hidden_.size(0)) {
            throw std::logic_error("streams stepped together need one model, depth and batch");
        }
        const auto index = static_cast<std::size_t>(s->layers_done_);
        xs.push_back(s->hidden_);
        biases.push_back(s->layer_bias(index));
        // Without padded keys the -inf mask would change nothing; it is skipped.
        paddings.push_back(s->has_padding_ ? s->padding_ : torch::Tensor());
    }
    const auto& model = *first.model_;
    const auto& layer = model.encoder_layers_[static_cast<std::size_t>(first.layers_done_)];
    const auto outs = model.encoder_layer(layer, xs, biases, paddings);
    for (std::size_t i = 0; i < streams.size(); ++i) {
        auto& s = *streams[i];
        // A stream's part of a fused layer is strided when B > 1; the exit checks read hidden()
        // as contiguous rows.
        auto next = outs[i].contiguous();
        if (s.has_padding_) next = next * s.keep_;  // padded rows stay zero; without padding keep_ is all ones
        s.hidden_ = active[i].defined() ? torch::where(active[i].view({-1, 1, 1}), next, s.hidden_) : next;
        ++s.layers_done_;
    }
}

// ---------------------------------------------------------------------------------------------
// DecoderRun

int DecoderRun::num_layers() const { return model_->config().arch.decoder_layers; }

void DecoderRun::begin_step(const torch::Tensor& tokens, const torch::Tensor& padding) {
    if (!step_finished()) throw std::logic_error("begin_step before the previous step ran all layers");
    const auto& a = model_->config().arch;
    const auto length = tokens.size(1);
    if (cached_length_ + length > a.text_positions) {
        throw InputError("decoder input of " + std::to_string(cached_length_ + length) + " tokens exceeds the model's " +
                         std::to_string(a.text_positions) + " positions");
    }
    const auto& cross_query = model_->decoder_cross_query_;  // [H, T, hd]
    if (cross_query.defined() && length == 1 && cross_query.stride(2) == 1) {
        // A decoding step's one position: a loop over the transposed keys, vectorised over the
        // encoder positions, costs less than a matmul's views and dispatch.
        const std::int64_t heads = cross_query.size(0);
        const std::int64_t head_dim = cross_query.size(2);
        const std::int64_t keys = cross_pos_kt_.size(2);
        step_cross_bias_ = torch::zeros({heads, 1, keys});
        float* bias = step_cross_bias_.data_ptr<float>();
        const float* query = cross_query.data_ptr<float>() + cached_length_ * cross_query.stride(1);
        const float* key_rows = cross_pos_kt_.data_ptr<float>();
        for (std::int64_t h = 0; h < heads; ++h) {
            const float* q = query + h * cross_query.stride(0);
            float* row = bias + h * keys;
            for (std::int64_t i = 0; i < head_dim; ++i) {
                const float* k = key_rows + (h * head_dim + i) * keys;
                const float qi = q[i];
                for (std::int64_t s = 0; s < keys; ++s) row[s] += qi * k[s];
            }
        }
    } else if (cross_query.defined()) {
        // Position biases computed at load: the self-attention bias is read per layer in step_layer.
        step_cross_bias_ = torch::matmul(cross_query.narrow(1, cached_length_, length), cross_pos_kt_);
    } else {
        const auto positions = torch::arange(cached_length_, cached_length_ + length, torch::kLong);
        const auto pos = model_->decoder_positions(positions);
        self_pos_k_ = torch::cat({self_pos_k_, model_->position_heads(model_->self_pos_k_(pos))}, 1);
        step_self_bias_ = model_->decoder_self_bias(pos, positions, self_pos_k_);
        step_rel_index_ = token_rel_index(positions.unsqueeze(1) - torch::arange(self_pos_k_.size(1), torch::kLong).unsqueeze(0),
                                          a.token_bucket_size, a.text_positions);
        step_cross_bias_ = torch::matmul(model_->position_heads(model_->cross_pos_q_(pos) * model_->scaling_),
                                         cross_pos_kt_);
    }

    step_padding_ = padding.defined() ? padding : torch::zeros({tokens.size(0), length}, torch::kBool);
    auto embedded = model_->embed_tokens_.index_select(0, tokens.flatten()).view({tokens.size(0), length, a.d_model});
    if (a.decoder_entangle_position_embedding) {
        embedded = embedded + model_->decoder_embed_positions_.narrow(0, cached_length_, length);
    }
    hidden_ = model_->decoder_layernorm_embedding_(embedded);
    // Each row writes its new entries into its own buffer row.
    for (std::int64_t r = 0; r < rows_; ++r) {
        std::fill_n(key_rows_.begin() + r * key_rows_stride_ + cached_length_, length, r);
    }
    cached_length_ += static_cast<int>(length);
    step_length_ = static_cast<int>(length);
    layers_done_ = 0;
}

DecoderRun::LayerCache::LayerCache(const LayerCache& other)
    : k(other.k.defined() ? other.k.clone() : torch::Tensor()),
      v(other.v.defined() ? other.v.clone() : torch::Tensor()),
      padding(other.padding.defined() ? other.padding.clone() : torch::Tensor()),
      cross_k(other.cross_k),
      cross_v(other.cross_v) {}

DecoderRun::LayerCache& DecoderRun::LayerCache::operator=(const LayerCache& other) {
    if (this != &other) *this = LayerCache(other);
    return *this;
}

void DecoderRun::make_room(LayerCache& cache) const {
    const std::int64_t start = cached_length_ - step_length_;
    const std::int64_t buffer_rows = cache.k.defined() ? cache.k.size(0) : 0;
    const std::int64_t capacity = cache.k.defined() ? cache.k.size(2) : 0;
    if (buffer_rows < rows_ || capacity < cached_length_) {
        // Doubling keeps the copies of a growing caption few; the table of positions bounds it.
        const auto& a = model_->config().arch;
        const std::int64_t rows = std::max(rows_, buffer_rows);
        const std::int64_t keys = std::min<std::int64_t>(
            a.text_positions, std::max<std::int64_t>({cached_length_, 2 * capacity, kMinCachedKeys}));
        auto k = torch::empty({rows, a.attention_heads, keys, a.head_dim()});
        auto v = torch::empty_like(k);
        auto padding = torch::empty({rows, keys}, torch::kBool);
        if (start > 0) {
            k.narrow(0, 0, buffer_rows).narrow(2, 0, start).copy_(cache.k.narrow(2, 0, start));
            v.narrow(0, 0, buffer_rows).narrow(2, 0, start).copy_(cache.v.narrow(2, 0, start));
            padding.narrow(0, 0, buffer_rows).narrow(1, 0, start).copy_(cache.padding.narrow(1, 0, start));
        }
        cache.k = std::move(k);
        cache.v = std::move(v);
        cache.padding = std::move(padding);
    }
}

DecoderRun::StepEntries DecoderRun::step_entries(LayerCache& cache) const {
    make_room(cache);
    const std::int64_t start = cached_length_ - step_length_;
    return {cache.k.narrow(0, 0, rows_).narrow(2, start, step_length_),
            cache.v.narrow(0, 0, rows_).narrow(2, start, step_length_),
            cache.padding.narrow(0, 0, rows_).narrow(1, start, step_length_)};
}

void DecoderRun::store(LayerCache& cache, const torch::Tensor& k, const torch::Tensor& v,
                       const torch::Tensor& padding) {
    if (k.requires_grad() || v.requires_grad()) {
        // Training: autograd records a concatenation; it would reject writes into tensors it saved.
        const std::int64_t start = cached_length_ - step_length_;
        if (rows_moved_) throw std::logic_error("a decoder run with reordered rows cannot record gradients");
        cache.k = start == 0 ? k : torch::cat({cache.k.narrow(2, 0, start), k}, 2);
        cache.v = start == 0 ? v : torch::cat({cache.v.narrow(2, 0, start), v}, 2);
        cache.padding = start == 0 ? padding : torch::cat({cache.padding.narrow(1, 0, start), padding}, 1);
        return;
    }
    make_room(cache);
    const bool plain = k.scalar_type() == torch::kFloat && v.scalar_type() == torch::kFloat &&
                       padding.scalar_type() == torch::kBool && k.stride(-1) == 1 && v.stride(-1) == 1 &&
                       k.stride(1) == v.stride(1) &&
                       cache.k.scalar_type() == torch::kFloat && !cache.k.requires_grad() && !cache.v.requires_grad();
    if (!plain) {
        const auto entries = step_entries(cache);
        entries.k.copy_(k);
        entries.v.copy_(v);
        entries.padding.copy_(padding);
        return;
    }
    const std::int64_t start = cached_length_ - step_length_;
    const float* from_k = k.data_ptr<float>();
    const float* from_v = v.data_ptr<float>();
    const bool* from_padding = padding.data_ptr<bool>();
    for (std::int64_t t = 0; t < step_length_; ++t) {
        const CacheWriter entries(cache.k, cache.v, cache.padding, start + t);
        for (std::int64_t r = 0; r < rows_; ++r) {
            entries.write(r, from_k + r * k.stride(0) + t * k.stride(2), from_v + r * v.stride(0) + t * v.stride(2),
                          k.stride(1), from_padding[r * padding.stride(0) + t * padding.stride(1)]);
        }
    }
}

torch::Tensor DecoderRun::in_row_order(const torch::Tensor& buffer, std::int64_t key_dim) const {
    if (!buffer.defined()) return buffer;
    const auto used = buffer.narrow(key_dim, 0, cached_length_);
    if (!rows_moved_) return used.narrow(0, 0, rows_);
    // const_cast: from_blob takes a mutable pointer; the table is only read.
    const auto table = torch::from_blob(const_cast<std::int64_t*>(key_rows_.data()), {rows_, key_rows_stride_},
                                        torch::kLong)
                           .narrow(1, 0, cached_length_);  // [R, S]
    const auto keys = torch::arange(static_cast<std::int64_t>(cached_length_), torch::kLong);
    if (key_dim == 1) return used.index({table, keys});  // [R, S]
    return used.transpose(1, 2).index({table, keys}).transpose(1, 2);  // [R, H, S, hd]
}

void DecoderRun::step_layer(const torch::Tensor& active) {
    if (step_finished()) throw std::logic_error("decoder step has no layer left to run");
    if (packed_step_applies()) {
        packed_step_layer(active);
        ++layers_done_;
        return;
    }
    const auto& layer = model_->decoder_layers_[static_cast<std::size_t>(layers_done_)];
    auto& cache = cache_[static_cast<std::size_t>(layers_done_)];
    const bool pre = model_->config().arch.normalize_before;

    auto x = hidden_;
    auto h = pre ? layer.pre_self(x) : x;
    const auto [q, k, v] = model_->project_qkv(layer.self_attn, h);
    if (!active.defined()) {
        store(cache, k, v, step_padding_);
        exit_k_ = k;
        exit_v_ = v;
    } else {
        // Exited rows: Propagate's keys come from their frozen exit state, as computed above.
        const auto act = active.view({-1, 1, 1, 1});
        switch (kv_policy_) {
            case KvPolicy::None:
                store(cache, torch::where(act, k, missing_entry_value_), torch::where(act, v, missing_entry_value_),
                      step_padding_.logical_or(active.logical_not().unsqueeze(1)));
                break;
            case KvPolicy::Copy:
                store(cache, torch::where(act, k, exit_k_), torch::where(act, v, exit_v_), step_padding_);
                break;
            case KvPolicy::Propagate:
                store(cache, k, v, step_padding_);
                break;
        }
        exit_k_ = torch::where(act, k, exit_k_);
        exit_v_ = torch::where(act, v, exit_v_);
    }
    const auto& table = model_->decoder_self_bias_;
    const auto self_bias = table.defined() ? table[layers_done_]
                                                 .narrow(1, cached_length_ - step_length_, step_length_)
                                                 .narrow(2, 0, cached_length_)
                                           : step_self_bias_ + OfaModel::relative_bias(layer.token_rel_table, step_rel_index_);
    // Rows that exited earlier in this step keep their state: their attention is skipped.
    const auto keys = cache.k.narrow(2, 0, cached_length_);
    const auto values = cache.v.narrow(2, 0, cached_length_);
    if (OfaModel::loop_attention_applies(q, keys, values, self_bias)) {
        h = layer.self_attn.out(model_->attend_by_loop(layer.self_attn, q, keys, values, self_bias.unsqueeze(0),
                                                       cache.padding.narrow(1, 0, cached_length_),
                                                       /*rows_per_key_row=*/1, active, key_rows_.data(),
                                                       key_rows_stride_));
    } else {
        h = model_->attend(layer.self_attn, q, in_row_order(cache.k, 2), in_row_order(cache.v, 2),
                           self_bias.unsqueeze(0), in_row_order(cache.padding, 1), /*rows_per_key_row=*/1, active);
    }
    h = layer.post_self(h);
    x = x + h;
    if (!pre) x = layer.pre_self(x);

    h = pre ? layer.pre_cross(x) : x;
    if (!cache.cross_k.defined()) {
        std::tie(cache.cross_k, cache.cross_v) = model_->project_kv(layer.cross_attn, encoder_.states);
    }
    h = layer.post_cross(model_->attend(layer.cross_attn, model_->query(layer.cross_attn, h), cache.cross_k, cache.cross_v,
                                        step_cross_bias_.unsqueeze(0),
                                        encoder_padded_ ? encoder_.padding : torch::Tensor(), rows_per_encoder_row_,
                                        active));
    x = x + h;
    if (!pre) x = layer.pre_cross(x);

    auto next = model_->feed_forward(layer.ffn, x);
    hidden_ = active.defined() ? torch::where(active.view({-1, 1, 1}), next, hidden_) : next;
    ++layers_done_;
}

void DecoderRun::finish_step() {
    const bool pre = model_->config().arch.normalize_before;
    torch::Tensor missing, missing_padding;  // KvPolicy::None's entries, made once for every layer
    for (; layers_done_ < num_layers(); ++layers_done_) {
        const auto& layer = model_->decoder_layers_[static_cast<std::size_t>(layers_done_)];
        auto& cache = cache_[static_cast<std::size_t>(layers_done_)];
        switch (kv_policy_) {
            case KvPolicy::None:
                if (!missing.defined()) {
                    const auto& a = model_->config().arch;
                    missing = torch::full({rows_, a.attention_heads, step_length_, a.head_dim()}, missing_entry_value_);
                    missing_padding = torch::ones({rows_, step_length_}, torch::kBool);
                }
                store(cache, missing, missing, missing_padding);
                break;
            case KvPolicy::Copy:
                store(cache, exit_k_, exit_v_, step_padding_);
                break;
            case KvPolicy::Propagate: {
                if (packed_propagate_applies()) {
                    packed_propagate();
                    break;
                }
                const auto [k, v] = model_->project_kv(layer.self_attn, pre ? layer.pre_self(hidden_) : hidden_);
                store(cache, k, v, step_padding_);
                break;
            }
        }
    }
}

void DecoderRun::repeat_rows(int times) {
    select_rows(torch::arange(rows_, torch::kLong).repeat_interleave(times));
    rows_per_encoder_row_ *= times;
}

void DecoderRun::select_rows(const torch::Tensor& index, const torch::Tensor& encoder_index) {
    // The caches stay where they are; only the table of which buffer row holds whose keys moves.
    const auto rows = index.contiguous();
    const std::int64_t* picked = rows.data_ptr<std::int64_t>();
    std::vector<std::int64_t> key_rows(static_cast<std::size_t>(rows.size(0) * key_rows_stride_));
    for (std::int64_t r = 0; r < rows.size(0); ++r) {
        if (picked[r] < 0 || picked[r] >= rows_) throw std::out_of_range("select_rows: no row " + std::to_string(picked[r]));
        const auto from = key_rows_.begin() + picked[r] * key_rows_stride_;
        std::copy(from, from + cached_length_, key_rows.begin() + r * key_rows_stride_);
        rows_moved_ = rows_moved_ || (cached_length_ > 0 && picked[r] != r);
    }
    key_rows_ = std::move(key_rows);
    rows_ = rows.size(0);
    if (hidden_.defined()) hidden_ = hidden_.index_select(0, index);
    if (!encoder_index.defined()) return;
    encoder_.states = encoder_.states.index_select(0, encoder_index);
    encoder_.padding = encoder_.padding.index_select(0, encoder_index);
    for (auto& cache : cache_) {
        for (auto* t : {&cache.cross_k, &cache.cross_v}) {
            if (t->defined()) *t = t->index_select(0, encoder_index);
        }
    }
}

}  // namespace mue::detail
