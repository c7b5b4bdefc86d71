// A decoding step's layer on plain buffers. As tensor operations, a layer of a step cost some forty
// operations' dispatch and allocation, several times its arithmetic at five beams, and its matrix
// products ran for rows that had already exited: a layer that ran for one beam of five took as
// long as one that ran for all (docs/benchmarks.md, "Early exits"). Here the products, norms and
// residual additions run for the rows that still run, gathered into contiguous blocks, and the
// attention reads the caches in place, skipping the other rows.

#include "ofa_model.hpp"

#include "cache_writer.hpp"
#include "one_query_attention.hpp"
#include "packed_gemm.hpp"
#include "row_kernels.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mue::detail {
namespace {

const float* data_or_null(const torch::Tensor& t) { return t.defined() ? t.data_ptr<float>() : nullptr; }

// y = x @ weight.T + bias for `rows` contiguous rows.
void product(const Linear& linear, const float* x, std::int64_t rows, float* y) {
    packed_gemm(x, rows, /*in=*/linear.weight.size(1), linear.panels.data_ptr<float>(), /*out=*/linear.weight.size(0),
                data_or_null(linear.bias), y);
}

// The layer norm of `rows` contiguous rows of `width` floats (the identity when the model has none).
void normalize(const Norm& norm, const float* x, std::int64_t rows, std::int64_t width, float* y) {
    if (!norm.weight.defined()) {
        std::copy(x, x + rows * width, y);
        return;
    }
    if (norm.weight.numel() != width) {
        throw std::logic_error("layer norm of width " + std::to_string(norm.weight.numel()) + " applied to rows of " +
                               std::to_string(width));
    }
    layer_norm_rows(x, rows, width, norm.weight.data_ptr<float>(), data_or_null(norm.bias), y);
}

// The rows' layer norm into consecutive rows of `normed`: row i is row rows[i] of x.
void normalize_rows(const Norm& norm, const float* x, const std::vector<std::int64_t>& rows, std::int64_t width,
                    float* normed) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
        normalize(norm, x + rows[i] * width, /*rows=*/1, width, normed + static_cast<std::int64_t>(i) * width);
    }
}

// hidden[rows[i]] += norm(block[i]): a sublayer's output joins the residual stream.
void add_normalized(const Norm& norm, const float* block, const std::vector<std::int64_t>& rows, std::int64_t width,
                    float* scratch, float* hidden) {
    normalize(norm, block, static_cast<std::int64_t>(rows.size()), width, scratch);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        float* h = hidden + rows[i] * width;
        const float* s = scratch + static_cast<std::int64_t>(i) * width;
        for (std::int64_t j = 0; j < width; ++j) h[j] += s[j];
    }
}

// Rows rows[i] of a [R, width] buffer into consecutive rows.
void gather(const float* from, const std::vector<std::int64_t>& rows, std::int64_t width, float* to) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::copy_n(from + rows[i] * width, width, to + static_cast<std::int64_t>(i) * width);
    }
}

}  // namespace

bool DecoderRun::packed_step_applies() const {
    const auto& layer = model_->decoder_layers_[static_cast<std::size_t>(layers_done_)];
    // Panels exist only for inference on a CPU that runs packed_gemm.
    const bool packed = layer.self_attn.qkv.panels.defined() && layer.self_attn.out.panels.defined() &&
                        layer.cross_attn.scaled_q.panels.defined() && layer.cross_attn.out.panels.defined() &&
                        layer.ffn.fc1.panels.defined() && layer.ffn.fc2.panels.defined();
    return packed && step_length_ == 1 && model_->config().arch.normalize_before &&
           model_->decoder_self_bias_.defined() && hidden_.scalar_type() == torch::kFloat && !hidden_.requires_grad() &&
           hidden_.is_contiguous() && step_padding_.scalar_type() == torch::kBool;
}

