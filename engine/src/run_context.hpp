#pragma once
// Per-run bookkeeping shared by the encoder and decoder drivers: cancellation before every layer,
// per-layer wall time and analytic FLOPs, and the caller's layer observer. Belongs to the thread
// running the request.

#include "mue/engine.hpp"
#include "mue/errors.hpp"

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mue::detail {

class RunContext {
public:
    explicit RunContext(const CancellationToken* cancel, LayerObserver observer = {})
        : cancel_(cancel), observer_(std::move(observer)) {}

    void check_cancelled() const {
        if (cancel_ != nullptr && cancel_->cancelled()) throw Cancelled();
    }

    // Checks cancellation, runs fn, and adds its wall time and `flops` to (stage, layer).
    template <typename Fn>
    void layer(const std::string& stage, int layer_number, double flops, Fn&& fn) {
        check_cancelled();
        const auto start = std::chrono::steady_clock::now();
        std::forward<Fn>(fn)();
        const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
        auto [it, inserted] = index_.try_emplace({stage, layer_number}, timings_.size());
        if (inserted) timings_.push_back({stage, layer_number, 0.0, 0.0});
        timings_[it->second].ms += elapsed.count();
        timings_[it->second].flops += flops;
        if (observer_) observer_({stage, layer_number, elapsed.count(), flops});
    }

    [[nodiscard]] const std::vector<LayerTiming>& timings() const { return timings_; }

private:
    const CancellationToken* cancel_;
    LayerObserver observer_;
    std::vector<LayerTiming> timings_;
    std::map<std::pair<std::string, int>, std::size_t> index_;
};

}  // namespace mue::detail
