#pragma once
// Analytic FLOP counts (one multiply-add = 2 FLOPs) of the transformer's parts, for the trace's
// per-layer costs and FLOP-based savings. Softmax, norms and activations are left out: they are
// small next to the matrix products at every size the engine runs.

#include "mue/model_config.hpp"

namespace mue::detail::flops {

// Self-attention (q, k, v, out projections; scores; weighted sum) and FFN over n tokens.
[[nodiscard]] inline double encoder_layer(double n, const ArchitectureConfig& a) {
    const double d = a.d_model;
    return 2.0 * (4.0 * n * d * d + 2.0 * n * n * d + 2.0 * n * d * a.ffn_dim);
}

// One decoder layer for t new tokens over s_self cached keys and s_enc encoder states (the cross
// keys/values are counted separately, once per layer).
[[nodiscard]] inline double decoder_layer(double t, double s_self, double s_enc, const ArchitectureConfig& a) {
    const double d = a.d_model;
    return 2.0 * (4.0 * t * d * d + 2.0 * t * s_self * d + 2.0 * t * d * d + 2.0 * t * s_enc * d + 2.0 * t * d * a.ffn_dim);
}

[[nodiscard]] inline double cross_kv(double s_enc, const ArchitectureConfig& a) {
    return 2.0 * 2.0 * s_enc * a.d_model * a.d_model;
}

// Keys and values alone for t tokens: what Propagate adds for each skipped layer.
[[nodiscard]] inline double self_kv(double t, const ArchitectureConfig& a) { return 2.0 * 2.0 * t * a.d_model * a.d_model; }

[[nodiscard]] inline double output_head(double t, const ArchitectureConfig& a) {
    return 2.0 * t * a.d_model * a.vocab_size;
}

// 2 * output cells * out * in * k * k for a square convolution.
[[nodiscard]] inline double conv(double out_side, double out_channels, double in_channels, double kernel) {
    return 2.0 * out_side * out_side * out_channels * in_channels * kernel * kernel;
}

// OFA's ResNet stages 1-3 (batch norms, ReLUs, the max pool and the residual adds left out).
[[nodiscard]] inline double resnet_stem(const ModelConfig& c) {
    constexpr double kStemChannels = 64;
    constexpr double kExpansion = 4;
    double side = c.image.size / 2.0;
    double total = conv(side, kStemChannels, /*in_channels=*/3, /*kernel=*/7);
    side /= 2;  // max pool
    double in_channels = kStemChannels;
    for (int stage = 0; stage < kResNetStages; ++stage) {
        const double width = kStemChannels * (1 << stage);
        for (int b = 0; b < c.arch.resnet.blocks[static_cast<std::size_t>(stage)]; ++b) {
            const double in_side = side;
            if (b == 0 && stage > 0) side /= 2;  // the first block's 3x3 conv carries the stride
            total += conv(in_side, width, in_channels, 1) + conv(side, width, width, 3) +
                     conv(side, width * kExpansion, width, 1);
            if (b == 0) total += conv(side, width * kExpansion, in_channels, 1);
            in_channels = width * kExpansion;
        }
    }
    return total + 2.0 * side * side * in_channels * c.arch.d_model;  // image_proj
}

[[nodiscard]] inline double image_stem(const ModelConfig& c) {
    if (c.arch.image_stem == ImageStemType::ResNet) return resnet_stem(c);
    double total = 0;
    double side = c.image.size;
    double in_channels = 3;
    const double k = c.arch.conv_stem.kernel_size;
    for (const int out_channels : c.arch.conv_stem.channels) {
        side /= 2;
        total += 2.0 * side * side * out_channels * in_channels * k * k;
        in_channels = out_channels;
    }
    return total + 2.0 * side * side * in_channels * c.arch.d_model;  // image_proj
}

}  // namespace mue::detail::flops
