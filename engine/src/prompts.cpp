#include "prompts.hpp"

#include "mue/errors.hpp"

#include <algorithm>

namespace mue::detail {
namespace {

constexpr const char* kHypothesisField = "{hypothesis}";
constexpr const char* kPremiseField = "{premise}";

void fill(std::string& prompt, const char* field, const std::string& value) {
    prompt.replace(prompt.find(field), std::char_traits<char>::length(field), value);
}

}  // namespace

std::vector<int> source_ids(const ModelConfig& c, const Tokenizer& tokenizer, Task task, const std::string& text,
                            const std::string& premise) {
    if (!premise.empty() && task != Task::Entailment) {
        throw InputError("premise: only entailment requests take a premise");
    }
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
            if (premise.empty()) {
                std::string prompt = c.entailment.prompt;
                fill(prompt, kHypothesisField, hypothesis);
                return wrap(prompt);
            }
            if (c.entailment.premise_prompt.empty()) {
                throw InputError("premise: model '" + c.model_id +
                                 "' has no premise prompt (config.json 'tasks.entailment.premise_prompt')");
            }
            const std::string cleaned_premise = clean_text(premise, c.max_source_tokens);
            if (cleaned_premise.empty()) throw InputError("premise: the text is empty after clean-up");
            // Fill the premise last so that a literal "{hypothesis}" in it stays text.
            std::string prompt = c.entailment.premise_prompt;
            fill(prompt, kHypothesisField, hypothesis);
            fill(prompt, kPremiseField, cleaned_premise);
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