void DecoderRun::packed_step_layer(const torch::Tensor& active) {
    const auto& arch = model_->config().arch;
    const auto& layer = model_->decoder_layers_[static_cast<std::size_t>(layers_done_)];
    auto& cache = cache_[static_cast<std::size_t>(layers_done_)];
    const std::int64_t d = arch.d_model;
    const std::int64_t heads = arch.attention_heads;
    const std::int64_t head_dim = arch.head_dim();
    const std::int64_t ffn_dim = arch.ffn_dim;

    const auto mask = active.defined() ? active.contiguous() : torch::Tensor();
    const bool* runs = mask.defined() ? mask.data_ptr<bool>() : nullptr;
    auto& b = buffers_;
    b.rows.clear();
    for (std::int64_t r = 0; r < rows_; ++r) {
        if (runs == nullptr || runs[r]) b.rows.push_back(r);
    }
    const auto n = static_cast<std::int64_t>(b.rows.size());
    b.normed.resize(static_cast<std::size_t>(rows_ * std::max(d, ffn_dim)));
    b.qkv.resize(static_cast<std::size_t>(rows_ * 3 * d));
    b.queries.resize(static_cast<std::size_t>(rows_ * d));
    b.attended.resize(static_cast<std::size_t>(rows_ * d));
    b.projected.resize(static_cast<std::size_t>(rows_ * d));
    b.inner.resize(static_cast<std::size_t>(rows_ * ffn_dim));

    // Exited rows keep their state; the rows that run are updated in place in a copy, so that the
    // caller's view of the layer's input stays as it was.
    auto next = hidden_.clone();
    float* x = next.data_ptr<float>();

    // Self-attention. Propagate caches keys and values of exited rows too, from their exit state.
    const bool project_exited = kv_policy_ == KvPolicy::Propagate && runs != nullptr;
    std::vector<std::int64_t> all_rows;
    if (project_exited) {
        all_rows.resize(static_cast<std::size_t>(rows_));
        for (std::int64_t r = 0; r < rows_; ++r) all_rows[static_cast<std::size_t>(r)] = r;
    }
    const auto& projected_rows = project_exited ? all_rows : b.rows;
    const auto p = static_cast<std::int64_t>(projected_rows.size());
    normalize_rows(layer.pre_self, x, projected_rows, d, b.normed.data());
    product(layer.self_attn.qkv, b.normed.data(), p, b.qkv.data());

    make_room(cache);
    const std::int64_t position = cached_length_ - 1;
    const CacheWriter entries(cache.k, cache.v, cache.padding, position);
    const bool* step_padding = step_padding_.data_ptr<bool>();
    const auto step_padding_row = step_padding_.stride(0);
    const bool copy_exits = kv_policy_ == KvPolicy::Copy;
    if (copy_exits && (layers_done_ == 0 || !exit_k_.defined() || !exit_k_.is_contiguous() || exit_k_.size(0) != rows_)) {
        exit_k_ = torch::zeros({rows_, heads, 1, head_dim});
        exit_v_ = torch::zeros({rows_, heads, 1, head_dim});
    }
    float* exit_k = copy_exits ? exit_k_.data_ptr<float>() : nullptr;
    float* exit_v = copy_exits ? exit_v_.data_ptr<float>() : nullptr;
    // Each row writes its own buffer row at this step's position (begin_step's key_rows_).
    for (std::int64_t i = 0; i < p; ++i) {
        const std::int64_t r = projected_rows[static_cast<std::size_t>(i)];
        const float* qkv = b.qkv.data() + i * 3 * d;
        entries.write(r, qkv + d, qkv + 2 * d, head_dim, step_padding[r * step_padding_row]);
        if (runs == nullptr || runs[r]) {
            std::copy_n(qkv, d, b.queries.data() + r * d);
            if (copy_exits) {
                std::copy_n(qkv + d, d, exit_k + r * d);
                std::copy_n(qkv + 2 * d, d, exit_v + r * d);
            }
        }
    }
    if (kv_policy_ != KvPolicy::Propagate && runs != nullptr) {
        std::vector<float> missing(static_cast<std::size_t>(d), missing_entry_value_);
        for (std::int64_t r = 0; r < rows_; ++r) {
            if (runs[r]) continue;
            if (copy_exits) {
                entries.write(r, exit_k + r * d, exit_v + r * d, head_dim, step_padding[r * step_padding_row]);
            } else {
                entries.write(r, missing.data(), missing.data(), head_dim, /*padded=*/true);
            }
        }
    }

    const auto& bias_table = model_->decoder_self_bias_;  // [L, H, T, T]
    const auto self_scale = layer.self_attn.c_attn.defined() ? layer.self_attn.c_attn.contiguous() : torch::Tensor();
    OneQueryAttention self;
    self.rows = rows_;
    self.heads = heads;
    self.head_dim = head_dim;
    self.keys = cached_length_;
    self.q = b.queries.data();
    self.q_row = d;
    self.k = cache.k.data_ptr<float>();
    self.k_row = cache.k.stride(0);
    self.k_head = cache.k.stride(1);
    self.k_key = cache.k.stride(2);
    self.v = cache.v.data_ptr<float>();
    self.v_row = cache.v.stride(0);
    self.v_head = cache.v.stride(1);
    self.v_key = cache.v.stride(2);
    self.key_rows = key_rows_.data();
    self.key_rows_stride = key_rows_stride_;
    self.bias = bias_table.data_ptr<float>() + layers_done_ * bias_table.stride(0) + position * bias_table.stride(2);
    self.bias_head = bias_table.stride(1);
    self.bias_key = bias_table.stride(3);
    self.key_padding = cache.padding.data_ptr<bool>();
    self.key_padding_row = cache.padding.stride(0);
    self.head_scale = data_or_null(self_scale);
    self.active = runs;
    self.out = b.attended.data();
    self.out_row = d;
    self.out_query = d;
    attend_one_query(self);
    gather(b.attended.data(), b.rows, d, b.normed.data());
    product(layer.self_attn.out, b.normed.data(), n, b.projected.data());
    add_normalized(layer.post_self, b.projected.data(), b.rows, d, b.normed.data(), x);

    // Cross-attention over the encoder states, whose keys and values are projected once per run.
    if (!cache.cross_k.defined()) {
        std::tie(cache.cross_k, cache.cross_v) = model_->project_kv(layer.cross_attn, encoder_.states);
    }
    normalize_rows(layer.pre_cross, x, b.rows, d, b.normed.data());
    product(layer.cross_attn.scaled_q, b.normed.data(), n, b.projected.data());
    for (std::int64_t i = 0; i < n; ++i) {
        std::copy_n(b.projected.data() + i * d, d, b.queries.data() + b.rows[static_cast<std::size_t>(i)] * d);
    }
    const auto inner_contiguous = [](const torch::Tensor& t) { return t.stride(-1) == 1 ? t : t.contiguous(); };
    const auto cross_k = inner_contiguous(cache.cross_k);
    const auto cross_v = inner_contiguous(cache.cross_v);
    const auto cross_padding = encoder_padded_ ? inner_contiguous(encoder_.padding) : torch::Tensor();
    const auto cross_scale = layer.cross_attn.c_attn.defined() ? layer.cross_attn.c_attn.contiguous() : torch::Tensor();
    OneQueryAttention cross;
    cross.rows = rows_;
    cross.heads = heads;
    cross.head_dim = head_dim;
    cross.keys = cross_k.size(2);
    cross.q = b.queries.data();
    cross.q_row = d;
    cross.k = cross_k.data_ptr<float>();
    cross.k_row = cross_k.stride(0);
    cross.k_head = cross_k.stride(1);
    cross.k_key = cross_k.stride(2);
    cross.v = cross_v.data_ptr<float>();
    cross.v_row = cross_v.stride(0);
    cross.v_head = cross_v.stride(1);
    cross.v_key = cross_v.stride(2);
    cross.rows_per_key_row = rows_per_encoder_row_;
    // [H, 1, S]: one query, the same for every row.
    cross.bias = step_cross_bias_.data_ptr<float>();
    cross.bias_head = step_cross_bias_.stride(0);
    cross.bias_key = step_cross_bias_.stride(2);
    if (cross_padding.defined()) {
        cross.key_padding = cross_padding.data_ptr<bool>();
        cross.key_padding_row = cross_padding.stride(0);
    }
    cross.head_scale = data_or_null(cross_scale);
    cross.active = runs;
    cross.out = b.attended.data();
    cross.out_row = d;
    cross.out_query = d;
    attend_one_query(cross);
    gather(b.attended.data(), b.rows, d, b.normed.data());
    product(layer.cross_attn.out, b.normed.data(), n, b.projected.data());
    add_normalized(layer.post_cross, b.projected.data(), b.rows, d, b.normed.data(), x);

    // Feed-forward: fc2(mid_norm(GELU(fc1(norm(x))))) joins the residual stream.
    normalize_rows(layer.ffn.pre, x, b.rows, d, b.normed.data());
    product(layer.ffn.fc1, b.normed.data(), n, b.inner.data());
    gelu_in_place(b.inner.data(), n * ffn_dim);
    const float* inner = b.inner.data();
    if (layer.ffn.mid.weight.defined()) {
        normalize(layer.ffn.mid, b.inner.data(), n, ffn_dim, b.normed.data());
        inner = b.normed.data();
    }
    product(layer.ffn.fc2, inner, n, b.projected.data());
    for (std::int64_t i = 0; i < n; ++i) {
        float* h = x + b.rows[static_cast<std::size_t>(i)] * d;
        const float* f = b.projected.data() + i * d;
        for (std::int64_t j = 0; j < d; ++j) h[j] += f[j];
    }
    hidden_ = std::move(next);
}

}  // namespace mue::detail

