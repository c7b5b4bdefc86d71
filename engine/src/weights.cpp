#include "weights.hpp"

#include "mue/errors.hpp"

#include <cstring>

namespace mue::detail {
namespace {

constexpr double kInitStd = 0.02;  // OFA / BART initialisation of linear and embedding weights

bool ends_with(const std::string& name, const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ResNet batch norms: "bn1".."bn3" and the downsample branch's ".downsample.1".
bool is_batch_norm(const std::string& name) {
    return name.find("embed_images.") != std::string::npos &&
           (name.find(".bn") != std::string::npos || name.find(".downsample.1.") != std::string::npos);
}

void add_linear(std::vector<ParameterSpec>& specs, const std::string& prefix, std::int64_t out, std::int64_t in) {
    specs.push_back({prefix + ".weight", {out, in}});
    specs.push_back({prefix + ".bias", {out}});
}

void add_norm(std::vector<ParameterSpec>& specs, const std::string& prefix, std::int64_t dim) {
    specs.push_back({prefix + ".weight", {dim}});
    specs.push_back({prefix + ".bias", {dim}});
}

void add_attention(std::vector<ParameterSpec>& specs, const std::string& prefix, const ArchitectureConfig& a) {
    for (const char* proj : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
        add_linear(specs, prefix + "." + proj, a.d_model, a.d_model);
    }
    if (a.scale_heads) specs.push_back({prefix + ".c_attn", {a.attention_heads}});
}

void add_ffn(std::vector<ParameterSpec>& specs, const std::string& prefix, const ArchitectureConfig& a) {
    add_norm(specs, prefix + ".final_layer_norm", a.d_model);
    add_linear(specs, prefix + ".fc1", a.ffn_dim, a.d_model);
    add_linear(specs, prefix + ".fc2", a.d_model, a.ffn_dim);
    if (a.scale_fc) add_norm(specs, prefix + ".ffn_layernorm", a.ffn_dim);
}

void add_batch_norm(std::vector<ParameterSpec>& specs, const std::string& prefix, std::int64_t channels) {
    for (const char* part : {".weight", ".bias", ".running_mean", ".running_var"}) {
        specs.push_back({prefix + part, {channels}});
    }
}

void add_conv(std::vector<ParameterSpec>& specs, const std::string& name, std::int64_t out, std::int64_t in,
              std::int64_t kernel) {
    specs.push_back({name + ".weight", {out, in, kernel, kernel}});  // OFA's ResNet convs have no bias
}

}  // namespace

std::vector<ParameterSpec> resnet_stem_specs(const ResNetStemConfig& resnet) {
    std::vector<ParameterSpec> s;
    const std::string root = "encoder.embed_images.";
    add_conv(s, root + "conv1", kResNetStemChannels, /*in=*/3, /*kernel=*/7);
    add_batch_norm(s, root + "bn1", kResNetStemChannels);
    std::int64_t in_ch = kResNetStemChannels;
    for (int stage = 0; stage < kResNetStages; ++stage) {
        const std::int64_t width = resnet_stage_width(stage);
        const std::int64_t out_ch = width * kBottleneckExpansion;
        for (int b = 0; b < resnet.blocks[static_cast<std::size_t>(stage)]; ++b) {
            const std::string p = root + "layer" + std::to_string(stage + 1) + "." + std::to_string(b);
            add_conv(s, p + ".conv1", width, in_ch, /*kernel=*/1);
            add_batch_norm(s, p + ".bn1", width);
            add_conv(s, p + ".conv2", width, width, /*kernel=*/3);
            add_batch_norm(s, p + ".bn2", width);
            add_conv(s, p + ".conv3", out_ch, width, /*kernel=*/1);
            add_batch_norm(s, p + ".bn3", out_ch);
            if (b == 0) {  // every stage's first block changes the width (and stage 2, 3 the stride)
                add_conv(s, p + ".downsample.0", out_ch, in_ch, /*kernel=*/1);
                add_batch_norm(s, p + ".downsample.1", out_ch);
            }
            in_ch = out_ch;
        }
    }
    return s;
}

std::vector<ParameterSpec> parameter_specs(const ModelConfig& config) {
    const auto& a = config.arch;
    const std::int64_t d = a.d_model;
    std::vector<ParameterSpec> s;

    s.push_back({"encoder.embed_tokens.weight", {a.vocab_size, d}});
    s.push_back({"encoder.type_embedding.weight", {a.type_vocab_size, d}});
    if (a.layernorm_embedding) add_norm(s, "encoder.layernorm_embedding", d);
    if (a.patch_layernorm_embedding) add_norm(s, "encoder.patch_layernorm_embedding", d);
    if (a.image_stem == ImageStemType::ResNet) {
        const auto stem = resnet_stem_specs(a.resnet);
        s.insert(s.end(), stem.begin(), stem.end());
    } else {
        std::int64_t in_ch = 3;
        for (std::size_t i = 0; i < a.conv_stem.channels.size(); ++i) {
            const std::int64_t out_ch = a.conv_stem.channels[i];
            const std::string p = "encoder.embed_images.convs." + std::to_string(i);
            s.push_back({p + ".weight", {out_ch, in_ch, a.conv_stem.kernel_size, a.conv_stem.kernel_size}});
            s.push_back({p + ".bias", {out_ch}});
            in_ch = out_ch;
        }
    }
    add_linear(s, "encoder.image_proj", d, a.image_feature_channels());
    s.push_back({"encoder.embed_positions.weight", {a.text_positions, d}});
    s.push_back({"encoder.embed_image_positions.weight", {a.image_position_rows(), d}});
    add_norm(s, "encoder.pos_ln", d);
    add_norm(s, "encoder.image_pos_ln", d);
    add_linear(s, "encoder.pos_q_linear", d, d);
    add_linear(s, "encoder.pos_k_linear", d, d);
    for (int l = 0; l < a.encoder_layers; ++l) {
        const std::string p = "encoder.layers." + std::to_string(l);
        s.push_back({"encoder.token_rel_pos_table_list." + std::to_string(l) + ".weight",
                     {a.token_rel_rows(), a.attention_heads}});
        s.push_back({"encoder.image_rel_pos_table_list." + std::to_string(l) + ".weight",
                     {a.image_rel_rows(), a.attention_heads}});
        add_norm(s, p + ".self_attn_layer_norm", d);
        add_attention(s, p + ".self_attn", a);
        if (a.scale_attn) add_norm(s, p + ".attn_ln", d);
        add_ffn(s, p, a);
    }
    if (a.normalize_before) add_norm(s, "encoder.layer_norm", d);

    if (a.layernorm_embedding) add_norm(s, "decoder.layernorm_embedding", d);
    s.push_back({"decoder.embed_positions.weight", {a.text_positions, d}});
    add_norm(s, "decoder.pos_ln", d);
    add_linear(s, "decoder.self_pos_q_linear", d, d);
    add_linear(s, "decoder.self_pos_k_linear", d, d);
    add_linear(s, "decoder.cross_pos_q_linear", d, d);
    add_linear(s, "decoder.cross_pos_k_linear", d, d);
    for (int l = 0; l < a.decoder_layers; ++l) {
        const std::string p = "decoder.layers." + std::to_string(l);
        s.push_back({"decoder.token_rel_pos_table_list." + std::to_string(l) + ".weight",
                     {a.token_rel_rows(), a.attention_heads}});
        add_norm(s, p + ".self_attn_layer_norm", d);
        add_attention(s, p + ".self_attn", a);
        if (a.scale_attn) add_norm(s, p + ".self_attn_ln", d);
        add_norm(s, p + ".encoder_attn_layer_norm", d);
        add_attention(s, p + ".encoder_attn", a);
        if (a.scale_attn) add_norm(s, p + ".cross_attn_ln", d);
        add_ffn(s, p, a);
    }
    if (a.normalize_before) add_norm(s, "decoder.layer_norm", d);
    return s;
}

Weights Weights::load(const SafetensorsFile& file, const ModelConfig& config) {
    Weights w;
    const auto specs = parameter_specs(config);
    for (const auto& spec : specs) {
        const TensorInfo& info = file.expect_shape(spec.name, spec.shape);
        std::vector<float> values = file.to_float(info);
        torch::Tensor t = torch::from_blob(values.data(), spec.shape, torch::kFloat32).clone();
        if (!torch::isfinite(t).all().item<bool>()) {
            throw InputError(file.path().string() + ": tensor '" + spec.name + "' contains NaN or infinite values");
        }
        if (ends_with(spec.name, ".running_var") && (t < 0).any().item<bool>()) {
            throw InputError(file.path().string() + ": tensor '" + spec.name +
                             "' holds a negative variance (batch norm statistics are corrupt)");
        }
        w.tensors_.emplace(spec.name, std::move(t));
    }
    if (file.tensors().size() != specs.size()) {
        for (const auto& info : file.tensors()) {
            if (w.tensors_.count(info.name) == 0) {
                throw InputError(file.path().string() + ": unexpected tensor '" + info.name +
                                 "' (not part of the architecture in config.json)");
            }
        }
    }
    return w;
}

Weights Weights::random(const ModelConfig& config, std::uint64_t seed) {
    torch::manual_seed(seed);
    Weights w;
    for (const auto& spec : parameter_specs(config)) {
        const std::string& n = spec.name;
        torch::Tensor t;
        const bool is_norm = n.find("layer_norm") != std::string::npos || n.find("layernorm") != std::string::npos ||
                             n.find("_ln.") != std::string::npos || n.find("attn_ln") != std::string::npos ||
                             is_batch_norm(n);
        if (ends_with(n, ".c_attn") || (is_norm && ends_with(n, ".weight")) || ends_with(n, ".running_var")) {
            t = torch::ones(spec.shape);
        } else if (ends_with(n, ".bias") || ends_with(n, ".running_mean")) {
            t = torch::zeros(spec.shape);
        } else if (n.find("embed_images.") != std::string::npos && spec.shape.size() == 4) {
            // He initialisation keeps activations at a useful scale through the ReLU-like stem.
            const auto fan_in = spec.shape[1] * spec.shape[2] * spec.shape[3];
            t = torch::randn(spec.shape) * std::sqrt(2.0 / static_cast<double>(fan_in));
        } else {
            t = torch::randn(spec.shape) * kInitStd;
        }
        w.tensors_.emplace(n, t.contiguous());
    }
    return w;
}

const torch::Tensor& Weights::get(const std::string& name) const {
    const auto it = tensors_.find(name);
    if (it == tensors_.end()) {
        throw std::logic_error("model weight '" + name + "' was not loaded");
    }
    return it->second;
}

std::int64_t Weights::parameter_count() const {
    std::int64_t n = 0;
    for (const auto& [name, t] : tensors_) n += t.numel();
    return n;
}

void Weights::replace_layout(const std::string& name, torch::Tensor tensor) {
    auto& slot = tensors_.at(name);
    if (!tensor.sizes().equals(slot.sizes())) throw std::logic_error("replace_layout changes the shape of " + name);
    slot = std::move(tensor);
}

void Weights::save(const std::filesystem::path& path, const std::map<std::string, std::string>& metadata) const {
    std::vector<torch::Tensor> dense;  // row-major copies where a layout differs; kept alive for the writer
    std::vector<TensorToWrite> out;
    dense.reserve(tensors_.size());
    out.reserve(tensors_.size());
    for (const auto& [name, t] : tensors_) {
        dense.push_back(t.contiguous());
        out.push_back({name, DType::F32, t.sizes().vec(), dense.back().data_ptr<float>()});
    }
    write_safetensors(path, out, metadata);
}

}  // namespace mue::detail
