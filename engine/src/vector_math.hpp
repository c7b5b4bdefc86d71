#pragma once
// Functions of 8 floats at once for the hand-vectorised loops (AVX2 + FMA, x86-64 with GCC or
// Clang only; MUE_VECTOR_MATH_AVX2 says whether they exist). Callers check packed_gemm_supported()
// before running them.

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <array>
#define MUE_VECTOR_MATH_AVX2 1

namespace mue::detail {

// Below this exp(x) is taken as 0 (it is under 1.7e-38; a softmax's largest term is 1), and
// 2^n stays a normal float.
inline constexpr float kExpFloor = -87.0F;

// exp(x) for x <= 0, and 0 for -inf: x = n ln2 + r with |r| <= ln2 / 2, exp(r) by Cephes' degree-5
// polynomial, 2^n written into the exponent bits. Within 2 ulp of std::exp.
__attribute__((target("avx2,fma"))) inline __m256 exp_avx2(__m256 x) {
    const __m256 kept = _mm256_cmp_ps(x, _mm256_set1_ps(kExpFloor), _CMP_GE_OQ);
    x = _mm256_max_ps(x, _mm256_set1_ps(kExpFloor));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504F)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // ln 2 in two parts, so that n * ln2_high is exact.
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375F), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4F), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4F);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3F));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3F));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2F));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1F));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1F));
    const __m256 y = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(r, r), p, r), _mm256_set1_ps(1.0F));
    constexpr int kMantissaBits = 23;
    constexpr int kExponentBias = 127;
    const __m256i two_to_n = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(kExponentBias)), kMantissaBits);
    return _mm256_and_ps(_mm256_mul_ps(y, _mm256_castsi256_ps(two_to_n)), kept);
}

// The sum of v's eight floats, added in lane order.
__attribute__((target("avx2,fma"))) inline float sum_avx2(__m256 v) {
    alignas(32) std::array<float, 8> lanes{};
    _mm256_store_ps(lanes.data(), v);
    float total = 0;
    for (const float lane : lanes) total += lane;
    return total;
}

}  // namespace mue::detail

#endif
