#include "mue/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mue {

namespace {

// Both metrics use n-grams of order 1..4.
constexpr int kMaxOrder = 4;
// CIDEr-D's Gaussian length penalty width and final scale, from the reference implementation.
constexpr double kCiderSigma = 6.0;
constexpr double kCiderScale = 10.0;

// An n-gram is its words joined by single spaces: words never contain whitespace, so the key is
// unambiguous, and n-grams of different orders never collide.
using NgramCounts = std::unordered_map<std::string, int>;

struct Sentence {
    int length = 0;                                // words
    std::array<NgramCounts, kMaxOrder> ngrams;     // [n - 1]: n-gram -> occurrences
};

[[nodiscard]] bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

[[nodiscard]] char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

[[nodiscard]] std::vector<std::string> tokenize(std::string_view text) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_ascii_space(text[i])) ++i;
        std::string word;
        while (i < text.size() && !is_ascii_space(text[i])) word += ascii_lower(text[i++]);
        if (!word.empty()) words.push_back(std::move(word));
    }
    return words;
}

[[nodiscard]] Sentence analyse(std::string_view text) {
    const std::vector<std::string> words = tokenize(text);
    Sentence sentence;
    sentence.length = static_cast<int>(words.size());
    for (int n = 1; n <= kMaxOrder; ++n) {
        for (std::size_t start = 0; start + static_cast<std::size_t>(n) <= words.size(); ++start) {
            std::string key = words[start];
            for (std::size_t k = 1; k < static_cast<std::size_t>(n); ++k) key += ' ' + words[start + k];
            ++sentence.ngrams[static_cast<std::size_t>(n - 1)][key];
        }
    }
    return sentence;
}

void check_corpus(const std::vector<std::string>& candidates,
                  const std::vector<std::vector<std::string>>& references, const char* metric) {
    if (candidates.size() != references.size()) {
        throw std::invalid_argument(std::string(metric) + ": " + std::to_string(candidates.size()) +
                                    " candidates but " + std::to_string(references.size()) + " reference sets");
    }
    const auto empty = std::find_if(references.begin(), references.end(),
                                    [](const std::vector<std::string>& refs) { return refs.empty(); });
    if (empty != references.end()) {
        throw std::invalid_argument(std::string(metric) + ": image " +
                                    std::to_string(empty - references.begin()) + " has no reference");
    }
}

// A sentence's CIDEr-D TF-IDF vectors, one per n-gram order, with their Euclidean norms.
struct TfIdf {
    int length = 0;
    std::array<std::unordered_map<std::string, double>, kMaxOrder> weights;
    std::array<double, kMaxOrder> norms{};
};

class CiderCorpus {
public:
    explicit CiderCorpus(const std::vector<std::vector<Sentence>>& references)
        : log_images_(std::log(static_cast<double>(references.size()))) {
        for (const auto& refs : references) {
            std::unordered_set<std::string> seen;  // an image counts once however often it repeats an n-gram
            for (const Sentence& ref : refs) {
                for (const NgramCounts& order : ref.ngrams) {
                    for (const auto& entry : order) seen.insert(entry.first);
                }
            }
            for (const std::string& ngram : seen) ++document_frequency_[ngram];
        }
    }

    [[nodiscard]] TfIdf vectorise(const Sentence& sentence) const {
        TfIdf vector;
        vector.length = sentence.length;
        for (std::size_t n = 0; n < kMaxOrder; ++n) {
            double squares = 0.0;
            for (const auto& [ngram, count] : sentence.ngrams[n]) {
                const auto found = document_frequency_.find(ngram);
                const int df = found == document_frequency_.end() ? 0 : found->second;
                // An n-gram in no reference gets df 1, like the reference code, so its idf is log(N).
                const double weight = count * (log_images_ - std::log(std::max(1.0, static_cast<double>(df))));
                vector.weights[n].emplace(ngram, weight);
                squares += weight * weight;
            }
            vector.norms[n] = std::sqrt(squares);
        }
        return vector;
    }

