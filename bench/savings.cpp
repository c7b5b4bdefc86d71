// Wall-clock vs. expected reduction over a sample of inputs, and the full model's per-example
// latency. Each example runs with the exit policy and, in the same call, with the full model
// (ExitSettings::compare_full), so the ratio is measured side by side.
// With --test-split, the same over the shapes world's test split on the trained default model, at
// the thresholds tuned on validation (docs/results.md), for each KV policy.
// Usage: bench_savings [--quick] [--model DIR] [--threads N]
//        bench_savings --test-split [--quick] [--items N] [--captions N] [--model DIR] [--threads N]

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Setting {
    const char* name;
    mue::ExitSettings exits;
};

mue::RgbImage scene(int seed) {
    const int w = 160, h = 120;
    mue::RgbImage img{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h * 3))};
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            auto* p = &img.rgb[static_cast<std::size_t>((y * w + x) * 3)];
            const int cx = 30 + (seed * 37) % 100, cy = 30 + (seed * 53) % 60;
            const bool blob = (x - cx) * (x - cx) + (y - cy) * (y - cy) < 300 + seed * 40;
            p[0] = static_cast<std::uint8_t>(blob ? 230 : 200 - seed * 7);
            p[1] = static_cast<std::uint8_t>(blob ? (seed * 50) % 256 : 190);
            p[2] = static_cast<std::uint8_t>(blob ? 40 : 180 + seed);
        }
    }
    return img;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

double spread(std::vector<double> v) {  // interquartile range
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() * 3 / 4] - v[v.size() / 4];
}

mue::ExitSettings mue_settings(double image, double text, double decoder, mue::KvPolicy kv) {
    mue::ExitSettings s;
    s.policy = mue::ExitPolicy::Mue;
    s.image_threshold = image;
    s.text_threshold = text;
    s.decoder_threshold = decoder;
    s.beta = 1.0;
    s.warmup_fraction = 0;
    s.kv_policy = kv;
    s.compare_full = true;
    return s;
}

constexpr int kSplitEntailmentItems = 200;
constexpr int kSplitCaptionItems = 50;

const char* kv_name(mue::KvPolicy kv) {
    switch (kv) {
        case mue::KvPolicy::None: return "none";
        case mue::KvPolicy::Copy: return "copy";
        case mue::KvPolicy::Propagate: return "propagate";
    }
    return "?";
}

