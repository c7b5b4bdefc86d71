#pragma once
// How a task and the user's text become the encoder's source tokens, shared by inference and
// training so that both see exactly the same prompts.

#include "mue/engine.hpp"
#include "mue/tokenizer.hpp"

#include <vector>

namespace mue::detail {

// [bos] + prompt tokens + [eos]: the caption prompt as configured; the entailment template with the
// cleaned hypothesis (and, when `premise` is not empty, the premise template with both, as OFA's
// SNLI-VE with captions); or the cleaned free prompt with a leading space. Long prompts keep their
// beginning (as OFA truncates sources). Empty text after clean-up is an InputError, and so is a
// premise for a model without a premise template or for another task.
[[nodiscard]] std::vector<int> source_ids(const ModelConfig& config, const Tokenizer& tokenizer, Task task,
                                          const std::string& text, const std::string& premise = {});

}  // namespace mue::detail
