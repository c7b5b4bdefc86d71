// Achieved FLOP rate per layer type against this machine's measured matmul peak, and where the
// rest of a run's time goes. The peak is the best of square fp32 matrix products (LibTorch's
// BLAS); layer rates come from the engine's own per-layer wall times and analytic FLOPs
// (RunResult::timings) over the shapes world's test items, full model.
// Usage: bench_flop_rate [--quick] [--model DIR] [--items N] [--threads N] [--batch N]
//                        [--dataset shapes-ve|shapes-caption]  (default: both)

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <array>
#include <map>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kDefaultItems = 24;
constexpr int kQuickItems = 2;
constexpr int kPeakRepeats = 9;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// GFLOP/s of an [m, k] x [k, n] product: the median of repeats, each long enough to time.
double matmul_gflops(std::int64_t m, std::int64_t k, std::int64_t n, int repeats) {
    const auto a = torch::randn({m, k});
    const auto b = torch::randn({k, n});
    const double flops = 2.0 * static_cast<double>(m * k * n);
    const int inner = std::max(1, static_cast<int>(2e8 / flops));  // ~0.2 GFLOP per timing
    (void)torch::mm(a, b);
    std::vector<double> rates;
    for (int r = 0; r < repeats; ++r) {
        const auto start = Clock::now();
        for (int i = 0; i < inner; ++i) (void)torch::mm(a, b);
        rates.push_back(flops * inner / seconds_since(start) / 1e9);
    }
    return median(rates);
}

std::string layer_type(const mue::LayerTiming& t) {
    return t.stage;  // per stage; the layers of one stage have one shape
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::string model = MUE_BENCH_MODEL_DIR;
    int items = kDefaultItems;
    int threads = 1;
    int batch = 1;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--dataset") == 0 && i + 1 < argc) only = argv[++i];
        if (std::strcmp(argv[i], "--batch") == 0 && i + 1 < argc) batch = std::max(1, std::stoi(argv[++i]));
        if (std::strcmp(argv[i], "--quick") == 0) quick = true;
        if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) model = argv[++i];
        if (std::strcmp(argv[i], "--items") == 0 && i + 1 < argc) items = std::stoi(argv[++i]);
        if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = std::stoi(argv[++i]);
    }
    if (quick) items = kQuickItems;
    mue::set_intra_op_threads(threads);
    const auto engine = mue::Engine::load(model);
    const int d = engine.info().arch.d_model;
    const int ffn = engine.info().arch.ffn_dim;
    const int repeats = quick ? 1 : kPeakRepeats;

    std::printf("model %s, %d intra-op thread(s), %d test items per task\n\n", engine.info().model_id.c_str(), threads,
                items);
    std::printf("matmul peak (fp32, LibTorch's BLAS):\n");
    double peak = 0;
    for (const std::int64_t n : {128, 256, 512, 1024}) {
        const double g = matmul_gflops(n, n, n, repeats);
        peak = std::max(peak, g);
        std::printf("  %4lld x %4lld x %4lld      %7.1f GFLOP/s\n", static_cast<long long>(n), static_cast<long long>(n),
                    static_cast<long long>(n), g);
    }
    std::printf("and at the model's shapes (tokens x in -> out):\n");
    for (const auto& [m, k, n] : std::vector<std::array<std::int64_t, 3>>{
             {64, d, d}, {64, d, ffn}, {64, ffn, d}, {16, d, d}, {5, d, d}, {5, d, ffn}, {1, d, d}}) {
        std::printf("  %4lld x %4lld -> %4lld      %7.1f GFLOP/s\n", static_cast<long long>(m), static_cast<long long>(k),
                    static_cast<long long>(n), matmul_gflops(m, k, n, repeats));
    }
    std::printf("peak used below: %.1f GFLOP/s\n\n", peak);

    for (const auto& [name, task] : {std::pair<const char*, mue::Task>{"shapes-ve", mue::Task::Entailment},
                                     {"shapes-caption", mue::Task::Caption}}) {
        if (!only.empty() && only != name) continue;
        const auto dataset = mue::load_eval_dataset(name, "test", static_cast<std::size_t>(items), engine.info().image_size);
        std::map<std::string, std::pair<double, double>> by_type;  // ms, flops
        std::vector<std::string> order;
        double compute_ms = 0;
        std::vector<mue::RunRequest> requests;
        for (const auto& item : dataset.items) {
            mue::RunRequest r;
            r.task = task;
            r.image = item.image;
            r.text = item.text;
            requests.push_back(std::move(r));
        }
        for (std::size_t first = 0; first < requests.size(); first += static_cast<std::size_t>(batch)) {
            const std::vector<mue::RunRequest> chunk(
                requests.begin() + static_cast<std::ptrdiff_t>(first),
                requests.begin() + static_cast<std::ptrdiff_t>(std::min(requests.size(), first + static_cast<std::size_t>(batch))));
            (void)engine.run_batch(chunk);  // warm-up
            const auto results = engine.run_batch(chunk);
            compute_ms += results.front().trace.savings.compute_ms;
            for (const auto& t : results.front().timings) {  // per batch: every result carries the same
                const auto type = layer_type(t);
                if (by_type.find(type) == by_type.end()) order.push_back(type);
                by_type[type].first += t.ms;
                by_type[type].second += t.flops;
            }
        }
        std::printf("%s (full model, batch %d): %.2f ms per example\n", name, batch, compute_ms / dataset.items.size());
        std::printf("  %-14s %10s %8s %11s %8s\n", "stage", "ms/example", "share", "GFLOP/s", "of peak");
        double layers_ms = 0;
        for (const auto& type : order) {
            const auto [ms, flops] = by_type[type];
            layers_ms += ms;
            const double rate = ms > 0 ? flops / (ms / 1000.0) / 1e9 : 0.0;
            std::printf("  %-14s %10.3f %7.1f%% %11.2f %7.1f%%\n", type.c_str(), ms / dataset.items.size(),
                        100.0 * ms / compute_ms, rate, 100.0 * rate / peak);
        }
        std::printf("  %-14s %10.3f %7.1f%%   (exit checks, traces, position biases, bookkeeping)\n\n", "outside layers",
                    (compute_ms - layers_ms) / dataset.items.size(), 100.0 * (compute_ms - layers_ms) / compute_ms);
    }
    return 0;
}
