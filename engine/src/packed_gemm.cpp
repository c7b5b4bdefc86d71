#include "packed_gemm.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MUE_PACKED_GEMM 1
#endif

namespace mue::detail {
namespace {

// A panel is 16 columns: two vectors of 8 floats. A block of up to 6 rows keeps its 12 running
// sums in registers, so every panel row loaded serves all rows of the block.
constexpr std::int64_t kLanes = 8;
constexpr std::int64_t kPanelColumns = 2 * kLanes;
constexpr int kBlockRows = 6;

std::int64_t panel_count(std::int64_t out) { return (out + kPanelColumns - 1) / kPanelColumns; }

#ifdef MUE_PACKED_GEMM
// y[r][0..15] of one panel for Rows rows; bias points at the panel's 16 columns or is null.
template <int Rows>
__attribute__((target("avx2,fma"))) void panel_block(const float* x, std::int64_t x_stride, std::int64_t in,
                                                     const float* panel, const float* bias, float* y,
                                                     std::int64_t y_stride) {
    __m256 sums[Rows][2];  // not std::array, which drops __m256's alignment attribute
    const __m256 bias_low = bias != nullptr ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    const __m256 bias_high = bias != nullptr ? _mm256_loadu_ps(bias + kLanes) : _mm256_setzero_ps();
    // Unrolled so that the sums stay in registers; as a loop GCC keeps them in memory.
    _Pragma("GCC unroll 8") for (int r = 0; r < Rows; ++r) {
        sums[r][0] = bias_low;
        sums[r][1] = bias_high;
    }
    for (std::int64_t k = 0; k < in; ++k, panel += kPanelColumns) {
        const __m256 w_low = _mm256_loadu_ps(panel);
        const __m256 w_high = _mm256_loadu_ps(panel + kLanes);
        _Pragma("GCC unroll 8") for (int r = 0; r < Rows; ++r) {
            const __m256 xv = _mm256_broadcast_ss(x + r * x_stride + k);
            sums[r][0] = _mm256_fmadd_ps(xv, w_low, sums[r][0]);
            sums[r][1] = _mm256_fmadd_ps(xv, w_high, sums[r][1]);
        }
    }
    _Pragma("GCC unroll 8") for (int r = 0; r < Rows; ++r) {
        _mm256_storeu_ps(y + r * y_stride, sums[r][0]);
        _mm256_storeu_ps(y + r * y_stride + kLanes, sums[r][1]);
    }
}

template <int Rows>
__attribute__((target("avx2,fma"))) void row_block(const float* x, std::int64_t x_stride, std::int64_t in,
                                                   const float* panels, std::int64_t out, const float* bias, float* y,
                                                   std::int64_t y_stride) {
    const std::int64_t full_panels = out / kPanelColumns;
    for (std::int64_t p = 0; p < full_panels; ++p) {
        const std::int64_t column = p * kPanelColumns;
        panel_block<Rows>(x, x_stride, in, panels + p * in * kPanelColumns, bias != nullptr ? bias + column : nullptr,
                          y + column, y_stride);
    }
    const std::int64_t column = full_panels * kPanelColumns;
    const std::int64_t rest = out - column;
    if (rest == 0) return;
    // The last panel is zero-padded to 16 columns: compute all 16, keep `rest`.
    std::array<float, kPanelColumns> padded_bias{};
    if (bias != nullptr) std::copy(bias + column, bias + out, padded_bias.begin());
    std::array<float, Rows * kPanelColumns> block{};
    panel_block<Rows>(x, x_stride, in, panels + full_panels * in * kPanelColumns, padded_bias.data(), block.data(),
                      kPanelColumns);
    for (int r = 0; r < Rows; ++r) {
        std::copy(block.begin() + r * kPanelColumns, block.begin() + r * kPanelColumns + rest,
                  y + r * y_stride + column);
    }
}

// pack_panel_columns for in a multiple of 8: each 8 x 8 tile of columns is transposed in registers.
__attribute__((target("avx2,fma"))) void pack_panel_columns_avx2(const float* const* columns, std::int64_t in,
                                                                 std::int64_t out, float* panels) {
    for (std::int64_t p = 0; p < panel_count(out); ++p) {
        for (std::int64_t half = 0; half < kPanelColumns / kLanes; ++half) {
            const std::int64_t first = p * kPanelColumns + half * kLanes;
            for (std::int64_t k = 0; k < in; k += kLanes) {
                __m256 tile[kLanes];  // tile[j] = column first + j, floats k .. k + 7
                for (std::int64_t j = 0; j < kLanes; ++j) {
                    tile[j] = first + j < out ? _mm256_loadu_ps(columns[first + j] + k) : _mm256_setzero_ps();
                }
                // Transpose: interleave pairs, then quadruples, then swap 128-bit halves.
                const __m256 a0 = _mm256_unpacklo_ps(tile[0], tile[1]);
                const __m256 a1 = _mm256_unpackhi_ps(tile[0], tile[1]);
                const __m256 a2 = _mm256_unpacklo_ps(tile[2], tile[3]);
                const __m256 a3 = _mm256_unpackhi_ps(tile[2], tile[3]);
                const __m256 a4 = _mm256_unpacklo_ps(tile[4], tile[5]);
                const __m256 a5 = _mm256_unpackhi_ps(tile[4], tile[5]);
                const __m256 a6 = _mm256_unpacklo_ps(tile[6], tile[7]);
                const __m256 a7 = _mm256_unpackhi_ps(tile[6], tile[7]);
                const __m256 b0 = _mm256_shuffle_ps(a0, a2, 0x44);
                const __m256 b1 = _mm256_shuffle_ps(a0, a2, 0xEE);
                const __m256 b2 = _mm256_shuffle_ps(a1, a3, 0x44);
                const __m256 b3 = _mm256_shuffle_ps(a1, a3, 0xEE);
                const __m256 b4 = _mm256_shuffle_ps(a4, a6, 0x44);
                const __m256 b5 = _mm256_shuffle_ps(a4, a6, 0xEE);
                const __m256 b6 = _mm256_shuffle_ps(a5, a7, 0x44);
                const __m256 b7 = _mm256_shuffle_ps(a5, a7, 0xEE);
                const __m256 rows[kLanes] = {
                    _mm256_permute2f128_ps(b0, b4, 0x20), _mm256_permute2f128_ps(b1, b5, 0x20),
                    _mm256_permute2f128_ps(b2, b6, 0x20), _mm256_permute2f128_ps(b3, b7, 0x20),
                    _mm256_permute2f128_ps(b0, b4, 0x31), _mm256_permute2f128_ps(b1, b5, 0x31),
                    _mm256_permute2f128_ps(b2, b6, 0x31), _mm256_permute2f128_ps(b3, b7, 0x31)};
                float* dst = panels + (p * in + k) * kPanelColumns + half * kLanes;
                for (std::int64_t r = 0; r < kLanes; ++r) _mm256_storeu_ps(dst + r * kPanelColumns, rows[r]);
            }
        }
    }
}

// pack_panel_rows for out a multiple of 8, a vector at a time (for 16 floats a call to memmove
// costs more than the copy).
__attribute__((target("avx2,fma"))) void pack_panel_rows_avx2(const float* const* rows, std::int64_t in,
                                                              std::int64_t out, float* panels) {
    for (std::int64_t p = 0; p < panel_count(out); ++p) {
        const std::int64_t first = p * kPanelColumns;
        const bool full = first + kPanelColumns <= out;
        for (std::int64_t k = 0; k < in; ++k) {
            float* dst = panels + (p * in + k) * kPanelColumns;
            _mm256_storeu_ps(dst, _mm256_loadu_ps(rows[k] + first));
            _mm256_storeu_ps(dst + kLanes, full ? _mm256_loadu_ps(rows[k] + first + kLanes) : _mm256_setzero_ps());
        }
    }
}
#endif

}  // namespace

std::int64_t packed_panels_size(std::int64_t in, std::int64_t out) { return panel_count(out) * kPanelColumns * in; }

void pack_panels(const float* w, std::int64_t in, std::int64_t out, std::int64_t row_stride,
                 std::int64_t column_stride, float* panels) {
    for (std::int64_t p = 0; p < panel_count(out); ++p) {
        for (std::int64_t k = 0; k < in; ++k) {
            float* dst = panels + (p * in + k) * kPanelColumns;
            for (std::int64_t c = 0; c < kPanelColumns; ++c) {
                const std::int64_t n = p * kPanelColumns + c;
                dst[c] = n < out ? w[k * row_stride + n * column_stride] : 0.0F;
            }
        }
    }
}

void pack_panel_columns(const float* const* columns, std::int64_t in, std::int64_t out, float* panels) {
#ifdef MUE_PACKED_GEMM
    if (packed_gemm_supported() && in % kLanes == 0) {
        pack_panel_columns_avx2(columns, in, out, panels);
        return;
    }
#endif
    for (std::int64_t p = 0; p < panel_count(out); ++p) {
        for (std::int64_t c = 0; c < kPanelColumns; ++c) {
            const std::int64_t n = p * kPanelColumns + c;
            float* dst = panels + p * in * kPanelColumns + c;
            if (n >= out) {
                for (std::int64_t k = 0; k < in; ++k) dst[k * kPanelColumns] = 0.0F;
                continue;
            }
            const float* column = columns[n];
            for (std::int64_t k = 0; k < in; ++k) dst[k * kPanelColumns] = column[k];
        }
    }
}

void pack_panel_rows(const float* const* rows, std::int64_t in, std::int64_t out, float* panels) {
#ifdef MUE_PACKED_GEMM
    if (packed_gemm_supported() && out % kLanes == 0) {
        pack_panel_rows_avx2(rows, in, out, panels);
        return;
    }
#endif
    for (std::int64_t p = 0; p < panel_count(out); ++p) {
        const std::int64_t first = p * kPanelColumns;
        const std::int64_t width = std::min(kPanelColumns, out - first);
        for (std::int64_t k = 0; k < in; ++k) {
            float* dst = panels + (p * in + k) * kPanelColumns;
            std::copy(rows[k] + first, rows[k] + first + width, dst);
            std::fill(dst + width, dst + kPanelColumns, 0.0F);
        }
    }
}

std::int64_t convolution_output_size(std::int64_t size, std::int64_t kernel, std::int64_t stride,
                                     std::int64_t padding) {
    return (size + 2 * padding - kernel) / stride + 1;
}

void gather_patches(const StridedImage& image, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                    float* patches) {
    const std::int64_t out_height = convolution_output_size(image.height, kernel, stride, padding);
    const std::int64_t out_width = convolution_output_size(image.width, kernel, stride, padding);
    for (std::int64_t b = 0; b < image.batch; ++b) {
        const float* picture = image.data + b * image.batch_stride;
        for (std::int64_t oy = 0; oy < out_height; ++oy) {
            for (std::int64_t ox = 0; ox < out_width; ++ox) {
                for (std::int64_t ky = 0; ky < kernel; ++ky) {
                    const std::int64_t y = oy * stride + ky - padding;
                    for (std::int64_t kx = 0; kx < kernel; ++kx, patches += image.channels) {
                        const std::int64_t x = ox * stride + kx - padding;
                        if (y < 0 || y >= image.height || x < 0 || x >= image.width) {
                            std::fill(patches, patches + image.channels, 0.0F);
                            continue;
                        }
                        const float* pixel = picture + y * image.row_stride + x * image.column_stride;
                        for (std::int64_t c = 0; c < image.channels; ++c) patches[c] = pixel[c * image.channel_stride];
                    }
                }
            }
        }
    }
}

#ifdef MUE_PACKED_GEMM

bool packed_gemm_supported() {
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return supported;
}

void packed_gemm(const float* x, std::int64_t x_stride, std::int64_t rows, std::int64_t in, const float* panels,
                 std::int64_t out, const float* bias, float* y, std::int64_t y_stride) {
    if (!packed_gemm_supported()) throw std::logic_error("packed_gemm needs AVX2 and FMA");
    for (std::int64_t first = 0; first < rows; first += kBlockRows) {
        const float* xb = x + first * x_stride;
        float* yb = y + first * y_stride;
        switch (std::min<std::int64_t>(kBlockRows, rows - first)) {
            case 1: row_block<1>(xb, x_stride, in, panels, out, bias, yb, y_stride); break;
            case 2: row_block<2>(xb, x_stride, in, panels, out, bias, yb, y_stride); break;
            case 3: row_block<3>(xb, x_stride, in, panels, out, bias, yb, y_stride); break;
            case 4: row_block<4>(xb, x_stride, in, panels, out, bias, yb, y_stride); break;
            case 5: row_block<5>(xb, x_stride, in, panels, out, bias, yb, y_stride); break;
            default: row_block<kBlockRows>(xb, x_stride, in, panels, out, bias, yb, y_stride); break;
        }
    }
}

void packed_gemm(const float* x, std::int64_t rows, std::int64_t in, const float* panels, std::int64_t out,
                 const float* bias, float* y) {
    packed_gemm(x, /*x_stride=*/in, rows, in, panels, out, bias, y, /*y_stride=*/out);
}

#else

bool packed_gemm_supported() { return false; }

void packed_gemm(const float*, std::int64_t, std::int64_t, std::int64_t, const float*, std::int64_t, const float*,
                 float*, std::int64_t) {
    throw std::logic_error("packed_gemm is not built for this CPU");
}

void packed_gemm(const float*, std::int64_t, std::int64_t, const float*, std::int64_t, const float*, float*) {
    throw std::logic_error("packed_gemm is not built for this CPU");
}

#endif

}  // namespace mue::detail
