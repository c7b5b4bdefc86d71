// Evaluation (mue/evaluation.hpp) on the built default model: report shapes, histograms and means
// that add up, batch-size independence, the full policy, Spearman against hand computations,
// folder datasets scoring like the built-in items they were exported from, and input errors.

#include "error_of.hpp"
#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/evaluation.hpp"
#include "mue/shapes_world.hpp"

#include <QObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using mue::test::error_of;

const fs::path kModelDir = MUE_TEST_MODEL_DIR;
constexpr std::size_t kItems = 12;
constexpr std::size_t kCaptionItems = 5;
constexpr std::size_t kExportedItems = 8;
constexpr int kLayers = 6;  // the default model's encoder and decoder depth
constexpr double kTolerance = 1e-12;

[[nodiscard]] bool close(double a, double b) { return std::abs(a - b) < kTolerance; }

[[nodiscard]] mue::ExitSettings mue_policy() {
    mue::ExitSettings s;
    s.policy = mue::ExitPolicy::Mue;
    return s;
}

// Thresholds at which the default model's exits differ between examples (the paper's defaults
// send every example to the same layers), so that histograms and correlations have something to show.
[[nodiscard]] mue::ExitSettings spread_exits() {
    constexpr double kThreshold = 0.9;
    auto s = mue_policy();
    s.image_threshold = kThreshold;
    s.text_threshold = kThreshold;
    s.decoder_threshold = kThreshold;
    return s;
}

[[nodiscard]] int sum(const std::vector<int>& counts) { return std::accumulate(counts.begin(), counts.end(), 0); }

// Everything but the elapsed time.
void compare_reports(const mue::EvalReport& a, const mue::EvalReport& b) {
    QCOMPARE(a.n, b.n);
    QCOMPARE(a.metric, b.metric);
    QCOMPARE(a.score, b.score);
    QCOMPARE(a.bleu4, b.bleu4);
    QCOMPARE(a.examples.size(), b.examples.size());
    for (std::size_t i = 0; i < a.examples.size(); ++i) {
        const auto& x = a.examples[i];
        const auto& y = b.examples[i];
        QCOMPARE(x.id, y.id);
        QCOMPARE(x.prediction, y.prediction);
        QCOMPARE(x.correct, y.correct);
        QCOMPARE(x.image_exit, y.image_exit);
        QCOMPARE(x.text_exit, y.text_exit);
        QCOMPARE(x.decoder_exit_mean, y.decoder_exit_mean);
        QCOMPARE(x.decoder_tokens, y.decoder_tokens);
        QCOMPARE(x.expected_reduction_mean, y.expected_reduction_mean);
        QCOMPARE(x.flop_reduction, y.flop_reduction);
    }
    QCOMPARE(a.histograms.image, b.histograms.image);
    QCOMPARE(a.histograms.text, b.histograms.text);
    QCOMPARE(a.histograms.decoder, b.histograms.decoder);
    QCOMPARE(a.savings.expected_reduction_mean, b.savings.expected_reduction_mean);
    QCOMPARE(a.savings.flop_reduction, b.savings.flop_reduction);
    QCOMPARE(a.difficulty_levels.size(), b.difficulty_levels.size());
}

}  // namespace

class TestEvaluation : public QObject {
    Q_OBJECT

    std::unique_ptr<mue::Engine> engine_;
    mue::EvalDataset entailment_;
    mue::EvalDataset captions_;
    mue::EvalReport report_;  // entailment_ under spread_exits()

private Q_SLOTS:
    void initTestCase() {
        mue::set_intra_op_threads(1);
        engine_ = std::make_unique<mue::Engine>(mue::Engine::load(kModelDir));
        const int size = engine_->info().image_size;
        entailment_ = mue::load_eval_dataset("shapes-ve", "test", kItems, size);
        captions_ = mue::load_eval_dataset("shapes-caption", "validation", kCaptionItems, size);
        report_ = mue::evaluate(*engine_, entailment_, spread_exits(), {});
    }

