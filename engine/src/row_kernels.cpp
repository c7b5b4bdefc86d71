#include "row_kernels.hpp"

#include <array>
#include <cmath>

#include "packed_gemm.hpp"
#include "vector_math.hpp"

#ifdef MUE_VECTOR_MATH_AVX2
#define MUE_ROW_KERNELS_AVX2 1
#endif

namespace mue::detail {
namespace {

constexpr std::int64_t kLanes = 8;

// Partial sums per lane keep the additions independent.
void layer_norm_plain(const float* x, std::int64_t rows, std::int64_t width, const float* weight, const float* bias,
                      float* y) {
    const auto sum_lanes = [&](const auto& term) {
        std::array<float, kLanes> partial{};
        std::int64_t i = 0;
        for (; i + kLanes <= width; i += kLanes) {
            for (std::int64_t j = 0; j < kLanes; ++j) partial[static_cast<std::size_t>(j)] += term(i + j);
        }
        float total = 0;
        for (; i < width; ++i) total += term(i);
        for (const float p : partial) total += p;
        return total;
    };
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* in = x + r * width;
        float* out = y + r * width;
        const float mean = sum_lanes([&](std::int64_t i) { return in[i]; }) / static_cast<float>(width);
        const float variance = sum_lanes([&](std::int64_t i) {
                                   const float d = in[i] - mean;
                                   return d * d;
                               }) /
                               static_cast<float>(width);
        const float inverse = 1.0F / std::sqrt(variance + static_cast<float>(kLayerNormEps));
        for (std::int64_t i = 0; i < width; ++i) {
            out[i] = (in[i] - mean) * inverse * weight[i] + (bias != nullptr ? bias[i] : 0.0F);
        }
    }
}

float gelu(float x) {
    constexpr float kHalfSqrt2 = 0.70710678F;  // 1 / sqrt(2)
    return 0.5F * x * (1.0F + std::erf(x * kHalfSqrt2));
}

#ifdef MUE_ROW_KERNELS_AVX2
__attribute__((target("avx2,fma"))) __m256 gelu_avx2(__m256 x) {
    const __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(0.70710678F));
    const __m256 sign = _mm256_and_ps(z, _mm256_set1_ps(-0.0F));
    const __m256 a = _mm256_xor_ps(z, sign);  // |z|
    // erf(a) = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-a^2), t = 1 / (1 + p a)
    const __m256 one = _mm256_set1_ps(1.0F);
    const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911F), a, one));
    __m256 poly = _mm256_set1_ps(1.061405429F);
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-1.453152027F));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(1.421413741F));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-0.284496736F));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(0.254829592F));
    poly = _mm256_mul_ps(poly, t);
    const __m256 decay = exp_avx2(_mm256_xor_ps(_mm256_mul_ps(a, a), _mm256_set1_ps(-0.0F)));
    const __m256 erf = _mm256_or_ps(_mm256_fnmadd_ps(poly, decay, one), sign);
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5F), x), _mm256_add_ps(one, erf));
}

__attribute__((target("avx2,fma"))) void gelu_avx2(float* x, std::int64_t count) {
    for (std::int64_t i = 0; i + kLanes <= count; i += kLanes) {
        _mm256_storeu_ps(x + i, gelu_avx2(_mm256_loadu_ps(x + i)));
    }
}

// The (x[i] - shift) of one vector added, or squared and added, to sum.
template <bool Squared>
__attribute__((target("avx2,fma"))) __m256 accumulate(__m256 sum, const float* x, __m256 shift) {
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x), shift);
    return Squared ? _mm256_fmadd_ps(d, d, sum) : _mm256_add_ps(sum, d);
}

// The sum of (x[i] - shift) or, Squared, of (x[i] - shift)^2 over n floats, n a multiple of 8, in
// four independent running sums.
template <bool Squared>
__attribute__((target("avx2,fma"))) float shifted_sum_avx2(const float* x, std::int64_t n, float shift) {
    constexpr std::int64_t kChains = 4;
    const __m256 shift_v = _mm256_set1_ps(shift);
    __m256 sums[kChains];  // not std::array, which drops __m256's alignment attribute
    for (auto& sum : sums) sum = _mm256_setzero_ps();
    std::int64_t i = 0;
    for (; i + kChains * kLanes <= n; i += kChains * kLanes) {
        _Pragma("GCC unroll 4") for (std::int64_t c = 0; c < kChains; ++c) {
            sums[c] = accumulate<Squared>(sums[c], x + i + c * kLanes, shift_v);
        }
    }
    for (; i < n; i += kLanes) sums[0] = accumulate<Squared>(sums[0], x + i, shift_v);
    return sum_avx2(_mm256_add_ps(_mm256_add_ps(sums[0], sums[1]), _mm256_add_ps(sums[2], sums[3])));
}

// layer_norm_plain for width a multiple of 8.
__attribute__((target("avx2,fma"))) void layer_norm_avx2(const float* x, std::int64_t rows, std::int64_t width,
                                                         const float* weight, const float* bias, float* y) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* in = x + r * width;
        float* out = y + r * width;
        const float mean = shifted_sum_avx2<false>(in, width, /*shift=*/0.0F) / static_cast<float>(width);
        const float variance = shifted_sum_avx2<true>(in, width, mean) / static_cast<float>(width);
        const __m256 mean_v = _mm256_set1_ps(mean);
        const __m256 inverse = _mm256_set1_ps(1.0F / std::sqrt(variance + static_cast<float>(kLayerNormEps)));
        for (std::int64_t i = 0; i < width; i += kLanes) {
            const __m256 normed = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(in + i), mean_v), inverse);
            const __m256 shift = bias != nullptr ? _mm256_loadu_ps(bias + i) : _mm256_setzero_ps();
            _mm256_storeu_ps(out + i, _mm256_fmadd_ps(normed, _mm256_loadu_ps(weight + i), shift));
        }
    }
}
#endif

}  // namespace

bool layer_norm_vectorised(std::int64_t width) {
#ifdef MUE_ROW_KERNELS_AVX2
    return width % kLanes == 0 && packed_gemm_supported();  // the same CPU check
#else
    (void)width;
    return false;
#endif
}

void layer_norm_rows(const float* x, std::int64_t rows, std::int64_t width, const float* weight, const float* bias,
                     float* y) {
#ifdef MUE_ROW_KERNELS_AVX2
    if (layer_norm_vectorised(width)) {
        layer_norm_avx2(x, rows, width, weight, bias, y);
        return;
    }
#endif
    layer_norm_plain(x, rows, width, weight, bias, y);
}

void gelu_in_place(float* x, std::int64_t count) {
    std::int64_t i = 0;
#ifdef MUE_ROW_KERNELS_AVX2
    if (packed_gemm_supported()) {
        gelu_avx2(x, count);
        i = count / kLanes * kLanes;
    }
#endif
    for (; i < count; ++i) x[i] = gelu(x[i]);
}

}  // namespace mue::detail
