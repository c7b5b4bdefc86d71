#include "decoding.hpp"

#include "flops.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace mue::detail {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Tokens that would repeat an n-gram already in `history` (fairseq's NGramRepeatBlock).
std::vector<int> banned_by_ngram(const std::vector<int>& history, int n) {
    std::vector<int> banned;
    const auto len = static_cast<int>(history.size());
    if (n <= 0 || len < n - 1 || len < 1) return banned;
    const auto tail_start = history.end() - (n - 1);
    for (int i = 0; i + n <= len; ++i) {
        if (std::equal(tail_start, history.end(), history.begin() + i)) {
            banned.push_back(history[static_cast<std::size_t>(i + n - 1)]);
        }
    }
    return banned;
}

// Log-probabilities for the next token of every row, with fairseq's constraints applied; the
// step's exit traces go to `traces`.
torch::Tensor next_token_lprobs(const OfaModel& model, DecoderRun& run, const std::vector<std::vector<int>>& history,
                                int step, const SearchOptions& options, const DecoderExitPolicy& policy,
                                RunContext& context, std::vector<DecoderTokenTrace>& traces) {
    std::vector<std::int64_t> last;
    last.reserve(history.size());
    for (const auto& h : history) last.push_back(h.back());
    const auto rows = static_cast<std::int64_t>(history.size());
    run.begin_step(torch::tensor(last, torch::kLong).unsqueeze(1));
    traces = run_decoder_step(model, run, policy, step + 1, torch::ones({rows, 1}, torch::kBool),
                              torch::zeros({rows}, torch::kLong), context);
    torch::Tensor logits;
    context.layer("output_head", 0, static_cast<double>(rows) * flops::output_head(1, model.config().arch),
                  [&] { logits = model.logits(run.hidden()).squeeze(1); });
    auto lprobs = torch::log_softmax(logits, -1).contiguous();
    lprobs.select(1, options.pad).fill_(kNegInf);
    if (step < options.min_length) lprobs.select(1, options.eos).fill_(kNegInf);
    if (step >= options.max_length) {
        const auto eos_column = lprobs.select(1, options.eos).clone();
        lprobs.fill_(kNegInf);
        lprobs.select(1, options.eos).copy_(eos_column);
    }
    auto acc = lprobs.accessor<float, 2>();
    for (std::size_t row = 0; row < history.size(); ++row) {
        for (const int token : banned_by_ngram(history[row], options.no_repeat_ngram_size)) {
            acc[static_cast<std::int64_t>(row)][token] = kNegInf;
        }
    }
    return lprobs;
}

// Each row's traces so far as a chain of nodes. Beams share their common prefix, so a candidate
// costs an index instead of a copy of its row's traces, which grew by a token every step.
class TraceChains {
public:
    [[nodiscard]] std::int64_t add(DecoderTokenTrace trace, std::int64_t parent) {
        nodes_.push_back({std::move(trace), parent});
        return static_cast<std::int64_t>(nodes_.size()) - 1;
    }
    // The traces from the first step to `node`.
    [[nodiscard]] std::vector<DecoderTokenTrace> unroll(std::int64_t node) const {
        std::vector<DecoderTokenTrace> traces;
        for (; node >= 0; node = nodes_[static_cast<std::size_t>(node)].parent) {
            traces.push_back(nodes_[static_cast<std::size_t>(node)].trace);
        }
        std::reverse(traces.begin(), traces.end());
        return traces;
    }

private:
    struct Node {
        DecoderTokenTrace trace;
        std::int64_t parent;  // -1: the first step
    };
    std::vector<Node> nodes_;
};

double normalised(double score, std::size_t tokens_with_eos, double length_penalty) {
    return score / std::pow(static_cast<double>(tokens_with_eos), length_penalty);
}

}  // namespace

