#pragma once
// Per-row loops of inference that LibTorch runs at a fixed cost of a few microseconds per call,
// more than the arithmetic at this model's sizes: layer norms (8 % of an entailment run, perf)
// and GELU (3 %).
// Plain types, no torch.

#include <cstdint>

namespace mue::detail {

// The epsilon of every OFA layer norm.
inline constexpr double kLayerNormEps = 1e-5;

// Layer norm of `rows` contiguous rows of `width` floats, as torch::layer_norm computes it
// (biased variance, kLayerNormEps); bias may be null.
void layer_norm_rows(const float* x, std::int64_t rows, std::int64_t width, const float* weight, const float* bias,
                     float* y);

// Whether layer_norm_rows runs vectorised for this width (AVX2 and FMA, a multiple of 8 floats):
// then it beats LibTorch's layer norm at any number of rows.
[[nodiscard]] bool layer_norm_vectorised(std::int64_t width);

// x = GELU(x), the exact one (with erf), for `count` floats in place. Vectorised, erf is
// Abramowitz and Stegun's 7.1.26 (absolute error under 1.5e-7), as LibTorch's vectorised GELU.
void gelu_in_place(float* x, std::int64_t count);

}  // namespace mue::detail
