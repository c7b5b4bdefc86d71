#pragma once
// Decoding on top of OfaModel: greedy and beam search with fairseq / OFA semantics, and scoring of
// fixed single-token answers at the last prompt position.

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
    std::vector<int> tokens;  // generated tokens without bos and eos
    double score = 0;         // length-normalised log-probability
};

// Runs every decoder layer of the open step, timing each under "decoder".
void run_decoder_layers(DecoderRun& run, RunContext& context);

// One best hypothesis per encoder row.
[[nodiscard]] std::vector<Hypothesis> greedy_search(const OfaModel& model, const EncoderOutput& encoder,
                                                    const SearchOptions& options, RunContext& context);
[[nodiscard]] std::vector<Hypothesis> beam_search(const OfaModel& model, const EncoderOutput& encoder,
                                                  const SearchOptions& options, RunContext& context);

// Teacher-forces `prompts` (rows of [bos, prompt...], unequal lengths allowed) and returns the
// vocabulary logits at each row's last token: [B, V].
[[nodiscard]] torch::Tensor last_position_logits(const OfaModel& model, const EncoderOutput& encoder,
                                                 const std::vector<std::vector<int>>& prompts, int pad,
                                                 RunContext& context);

}  // namespace mue::detail
