#pragma once
// Attention as one loop over rows and heads: every step of incremental decoding (one query per
// row) and, where the loop is vectorised, blocks of a few dozen tokens (an encoder stream, a
// teacher-forced prompt). Few queries on a row's keys go one by one; from four on (a block's
// tokens, or the beams that read one encoder row) a head runs as two packed products. Tensor
// operations would cost more in per-call overhead than the arithmetic (docs/benchmarks.md,
// "Overheads removed"), so this reads the queries, caches and biases in place. Plain types, no
// torch.

#include <cstdint>

namespace mue::detail {

// Where things are: element [i][j][l] of a strided array sits at `data + i*a + j*b + l*c`. Every
// key and value vector (head_dim floats) must be contiguous.
struct OneQueryAttention {
    std::int64_t rows = 0, heads = 0, head_dim = 0, keys = 0;

    // Queries per row, all reading the row's keys: 1 in a decoding step. Query t of row r is
    // q[r * q_row + t * q_query + h * head_dim + d], already scaled.
    std::int64_t queries = 1;
    const float* q = nullptr;
    std::int64_t q_row = 0, q_query = 0;

    // k[key_row * k_row + h * k_head + s * k_key + d]; likewise v.
    const float* k = nullptr;
    std::int64_t k_row = 0, k_head = 0, k_key = 0;
    const float* v = nullptr;
    std::int64_t v_row = 0, v_head = 0, v_key = 0;

    // Which key row row r reads at key s: key_rows[r * key_rows_stride + s] when key_rows is
    // set (beams whose cache entries were written by different rows), else r / rows_per_key_row
    // (beams sharing one encoder row).
    const std::int64_t* key_rows = nullptr;
    std::int64_t key_rows_stride = 0;
    std::int64_t rows_per_key_row = 1;

    // Added to query t's logits: bias[r * bias_row + t * bias_query + h * bias_head + s * bias_key];
    // may be null.
    const float* bias = nullptr;
    std::int64_t bias_row = 0, bias_query = 0, bias_head = 0, bias_key = 0;
    // true = key s of key row kr is masked: key_padding[kr * key_padding_row + s]; may be null.
    const bool* key_padding = nullptr;
    std::int64_t key_padding_row = 0;
    // Multiplies head h's output (NormFormer's head scaling); may be null.
    const float* head_scale = nullptr;
    // Rows whose entry is false are skipped and get zeros: their result would be discarded
    // (rows that exited earlier in a decoding step). Null = every row.
    const bool* active = nullptr;

    float* out = nullptr;  // out[r * out_row + t * out_query + h * head_dim + d]
    std::int64_t out_row = 0, out_query = 0;
};

// softmax(q·k + bias, masked) · v per row, query and head, times the head scale. A query whose
// keys are all masked gets NaN, as the softmax of tensor operations does.
void attend_one_query(const OneQueryAttention& a);

// Whether attend_one_query runs vectorised (AVX2 and FMA, head sizes that are multiples of 8):
// only then does it beat tensor operations for blocks of several queries.
[[nodiscard]] bool attention_loop_vectorised(std::int64_t head_dim);

}  // namespace mue::detail
