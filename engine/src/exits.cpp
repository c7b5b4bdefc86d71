#include "exits.hpp"

#include "flops.hpp"

#include <algorithm>
#include <cmath>

namespace mue::detail {
namespace {

constexpr double kNormFloor = 1e-12;  // cosine of an all-zero state is 0, not NaN
constexpr std::int64_t kLensSize = 5;
constexpr float kProbabilityFloor = 1e-30F;  // log(0) would make an entropy NaN
// Streams run a layer together (EncoderStream::step_together) only while their rows (batch x
// tokens, all streams) stay at most this many. Fusing saves per-operation cost, which dominates
// short streams; on larger inputs its concatenations and copies cost more than it saves. Measured
// on the embedded model (docs/benchmarks.md): batch 1 (~80 rows) encoder 13 % faster, batch 2
// and 4 level, batch 8 and 32 2-15 % slower.
constexpr std::int64_t kMaxFusedRows = 128;

// The similarity of row r's unpadded tokens, in stream order, from [R * N] values and an [R, N]
// bool tensor (contiguous).
std::vector<float> real_tokens(const std::vector<float>& per_token, const torch::Tensor& padding, std::int64_t row) {
    const auto n = padding.size(1);
    const float* values = per_token.data() + row * n;
    const bool* pad = padding.data_ptr<bool>() + row * n;
    std::vector<float> out;
    out.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        if (!pad[i]) out.push_back(values[i]);
    }
    return out;
}

// One row's next-token distribution as the exit tests and the lens read it: plain loops over the
// row, since a tensor operation and an item() per test and lens entry cost more dispatches than
// the arithmetic (the lens alone was 10 per row and layer).
struct Distribution {
    const float* p = nullptr;
    std::int64_t size = 0;