    // Sum over n-gram orders of the clipped, length-penalised cosine similarity.
    [[nodiscard]] static double similarity(const TfIdf& candidate, const TfIdf& reference) {
        // The reference code measures length in bigrams; that is the word count minus one for
        // both sentences, so the difference is the same unless one is empty, and then every cosine is 0.
        const double delta = candidate.length - reference.length;
        const double penalty = std::exp(-(delta * delta) / (2.0 * kCiderSigma * kCiderSigma));
        double sum = 0.0;
        for (std::size_t n = 0; n < kMaxOrder; ++n) {
            if (candidate.norms[n] == 0.0 || reference.norms[n] == 0.0) continue;
            double dot = 0.0;
            for (const auto& [ngram, weight] : candidate.weights[n]) {
                const auto found = reference.weights[n].find(ngram);
                if (found == reference.weights[n].end()) continue;
                // Clipping: repeating an n-gram cannot earn more than the reference has of it.
                dot += std::min(weight, found->second) * found->second;
            }
            sum += dot / (candidate.norms[n] * reference.norms[n]) * penalty;
        }
        return sum;
    }

private:
    double log_images_;
    std::unordered_map<std::string, int> document_frequency_;
};

}  // namespace

double bleu4(const std::vector<std::string>& candidates, const std::vector<std::vector<std::string>>& references) {
    check_corpus(candidates, references, "bleu4");
    std::array<std::int64_t, kMaxOrder> matches{};
    std::array<std::int64_t, kMaxOrder> totals{};
    std::int64_t candidate_length = 0;
    std::int64_t reference_length = 0;

    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const Sentence candidate = analyse(candidates[i]);
        std::array<NgramCounts, kMaxOrder> max_reference_counts;
        int closest = -1;
        for (const std::string& text : references[i]) {
            const Sentence ref = analyse(text);
            for (std::size_t n = 0; n < kMaxOrder; ++n) {
                for (const auto& [ngram, count] : ref.ngrams[n]) {
                    int& best = max_reference_counts[n][ngram];
                    best = std::max(best, count);
                }
            }
            const int distance = std::abs(ref.length - candidate.length);
            const int best_distance = std::abs(closest - candidate.length);
            if (closest < 0 || distance < best_distance || (distance == best_distance && ref.length < closest)) {
                closest = ref.length;
            }
        }
        candidate_length += candidate.length;
        reference_length += closest;
        for (std::size_t n = 0; n < kMaxOrder; ++n) {
            for (const auto& [ngram, count] : candidate.ngrams[n]) {
                const auto found = max_reference_counts[n].find(ngram);
                if (found != max_reference_counts[n].end()) matches[n] += std::min(count, found->second);
                totals[n] += count;
            }
        }
    }

    // Any zero precision (including no candidate n-grams of some order) makes the geometric mean 0.
    double log_precision_sum = 0.0;
    for (std::size_t n = 0; n < kMaxOrder; ++n) {
        if (matches[n] == 0) return 0.0;
        log_precision_sum += std::log(static_cast<double>(matches[n]) / static_cast<double>(totals[n]));
    }
    const double brevity_log = candidate_length < reference_length
                                   ? 1.0 - static_cast<double>(reference_length) / static_cast<double>(candidate_length)
                                   : 0.0;
    return std::exp(log_precision_sum / kMaxOrder + brevity_log);
}

std::vector<double> cider_d_per_image(const std::vector<std::string>& candidates,
                                      const std::vector<std::vector<std::string>>& references) {
    check_corpus(candidates, references, "cider_d");
    std::vector<double> scores;
    if (candidates.empty()) return scores;

    std::vector<std::vector<Sentence>> analysed(references.size());
    for (std::size_t i = 0; i < references.size(); ++i) {
        for (const std::string& text : references[i]) analysed[i].push_back(analyse(text));
    }
    const CiderCorpus corpus(analysed);

    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const TfIdf candidate = corpus.vectorise(analyse(candidates[i]));
        double sum = 0.0;
        for (const Sentence& ref : analysed[i]) sum += CiderCorpus::similarity(candidate, corpus.vectorise(ref));
        scores.push_back(kCiderScale * sum / (kMaxOrder * static_cast<double>(analysed[i].size())));
    }
    return scores;
}

double cider_d(const std::vector<std::string>& candidates, const std::vector<std::vector<std::string>>& references) {
    const auto scores = cider_d_per_image(candidates, references);
    if (scores.empty()) return 0.0;
    double total = 0.0;
    for (const double score : scores) total += score;
    return total / static_cast<double>(scores.size());
}

}  // namespace mue
