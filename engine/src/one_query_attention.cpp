#include "one_query_attention.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "packed_gemm.hpp"
#include "vector_math.hpp"

#ifdef MUE_VECTOR_MATH_AVX2
#define MUE_ONE_QUERY_AVX2 1
#endif

namespace mue::detail {
namespace {

constexpr float kMasked = -std::numeric_limits<float>::infinity();

// Partial sums kept apart, one per vector lane: the compiler keeps float sums in program order,
// so a single running sum would be one long chain of dependent additions.
constexpr std::int64_t kLanes = 8;

float dot(const float* x, const float* y, std::int64_t n) {
    std::array<float, kLanes> partial{};
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (std::int64_t j = 0; j < kLanes; ++j) partial[static_cast<std::size_t>(j)] += x[i + j] * y[i + j];
    }
    float sum = 0;
    for (; i < n; ++i) sum += x[i] * y[i];
    for (const float p : partial) sum += p;
    return sum;
}

// out[i] = scale * sum_s weights[s] * values[s][i] for i < n.
void weighted_sum(const float* weights, const float* const* values, std::int64_t count, std::int64_t n, float scale,
                  float* out) {
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        std::array<float, kLanes> sum{};
        for (std::int64_t s = 0; s < count; ++s) {
            const float* v = values[s] + i;
            for (std::int64_t j = 0; j < kLanes; ++j) sum[static_cast<std::size_t>(j)] += weights[s] * v[j];
        }
        for (std::int64_t j = 0; j < kLanes; ++j) out[i + j] = sum[static_cast<std::size_t>(j)] * scale;
    }
    for (; i < n; ++i) {
        float sum = 0;
        for (std::int64_t s = 0; s < count; ++s) sum += weights[s] * values[s][i];
        out[i] = sum * scale;
    }
}

#ifdef MUE_ONE_QUERY_AVX2
// The dot products of q with 8 keys at once, returned as one vector. head_dim is a multiple of 8.
__attribute__((target("avx2,fma"))) __m256 dot8(const float* q, const std::array<const float*, kLanes>& keys,
                                                std::int64_t head_dim) {
    __m256 sums[kLanes];  // not std::array, which drops __m256's alignment attribute
    for (auto& s : sums) s = _mm256_setzero_ps();
    for (std::int64_t d = 0; d < head_dim; d += kLanes) {
        const __m256 qv = _mm256_loadu_ps(q + d);
        _Pragma("GCC unroll 8") for (std::size_t j = 0; j < kLanes; ++j) {
            sums[j] = _mm256_fmadd_ps(qv, _mm256_loadu_ps(keys[j] + d), sums[j]);
        }
    }
    // Horizontal sums of the eight vectors, gathered into one: hadd twice within 128-bit lanes,
    // then add the lanes.
    const __m256 pairs01 = _mm256_hadd_ps(sums[0], sums[1]);
    const __m256 pairs23 = _mm256_hadd_ps(sums[2], sums[3]);
    const __m256 pairs45 = _mm256_hadd_ps(sums[4], sums[5]);
    const __m256 pairs67 = _mm256_hadd_ps(sums[6], sums[7]);
    const __m256 quads0123 = _mm256_hadd_ps(pairs01, pairs23);
    const __m256 quads4567 = _mm256_hadd_ps(pairs45, pairs67);
    return _mm256_add_ps(_mm256_permute2f128_ps(quads0123, quads4567, 0x20),
                         _mm256_permute2f128_ps(quads0123, quads4567, 0x31));
}

// weighted_sum for n a multiple of 8. Four column blocks per pass, so that four independent sums
// hide the latency of the multiply-adds.
__attribute__((target("avx2,fma"))) void weighted_sum_avx2(const float* weights, const float* const* values,
                                                           std::int64_t count, std::int64_t n, float scale, float* out) {
    constexpr std::int64_t kBlocks = 4;
    const __m256 scale_v = _mm256_set1_ps(scale);
    std::int64_t i = 0;
    for (; i + kBlocks * kLanes <= n; i += kBlocks * kLanes) {
        __m256 sums[kBlocks];
        for (auto& s : sums) s = _mm256_setzero_ps();
        for (std::int64_t s = 0; s < count; ++s) {
            const __m256 w = _mm256_broadcast_ss(weights + s);
            const float* v = values[s] + i;
            _Pragma("GCC unroll 4") for (std::size_t j = 0; j < kBlocks; ++j) {
                sums[j] = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + static_cast<std::int64_t>(j) * kLanes), sums[j]);
            }
        }
        _Pragma("GCC unroll 4") for (std::size_t j = 0; j < kBlocks; ++j) {
            _mm256_storeu_ps(out + i + static_cast<std::int64_t>(j) * kLanes, _mm256_mul_ps(sums[j], scale_v));
        }
    }
    for (; i < n; i += kLanes) {
        __m256 sum = _mm256_setzero_ps();
        for (std::int64_t s = 0; s < count; ++s) {
            sum = _mm256_fmadd_ps(_mm256_broadcast_ss(weights + s), _mm256_loadu_ps(values[s] + i), sum);
        }
        _mm256_storeu_ps(out + i, _mm256_mul_ps(sum, scale_v));
    }
}

