#pragma once
// The model's named parameters. Names follow OFA's fairseq state dict so converted checkpoints
// load unchanged; the tied embedding is stored once, as encoder.embed_tokens.weight.

#include "mue/model_config.hpp"
#include "mue/safetensors.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mue::detail {

struct ParameterSpec {
    std::string name;
    std::vector<std::int64_t> shape;
};

// OFA's ResNet stem: 64 channels after the 7x7 conv, bottleneck stage widths 64 / 128 / 256 with
// 4x expansion (256 / 512 / 1024 channels out).
inline constexpr std::int64_t kResNetStemChannels = 64;
inline constexpr std::int64_t kBottleneckExpansion = 4;
[[nodiscard]] inline std::int64_t resnet_stage_width(int stage) { return kResNetStemChannels << stage; }

// The ResNet stem's tensors (encoder.embed_images.*), in the order parameter_specs lists them.
[[nodiscard]] std::vector<ParameterSpec> resnet_stem_specs(const ResNetStemConfig& resnet);

// Every tensor a model with this config has, in a stable order.
[[nodiscard]] std::vector<ParameterSpec> parameter_specs(const ModelConfig& config);

class Weights {
public:
    // fp32 tensors read from the file; every expected tensor must be present with its exact shape,
    // no unexpected tensor may be present, and no value may be NaN or infinite.
    [[nodiscard]] static Weights load(const SafetensorsFile& file, const ModelConfig& config);
    // Seeded random initialisation (normal(0, 0.02) matrices, unit norms, zero biases).
    [[nodiscard]] static Weights random(const ModelConfig& config, std::uint64_t seed);

    [[nodiscard]] const torch::Tensor& get(const std::string& name) const;
    [[nodiscard]] const std::map<std::string, torch::Tensor>& all() const { return tensors_; }
    [[nodiscard]] std::int64_t parameter_count() const;
    // Replaces a tensor by the same values in another memory layout (same shape).
    void replace_layout(const std::string& name, torch::Tensor tensor);
    void save(const std::filesystem::path& path, const std::map<std::string, std::string>& metadata) const;

private:
    std::map<std::string, torch::Tensor> tensors_;
};

}  // namespace mue::detail
