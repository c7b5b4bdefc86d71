// Sweeps and tuning (mue/sweep.hpp): the Pareto front on hand-made points, and on the built test
// model a small grid's points, the full reference, cancellation and the tuned setting's test figures.

#include "error_of.hpp"
#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/evaluation.hpp"
#include "mue/sweep.hpp"

#include <QObject>
#include <QtTest>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace {

using Points = std::vector<std::pair<double, double>>;
using Flags = std::vector<bool>;

const std::filesystem::path kModelDir = MUE_TEST_MODEL_DIR;
constexpr std::size_t kItems = 6;
constexpr std::size_t kGridPoints = 1 + 2 * 2 * 1;  // the full model, then 2 x 2 x 1 MuE settings

// Two image and two text thresholds, the decoder left whole: 1.0 never exits, so the all-1.0
// setting must reproduce the full model.
[[nodiscard]] mue::SweepGrid small_grid() {
    mue::SweepGrid g;
    g.image_thresholds = {0.9, 1.0};
    g.text_thresholds = {0.9, 1.0};
    g.decoder_thresholds = {1.0};
    return g;
}

[[nodiscard]] int sum(const std::vector<int>& counts) { return std::accumulate(counts.begin(), counts.end(), 0); }

}  // namespace

Q_DECLARE_METATYPE(Points)
Q_DECLARE_METATYPE(Flags)

class TestSweep : public QObject {
    Q_OBJECT

    std::unique_ptr<mue::Engine> engine_;
    mue::EvalDataset dataset_;
    std::vector<mue::SweepPoint> points_;  // dataset_ under small_grid()

private Q_SLOTS:
    void initTestCase() {
        mue::set_intra_op_threads(1);
        engine_ = std::make_unique<mue::Engine>(mue::Engine::load(kModelDir));
        dataset_ = mue::load_eval_dataset("shapes-ve", "test", kItems, engine_->info().image_size);
        points_ = mue::sweep(*engine_, dataset_, small_grid(), {});
    }

    void paretoFrontOfHandMadePoints_data() {
        QTest::addColumn<Points>("points");
        QTest::addColumn<Flags>("front");
        QTest::newRow("empty") << Points{} << Flags{};
        QTest::newRow("single") << Points{{0.5, 0.1}} << Flags{true};
        QTest::newRow("dominated") << Points{{0.9, 0.5}, {0.8, 0.4}} << Flags{true, false};
        QTest::newRow("trade-off") << Points{{0.9, 0.1}, {0.8, 0.4}, {0.7, 0.3}} << Flags{true, true, false};
        QTest::newRow("tie in one, worse in other") << Points{{0.9, 0.5}, {0.9, 0.4}} << Flags{true, false};
        QTest::newRow("duplicates") << Points{{0.8, 0.3}, {0.8, 0.3}, {0.7, 0.2}} << Flags{true, true, false};
    }

    void paretoFrontOfHandMadePoints() {
        QFETCH(Points, points);
        QFETCH(Flags, front);
        QCOMPARE(mue::pareto_front(points), front);
    }

    void sweepEvaluatesFullThenGrid() {
        QCOMPARE(points_.size(), kGridPoints);
        QCOMPARE(points_[0].label, std::string("full"));
        QCOMPARE(points_[0].settings.policy, mue::ExitPolicy::Full);
        QCOMPARE(points_[0].retention, 1.0);
        for (std::size_t i = 1; i < points_.size(); ++i) {
            QCOMPARE(points_[i].settings.policy, mue::ExitPolicy::Mue);
            const double expected = points_[0].score > 0 ? points_[i].score / points_[0].score : 1.0;
            QCOMPARE(points_[i].retention, expected);
        }
        QCOMPARE(points_[1].label, std::string("mue i=0.9 t=0.9 d=1"));
        QCOMPARE(points_[1].settings.image_threshold, 0.9);
    }

    void thresholdsOfOneReproduceTheFullScore() {
        const auto& whole = points_.back();
        QCOMPARE(whole.settings.image_threshold, 1.0);
        QCOMPARE(whole.settings.text_threshold, 1.0);
        QCOMPARE(whole.score, points_[0].score);
        QCOMPARE(whole.retention, 1.0);
    }

    void histogramsCountEveryExample() {
        for (const auto& p : points_) {
            QCOMPARE(sum(p.histograms.image), static_cast<int>(kItems));
            QCOMPARE(sum(p.histograms.text), static_cast<int>(kItems));
            QCOMPARE(sum(p.histograms.decoder), static_cast<int>(kItems));  // one scoring pass each
        }
    }