std::vector<Hypothesis> greedy_search(const OfaModel& model, const EncoderOutput& encoder,
                                      const SearchOptions& options, const DecoderExitPolicy& policy,
                                      RunContext& context) {
    const auto rows = static_cast<std::size_t>(encoder.states.size(0));
    DecoderRun run = model.decoder(encoder, policy.settings().kv_policy);
    std::vector<std::vector<int>> history(rows, std::vector<int>{options.bos});
    std::vector<double> score(rows, 0.0);
    std::vector<Hypothesis> result(rows);
    std::vector<bool> done(rows, false);
    std::vector<DecoderTokenTrace> traces;
    for (int step = 0; step <= options.max_length; ++step) {
        const auto lprobs = next_token_lprobs(model, run, history, step, options, policy, context, traces);
        const auto best = std::get<1>(lprobs.max(1));
        bool all_done = true;
        for (std::size_t r = 0; r < rows; ++r) {
            if (done[r]) continue;
            const int token = static_cast<int>(best[static_cast<std::int64_t>(r)].item<std::int64_t>());
            score[r] += lprobs[static_cast<std::int64_t>(r)][token].item<float>();
            history[r].push_back(token);
            result[r].steps.push_back(std::move(traces[r]));
            if (token == options.eos) {
                done[r] = true;
                result[r].tokens.assign(history[r].begin() + 1, history[r].end() - 1);
                result[r].score = normalised(score[r], history[r].size() - 1, options.length_penalty);
            } else {
                all_done = false;
            }
        }
        if (all_done) break;
    }
    return result;
}

std::vector<Hypothesis> beam_search(const OfaModel& model, const EncoderOutput& encoder,
                                    const SearchOptions& options, const DecoderExitPolicy& policy,
                                    RunContext& context) {
    const std::int64_t examples = encoder.states.size(0);
    const std::int64_t beams = options.beam_size;
    const auto vocab = model.config().arch.vocab_size;

    // Every example starts with `beams` identical rows; only the first is expanded at step 0.
    DecoderRun run = model.decoder(encoder, policy.settings().kv_policy);
    run.repeat_rows(static_cast<int>(beams));
    std::vector<std::vector<int>> history(static_cast<std::size_t>(examples * beams), std::vector<int>{options.bos});
    TraceChains chains;
    std::vector<std::int64_t> row_chain(history.size(), -1);  // each row's last node in `chains`
    std::vector<DecoderTokenTrace> traces;
    std::vector<double> beam_score(history.size(), 0.0);
    std::vector<std::vector<Hypothesis>> finished(static_cast<std::size_t>(examples));
    // The examples still decoding, in row order: example live[p] owns rows p*beams .. p*beams+beams-1.
    // Finished examples leave the run, as in fairseq, so that a batch does not keep decoding them.
    std::vector<std::int64_t> live(static_cast<std::size_t>(examples));
    for (std::int64_t b = 0; b < examples; ++b) live[static_cast<std::size_t>(b)] = b;

    for (int step = 0; step <= options.max_length; ++step) {
        const auto lprobs = next_token_lprobs(model, run, history, step, options, policy, context, traces);
        std::vector<std::int64_t> next_rows;
        std::vector<std::vector<int>> next_history;
        std::vector<std::int64_t> next_chain;
        std::vector<double> next_score;
        // This step's node of each row, added when a candidate first extends the row.
        std::vector<std::int64_t> step_node(history.size(), -1);
        const auto node_of = [&](std::int64_t row) {
            auto& node = step_node[static_cast<std::size_t>(row)];
            if (node < 0) {
                node = chains.add(std::move(traces[static_cast<std::size_t>(row)]), row_chain[static_cast<std::size_t>(row)]);
            }
            return node;
        };
        std::vector<std::int64_t> next_live;
        std::vector<std::int64_t> kept_positions;  // of next_live in live: their encoder rows
        for (std::size_t position = 0; position < live.size(); ++position) {
            const auto ub = static_cast<std::size_t>(live[position]);
            const std::int64_t first_row = static_cast<std::int64_t>(position) * beams;
            const std::size_t rows_before = next_rows.size();
            const std::int64_t open = step == 0 ? 1 : beams;
            std::vector<double> base(static_cast<std::size_t>(open));
            for (std::int64_t k = 0; k < open; ++k) base[static_cast<std::size_t>(k)] = beam_score[static_cast<std::size_t>(first_row + k)];
            // Each open beam's score plus each token's log-probability, summed in double as before
            // in tensor operations, written directly: six operations per example and step less.
            auto candidates = torch::empty({open * vocab}, torch::kFloat64);
            double* candidate = candidates.data_ptr<double>();
            const float* row_lprobs = lprobs.data_ptr<float>() + first_row * vocab;
            for (std::int64_t i = 0; i < open * vocab; ++i) {
                candidate[i] = static_cast<double>(row_lprobs[i]) + base[static_cast<std::size_t>(i / vocab)];
            }
            const auto top = candidates.topk(std::min<std::int64_t>(2 * beams, open * vocab));
            // Read through pointers: indexing and item() are two tensor operations per candidate.
            const auto top_scores = std::get<0>(top).contiguous();
            const auto top_index = std::get<1>(top).contiguous();
            const double* scores = top_scores.data_ptr<double>();
            const std::int64_t* indices = top_index.data_ptr<std::int64_t>();
            std::int64_t kept = 0;
            for (std::int64_t c = 0; c < top_scores.size(0) && kept < beams; ++c) {
                const double s = scores[c];
                if (std::isinf(s)) break;
                const std::int64_t flat = indices[c];
                const std::int64_t row = first_row + flat / vocab;
                const int token = static_cast<int>(flat % vocab);
                const auto& h = history[static_cast<std::size_t>(row)];
                if (token == options.eos) {
                    // fairseq finalises eos only among the first `beams` candidates.
                    if (c < beams && finished[ub].size() < static_cast<std::size_t>(beams)) {
                        finished[ub].push_back({std::vector<int>(h.begin() + 1, h.end()), chains.unroll(node_of(row)),
                                                normalised(s, h.size(), options.length_penalty)});
                    }
                    continue;
                }
                next_rows.push_back(row);
                auto extended = h;
                extended.push_back(token);
                next_history.push_back(std::move(extended));
                next_chain.push_back(node_of(row));
                next_score.push_back(s);
                ++kept;
            }
            if (finished[ub].size() >= static_cast<std::size_t>(beams) || kept < beams) {
                next_rows.resize(rows_before);  // done: its rows leave the run
                next_history.resize(rows_before);
                next_chain.resize(rows_before);
                next_score.resize(rows_before);
            } else {
                next_live.push_back(live[position]);
                kept_positions.push_back(static_cast<std::int64_t>(position));
            }
        }
        if (next_live.empty()) break;
        // Rows move within their example's block unless an example left: only then do the encoder
        // rows and cross-attention caches need reordering.
        run.select_rows(torch::tensor(next_rows, torch::kLong),
                        next_live.size() == live.size() ? torch::Tensor() : torch::tensor(kept_positions, torch::kLong));
        live = std::move(next_live);
        history = std::move(next_history);
        row_chain = std::move(next_chain);
        beam_score = std::move(next_score);
    }

    std::vector<Hypothesis> best(static_cast<std::size_t>(examples));
    for (std::size_t b = 0; b < finished.size(); ++b) {
        const auto it = std::max_element(finished[b].begin(), finished[b].end(),
                                         [](const Hypothesis& x, const Hypothesis& y) { return x.score < y.score; });
        if (it != finished[b].end()) best[b] = *it;
    }
    return best;
}