    void datasetsHoldTheSplitsItems() {
        QCOMPARE(entailment_.task, mue::Task::Entailment);
        QCOMPARE(entailment_.items.size(), kItems);
        QCOMPARE(entailment_.split, std::string("test"));
        const auto first = mue::shapes::entailment_item(mue::shapes::Split::Test, 0, engine_->info().image_size);
        QCOMPARE(entailment_.items[0].id, mue::shapes::item_name(first.id));
        QCOMPARE(entailment_.items[0].text, first.hypothesis);
        QCOMPARE(entailment_.items[0].difficulty, first.difficulty);
        QCOMPARE(entailment_.items[0].image.width, engine_->info().image_size);
        QCOMPARE(captions_.task, mue::Task::Caption);
        QCOMPARE(captions_.items.size(), kCaptionItems);
        QVERIFY(!captions_.items[0].references.empty());
        QCOMPARE(mue::load_eval_dataset("shapes-ve", "", 0, engine_->info().image_size).items.size(),
                 mue::shapes::kTestItems);
    }

    void reportHasOneRowPerItem() {
        QCOMPARE(report_.n, kItems);
        QCOMPARE(report_.examples.size(), kItems);
        QCOMPARE(report_.metric, std::string("accuracy"));
        QCOMPARE(report_.model_id, engine_->info().model_id);
        QVERIFY(!report_.bleu4);
        QVERIFY(!report_.beam_size);
        std::size_t correct = 0;
        for (std::size_t i = 0; i < kItems; ++i) {
            const auto& e = report_.examples[i];
            QCOMPARE(e.id, entailment_.items[i].id);
            QCOMPARE(e.label, entailment_.items[i].label);
            QCOMPARE(e.correct, e.prediction == e.label);
            QCOMPARE(e.decoder_tokens, 1);  // entailment is scored in one pass
            correct += e.correct ? 1 : 0;
        }
        QVERIFY(close(report_.score, static_cast<double>(correct) / kItems));
    }

    void histogramsCountEveryExit() {
        for (const auto* h : {&report_.histograms.image, &report_.histograms.text, &report_.histograms.decoder}) {
            QCOMPARE(h->size(), std::size_t{kLayers});
        }
        QCOMPARE(sum(report_.histograms.image), static_cast<int>(kItems));
        QCOMPARE(sum(report_.histograms.text), static_cast<int>(kItems));
        QCOMPARE(sum(report_.histograms.decoder), static_cast<int>(kItems));
        for (const auto& e : report_.examples) {
            QVERIFY(report_.histograms.image[static_cast<std::size_t>(e.image_exit - 1)] > 0);
        }

        const auto captions = mue::evaluate(*engine_, captions_, mue_policy(), {});
        int tokens = 0;
        for (const auto& e : captions.examples) tokens += e.decoder_tokens;
        QVERIFY(tokens > static_cast<int>(kCaptionItems));
        QCOMPARE(sum(captions.histograms.decoder), tokens);
        QCOMPARE(sum(captions.histograms.image), static_cast<int>(kCaptionItems));
    }

    void savingsAreMeansOverExamples() {
        double mean = 0, weighted = 0, flops = 0;
        for (const auto& e : report_.examples) {
            mean += e.expected_reduction_mean;
            weighted += e.expected_reduction_token_weighted;
            flops += e.flop_reduction;
        }
        QVERIFY(close(report_.savings.expected_reduction_mean, mean / kItems));
        QVERIFY(close(report_.savings.expected_reduction_token_weighted, weighted / kItems));
        QVERIFY(close(report_.savings.flop_reduction, flops / kItems));
    }

    void batchSizeDoesNotChangeTheReport_data() {
        QTest::addColumn<bool>("captions");
        QTest::newRow("entailment") << false;
        QTest::newRow("caption") << true;
    }

    void batchSizeDoesNotChangeTheReport() {
        QFETCH(bool, captions);
        const auto& dataset = captions ? captions_ : entailment_;
        mue::EvalOptions one;
        one.batch_size = 1;
        mue::EvalOptions five;
        five.batch_size = 5;
        std::vector<std::size_t> progress;
        const auto a = mue::evaluate(*engine_, dataset, spread_exits(), one);
        const auto b =
            mue::evaluate(*engine_, dataset, spread_exits(), five, nullptr, [&](std::size_t done, std::size_t total) {
                QCOMPARE(total, dataset.items.size());
                progress.push_back(done);
            });
        compare_reports(a, b);
        QCOMPARE(progress.back(), dataset.items.size());
        QCOMPARE(progress.front(), std::min<std::size_t>(5, dataset.items.size()));
    }

