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
        record(stage, layer_number, elapsed_ms(start), flops);
    }

    // layer() for one piece of work that runs the same layer of several stages at once (encoder
    // streams stepped together). Each stage is charged a share of the wall time in proportion to
    // its FLOPs: the stages' parts cannot be timed apart, and their matrix products, which
    // dominate, scale with the FLOPs.
    template <typename Fn>
    void shared_layer(const std::vector<std::string>& stages, int layer_number, const std::vector<double>& flops, Fn&& fn) {
        check_cancelled();
        const auto start = std::chrono::steady_clock::now();
        std::forward<Fn>(fn)();
        const double ms = elapsed_ms(start);
        double total_flops = 0;
        for (const double f : flops) total_flops += f;
        for (std::size_t i = 0; i < stages.size(); ++i) {
            const double share = total_flops > 0 ? flops[i] / total_flops : 1.0 / static_cast<double>(stages.size());
            record(stages[i], layer_number, ms * share, flops[i]);
        }
    }

    [[nodiscard]] const std::vector<LayerTiming>& timings() const { return timings_; }

private:
    static double elapsed_ms(std::chrono::steady_clock::time_point start) {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }

    void record(const std::string& stage, int layer_number, double ms, double flops) {
        auto [it, inserted] = index_.try_emplace({stage, layer_number}, timings_.size());
        if (inserted) timings_.push_back({stage, layer_number, 0.0, 0.0});
        timings_[it->second].ms += ms;
        timings_[it->second].flops += flops;
        if (observer_) observer_({stage, layer_number, ms, flops});
    }

    const CancellationToken* cancel_;
    LayerObserver observer_;
    std::vector<LayerTiming> timings_;
    std::map<std::pair<std::string, int>, std::size_t> index_;
};

}  // namespace mue::detail
