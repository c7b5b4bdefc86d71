// Sweep throughput: examples evaluated per second by mue::sweep (what `mue sweep` and the app's
// data-set workspace run), per task, for 1 and 2 intra-op threads and for eval batch sizes, on both
// routes side by side (SweepRoute::Rerun runs every setting on every example; SweepRoute::WhatIf
// runs one what-if pass per example and shares outcomes between settings that give an example the
// same exits). Then the same for `mue sweep`'s default grid (4 x 4 x 4 thresholds) at batch 16.
// Each row also gives the example runs made (what-if pass included), the outcomes shared, and
// whether the two routes' points are identical.
// Usage: bench_sweep_throughput [--quick] [--model DIR] [--items N] [--threads N] [--repeat N]
//   --threads N  only this intra-op thread count (default: 1 and 2; 2 is very slow on a busy machine)
//   --repeat N   time each route N times, alternating, and report the median (default 1)
//   --quick      4 items, 1 thread, batch 16, the small grid only (the smoke test)
// Prints a table; no assertions (issue 6's benchmark).

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"
#include "mue/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t kDefaultItems = 64;
constexpr std::size_t kQuickItems = 4;
constexpr int kDefaultGridBatch = 16;

// Every field a point records, compared exactly (both routes must give the same points).
bool same_points(const std::vector<mue::SweepPoint>& a, const std::vector<mue::SweepPoint>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto& p = a[i];
        const auto& q = b[i];
        if (p.label != q.label || p.score != q.score || p.retention != q.retention || p.pareto != q.pareto ||
            p.savings.expected_reduction_mean != q.savings.expected_reduction_mean ||
            p.savings.expected_reduction_token_weighted != q.savings.expected_reduction_token_weighted ||
            p.savings.flop_reduction != q.savings.flop_reduction || p.histograms.image != q.histograms.image ||
            p.histograms.text != q.histograms.text || p.histograms.decoder != q.histograms.decoder) {
            return false;
        }
    }
    return true;
}

struct Timed {
    std::vector<mue::SweepPoint> points;
    mue::SweepStats stats;
    double seconds = 0;
};

Timed timed_sweep(const mue::Engine& engine, const mue::EvalDataset& dataset, mue::SweepGrid grid,
                  mue::SweepRoute route, int batch) {
    grid.route = route;
    mue::EvalOptions options;
    options.batch_size = batch;
    Timed t;
    const auto start = std::chrono::steady_clock::now();
    t.points = mue::sweep(engine, dataset, grid, options, nullptr, {}, {}, &t.stats);
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return t;
}

// The run with the median time (the upper one of an even count).
Timed median(std::vector<Timed> runs) {
    const auto middle = runs.begin() + static_cast<std::ptrdiff_t>(runs.size() / 2);
    std::nth_element(runs.begin(), middle, runs.end(),
                     [](const Timed& a, const Timed& b) { return a.seconds < b.seconds; });
    return std::move(*middle);
}

// Both routes on the same grid, alternating `repeat` times, one row each with the median time.
void compare_routes(const mue::Engine& engine, const mue::EvalDataset& dataset, const mue::SweepGrid& grid,
                    const char* grid_name, int threads, int batch, int repeat) {
    std::vector<Timed> reruns;
    std::vector<Timed> what_ifs;
    bool same = true;
    for (int r = 0; r < repeat; ++r) {
        reruns.push_back(timed_sweep(engine, dataset, grid, mue::SweepRoute::Rerun, batch));
        what_ifs.push_back(timed_sweep(engine, dataset, grid, mue::SweepRoute::WhatIf, batch));
        same = same && same_points(reruns.back().points, what_ifs.back().points);
    }
    const auto rerun = median(std::move(reruns));
    const auto what_if = median(std::move(what_ifs));
    for (const auto* t : {&rerun, &what_if}) {
        const double examples = static_cast<double>(t->points.size() * dataset.items.size());
        const bool is_what_if = t == &what_if;
        std::printf("%-15s %-8s %7d %5d %-8s %8.2f %11.1f %7zu %7zu %8.2fx %s\n", dataset.name.c_str(), grid_name,
                    threads, batch, is_what_if ? "what-if" : "rerun", t->seconds, examples / t->seconds,
                    t->stats.runs + t->stats.what_if_runs, t->stats.reused,
                    is_what_if ? rerun.seconds / what_if.seconds : 1.0,
                    is_what_if ? (same ? "same points" : "POINTS DIFFER") : "");
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string model = MUE_BENCH_MODEL_DIR;
    std::size_t items = kDefaultItems;
    bool quick = false;
    int repeat = 1;
    std::vector<int> thread_counts{1, 2};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            quick = true;
            items = kQuickItems;
        } else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model = argv[++i];
        } else if (std::strcmp(argv[i], "--items") == 0 && i + 1 < argc) {
            items = static_cast<std::size_t>(std::max(1, std::atoi(argv[++i])));
        } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            thread_counts = {std::max(1, std::atoi(argv[++i]))};
        } else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr,
                         "usage: bench_sweep_throughput [--quick] [--model DIR] [--items N] [--threads N] [--repeat N]\n");
            return 2;
        }
    }
    const auto engine = mue::Engine::load(model);
    mue::SweepGrid small;
    small.image_thresholds = {0.99, 1.0};
    small.text_thresholds = {0.99, 1.0};
    small.decoder_thresholds = quick ? std::vector<double>{1.0} : std::vector<double>{0.99, 1.0};
    const mue::SweepGrid default_grid;  // `mue sweep` without grid options

    std::printf("model %s, %zu items; small grid: %zu settings, default grid: %zu settings (the full model "
                "included); median of %d\n",
                engine.info().model_id.c_str(), items,
                1 + small.image_thresholds.size() * small.text_thresholds.size() * small.decoder_thresholds.size(),
                1 + default_grid.image_thresholds.size() * default_grid.text_thresholds.size() *
                        default_grid.decoder_thresholds.size(),
                repeat);
    std::printf("%-15s %-8s %7s %5s %-8s %8s %11s %7s %7s %9s\n", "dataset", "grid", "threads", "batch", "route",
                "seconds", "examples/s", "runs", "shared", "speed-up");
    for (const char* name : {"shapes-ve", "shapes-caption"}) {
        const auto dataset = mue::load_eval_dataset(name, "validation", items, engine.info().image_size);
        // Warm-up (first-call allocations), so that the first route timed does not pay for them.
        static_cast<void>(mue::evaluate(engine, dataset, mue::ExitSettings{}, {}));
        for (const int threads : quick ? std::vector<int>{1} : thread_counts) {
            mue::set_intra_op_threads(threads);
            for (const int batch : quick ? std::vector<int>{kDefaultGridBatch} : std::vector<int>{1, 16}) {
                compare_routes(engine, dataset, small, "small", threads, batch, repeat);
            }
        }
    }
    if (quick) return 0;
    mue::set_intra_op_threads(1);
    for (const char* name : {"shapes-ve", "shapes-caption"}) {
        const auto dataset = mue::load_eval_dataset(name, "validation", items, engine.info().image_size);
        compare_routes(engine, dataset, default_grid, "default", /*threads=*/1, kDefaultGridBatch, repeat);
    }
    return 0;
}
