#pragma once
// Writes decoder self-attention cache entries in place: head vectors copied into a layer's
// [rows, H, capacity, hd] key and value buffers and its [rows, capacity] padding. At a decoding
// step's size, copy_ calls on views cost more than the copying.

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>

namespace mue::detail {

// One position of one layer's buffers.
class CacheWriter {
public:
    CacheWriter(const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& padding, std::int64_t position)
        : k_(k.data_ptr<float>() + position * k.stride(2)),
          v_(v.data_ptr<float>() + position * v.stride(2)),
          padding_(padding.data_ptr<bool>() + position * padding.stride(1)),
          k_row_(k.stride(0)),
          k_head_(k.stride(1)),
          v_row_(v.stride(0)),
          v_head_(v.stride(1)),
          padding_row_(padding.stride(0)),
          heads_(k.size(1)),
          head_dim_(k.size(3)) {}

    // Row `row`'s entry: head h's key vector at key + h * head_stride, likewise its value.
    void write(std::int64_t row, const float* key, const float* value, std::int64_t head_stride, bool padded) const {
        for (std::int64_t h = 0; h < heads_; ++h) {
            std::copy_n(key + h * head_stride, head_dim_, k_ + row * k_row_ + h * k_head_);
            std::copy_n(value + h * head_stride, head_dim_, v_ + row * v_row_ + h * v_head_);
        }
        padding_[row * padding_row_] = padded;
    }

private:
    float* k_;
    float* v_;
    bool* padding_;
    std::int64_t k_row_, k_head_, v_row_, v_head_, padding_row_, heads_, head_dim_;
};

}  // namespace mue::detail