    void fullPolicyRunsEveryLayer() {
        const auto full = mue::evaluate(*engine_, entailment_, mue::ExitSettings{}, {});
        QCOMPARE(full.savings.expected_reduction_mean, 0.0);
        QCOMPARE(full.savings.flop_reduction, 0.0);
        for (const auto& e : full.examples) {
            QCOMPARE(e.image_exit, kLayers);
            QCOMPARE(e.text_exit, kLayers);
            QCOMPARE(e.decoder_exit_mean, double{kLayers});
            QCOMPARE(e.expected_reduction_mean, 0.0);
        }
        QCOMPARE(full.histograms.image.back(), static_cast<int>(kItems));
        QCOMPARE(full.histograms.decoder.back(), static_cast<int>(kItems));
        // Every exit is the same, so no exit can correlate with difficulty.
        QVERIFY(std::isnan(full.correlations.image_exit));
        QVERIFY(std::isnan(full.correlations.text_exit));
        QVERIFY(std::isnan(full.correlations.decoder_exit));
        QVERIFY(std::isnan(full.correlations.expected_reduction));
    }

    void spearmanMatchesHandComputation_data() {
        QTest::addColumn<std::vector<double>>("x");
        QTest::addColumn<std::vector<double>>("y");
        QTest::addColumn<double>("expected");
        QTest::newRow("increasing") << std::vector<double>{1, 2, 3, 4} << std::vector<double>{10, 20, 25, 100} << 1.0;
        QTest::newRow("decreasing") << std::vector<double>{1, 2, 3} << std::vector<double>{3, 2, -7} << -1.0;
        // Ranks x 1, 2.5, 2.5, 4 and y 1, 3, 2, 4: 4.5 / sqrt(4.5 * 5).
        QTest::newRow("tie in x") << std::vector<double>{1, 2, 2, 3} << std::vector<double>{1, 3, 2, 4}
                                  << 4.5 / std::sqrt(4.5 * 5.0);
        // Ranks x 1.5, 1.5, 3.5, 3.5, 5 and y 4, 4, 2, 4, 1: -7 / sqrt(9 * 8).
        QTest::newRow("ties in both") << std::vector<double>{0, 0, 1, 1, 2} << std::vector<double>{6, 6, 5, 6, 3}
                                      << -7.0 / std::sqrt(72.0);
    }

    void spearmanMatchesHandComputation() {
        QFETCH(std::vector<double>, x);
        QFETCH(std::vector<double>, y);
        QFETCH(double, expected);
        QVERIFY2(close(mue::spearman(x, y), expected), qPrintable(QString::number(mue::spearman(x, y))));
        QVERIFY(close(mue::spearman(y, x), expected));
    }

    void spearmanIsUndefinedWithoutVariation() {
        QVERIFY(std::isnan(mue::spearman({1, 2, 3}, {4, 4, 4})));
        QVERIFY(std::isnan(mue::spearman({5, 5}, {1, 2})));
        QVERIFY(std::isnan(mue::spearman({1}, {2})));
        QVERIFY(std::isnan(mue::spearman({}, {})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, static_cast<void>(mue::spearman({1, 2}, {1})));
    }

    void reportCorrelationsAreSpearmanOfTheExamples() {
        std::vector<double> difficulty, image, text, decoder, reduction;
        for (const auto& e : report_.examples) {
            difficulty.push_back(e.difficulty);
            image.push_back(e.image_exit);
            text.push_back(e.text_exit);
            decoder.push_back(e.decoder_exit_mean);
            reduction.push_back(e.expected_reduction_mean);
        }
        const auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || close(a, b); };
        const auto& c = report_.correlations;
        QVERIFY(same(c.image_exit, mue::spearman(difficulty, image)));
        QVERIFY(same(c.text_exit, mue::spearman(difficulty, text)));
        QVERIFY(same(c.decoder_exit, mue::spearman(difficulty, decoder)));
        QVERIFY(same(c.expected_reduction, mue::spearman(difficulty, reduction)));
        QVERIFY2(!std::isnan(c.expected_reduction), "spread_exits() no longer spreads this model's exits");
    }

