#include "prompts.hpp"

#include "mue/errors.hpp"

#include <algorithm>

namespace mue::detail {
namespace {

constexpr const char* kHypothesisField = "{hypothesis}";

}  // namespace

std::vector<int> source_ids(const ModelConfig& c, const Tokenizer& tokenizer, Task task, const std::string& text) {
    const auto wrap = [&](std::string_view prompt) {
        std::vector<int> ids{c.special.bos};
        const auto body = tokenizer.encode(prompt);
        const auto keep = std::min<std::size_t>(body.size(), static_cast<std::size_t>(c.max_source_tokens - 2));
        ids.insert(ids.end(), body.begin(), body.begin() + static_cast<std::ptrdiff_t>(keep));
        ids.push_back(c.special.eos);
        return ids;
    };
    switch (task) {
        case Task::Caption:
            return wrap(c.caption.prompt);
        case Task::Entailment: {
            const std::string hypothesis = clean_text(text, c.max_source_tokens);
            if (hypothesis.empty()) throw InputError("hypothesis: the text is empty after clean-up");
            std::string prompt = c.entailment.prompt;
            prompt.replace(prompt.find(kHypothesisField), std::char_traits<char>::length(kHypothesisField), hypothesis);
            return wrap(prompt);
        }
        case Task::Prompt: {
            const std::string prompt = clean_text(text, c.max_source_tokens);
            if (prompt.empty()) throw InputError("prompt: the text is empty after clean-up");
            return wrap(" " + prompt);
        }
    }
    throw std::logic_error("unknown task");
}

}  // namespace mue::detail