// Measured vs. expected reduction over test items. "measured" is 1 - sum(exit compute time) /
// sum(full compute time): every example runs both ways in one call (compare_full).
int test_split(const mue::Engine& engine, int entailment_items, int caption_items) {
    struct TaskSetting {
        const char* dataset;
        mue::Task task;
        int items;
        double image, text, decoder;  // tuned on validation (docs/results.md)
    };
    const std::vector<TaskSetting> tasks{{"shapes-ve", mue::Task::Entailment, entailment_items, 0.9, 0.9, 0.9},
                                         {"shapes-caption", mue::Task::Caption, caption_items, 0.9, 0.9, 0.9}};
    std::printf("model %s, shapes world test split, MuE at the tuned thresholds (beta %.2f), 1 example per run\n\n",
                engine.info().model_id.c_str(), mue::ExitSettings{}.beta);
    std::printf("%-11s %5s %-15s %-10s %9s %9s %9s %11s %11s %9s %9s\n", "task", "items", "thresholds", "kv",
                "expected", "flops", "measured", "meas./exp.", "meas./flop", "ms exit", "ms full");
    for (const auto& t : tasks) {
        const auto dataset = mue::load_eval_dataset(t.dataset, "test", static_cast<std::size_t>(t.items),
                                                    engine.info().image_size);
        for (const auto kv : {mue::KvPolicy::None, mue::KvPolicy::Copy, mue::KvPolicy::Propagate}) {
            mue::ExitSettings exits;
            exits.policy = mue::ExitPolicy::Mue;
            exits.image_threshold = t.image;
            exits.text_threshold = t.text;
            exits.decoder_threshold = t.decoder;
            exits.kv_policy = kv;
            exits.compare_full = true;
            double expected = 0, flops = 0, exit_ms = 0, full_ms = 0;
            for (const auto& item : dataset.items) {
                mue::RunRequest r;
                r.task = t.task;
                r.image = item.image;
                r.text = item.text;
                r.exits = exits;
                const auto s = engine.run(r).trace.savings;
                expected += s.expected_reduction_mean;
                flops += s.flop_reduction;
                exit_ms += s.compute_ms;
                full_ms += s.full_compute_ms.value_or(s.compute_ms);
            }
            const double n = static_cast<double>(dataset.items.size());
            const double measured = 1.0 - exit_ms / full_ms;
            char thresholds[32];
            std::snprintf(thresholds, sizeof thresholds, "%.2f/%.2f/%.2f", t.image, t.text, t.decoder);
            const auto share = [&](double reference) { return reference > 0 ? 100 * measured / (reference / n) : 0.0; };
            std::printf("%-11s %5zu %-15s %-10s %8.1f%% %8.1f%% %8.1f%% %10.0f%% %10.0f%% %9.2f %9.2f\n",
                        t.task == mue::Task::Caption ? "caption" : "entailment", dataset.items.size(), thresholds,
                        kv_name(kv), 100 * expected / n, 100 * flops / n, 100 * measured, share(expected), share(flops),
                        exit_ms / n, full_ms / n);
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    bool split = false;
    std::string model = MUE_BENCH_MODEL_DIR;
    bool model_given = false;
    int threads = 1;
    int entailment_items = kSplitEntailmentItems;
    int caption_items = kSplitCaptionItems;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) quick = true;
        if (std::strcmp(argv[i], "--test-split") == 0) split = true;
        if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model = argv[++i];
            model_given = true;
        }
        if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = std::stoi(argv[++i]);
        if (std::strcmp(argv[i], "--items") == 0 && i + 1 < argc) entailment_items = std::stoi(argv[++i]);
        if (std::strcmp(argv[i], "--captions") == 0 && i + 1 < argc) caption_items = std::stoi(argv[++i]);
    }
    mue::set_intra_op_threads(threads);
    if (split) {
        if (quick) entailment_items = caption_items = 2;
        return test_split(mue::Engine::load(model_given ? model : MUE_BENCH_TRAINED_MODEL_DIR), entailment_items,
                          caption_items);
    }
    const auto engine = mue::Engine::load(model);
    const int examples = quick ? 2 : 24;
    const std::vector<std::string> hypotheses{"there is a red circle", "two squares above a blue triangle",
                                              "a small green star", "no objects"};
    // Thresholds inside the default model's similarity range (0.6-0.93, random weights), so that
    // exits actually happen; a trained model's range is near 0.99 (training-notes.md).
    const std::vector<Setting> settings{
        {"mue 0.88/0.88/0.80 kv=none", mue_settings(0.88, 0.88, 0.80, mue::KvPolicy::None)},
        {"mue 0.88/0.88/0.80 kv=copy", mue_settings(0.88, 0.88, 0.80, mue::KvPolicy::Copy)},
        {"mue 0.88/0.88/0.80 kv=propagate", mue_settings(0.88, 0.88, 0.80, mue::KvPolicy::Propagate)},
        {"mue 0.80/0.80/0.70 kv=none", mue_settings(0.80, 0.80, 0.70, mue::KvPolicy::None)},
    };
    std::printf("model %s%s, %d examples per task, %d intra-op thread(s)\n\n", engine.info().model_id.c_str(),
                engine.info().trained ? "" : " (untrained)", examples, threads);
    std::printf("%-11s %-34s %9s %9s %9s %9s %10s %10s\n", "task", "setting", "exp.mean", "exp.tokw", "flops",
                "measured", "ms (exit)", "ms (full)");
    for (const auto task : {mue::Task::Caption, mue::Task::Entailment}) {
        for (const auto& setting : settings) {
            std::vector<double> mean, weighted, flops, measured, exit_ms, full_ms;
            for (int i = 0; i < examples; ++i) {
                mue::RunRequest r;
                r.task = task;
                r.text = hypotheses[static_cast<std::size_t>(i) % hypotheses.size()];
                r.image = scene(i);
                r.exits = setting.exits;
                r.beam_size = 5;
                const auto result = engine.run(r);
                const auto& s = result.trace.savings;
                mean.push_back(s.expected_reduction_mean);
                weighted.push_back(s.expected_reduction_token_weighted);
                flops.push_back(s.flop_reduction);
                measured.push_back(s.measured_reduction.value_or(0));
                exit_ms.push_back(s.compute_ms);
                full_ms.push_back(s.full_compute_ms.value_or(0));
            }
            std::printf("%-11s %-34s %8.1f%% %8.1f%% %8.1f%% %8.1f%% %10.2f %10.2f\n",
                        task == mue::Task::Caption ? "caption" : "entailment", setting.name, 100 * median(mean),
                        100 * median(weighted), 100 * median(flops), 100 * median(measured), median(exit_ms),
                        median(full_ms));
        }
    }
    std::printf("\nmedians over examples; full-model latency IQR caption/entailment is printed below\n");
    for (const auto task : {mue::Task::Caption, mue::Task::Entailment}) {
        std::vector<double> ms;
        for (int i = 0; i < examples; ++i) {
            mue::RunRequest r;
            r.task = task;
            r.text = hypotheses[static_cast<std::size_t>(i) % hypotheses.size()];
            r.image = scene(i);
            ms.push_back(engine.run(r).total_ms);
        }
        std::printf("full model, %-10s per example: median %.2f ms, IQR %.2f ms\n",
                    task == mue::Task::Caption ? "caption" : "entailment", median(ms), spread(ms));
    }
    return 0;
}