// The logits of one row and head for every key, 8 keys per dot8 call.
__attribute__((target("avx2,fma"))) void logits_avx2(const float* q, const float* const* keys, std::int64_t count,
                                                     std::int64_t head_dim, float* logits) {
    std::array<const float*, kLanes> group{};
    for (std::int64_t first = 0; first < count; first += kLanes) {
        const std::int64_t n = std::min(kLanes, count - first);
        // A partial last group repeats its last key and keeps only n results.
        for (std::int64_t j = 0; j < kLanes; ++j) group[static_cast<std::size_t>(j)] = keys[first + std::min(j, n - 1)];
        alignas(32) std::array<float, kLanes> result{};
        _mm256_store_ps(result.data(), dot8(q, group, head_dim));
        std::copy(result.begin(), result.begin() + n, logits + first);
    }
}

// logits[s] += bias[s] for the first count / 8 * 8 logits.
__attribute__((target("avx2,fma"))) void add_avx2(float* logits, const float* bias, std::int64_t count) {
    for (std::int64_t s = 0; s + kLanes <= count; s += kLanes) {
        _mm256_storeu_ps(logits + s, _mm256_add_ps(_mm256_loadu_ps(logits + s), _mm256_loadu_ps(bias + s)));
    }
}

// The largest of the first count / 8 * 8 values (-inf for none).
__attribute__((target("avx2,fma"))) float max_avx2(const float* values, std::int64_t count) {
    __m256 top = _mm256_set1_ps(kMasked);
    for (std::int64_t s = 0; s + kLanes <= count; s += kLanes) top = _mm256_max_ps(top, _mm256_loadu_ps(values + s));
    alignas(32) std::array<float, kLanes> lanes{};
    _mm256_store_ps(lanes.data(), top);
    return *std::max_element(lanes.begin(), lanes.end());
}

// values[s] *= factor for the first count / 8 * 8 values.
__attribute__((target("avx2,fma"))) void multiply_avx2(float* values, std::int64_t count, float factor) {
    const __m256 factor_v = _mm256_set1_ps(factor);
    for (std::int64_t s = 0; s + kLanes <= count; s += kLanes) {
        _mm256_storeu_ps(values + s, _mm256_mul_ps(_mm256_loadu_ps(values + s), factor_v));
    }
}

// weights[s] = exp(weights[s] - top) for the first count / 8 * 8 weights; returns their sum.
__attribute__((target("avx2,fma"))) float exponentiate_avx2(float* weights, std::int64_t count, float top) {
    const __m256 top_v = _mm256_set1_ps(top);
    __m256 total = _mm256_setzero_ps();
    for (std::int64_t s = 0; s + kLanes <= count; s += kLanes) {
        const __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(weights + s), top_v));
        _mm256_storeu_ps(weights + s, e);
        total = _mm256_add_ps(total, e);
    }
    return sum_avx2(total);
}
#endif

// weights[s] = exp(weights[s] - top); returns their sum.
float exponentiate(bool avx2, float* weights, std::int64_t count, float top) {
    float total = 0;
    std::int64_t s = 0;
#ifdef MUE_ONE_QUERY_AVX2
    if (avx2) {
        total = exponentiate_avx2(weights, count, top);
        s = count / kLanes * kLanes;
    }
#endif
    for (; s < count; ++s) {
        weights[s] = std::exp(weights[s] - top);
        total += weights[s];
    }
    return total;
}

