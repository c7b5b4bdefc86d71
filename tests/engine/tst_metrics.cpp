// BLEU-4 and CIDEr-D against hand-computed corpora; the arithmetic is in the comments. An independent
// Python transcription of coco-caption's scorers gave the same figures (to 1e-15; coco-caption's
// BLEU smoothing moves them by < 1e-9, and turns the exact 0 for no 4-gram match into 8e-5).

#include "mue/metrics.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <QtTest/QtTest>

namespace {

using Candidates = std::vector<std::string>;
using References = std::vector<std::vector<std::string>>;

// Sums and ratios of a few doubles; anything more is a real difference.
constexpr double kTolerance = 1e-12;

bool near(double actual, double expected) { return std::abs(actual - expected) <= kTolerance; }

}  // namespace

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bleuIsOneForIdenticalText() {
        const Candidates candidates = {"the cat is on the mat", "a dog runs in the park"};
        const References references = {{"the cat is on the mat"}, {"a dog runs in the park"}};
        QCOMPARE(mue::bleu4(candidates, references), 1.0);
    }

    void bleuIsZeroWithoutMatching4Grams() {
        // "the cat sat on the mat" vs "the cat is on the mat": 5/6 words, 3/5 bigrams and 1/4 trigrams
        // match, but none of the 3 4-grams ("the cat sat on", "cat sat on the", "sat on the mat").
        QCOMPARE(mue::bleu4({"the cat sat on the mat"}, {{"the cat is on the mat"}}), 0.0);
        // Fewer than four words in the whole corpus: no 4-gram to match.
        QCOMPARE(mue::bleu4({"the cat"}, {{"the cat"}}), 0.0);
    }

    void bleuCountsClippedNgrams() {
        // "the cat is on a mat" vs "the cat is on the mat", same length (BP 1):
        //   1-grams the cat is on [a] mat: 5/6; 2-grams the-cat cat-is is-on [on-a a-mat]: 3/5;
        //   3-grams the-cat-is cat-is-on [is-on-a on-a-mat]: 2/4; 4-grams the-cat-is-on [2 more]: 1/3.
        //   BLEU = (5/6 * 3/5 * 2/4 * 1/3)^(1/4) = (1/12)^(1/4) = 0.537284965911771
        QVERIFY(near(mue::bleu4({"the cat is on a mat"}, {{"the cat is on the mat"}}), 0.537284965911771));

        // Clipping: "the cat sat on the cat sat on" (8 words) vs "the cat sat on the mat" (6):
        //   1-grams the x2, cat x2, sat x2, on x2 clip to the 2 + cat 1 + sat 1 + on 1: 5/8
        //   2-grams the-cat x2, cat-sat x2, sat-on x2, on-the clip to 1 + 1 + 1 + 1: 4/7
        //   3-grams the-cat-sat x2, cat-sat-on x2, sat-on-the, on-the-cat: 1 + 1 + 1 + 0: 3/6
        //   4-grams the-cat-sat-on x2, cat-sat-on-the, sat-on-the-cat, on-the-cat-sat: 1 + 1: 2/5
        //   BLEU = (5/8 * 4/7 * 3/6 * 2/5)^(1/4) = (1/14)^(1/4) = 0.516973153957171 (unclipped: 1)
        QVERIFY(near(mue::bleu4({"the cat sat on the cat sat on"}, {{"the cat sat on the mat"}}), 0.516973153957171));
    }

    void bleuBrevityPenaltyUsesTheClosestReference() {
        // "the cat is on the" (5 words) matches all its n-grams in the first reference: precisions 1.
        // References of 6 and 3 words: 6 is closest (|5-6| = 1 < 2), so BP = exp(1 - 6/5) = exp(-0.2).
        // ("shortest" would pick 3 and give 1.)
        QVERIFY(near(mue::bleu4({"the cat is on the"}, {{"the cat is on the mat", "a cat sat"}}), std::exp(-0.2)));
        // References of 6 and 4 words are equally close; the shorter one wins, so BP = 1.
        QCOMPARE(mue::bleu4({"the cat is on the"}, {{"the cat is on the mat", "a cat sat on"}}), 1.0);
    }

    void bleuPoolsCountsOverTheCorpus() {
        // The two sentences above: matches/totals add up to 1-grams (5+5)/(6+5), 2-grams (3+4)/(5+4),
        // 3-grams (2+3)/(4+3), 4-grams (1+2)/(3+2); lengths c = 6+5 = 11, r = 6+6 = 12.
        //   BLEU = (10/11 * 7/9 * 5/7 * 3/5)^(1/4) * exp(1 - 12/11) = (10/33)^(1/4) * exp(-1/11)
        //        = 0.677470202986501
        const Candidates candidates = {"the cat is on a mat", "the cat is on the"};
        const References references = {{"the cat is on the mat"}, {"the cat is on the mat", "a cat sat"}};
        QVERIFY(near(mue::bleu4(candidates, references), std::pow(10.0 / 33.0, 0.25) * std::exp(-1.0 / 11.0)));
        QVERIFY(near(mue::bleu4(candidates, references), 0.677470202986501));
    }

    void tokenizesOnWhitespaceAndCase() {
        QCOMPARE(mue::bleu4({"  The CAT\tis on\nthe mat "}, {{"the cat is on the mat"}}), 1.0);
        QCOMPARE(mue::cider_d({"A Dog  runs", "a cat sleeps"}, {{"a dog runs"}, {"a cat sleeps"}}), 7.5);
    }

    void ciderHandComputed() {
        // Images: 1 "a dog runs", 2 "a cat sleeps". N = 2, so idf = log 2 - log max(1, df) is
        // 0 for "a" (df 2) and L = log 2 for every other n-gram of the references (df 1), and also
        // L for n-grams found in no reference (df taken as 1).
        // Image 1, candidate identical: cosine 1 for n = 1, 2, 3; no 4-grams, so 0 for n = 4;
        //   score = 10 * (1 + 1 + 1 + 0) / 4 = 7.5.
        // Image 2, candidate "a dog sleeps" vs "a cat sleeps":
        //   n = 1: candidate (a 0, dog L, sleeps L), reference (a 0, cat L, sleeps L);
        //          dot = L*L (sleeps), norms L*sqrt(2) each: cosine = L^2 / (2 L^2) = 1/2.
        //   n = 2: a-dog, dog-sleeps vs a-cat, cat-sleeps: no overlap, 0. n = 3, 4: 0.
        //   score = 10 * (1/2) / 4 = 1.25.
        // Corpus: (7.5 + 1.25) / 2 = 4.375.
        QVERIFY(near(mue::cider_d({"a dog runs", "a dog sleeps"}, {{"a dog runs"}, {"a cat sleeps"}}), 4.375));
        const auto per_image = mue::cider_d_per_image({"a dog runs", "a dog sleeps"}, {{"a dog runs"}, {"a cat sleeps"}});
        QCOMPARE(per_image.size(), std::size_t{2});
        QVERIFY(near(per_image[0], 7.5));
        QVERIFY(near(per_image[1], 1.25));
    }

    void ciderAveragesOverReferences() {
        // Image 1 has references "a dog runs" and "two birds fly": the identical one contributes
        // (1 + 1 + 1 + 0) per order and the other one 0, so 10 * 3 / 4 / 2 = 3.75. Image 2: 7.5.
        // Corpus: (3.75 + 7.5) / 2 = 5.625.
        const References references = {{"a dog runs", "two birds fly"}, {"a cat sleeps"}};
        QVERIFY(near(mue::cider_d({"a dog runs", "a cat sleeps"}, references), 5.625));
    }

    void ciderLengthPenalty() {
        // Image 1: "a dog runs" vs "a dog runs fast" (idf as above: "a" 0, the rest L):
        //   n = 1: candidate (dog, runs) norm L*sqrt(2), reference (dog, runs, fast) norm L*sqrt(3),
        //          dot 2 L^2: cosine 2 / sqrt(6) = sqrt(2/3)
        //   n = 2: a-dog, dog-runs vs a-dog, dog-runs, runs-fast: likewise sqrt(2/3)
        //   n = 3: a-dog-runs vs a-dog-runs, dog-runs-fast: 1 / sqrt(2); n = 4: 0
        //   length difference -1: penalty exp(-1 / (2 * 6^2)) = exp(-1/72)
        //   score = 10 * (2 sqrt(2/3) + 1/sqrt(2)) / 4 * exp(-1/72) = 5.769558044300133
        // Image 2 identical: 7.5. Corpus: 6.634779022150067.
        const double image1 = 10.0 * (2.0 * std::sqrt(2.0 / 3.0) + 1.0 / std::sqrt(2.0)) / 4.0 * std::exp(-1.0 / 72.0);
        const double corpus = mue::cider_d({"a dog runs", "a cat sleeps"}, {{"a dog runs fast"}, {"a cat sleeps"}});
        QVERIFY(near(corpus, (image1 + 7.5) / 2.0));
        QVERIFY(near(corpus, 6.634779022150067));
    }

    void ciderClipsRepeatedNgrams() {
        // Image 1: "dog dog runs" vs "a dog runs":
        //   n = 1: candidate (dog 2L, runs L) norm L*sqrt(5), reference (a 0, dog L, runs L) norm L*sqrt(2);
        //          clipped dot = min(2L, L)*L + L*L = 2 L^2: cosine 2 / sqrt(10) (unclipped: 3 / sqrt(10))
        //   n = 2: dog-dog (df 0: L), dog-runs vs a-dog, dog-runs: L^2 / (2 L^2) = 1/2; n = 3, 4: 0
        //   score = 10 * (2/sqrt(10) + 1/2) / 4 = 2.831138830084190
        // Image 2 identical: 7.5. Corpus: 5.165569415042095.
        const double corpus = mue::cider_d({"dog dog runs", "a cat sleeps"}, {{"a dog runs"}, {"a cat sleeps"}});
        QVERIFY(near(corpus, (10.0 * (2.0 / std::sqrt(10.0) + 0.5) / 4.0 + 7.5) / 2.0));
        QVERIFY(near(corpus, 5.165569415042095));
    }

    void ciderPerfectCaptionsScoreTen() {
        // Every order has n-grams that other images lack, so each identical caption scores 10.
        const Candidates candidates = {"a dog runs on grass", "a cat sleeps on a sofa"};
        const References references = {{"a dog runs on grass"}, {"a cat sleeps on a sofa"}};
        QVERIFY(near(mue::cider_d(candidates, references), 10.0));
    }

    void ciderOfOneImageIsZero() {
        // N = 1: every reference n-gram has idf log 1 - log 1 = 0, as in the reference code.
        QCOMPARE(mue::cider_d({"a dog runs"}, {{"a dog runs"}}), 0.0);
    }

    void scoresDoNotDependOnImageOrder() {
        const Candidates candidates = {"a dog runs on grass", "dog dog runs", "a small cat sleeps", "two birds"};
        const References references = {{"a dog runs on the grass", "a brown dog running"},
                                       {"a dog runs"},
                                       {"a cat sleeps on a sofa", "a kitten asleep"},
                                       {"two birds fly over the sea"}};
        const std::vector<std::size_t> order = {2, 0, 3, 1};
        Candidates shuffled_candidates;
        References shuffled_references;
        for (const std::size_t i : order) {
            shuffled_candidates.push_back(candidates[i]);
            shuffled_references.push_back(references[i]);
        }
        QVERIFY(near(mue::cider_d(candidates, references), mue::cider_d(shuffled_candidates, shuffled_references)));
        QVERIFY(near(mue::bleu4(candidates, references), mue::bleu4(shuffled_candidates, shuffled_references)));
        QVERIFY(mue::cider_d(candidates, references) > 0.0);
    }

    void emptyCorpusScoresZero() {
        QCOMPARE(mue::bleu4({}, {}), 0.0);
        QCOMPARE(mue::cider_d({}, {}), 0.0);
    }

    void rejectsMismatchedInput() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)mue::bleu4({"a", "b"}, {{"a"}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)mue::cider_d({"a"}, {{}}));
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
