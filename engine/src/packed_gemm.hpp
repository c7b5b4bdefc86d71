#pragma once
// Inference matrix products on weights packed once, at load, into panels that the kernel reads
// front to back. OpenBLAS packs the whole weight matrix on every call, which for a decoding step's
// few rows costs more than the product itself (perf: 17 % of a caption run in sgemm_itcopy); at
// an encoder layer's 84 rows and beyond, up to batch 32, LibTorch's linear on one thread still
// took 1.06-1.57x this kernel's time on the model's shapes (docs/benchmarks.md, "Overheads removed").
// Each output row is summed in the same order however many rows a call has, so a batch gives the
// same values as its items one by one. Plain types, no torch.

#include <cstdint>

namespace mue::detail {

// Whether this CPU can run packed_gemm (x86-64 with AVX2 and FMA); checked once.
[[nodiscard]] bool packed_gemm_supported();

// Floats that the panels of an [in, out] weight matrix take (out rounded up to whole panels).
[[nodiscard]] std::int64_t packed_panels_size(std::int64_t in, std::int64_t out);
// Copies w [in, out] (element [k][n] at w[k * row_stride + n * column_stride]) into panels of
// packed_panels_size(in, out) floats.
void pack_panels(const float* w, std::int64_t in, std::int64_t out, std::int64_t row_stride,
                 std::int64_t column_stride, float* panels);

// pack_panels for a w whose column n is the `in` contiguous floats at columns[n], and for one whose
// row k is the `out` contiguous floats at rows[k] (an attention head's keys and values, which
// need not be evenly spaced).
void pack_panel_columns(const float* const* columns, std::int64_t in, std::int64_t out, float* panels);
void pack_panel_rows(const float* const* rows, std::int64_t in, std::int64_t out, float* panels);

// y[r][n] = bias[n] + sum_k x[r][k] * w[k][n] for x [rows, in] and y [rows, out], contiguous and
// row-major, with w packed by pack_panels; bias may be null. Callers check
// packed_gemm_supported().
void packed_gemm(const float* x, std::int64_t rows, std::int64_t in, const float* panels, std::int64_t out,
                 const float* bias, float* y);
// The same with row r of x at x + r * x_stride and of y at y + r * y_stride.
void packed_gemm(const float* x, std::int64_t x_stride, std::int64_t rows, std::int64_t in, const float* panels,
                 std::int64_t out, const float* bias, float* y, std::int64_t y_stride);

// An image of `batch` x `channels` x `height` x `width` floats; element (b, c, y, x) at
// data[b * batch_stride + c * channel_stride + y * row_stride + x * column_stride], so that both
// channels-first and channels-last layouts can be read.
struct StridedImage {
    const float* data = nullptr;
    std::int64_t batch = 0, channels = 0, height = 0, width = 0;
    std::int64_t batch_stride = 0, channel_stride = 0, row_stride = 0, column_stride = 0;
};

// Output rows (or columns) of a convolution with this kernel, stride and padding.
[[nodiscard]] std::int64_t convolution_output_size(std::int64_t size, std::int64_t kernel, std::int64_t stride,
                                                   std::int64_t padding);

// Writes, for every output pixel (b, y, x) of a kernel x kernel convolution, in that order, one row
// of its receptive field in (ky, kx, c) order, zero outside the image: a convolution becomes one
// packed_gemm with the weights [out, ky, kx, c] as rows. patches holds batch x output pixels x
// kernel^2 x channels floats.
void gather_patches(const StridedImage& image, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                    float* patches);

}  // namespace mue::detail