    void exampleScoresAverageToTheScore() {
        double sum = 0;
        for (const auto& e : report_.examples) {
            QCOMPARE(e.score, e.correct ? 1.0 : 0.0);
            sum += e.score;
        }
        QVERIFY(close(sum / static_cast<double>(report_.examples.size()), report_.score));
        const auto captions = mue::evaluate(*engine_, captions_, spread_exits(), {});
        sum = 0;
        for (const auto& e : captions.examples) sum += e.score;
        QVERIFY(close(sum / static_cast<double>(captions.examples.size()), captions.score));
    }

    void examplesKeepPerLayerSimilarity() {
        for (const auto& e : report_.examples) {
            QCOMPARE(e.image_similarity.size(), static_cast<std::size_t>(e.image_exit));
            QCOMPARE(e.text_similarity.size(), static_cast<std::size_t>(e.text_exit));
            QCOMPARE(e.decoder_similarity.size(), static_cast<std::size_t>(std::ceil(e.decoder_exit_mean)));
        }
        // What-if runs every layer, and still reports where the policy would have exited.
        auto s = spread_exits();
        s.what_if = true;
        const auto all = mue::evaluate(*engine_, entailment_, s, {});
        for (std::size_t i = 0; i < all.examples.size(); ++i) {
            const auto& e = all.examples[i];
            QCOMPARE(e.image_similarity.size(), static_cast<std::size_t>(kLayers));
            QCOMPARE(e.text_similarity.size(), static_cast<std::size_t>(kLayers));
            QCOMPARE(e.decoder_similarity.size(), static_cast<std::size_t>(kLayers));
            QCOMPARE(e.image_exit, report_.examples[i].image_exit);
            for (std::size_t l = 0; l < static_cast<std::size_t>(e.image_exit); ++l) {
                QCOMPARE(e.image_similarity[l], report_.examples[i].image_similarity[l]);
            }
        }
    }

    void difficultyLevelsAddUp() {
        std::size_t n = 0, correct = 0;
        double image_exits = 0;
        int previous = mue::shapes::kMinDifficulty - 1;
        for (const auto& level : report_.difficulty_levels) {
            QVERIFY(level.difficulty > previous && level.difficulty <= mue::shapes::kMaxDifficulty);
            previous = level.difficulty;
            QVERIFY(level.n > 0);
            QVERIFY(level.accuracy);
            QVERIFY(close(*level.accuracy, static_cast<double>(level.correct) / static_cast<double>(level.n)));
            n += level.n;
            correct += level.correct;
            image_exits += level.image_exit_mean * static_cast<double>(level.n);
        }
        QCOMPARE(n, kItems);
        QVERIFY(close(static_cast<double>(correct) / kItems, report_.score));
        double expected_exits = 0;
        for (const auto& e : report_.examples) expected_exits += e.image_exit;
        QVERIFY(std::abs(image_exits - expected_exits) < 1e-9);
    }

    void captionsScoreCiderAndBleu() {
        mue::EvalOptions greedy;
        greedy.beam_size = 1;
        const auto r = mue::evaluate(*engine_, captions_, mue_policy(), greedy);
        QCOMPARE(r.metric, std::string("cider_d"));
        QVERIFY(r.bleu4);
        QVERIFY(*r.bleu4 >= 0 && *r.bleu4 <= 1);
        QVERIFY(r.score >= 0);
        QCOMPARE(r.beam_size, std::optional<int>{1});
        for (const auto& level : r.difficulty_levels) QVERIFY(!level.accuracy);
    }

    void folderDatasetScoresLikeTheItemsItCameFrom() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path folder = dir.path().toStdString();
        const int size = engine_->info().image_size;
        mue::shapes::export_entailment(folder,
                                       mue::shapes::entailment_items(mue::shapes::Split::Test, kExportedItems, size));
        // A bad row is skipped and counted, not fatal.
        std::ofstream(folder / "data.tsv", std::ios::app) << "missing.png\tthere is a circle\tyes\n";