namespace mue::detail {

bool DecoderRun::packed_propagate_applies() const {
    const auto& attn = model_->decoder_layers_[static_cast<std::size_t>(layers_done_)].self_attn;
    return packed_step_applies() && attn.k.panels.defined() && attn.v.panels.defined();
}

void DecoderRun::packed_propagate() {
    const auto& layer = model_->decoder_layers_[static_cast<std::size_t>(layers_done_)];
    auto& cache = cache_[static_cast<std::size_t>(layers_done_)];
    const std::int64_t d = model_->config().arch.d_model;
    auto& b = buffers_;
    b.normed.resize(static_cast<std::size_t>(rows_ * d));
    b.projected.resize(static_cast<std::size_t>(rows_ * d));
    b.attended.resize(static_cast<std::size_t>(rows_ * d));
    normalize(layer.pre_self, hidden_.data_ptr<float>(), rows_, d, b.normed.data());
    product(layer.self_attn.k, b.normed.data(), rows_, b.projected.data());
    product(layer.self_attn.v, b.normed.data(), rows_, b.attended.data());
    make_room(cache);
    const CacheWriter entries(cache.k, cache.v, cache.padding, /*position=*/cached_length_ - 1);
    const bool* step_padding = step_padding_.data_ptr<bool>();
    for (std::int64_t r = 0; r < rows_; ++r) {
        entries.write(r, b.projected.data() + r * d, b.attended.data() + r * d, model_->config().arch.head_dim(),
                      step_padding[r * step_padding_.stride(0)]);
    }
}

}  // namespace mue::detail