// Query logits plus their bias (bias[s * bias_stride], may be null), the keys in `masked` set to
// -inf; returns the largest.
float add_bias_and_mask(bool avx2, float* logits, std::int64_t count, const float* bias, std::int64_t bias_stride,
                        const std::vector<std::int64_t>& masked) {
    std::int64_t s = 0;
#ifdef MUE_ONE_QUERY_AVX2
    if (avx2 && bias != nullptr && bias_stride == 1) {
        add_avx2(logits, bias, count);
        s = count / kLanes * kLanes;
    }
#endif
    if (bias != nullptr) {
        for (; s < count; ++s) logits[s] += bias[s * bias_stride];
    }
    for (const std::int64_t key : masked) logits[key] = kMasked;
    float top = kMasked;
    s = 0;
#ifdef MUE_ONE_QUERY_AVX2
    if (avx2) {
        top = max_avx2(logits, count);
        s = count / kLanes * kLanes;
    }
#endif
    for (; s < count; ++s) top = std::max(top, logits[s]);
    return top;
}

void multiply(bool avx2, float* values, std::int64_t count, float factor) {
    std::int64_t s = 0;
#ifdef MUE_ONE_QUERY_AVX2
    if (avx2) {
        multiply_avx2(values, count, factor);
        s = count / kLanes * kLanes;
    }
#endif
    for (; s < count; ++s) values[s] *= factor;
}

void logits(bool avx2, const float* q, const float* const* keys, std::int64_t count, std::int64_t head_dim,
            float* out) {
#ifdef MUE_ONE_QUERY_AVX2
    if (avx2) {
        logits_avx2(q, keys, count, head_dim, out);
        return;
    }
#endif
    for (std::int64_t s = 0; s < count; ++s) out[s] = dot(q, keys[s], head_dim);
}

void attend_values(bool avx2, const float* weights, const float* const* values, std::int64_t count,
                   std::int64_t head_dim, float scale, float* out) {
#ifdef MUE_ONE_QUERY_AVX2
    if (avx2) {
        weighted_sum_avx2(weights, values, count, head_dim, scale, out);
        return;
    }
#endif
    weighted_sum(weights, values, count, head_dim, scale, out);
}

}  // namespace

bool attention_loop_vectorised(std::int64_t head_dim) {
#ifdef MUE_ONE_QUERY_AVX2
    // The same CPU check as the packed matrix products.
    return head_dim % kLanes == 0 && packed_gemm_supported();
#else
    (void)head_dim;
    return false;
#endif
}