        const auto from_folder = mue::load_eval_dataset(folder.string(), "", 0, size);
        QCOMPARE(from_folder.task, mue::Task::Entailment);
        QCOMPARE(from_folder.items.size(), kExportedItems);
        QCOMPARE(from_folder.problems.size(), std::size_t{1});
        QCOMPARE(from_folder.items[0].difficulty, mue::kUnknownDifficulty);
        QVERIFY(from_folder.items[0].image.rgb.empty());

        const auto built_in = mue::load_eval_dataset("shapes-ve", "test", kExportedItems, size);
        const auto a = mue::evaluate(*engine_, from_folder, mue_policy(), {});
        const auto b = mue::evaluate(*engine_, built_in, mue_policy(), {});
        QCOMPARE(a.score, b.score);
        QCOMPARE(a.dataset_problems, std::size_t{1});
        for (std::size_t i = 0; i < kExportedItems; ++i) {
            QCOMPARE(a.examples[i].prediction, b.examples[i].prediction);
            QCOMPARE(a.examples[i].image_exit, b.examples[i].image_exit);
            QCOMPARE(a.examples[i].expected_reduction_mean, b.examples[i].expected_reduction_mean);
        }
        QVERIFY(a.difficulty_levels.empty());
        QVERIFY(std::isnan(a.correlations.image_exit));
        QCOMPARE(mue::load_eval_dataset(folder.string(), "", 3, size).items.size(), std::size_t{3});
    }

    void captionFolderIsRecognised() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path folder = dir.path().toStdString();
        const int size = engine_->info().image_size;
        mue::shapes::export_captions(folder, mue::shapes::caption_items(mue::shapes::Split::Validation, 3, size));
        const auto d = mue::load_eval_dataset((folder / "data.tsv").string(), "", 0, size);
        QCOMPARE(d.task, mue::Task::Caption);
        QCOMPARE(d.items.size(), std::size_t{3});
        QCOMPARE(d.items[0].references, captions_.items[0].references);
        QVERIFY(d.problems.empty());
    }

    void badInputIsAnInputError() {
        const int size = engine_->info().image_size;
        const auto unknown =
            error_of([&] { static_cast<void>(mue::load_eval_dataset("shapes-vqa", "test", 1, size)); });
        QVERIFY2(unknown.find("unknown dataset 'shapes-vqa'") != std::string::npos, unknown.c_str());
        const auto split = error_of([&] { static_cast<void>(mue::load_eval_dataset("shapes-ve", "train", 1, size)); });
        QVERIFY2(split.find("unknown split 'train'") != std::string::npos, split.c_str());

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto no_tsv =
            error_of([&] { static_cast<void>(mue::load_eval_dataset(dir.path().toStdString(), "", 0, size)); });
        QVERIFY2(no_tsv.find("data.tsv") != std::string::npos, no_tsv.c_str());
        std::ofstream(dir.filePath("data.tsv").toStdString()) << "a\tb\tc\td\n";
        const auto unusable =
            error_of([&] { static_cast<void>(mue::load_eval_dataset(dir.path().toStdString(), "", 0, size)); });
        QVERIFY2(unusable.find("no usable row") != std::string::npos, unusable.c_str());
        const auto folder_split =
            error_of([&] { static_cast<void>(mue::load_eval_dataset(dir.path().toStdString(), "test", 0, size)); });
        QVERIFY2(folder_split.find("has no splits") != std::string::npos, folder_split.c_str());

        mue::EvalOptions zero;
        zero.batch_size = 0;
        const auto batch = error_of([&] { static_cast<void>(mue::evaluate(*engine_, entailment_, mue_policy(), zero)); });
        QVERIFY2(batch.find("batch size") != std::string::npos, batch.c_str());
    }

    void cancelledEvaluationThrows() {
        mue::CancellationToken cancel;
        cancel.cancel();
        QVERIFY_THROWS_EXCEPTION(mue::Cancelled,
                                 static_cast<void>(mue::evaluate(*engine_, entailment_, mue_policy(), {}, &cancel)));
    }
};

QTEST_APPLESS_MAIN(TestEvaluation)
#include "tst_evaluation.moc"
