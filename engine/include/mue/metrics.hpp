#pragma once
// Caption metrics as the COCO caption evaluation (coco-caption / pycocoevalcap) computes them, so
// scores can be compared with published ones. Pure functions; thread-safe.
//
// Tokenisation: a sentence is split on ASCII whitespace and ASCII letters are lowercased; nothing
// else is changed. coco-caption first runs the PTB tokenizer, which also splits off and drops
// punctuation, so callers pass lowercase captions without punctuation (the model's output and the
// usual references) to get the same scores.
//
// candidates[i] is scored against references[i]. Both lists must have the same size and every
// image needs at least one reference, else std::invalid_argument. An empty corpus scores 0.

#include <string>
#include <vector>

namespace mue {

// Corpus-level BLEU-4 (Papineni et al. 2002): clipped n-gram matches and candidate n-gram counts
// for n = 1..4 are summed over the corpus before the precisions are formed, their geometric mean
// (uniform weights) is multiplied by the brevity penalty exp(1 - r / c) when c < r. c is the
// total candidate length; r sums, per sentence, the reference length closest to the candidate's
// (the shorter one on a tie), coco-caption's default "closest" option. Result in [0, 1].
// coco-caption adds 1e-15 / 1e-9 to every precision's numerator / denominator; this is the exact
// definition instead, so a corpus without any matching 4-gram scores exactly 0 (not ~1e-4) and
// other scores differ from coco-caption's by less than 1e-8.
[[nodiscard]] double bleu4(const std::vector<std::string>& candidates,
                           const std::vector<std::vector<std::string>>& references);

// CIDEr-D (Vedantam et al. 2015) as coco-caption's "CIDEr" computes it. For n = 1..4 each sentence
// becomes a TF-IDF vector of its n-gram counts, idf = log(N) - log(max(1, df)) where N is the number
// of images in the corpus and df the number of images whose references contain the n-gram. A
// candidate's score against one reference is, per n, the cosine of the two vectors with the
// candidate's weights clipped to the reference's, times exp(-delta^2 / (2 * 6^2)) for the length
// difference delta; the mean over n and over the image's references, times 10, is the image's
// score and the corpus score is the mean over images. A caption identical to its only reference
// scores 10 when, for each n, one of its n-grams is missing from some other image's references
// (so a sentence needs four words); callers usually report x100.
// A one-image corpus always scores 0 (every idf is log 1 - log 1), as in the reference code.
[[nodiscard]] double cider_d(const std::vector<std::string>& candidates,
                             const std::vector<std::vector<std::string>>& references);
// Each image's score of cider_d() (whose mean it is), with the idf of the whole corpus.
[[nodiscard]] std::vector<double> cider_d_per_image(const std::vector<std::string>& candidates,
                                                    const std::vector<std::vector<std::string>>& references);

}  // namespace mue
