// Sweep throughput: examples evaluated per second by mue::sweep (what `mue sweep` and the app's
// data-set workspace run), per task, for 1 and 2 intra-op threads and for eval batch sizes.
// Usage: bench_sweep_throughput [--quick] [--model DIR] [--items N]
// Prints a table; no assertions (issue 6's benchmark).

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"
#include "mue/sweep.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kDefaultItems = 64;
constexpr std::size_t kQuickItems = 4;

}  // namespace

int main(int argc, char** argv) {
    std::string model = MUE_BENCH_MODEL_DIR;
    std::size_t items = kDefaultItems;
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            quick = true;
            items = kQuickItems;
        } else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model = argv[++i];
        } else if (std::strcmp(argv[i], "--items") == 0 && i + 1 < argc) {
            items = static_cast<std::size_t>(std::max(1, std::atoi(argv[++i])));
        } else {
            std::fprintf(stderr, "usage: bench_sweep_throughput [--quick] [--model DIR] [--items N]\n");
            return 2;
        }
    }
    const auto engine = mue::Engine::load(model);
    mue::SweepGrid grid;
    grid.image_thresholds = {0.99, 1.0};
    grid.text_thresholds = {0.99, 1.0};
    grid.decoder_thresholds = quick ? std::vector<double>{1.0} : std::vector<double>{0.99, 1.0};
    const std::size_t points = 1 + grid.image_thresholds.size() * grid.text_thresholds.size() * grid.decoder_thresholds.size();

    std::printf("model %s, %zu items x %zu settings per sweep\n", engine.info().model_id.c_str(), items, points);
    std::printf("%-15s %8s %6s %10s %14s\n", "dataset", "threads", "batch", "seconds", "examples/s");
    for (const char* name : {"shapes-ve", "shapes-caption"}) {
        const auto dataset = mue::load_eval_dataset(name, "validation", items, engine.info().image_size);
        for (const int threads : quick ? std::vector<int>{1} : std::vector<int>{1, 2}) {
            mue::set_intra_op_threads(threads);
            for (const int batch : quick ? std::vector<int>{16} : std::vector<int>{1, 16}) {
                mue::EvalOptions options;
                options.batch_size = batch;
                const auto start = std::chrono::steady_clock::now();
                const auto result = mue::sweep(engine, dataset, grid, options);
                const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                const double examples = static_cast<double>(result.size() * dataset.items.size());
                std::printf("%-15s %8d %6d %10.2f %14.1f\n", name, threads, batch, seconds, examples / seconds);
            }
        }
    }
    return 0;
}
