#pragma once
// How a task and the user's text become the encoder's source tokens, shared by inference and
// training so that both see exactly the same prompts.

#include "mue/engine.hpp"
#include "mue/tokenizer.hpp"

#include <vector>

namespace mue::detail {

// [bos] + prompt tokens + [eos]: the caption prompt as configured; the entailment template with the
// cleaned hypothesis; or the cleaned free prompt with a leading space. Long prompts keep their
// beginning (as OFA truncates sources). Empty text after clean-up is an InputError.
[[nodiscard]] std::vector<int> source_ids(const ModelConfig& config, const Tokenizer& tokenizer, Task task,
                                          const std::string& text);

}  // namespace mue::detail
