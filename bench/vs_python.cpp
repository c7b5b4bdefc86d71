// The C++ half of the engine-vs-PyTorch comparison (bench/reference_forward.py drives it). Writes
// the shapes world's test items as the model sees them (preprocessed pixels, token ids), runs the
// full model on them at batch 1 and at batch B, and writes every output and timing as JSON, so the
// Python reference can run the same inputs, check agreement and time itself with the same threads.
// Usage: bench_vs_python --out DIR [--model DIR] [--items N] [--batch B] [--repeats R]
//                        [--threads T] [--time-only]

#include "mue/engine.hpp"
#include "mue/evaluation.hpp"
#include "mue/tokenizer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kSplit = "test";
constexpr int kDefaultItems = 32;
constexpr int kDefaultBatch = 32;
constexpr int kDefaultRepeats = 5;

struct Options {
    std::string out;
    std::string model = MUE_BENCH_MODEL_DIR;
    int items = kDefaultItems;
    int batch = kDefaultBatch;
    int repeats = kDefaultRepeats;
    int threads = 1;
    bool time_only = false;  // skip the input and output files (a later timing round)
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&] {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return std::string(argv[++i]);
        };
        if (a == "--out") o.out = next();
        else if (a == "--model") o.model = next();
        else if (a == "--items") o.items = std::stoi(next());
        else if (a == "--batch") o.batch = std::stoi(next());
        else if (a == "--repeats") o.repeats = std::stoi(next());
        else if (a == "--threads") o.threads = std::stoi(next());
        else if (a == "--time-only") o.time_only = true;
        else throw std::invalid_argument("unknown option " + a);
    }
    if (o.out.empty()) throw std::invalid_argument("--out DIR is required");
    return o;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

mue::RunRequest request(const mue::EvalItem& item, mue::Task task) {
    mue::RunRequest r;
    r.task = task;
    r.image = item.image;
    r.text = item.text;
    return r;  // ExitSettings{}: the full model, as the reference computes it
}

json outputs(const mue::RunResult& r) {
    json o{{"source_ids", r.source_ids}, {"prediction", r.prediction}};
    if (!r.answers.empty()) {
        std::vector<float> logits, probabilities;
        for (const auto& a : r.answers) {
            logits.push_back(a.logit);
            probabilities.push_back(a.probability);
        }
        o["answer_logits"] = logits;
        o["answer_probabilities"] = probabilities;
    } else {
        o["output_ids"] = r.output_ids;
        o["output_score"] = r.output_score;
    }
    return o;
}

// Per-example compute time at batch 1 (preprocessing excluded, as in the reference): for each
// item, the median of `repeats` runs after one warm-up run.
std::vector<double> batch1_ms(const mue::Engine& engine, const std::vector<mue::RunRequest>& requests, int repeats) {
    std::vector<double> per_item;
    for (const auto& r : requests) {
        (void)engine.run(r);
        std::vector<double> ms;
        for (int k = 0; k < repeats; ++k) ms.push_back(engine.run(r).trace.savings.compute_ms);
        std::sort(ms.begin(), ms.end());
        per_item.push_back(ms[ms.size() / 2]);
    }
    return per_item;
}

// Examples per second at batch B over all items (the last batch may be short), per repeat.
std::vector<double> throughput(const mue::Engine& engine, const std::vector<mue::RunRequest>& requests, int batch,
                               int repeats, std::vector<mue::RunResult>* results) {
    std::vector<double> rates;
    for (int k = 0; k <= repeats; ++k) {  // k = 0 warms up
        double compute_ms = 0;
        std::vector<mue::RunResult> all;
        for (std::size_t first = 0; first < requests.size(); first += static_cast<std::size_t>(batch)) {
            const auto last = std::min(requests.size(), first + static_cast<std::size_t>(batch));
            auto chunk = engine.run_batch({requests.begin() + static_cast<std::ptrdiff_t>(first),
                                           requests.begin() + static_cast<std::ptrdiff_t>(last)});
            compute_ms += chunk.front().trace.savings.compute_ms;
            for (auto& r : chunk) all.push_back(std::move(r));
        }
        if (k > 0) rates.push_back(1000.0 * static_cast<double>(requests.size()) / compute_ms);
        if (k == 0 && results != nullptr) *results = std::move(all);
    }
    return rates;
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    mue::set_intra_op_threads(o.threads);
    const auto engine = mue::Engine::load(o.model);
    const auto& config = engine.config();
    const int size = config.image.size;

    json manifest{{"model", engine.info().folder.string()},
                  {"model_id", engine.info().model_id},
                  {"threads", o.threads},
                  {"split", kSplit},
                  {"image_size", size},
                  {"batch", o.batch},
                  {"repeats", o.repeats}};
    std::ofstream pixels;
    if (!o.time_only) {
        const auto tokenizer = mue::Tokenizer::load(o.model);
        std::vector<int> answer_ids;
        for (const auto& a : config.entailment.answers) answer_ids.push_back(tokenizer.token_id(a));
        manifest["answer_ids"] = answer_ids;
        manifest["beam_size"] = config.caption.beam_size;
        manifest["max_length"] = config.caption.max_length;
        manifest["no_repeat_ngram_size"] = config.caption.no_repeat_ngram_size;
        manifest["length_penalty"] = config.caption.length_penalty;
        manifest["special"] = {{"bos", config.special.bos}, {"pad", config.special.pad}, {"eos", config.special.eos}};
        pixels.open(o.out + "/pixels.f32", std::ios::binary);
        if (!pixels) throw std::runtime_error(o.out + "/pixels.f32: cannot write");
    }

    std::int64_t pixel_offset = 0;
    for (const auto& [name, task] : {std::pair<const char*, mue::Task>{"entailment", mue::Task::Entailment},
                                     {"caption", mue::Task::Caption}}) {
        const auto dataset = mue::load_eval_dataset(task == mue::Task::Entailment ? "shapes-ve" : "shapes-caption",
                                                    kSplit, static_cast<std::size_t>(o.items), size);
        std::vector<mue::RunRequest> requests;
        for (const auto& item : dataset.items) requests.push_back(request(item, task));

        const auto start = Clock::now();
        const auto latency = batch1_ms(engine, requests, o.repeats);
        std::vector<mue::RunResult> batched;
        const auto rates = throughput(engine, requests, o.batch, o.repeats, &batched);
        std::fprintf(stderr, "bench_vs_python: %s timed in %.1f s\n", name, ms_since(start) / 1000.0);

        json t{{"batch1_ms", latency}, {"batch_rates", rates}};
        if (!o.time_only) {
            json items = json::array();
            for (std::size_t i = 0; i < requests.size(); ++i) {
                const auto values = mue::preprocess_image(dataset.items[i].image, config.image);
                pixels.write(reinterpret_cast<const char*>(values.data()),
                             static_cast<std::streamsize>(values.size() * sizeof(float)));
                json entry{{"id", dataset.items[i].id}, {"pixel_offset", pixel_offset},
                           {"batch1", outputs(engine.run(requests[i]))}, {"batched", outputs(batched[i])}};
                pixel_offset += static_cast<std::int64_t>(values.size());
                items.push_back(std::move(entry));
            }
            t["items"] = std::move(items);
        }
        manifest["tasks"][name] = std::move(t);
    }
    std::ofstream(o.out + (o.time_only ? "/cpp-timing.json" : "/cpp.json")) << manifest.dump(1) << '\n';
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_vs_python: %s\n", e.what());
    return 1;
}
