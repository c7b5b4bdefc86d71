#pragma once
// Inference matrix products with few rows: a decoding step's beams, a short text stream or prompt.
// OpenBLAS packs the whole weight matrix on every call, which for a handful of rows costs more
// than the product itself (perf: 17 % of a caption run in sgemm_itcopy). Here the weights are
// packed once, at load, into panels that the kernel reads front to back (docs/benchmarks.md,
// "Overheads removed"). Plain types, no torch.

#include <cstdint>

namespace mue::detail {

// Beyond this many rows OpenBLAS's own packed kernels win.
inline constexpr std::int64_t kSmallRowsMax = 24;

// Whether this CPU can run small_rows_gemm (x86-64 with AVX2 and FMA); checked once.
[[nodiscard]] bool small_rows_gemm_supported();

// Floats that the panels of an [in, out] weight matrix take (out rounded up to whole panels).
[[nodiscard]] std::int64_t small_rows_panels_size(std::int64_t in, std::int64_t out);
// Copies w [in, out] (element [k][n] at w[k * row_stride + n * column_stride]) into panels of
// small_rows_panels_size(in, out) floats.
void pack_small_rows_panels(const float* w, std::int64_t in, std::int64_t out, std::int64_t row_stride,
                            std::int64_t column_stride, float* panels);

// y[r][n] = bias[n] + sum_k x[r][k] * w[k][n] for x [rows, in] and y [rows, out], contiguous and
// row-major, with w packed by pack_small_rows_panels; bias may be null. Callers check
// small_rows_gemm_supported().
void small_rows_gemm(const float* x, std::int64_t rows, std::int64_t in, const float* panels, std::int64_t out,
                     const float* bias, float* y);

}  // namespace mue::detail
