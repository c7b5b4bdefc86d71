// Wall-clock vs. expected reduction over a sample of inputs, and the full model's per-example
// latency. Each example runs with the exit policy and, in the same call, with the full model
// (ExitSettings::compare_full), so the ratio is measured side by side.
// Usage: bench_savings [--quick] [--model DIR] [--threads N]

#include "mue/engine.hpp"

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

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::string model = MUE_BENCH_MODEL_DIR;
    int threads = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) quick = true;
        if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) model = argv[++i];
        if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = std::stoi(argv[++i]);
    }
    mue::set_intra_op_threads(threads);
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