    [[nodiscard]] std::int64_t argmax() const {  // the first of equal maxima, like torch::argmax
        return std::max_element(p, p + size) - p;
    }
    [[nodiscard]] float entropy() const {
        double sum = 0;
        for (std::int64_t i = 0; i < size; ++i) sum -= static_cast<double>(p[i]) * std::log(std::max(p[i], kProbabilityFloor));
        return static_cast<float>(sum);
    }
    [[nodiscard]] std::vector<LensEntry> top(std::int64_t k) const {
        std::vector<std::int64_t> ids(static_cast<std::size_t>(size));
        for (std::int64_t i = 0; i < size; ++i) ids[static_cast<std::size_t>(i)] = i;
        const auto n = std::min(k, size);
        std::partial_sort(ids.begin(), ids.begin() + n, ids.end(),
                          [&](std::int64_t a, std::int64_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
        std::vector<LensEntry> entries;
        for (std::int64_t i = 0; i < n; ++i) {
            const auto id = ids[static_cast<std::size_t>(i)];
            entries.push_back({static_cast<int>(id), {}, p[id]});
        }
        return entries;
    }
};

// Which rows of a batch still run layers. Exited rows keep their state; with what-if every row
// runs on and only its recorded exit changes.
class ActiveRows {
public:
    ActiveRows(std::int64_t rows, bool what_if) : active_(static_cast<std::size_t>(rows), 1), count_(rows), what_if_(what_if) {}

    [[nodiscard]] bool any() const { return what_if_ || count_ > 0; }
    [[nodiscard]] bool runs(std::int64_t row) const { return what_if_ || active_[static_cast<std::size_t>(row)] != 0; }
    void exit(std::int64_t row) {
        if (what_if_) return;
        active_[static_cast<std::size_t>(row)] = 0;
        --count_;
    }
    // The [R] bool mask a layer step takes; undefined when every row runs.
    [[nodiscard]] torch::Tensor mask() const {
        if (what_if_ || count_ == static_cast<std::int64_t>(active_.size())) return {};
        auto mask = torch::empty({static_cast<std::int64_t>(active_.size())}, torch::kBool);
        std::copy(active_.begin(), active_.end(), mask.data_ptr<bool>());
        return mask;
    }

private:
    std::vector<char> active_;
    std::int64_t count_;
    bool what_if_;
};

}  // namespace

std::vector<float> row_cosine(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& keep,
                              std::vector<float>* per_token) {
    // Layer outputs are already float and contiguous: then no conversion is dispatched (this
    // runs after every layer of every step).
    const auto as = [](const torch::Tensor& t, torch::ScalarType type) {
        return t.scalar_type() == type && t.is_contiguous() ? t : t.to(type).contiguous();
    };
    const auto fa = as(a, torch::kFloat32);
    const auto fb = as(b, torch::kFloat32);
    const auto rows = fa.size(0);
    const auto positions = fa.dim() > 1 ? fa.size(1) : 1;
    const auto width = rows == 0 ? 0 : fa.numel() / (rows * positions);
    const auto kept = keep.defined() ? as(keep, torch::kBool) : torch::Tensor();
    const float* pa = fa.data_ptr<float>();
    const float* pb = fb.data_ptr<float>();
    const bool* pk = kept.defined() ? kept.data_ptr<bool>() : nullptr;
    const auto cosine = [](double dot, double na, double nb) {
        return static_cast<float>(std::clamp(dot / std::max(std::sqrt(na * nb), kNormFloor), -1.0, 1.0));
    };
    std::vector<float> out(static_cast<std::size_t>(rows));
    if (per_token != nullptr) per_token->assign(static_cast<std::size_t>(rows * positions), 0.0F);
    for (std::int64_t r = 0; r < rows; ++r) {
        double dot = 0, na = 0, nb = 0;
        for (std::int64_t t = 0; t < positions; ++t) {
            if (pk != nullptr && !pk[r * positions + t]) continue;
            const float* x = pa + (r * positions + t) * width;
            const float* y = pb + (r * positions + t) * width;
            double token_dot = 0, token_na = 0, token_nb = 0;
            for (std::int64_t i = 0; i < width; ++i) {
                token_dot += static_cast<double>(x[i]) * y[i];
                token_na += static_cast<double>(x[i]) * x[i];
                token_nb += static_cast<double>(y[i]) * y[i];
            }
            dot += token_dot;
            na += token_na;
            nb += token_nb;
            if (per_token != nullptr) (*per_token)[static_cast<std::size_t>(r * positions + t)] = cosine(token_dot, token_na, token_nb);
        }
        out[static_cast<std::size_t>(r)] = cosine(dot, na, nb);
    }
    return out;
}

std::vector<std::vector<StreamTrace>> run_encoder_streams(const std::vector<StreamRun>& runs, bool what_if,
                                                          RunContext& context) {
    struct State {
        torch::Tensor padding;  // [R, N] bool, contiguous
        std::vector<StreamTrace> traces;
        ActiveRows active;
    };
    std::vector<State> states;
    for (const auto& run : runs) {
        const auto& stream = *run.stream;
        if (stream.layers_done() != runs.front().stream->layers_done()) {
            throw std::logic_error("encoder streams run together must start at the same depth");
        }
        const auto rows = stream.hidden().size(0);
        auto padding = stream.padding().to(torch::kBool).contiguous();
        const auto real_counts = padding.logical_not().sum(1).contiguous();
        std::vector<StreamTrace> traces(static_cast<std::size_t>(rows));
        for (std::int64_t r = 0; r < rows; ++r) {
            auto& t = traces[static_cast<std::size_t>(r)];
            t.tokens = static_cast<int>(real_counts.data_ptr<std::int64_t>()[r]);
            t.layers = stream.num_layers();
            t.exit_layer = stream.num_layers();
        }
        states.push_back({std::move(padding), std::move(traces), ActiveRows(rows, what_if)});
    }
    while (true) {
        // Every stream still running is at the same depth: they all started there and step together.
        std::vector<std::size_t> running;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (!runs[i].stream->finished() && states[i].active.any()) running.push_back(i);
        }
        if (running.empty()) break;
        const int layer = runs[running.front()].stream->layers_done() + 1;
        std::vector<EncoderStream*> streams;
        std::vector<torch::Tensor> masks, before;
        std::vector<std::string> stages;
        std::vector<double> layer_flops;
        std::int64_t rows = 0;  // batch x tokens over the running streams
        for (const auto i : running) {
            auto& stream = *runs[i].stream;
            const auto& state = states[i];
            double flops = 0;
            for (std::size_t r = 0; r < state.traces.size(); ++r) {
                if (!state.active.runs(static_cast<std::int64_t>(r))) continue;
                flops += flops::encoder_layer(state.traces[r].tokens, stream.arch());
            }
            streams.push_back(&stream);
            masks.push_back(state.active.mask());
            before.push_back(stream.hidden());
            stages.push_back(runs[i].stage);
            layer_flops.push_back(flops);
            rows += stream.hidden().size(0) * stream.hidden().size(1);
        }
        if (rows <= kMaxFusedRows) {
            context.shared_layer(stages, layer, layer_flops, [&] { EncoderStream::step_together(streams, masks); });
        } else {
            for (std::size_t j = 0; j < streams.size(); ++j) {
                context.layer(stages[j], layer, layer_flops[j], [&] { streams[j]->step(masks[j]); });
            }
        }
        for (std::size_t j = 0; j < running.size(); ++j) {
            const auto& rule = runs[running[j]].rule;
            auto& state = states[running[j]];
            std::vector<float> per_token;
            const auto similarity = row_cosine(before[j], streams[j]->hidden(), {}, &per_token);
            for (std::size_t r = 0; r < state.traces.size(); ++r) {
                const auto row = static_cast<std::int64_t>(r);
                auto& t = state.traces[r];
                if (!state.active.runs(row)) continue;
                const float sim = similarity[r];
                t.similarity.push_back(sim);
                t.token_similarity.push_back(real_tokens(per_token, state.padding, row));
                const bool fires = (rule.threshold && sim > *rule.threshold) || layer == rule.fixed_layers;
                if (!t.exited && fires) {
                    t.exited = true;
                    t.exit_layer = layer;
                    state.active.exit(row);
                }
            }
        }
    }
    std::vector<std::vector<StreamTrace>> traces;
    for (auto& state : states) traces.push_back(std::move(state.traces));
    return traces;
}

DecoderExitPolicy::DecoderExitPolicy(const ExitSettings& settings, int layers, int max_steps, bool scoring)
    : settings_(settings), layers_(layers), max_steps_(std::max(max_steps, 1)), scoring_(scoring) {}

double DecoderExitPolicy::threshold(int step) const {
    switch (settings_.policy) {
        case ExitPolicy::Mue:
        case ExitPolicy::Joint: {
            // theta >= 1 switches decoder exits off whatever beta is, so that all thresholds at 1
            // reproduce the full model.
            if (settings_.decoder_threshold >= 1.0) return 1.0;
            if (scoring_) return settings_.decoder_threshold;
            const int warmup_steps = static_cast<int>(std::floor(settings_.warmup_fraction * max_steps_));
            if (step <= warmup_steps) return 1.0;  // similarity never exceeds 1: no exit
            const double n = max_steps_;
            return settings_.beta * settings_.decoder_threshold +
                   (1.0 - settings_.beta) * std::exp(-settings_.tau * step / n);
        }
        case ExitPolicy::Static:
            return settings_.static_decoder_layers > 0 ? settings_.static_decoder_layers : layers_;
        case ExitPolicy::DeeBert: return settings_.entropy_threshold;
        case ExitPolicy::Pabee: return settings_.patience;
        case ExitPolicy::Confidence: return settings_.confidence_threshold;
        case ExitPolicy::Full: return 1.0;
    }
    return 1.0;
}

bool DecoderExitPolicy::needs_head() const {
    const auto p = settings_.policy;
    return settings_.lens || p == ExitPolicy::DeeBert || p == ExitPolicy::Pabee || p == ExitPolicy::Confidence;
}

std::vector<DecoderTokenTrace> run_decoder_step(const OfaModel& model, DecoderRun& run, const DecoderExitPolicy& policy,
                                                int step, const torch::Tensor& keep, const torch::Tensor& readout,
                                                RunContext& context) {
    const auto& s = policy.settings();
    const auto& arch = model.config().arch;
    const auto rows = run.rows();
    const bool what_if = s.what_if;
    const double threshold = policy.threshold(step);
    // Each row's real (unpadded) tokens, counted in place: a sum and a conversion per step cost more.
    const auto kept = keep.scalar_type() == torch::kBool ? keep.contiguous() : keep.to(torch::kBool).contiguous();
    const bool* kept_tokens = kept.data_ptr<bool>();
    std::vector<double> real_tokens(static_cast<std::size_t>(rows), 0.0);
    for (std::int64_t r = 0; r < rows; ++r) {
        real_tokens[static_cast<std::size_t>(r)] =
            static_cast<double>(std::count(kept_tokens + r * kept.size(1), kept_tokens + (r + 1) * kept.size(1), true));
    }

    const auto row_index = policy.needs_head() ? torch::arange(rows, torch::kLong) : torch::Tensor();

    std::vector<DecoderTokenTrace> traces(static_cast<std::size_t>(rows));
    std::vector<std::int64_t> previous_prediction(static_cast<std::size_t>(rows), -1);
    std::vector<int> streak(static_cast<std::size_t>(rows), 0);
    for (auto& t : traces) {
        t.step = step;
        t.threshold = static_cast<float>(threshold);
        t.exit_layer = run.num_layers();
    }
    ActiveRows active(rows, what_if);
    while (!run.step_finished() && active.any()) {
        const int layer = run.layers_done() + 1;
        double layer_flops = 0;
        for (std::int64_t r = 0; r < rows; ++r) {
            if (active.runs(r)) {
                layer_flops += flops::decoder_layer(real_tokens[static_cast<std::size_t>(r)], run.cached_length(), run.encoder_length(), arch);
            }
        }
        const auto before = run.hidden();
        context.layer("decoder", layer, layer_flops, [&] { run.step_layer(active.mask()); });
        const auto similarity = row_cosine(before, run.hidden(), keep);

        torch::Tensor probabilities;
        if (policy.needs_head()) {
            probabilities = torch::softmax(model.logits(run.hidden().index({row_index, readout})), -1).contiguous();
        }
        for (std::int64_t r = 0; r < rows; ++r) {
            auto& t = traces[static_cast<std::size_t>(r)];
            if (!active.runs(r)) continue;
            const Distribution head = probabilities.defined()
                                          ? Distribution{probabilities.data_ptr<float>() + r * probabilities.size(1),
                                                         probabilities.size(1)}
                                          : Distribution{};
            const float sim = similarity[static_cast<std::size_t>(r)];
            t.similarity.push_back(sim);
            bool fires = false;
            switch (s.policy) {
                case ExitPolicy::Mue:
                case ExitPolicy::Joint:
                    fires = sim > threshold;
                    t.measure.push_back(sim);
                    break;
                case ExitPolicy::Static:
                    fires = layer == static_cast<int>(threshold);
                    t.measure.push_back(static_cast<float>(layer));
                    break;
                case ExitPolicy::DeeBert: {
                    const float entropy = head.entropy();
                    fires = entropy < threshold;
                    t.measure.push_back(entropy);
                    break;
                }
                case ExitPolicy::Confidence: {
                    const float top = head.p[head.argmax()];
                    fires = top > threshold;
                    t.measure.push_back(top);
                    break;
                }
                case ExitPolicy::Pabee: {
                    const auto prediction = head.argmax();
                    auto& run_length = streak[static_cast<std::size_t>(r)];
                    run_length = prediction == previous_prediction[static_cast<std::size_t>(r)] ? run_length + 1 : 0;
                    previous_prediction[static_cast<std::size_t>(r)] = prediction;
                    fires = run_length >= s.patience;
                    t.measure.push_back(static_cast<float>(run_length));
                    break;
                }
                case ExitPolicy::Full:
                    t.measure.push_back(sim);
                    break;
            }
            if (s.lens) t.lens.push_back(head.top(kLensSize));
            if (!t.exited && fires) {
                t.exited = true;
                t.exit_layer = layer;
                active.exit(r);
            }
        }
    }
    const int skipped = run.num_layers() - run.layers_done();
    if (skipped > 0 && run.kv_policy() == KvPolicy::Propagate) {
        const double kv_flops = skipped * flops::self_kv(keep.sum().item<double>(), arch);
        context.layer("decoder.kv", 0, kv_flops, [&] { run.finish_step(); });
    } else {
        run.finish_step();
    }
    return traces;
}

}  // namespace mue::detail