void attend_one_query(const OneQueryAttention& a) {
    const bool avx2 = attention_loop_vectorised(a.head_dim);
    // From this many queries on keys of one key row, a head runs as two packed products over its
    // keys and values copied into panels; with fewer, the copies cost more than the products save.
    constexpr std::int64_t kProductQueriesMin = 4;
    // A decoding step's beams that read one encoder row (rows_per_key_row of them) are one block
    // of queries on those keys: a slot per row, where otherwise a slot is a query of one row.
    const bool beams_together =
        avx2 && a.queries == 1 && a.key_rows == nullptr && a.rows_per_key_row >= kProductQueriesMin;
    const std::int64_t rows_per_block = beams_together ? a.rows_per_key_row : 1;
    const std::int64_t slots_max = beams_together ? a.rows_per_key_row : a.queries;
    const bool by_products = avx2 && slots_max >= kProductQueriesMin;
    const std::int64_t q_slot = beams_together ? a.q_row : a.q_query;
    const std::int64_t out_slot = beams_together ? a.out_row : a.out_query;
    const std::int64_t bias_slot = beams_together ? a.bias_row : a.bias_query;
    const auto keys = static_cast<std::size_t>(a.keys);
    const std::int64_t width = a.heads * a.head_dim;
    std::vector<float> weights(by_products ? keys * static_cast<std::size_t>(slots_max) : keys);
    std::vector<const float*> key_ptr(keys), value_ptr(keys);
    std::vector<std::int64_t> key_row(keys);
    std::vector<std::int64_t> masked;  // the block's padded keys
    std::vector<float> key_panels, value_panels;
    if (by_products) {
        key_panels.resize(static_cast<std::size_t>(packed_panels_size(/*in=*/a.head_dim, /*out=*/a.keys)));
        value_panels.resize(static_cast<std::size_t>(packed_panels_size(/*in=*/a.keys, /*out=*/a.head_dim)));
    }
    const auto active = [&](std::int64_t r) { return a.active == nullptr || a.active[r]; };
    const auto zero_row = [&](std::int64_t r) {
        for (std::int64_t t = 0; t < a.queries; ++t) {
            float* out = a.out + r * a.out_row + t * a.out_query;
            std::fill(out, out + width, 0.0F);
        }
    };
    for (std::int64_t first = 0; first < a.rows; first += rows_per_block) {
        const std::int64_t block_rows = std::min(rows_per_block, a.rows - first);
        bool any_active = false;
        for (std::int64_t r = first; r < first + block_rows; ++r) any_active = any_active || active(r);
        if (!any_active) {
            for (std::int64_t r = first; r < first + block_rows; ++r) zero_row(r);
            continue;
        }
        if (a.key_rows != nullptr) {
            std::copy_n(a.key_rows + first * a.key_rows_stride, a.keys, key_row.begin());
        } else {
            // one division per block, not per key
            std::fill(key_row.begin(), key_row.end(), first / a.rows_per_key_row);
        }
        masked.clear();
        for (std::int64_t s = 0; a.key_padding != nullptr && s < a.keys; ++s) {
            if (a.key_padding[key_row[static_cast<std::size_t>(s)] * a.key_padding_row + s]) masked.push_back(s);
        }
        const std::int64_t slots = beams_together ? block_rows : a.queries;
        for (std::int64_t h = 0; h < a.heads; ++h) {
            for (std::size_t s = 0; s < keys; ++s) {
                const auto key = static_cast<std::int64_t>(s);
                key_ptr[s] = a.k + key_row[s] * a.k_row + h * a.k_head + key * a.k_key;
                value_ptr[s] = a.v + key_row[s] * a.v_row + h * a.v_head + key * a.v_key;
            }
            const float scale = a.head_scale != nullptr ? a.head_scale[h] : 1.0F;
            const float* q = a.q + first * a.q_row + h * a.head_dim;
            const float* bias = a.bias != nullptr ? a.bias + first * a.bias_row + h * a.bias_head : nullptr;
            const auto slot_bias = [&](std::int64_t i) { return bias != nullptr ? bias + i * bias_slot : nullptr; };
            float* out = a.out + first * a.out_row + h * a.head_dim;
            if (by_products && slots >= kProductQueriesMin) {
                pack_panel_columns(key_ptr.data(), /*in=*/a.head_dim, /*out=*/a.keys, key_panels.data());
                pack_panel_rows(value_ptr.data(), /*in=*/a.keys, /*out=*/a.head_dim, value_panels.data());
                packed_gemm(q, q_slot, slots, /*in=*/a.head_dim, key_panels.data(), /*out=*/a.keys,
                            /*bias=*/nullptr, weights.data(), /*y_stride=*/a.keys);
                for (std::int64_t i = 0; i < slots; ++i) {
                    float* slot_weights = weights.data() + i * a.keys;
                    const float top = add_bias_and_mask(avx2, slot_weights, a.keys, slot_bias(i), a.bias_key, masked);
                    if (top == kMasked) {  // NaN weights give NaN outputs
                        std::fill(slot_weights, slot_weights + a.keys, std::numeric_limits<float>::quiet_NaN());
                        continue;
                    }
                    multiply(avx2, slot_weights, a.keys, scale / exponentiate(avx2, slot_weights, a.keys, top));
                }
                packed_gemm(weights.data(), /*x_stride=*/a.keys, slots, /*in=*/a.keys, value_panels.data(),
                            /*out=*/a.head_dim, /*bias=*/nullptr, out, out_slot);
                continue;
            }
            for (std::int64_t i = 0; i < slots; ++i) {
                if (beams_together && !active(first + i)) continue;
                logits(avx2, q + i * q_slot, key_ptr.data(), a.keys, a.head_dim, weights.data());
                const float top = add_bias_and_mask(avx2, weights.data(), a.keys, slot_bias(i), a.bias_key, masked);
                float* slot_out = out + i * out_slot;
                if (top == kMasked) {
                    std::fill(slot_out, slot_out + a.head_dim, std::numeric_limits<float>::quiet_NaN());
                    continue;
                }
                const float total = exponentiate(avx2, weights.data(), a.keys, top);
                attend_values(avx2, weights.data(), value_ptr.data(), a.keys, a.head_dim, scale / total, slot_out);
            }
        }
        // A block's products ran for its inactive rows too.
        for (std::int64_t r = first; r < first + block_rows; ++r) {
            if (!active(r)) zero_row(r);
        }
    }
}

}  // namespace mue::detail
