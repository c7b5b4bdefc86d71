// Sweep throughput: examples evaluated per second by mue::sweep (what `mue sweep` and the app's
// data-set workspace run), per task, for 1 and 2 intra-op threads and for eval batch sizes.
// Then the what-if route (issue 8): one pass per example with every layer run (ExitSettings::
// what_if) gives each stream's similarity at every layer, from which the encoder exit layers of any
// image / text threshold pair follow without a re-run; the bench derives a 5 x 5 grid that way,
// checks the derived exit layers against real runs at two of its points, and reports the rate.
// Usage: bench_sweep_throughput [--quick] [--model DIR] [--items N] [--threads N]
//   --threads N  only this intra-op thread count (default: 1 and 2; 2 is very slow on a busy machine)
// Prints a table; no assertions (issue 6's benchmark).

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"
#include "mue/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kDefaultItems = 64;
constexpr std::size_t kQuickItems = 4;
constexpr int kWhatIfBatch = 16;
const std::vector<double> kWhatIfThresholds{0.9, 0.95, 0.98, 0.99, 1.0};

// The layer a stream exits at under `threshold`, from its what-if similarities: the first layer
// whose similarity exceeds it (the same test as run_encoder_stream), else all layers.
int derived_exit(const mue::StreamTrace& t, double threshold) {
    for (std::size_t l = 0; l < t.similarity.size(); ++l) {
        if (t.similarity[l] > threshold) return static_cast<int>(l) + 1;
    }
    return t.layers;
}

std::vector<mue::RunRequest> requests(const mue::EvalDataset& dataset, const mue::ExitSettings& exits) {
    std::vector<mue::RunRequest> out;
    for (const auto& item : dataset.items) {
        mue::RunRequest r;
        r.task = dataset.task;
        r.image = item.image;
        r.text = item.text;
        r.exits = exits;
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<mue::RunResult> run_all(const mue::Engine& engine, const std::vector<mue::RunRequest>& all) {
    std::vector<mue::RunResult> results;
    for (std::size_t first = 0; first < all.size(); first += kWhatIfBatch) {
        const auto last = std::min(all.size(), first + kWhatIfBatch);
        for (auto& r : engine.run_batch({all.begin() + static_cast<std::ptrdiff_t>(first),
                                         all.begin() + static_cast<std::ptrdiff_t>(last)})) {
            results.push_back(std::move(r));
        }
    }
    return results;
}

void what_if(const mue::Engine& engine, const mue::EvalDataset& dataset) {
    mue::ExitSettings exits;
    exits.policy = mue::ExitPolicy::Mue;
    exits.image_threshold = exits.text_threshold = exits.decoder_threshold = 1.0;
    exits.what_if = true;
    const auto start = std::chrono::steady_clock::now();
    const auto pass = run_all(engine, requests(dataset, exits));
    std::size_t derived = 0;
    double expected_sum = 0;  // the encoder part of the expected reduction, as a check value
    for (const double image : kWhatIfThresholds) {
        for (const double text : kWhatIfThresholds) {
            for (const auto& r : pass) {
                expected_sum += derived_exit(r.trace.image, image) + derived_exit(r.trace.text, text);
                ++derived;
            }
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Exactness: the derived exits must equal a real run's at the same thresholds.
    std::size_t mismatches = 0;
    for (const auto& [image, text] : {std::pair<double, double>{0.95, 0.98}, {0.99, 0.9}}) {
        mue::ExitSettings real;
        real.policy = mue::ExitPolicy::Mue;
        real.image_threshold = image;
        real.text_threshold = text;
        real.decoder_threshold = 1.0;
        const auto runs = run_all(engine, requests(dataset, real));
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (runs[i].trace.image.exit_layer != derived_exit(pass[i].trace.image, image) ||
                runs[i].trace.text.exit_layer != derived_exit(pass[i].trace.text, text)) {
                ++mismatches;
            }
        }
    }
    std::printf("%-15s what-if: 1 pass + %zu derived encoder settings in %.2f s = %.1f example-settings/s; "
                "derived exits vs. real runs: %zu mismatch(es) in %zu (mean layers %.2f)\n",
                dataset.name.c_str(), kWhatIfThresholds.size() * kWhatIfThresholds.size(), seconds,
                static_cast<double>(derived) / seconds, mismatches, 2 * pass.size(),
                expected_sum / static_cast<double>(derived));
}

}  // namespace

int main(int argc, char** argv) {
    std::string model = MUE_BENCH_MODEL_DIR;
    std::size_t items = kDefaultItems;
    bool quick = false;
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
        } else {
            std::fprintf(stderr, "usage: bench_sweep_throughput [--quick] [--model DIR] [--items N] [--threads N]\n");
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
        for (const int threads : quick ? std::vector<int>{1} : thread_counts) {
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
    mue::set_intra_op_threads(1);
    for (const char* name : {"shapes-ve", "shapes-caption"}) {
        what_if(engine, mue::load_eval_dataset(name, "validation", items, engine.info().image_size));
    }
    return 0;
}