ScoringPass last_position_logits(const OfaModel& model, const EncoderOutput& encoder,
                                 const std::vector<std::vector<int>>& prompts, int pad, const DecoderExitPolicy& policy,
                                 RunContext& context) {
    const auto rows = static_cast<std::int64_t>(prompts.size());
    std::size_t longest = 0;
    for (const auto& p : prompts) longest = std::max(longest, p.size());
    auto tokens = torch::full({rows, static_cast<std::int64_t>(longest)}, pad, torch::kLong);
    auto padding = torch::ones({rows, static_cast<std::int64_t>(longest)}, torch::kBool);
    std::vector<std::int64_t> last(prompts.size());
    for (std::int64_t r = 0; r < rows; ++r) {
        const auto& p = prompts[static_cast<std::size_t>(r)];
        const auto n = static_cast<std::int64_t>(p.size());
        tokens[r].narrow(0, 0, n).copy_(torch::tensor(std::vector<std::int64_t>(p.begin(), p.end()), torch::kLong));
        padding[r].narrow(0, 0, n).fill_(false);
        last[static_cast<std::size_t>(r)] = n - 1;
    }
    const auto readout = torch::tensor(last, torch::kLong);
    DecoderRun run = model.decoder(encoder, policy.settings().kv_policy);
    run.begin_step(tokens, padding);
    ScoringPass pass;
    pass.traces = run_decoder_step(model, run, policy, /*step=*/1, padding.logical_not(), readout, context);
    context.layer("output_head", 0, static_cast<double>(rows) * flops::output_head(1, model.config().arch), [&] {
        pass.logits = model.logits(run.hidden().index({torch::arange(rows), readout}));
    });
    return pass;
}

}  // namespace mue::detail