    void paretoFlagsMatchTheFront() {
        Points xy;
        for (const auto& p : points_) xy.emplace_back(p.score, p.savings.expected_reduction_mean);
        const auto front = mue::pareto_front(xy);
        QVERIFY(std::find(front.begin(), front.end(), true) != front.end());
        for (std::size_t i = 0; i < points_.size(); ++i) QCOMPARE(points_[i].pareto, front[i]);
    }

    void baselinesAddTheirGrids() {
        auto g = small_grid();
        g.include_baselines = true;
        g.entropy_thresholds = {1.0};
        g.patience_values = {2};
        g.confidence_thresholds = {};
        g.joint_thresholds = {0.99};
        g.static_layers = {2};
        const auto points = mue::sweep(*engine_, dataset_, g, {});
        QCOMPARE(points.size(), kGridPoints + 4);  // joint: one per decoder threshold
        QCOMPARE(points[kGridPoints].settings.policy, mue::ExitPolicy::DeeBert);
        QCOMPARE(points[kGridPoints + 1].settings.policy, mue::ExitPolicy::Pabee);
        QCOMPARE(points[kGridPoints + 2].settings.policy, mue::ExitPolicy::Joint);
        QCOMPARE(points[kGridPoints + 3].settings.policy, mue::ExitPolicy::Static);
        QCOMPARE(points[kGridPoints + 3].settings.static_decoder_layers, 2);
    }

    void cancellationKeepsFinishedPoints() {
        constexpr std::size_t kStopAfter = 2;
        mue::CancellationToken cancel;
        std::size_t heard_total = 0;
        const auto points = mue::sweep(*engine_, dataset_, small_grid(), {}, &cancel,
                                       [&](std::size_t done, std::size_t total) {
                                           heard_total = total;
                                           if (done == kStopAfter) cancel.cancel();
                                       });
        QCOMPARE(heard_total, kGridPoints);
        QCOMPARE(points.size(), kStopAfter);
        QCOMPARE(points[1].label, points_[1].label);
        QCOMPARE(points[1].score, points_[1].score);
    }

    void badGridIsAnInputError() {
        auto empty = small_grid();
        empty.text_thresholds.clear();
        const auto message = mue::test::error_of([&] { static_cast<void>(mue::sweep(*engine_, dataset_, empty, {})); });
        QVERIFY2(message.find("text_thresholds is empty") != std::string::npos, message.c_str());
        auto bad = small_grid();
        bad.include_baselines = true;
        bad.patience_values = {0};
        QVERIFY_THROWS_EXCEPTION(mue::InputError, static_cast<void>(mue::sweep(*engine_, dataset_, bad, {})));
    }

    void tunePicksAGridSettingAndReportsTest() {
        const auto grid = small_grid();
        const auto r = mue::tune(*engine_, "shapes-ve", 0.0, grid, {}, kItems);
        // Target 0: every point qualifies, so the largest reduction wins.
        const auto validation = mue::load_eval_dataset("shapes-ve", "validation", kItems, engine_->info().image_size);
        const auto points = mue::sweep(*engine_, validation, grid, {});
        const auto best = std::max_element(points.begin(), points.end(), [](const auto& a, const auto& b) {
            return a.savings.expected_reduction_mean < b.savings.expected_reduction_mean;
        });
        QCOMPARE(r.validation.savings.expected_reduction_mean, best->savings.expected_reduction_mean);
        QCOMPARE(r.settings, r.validation.settings);
        if (r.settings.policy == mue::ExitPolicy::Mue) {
            QVERIFY(std::count(grid.image_thresholds.begin(), grid.image_thresholds.end(), r.settings.image_threshold));
            QVERIFY(std::count(grid.text_thresholds.begin(), grid.text_thresholds.end(), r.settings.text_threshold));
        }
        QCOMPARE(r.test.split, std::string("test"));
        QCOMPARE(r.test.n, kItems);
        QCOMPARE(r.test.settings, r.settings);
        mue::ExitSettings full;
        full.policy = mue::ExitPolicy::Full;
        QCOMPARE(r.full_test_score, mue::evaluate(*engine_, dataset_, full, {}).score);
        QCOMPARE(r.test_retention, r.full_test_score > 0 ? r.test.score / r.full_test_score : 1.0);
    }

    void tuneRejectsBadTarget() {
        QVERIFY_THROWS_EXCEPTION(mue::InputError,
                                 static_cast<void>(mue::tune(*engine_, "shapes-ve", 1.5, small_grid(), {}, kItems)));
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
