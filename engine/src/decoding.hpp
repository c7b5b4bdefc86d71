#pragma once
// Decoding on top of OfaModel: greedy and beam search with fairseq / OFA semantics, and scoring of
// fixed single-token answers at the last prompt position.

#include "exits.hpp"
#include "ofa_model.hpp"
#include "run_context.hpp"

#include <vector>

namespace mue::detail {

struct SearchOptions {
    int beam_size = 5;
    int max_length = 16;           // tokens before eos is forced
    int min_length = 1;            // eos is banned before this many tokens
    int no_repeat_ngram_size = 3;  // 0: off; n-grams are counted from bos on, as in fairseq
    double length_penalty = 1.0;   // score = sum log p / (tokens incl. eos)^length_penalty
    int bos = 0, pad = 1, eos = 2;
};

struct Hypothesis {
    std::vector<int> tokens;               // generated tokens without bos and eos
    std::vector<DecoderTokenTrace> steps;  // one per decoding step, the eos step included
    double score = 0;                      // length-normalised log-probability
};

// One best hypothesis per encoder row; every step runs under the decoder exit policy.
[[nodiscard]] std::vector<Hypothesis> greedy_search(const OfaModel& model, const EncoderOutput& encoder,
                                                    const SearchOptions& options, const DecoderExitPolicy& policy,
                                                    RunContext& context);
[[nodiscard]] std::vector<Hypothesis> beam_search(const OfaModel& model, const EncoderOutput& encoder,
                                                  const SearchOptions& options, const DecoderExitPolicy& policy,
                                                  RunContext& context);

struct ScoringPass {
    torch::Tensor logits;                   // [B, V] at each row's last prompt token
    std::vector<DecoderTokenTrace> traces;  // one per row: the single teacher-forced step
};

// Teacher-forces `prompts` (rows of [bos, prompt...], unequal lengths allowed) in one step.
[[nodiscard]] ScoringPass last_position_logits(const OfaModel& model, const EncoderOutput& encoder,
                                               const std::vector<std::vector<int>>& prompts, int pad,
                                               const DecoderExitPolicy& policy, RunContext& context);

}  // namespace mue::detail
