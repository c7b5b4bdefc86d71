// Sweeps and tuning (mue/sweep.hpp): the Pareto front and the retention bound on hand-made scores,
// and on the built test model a small grid's points, the full reference, cancellation, the tuned
// setting's test figures with and without a confidence, and the what-if route against the rerun
// route: the same points from fewer runs.

#include "error_of.hpp"
#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/evaluation.hpp"
#include "mue/sweep.hpp"

#include <QObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>
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

[[nodiscard]] mue::SweepGrid routed(mue::SweepGrid g, mue::SweepRoute route) {
    g.route = route;
    return g;
}

// Thresholds inside the random model's similarity range (about 0.66-0.92 over the layers), so that
// examples exit at different layers under different settings, and 0.95 above it, exiting nowhere
// as 1 does (as 0.999 and 1 do on the trained model); decoder exits on and off.
[[nodiscard]] mue::SweepGrid exiting_grid() {
    mue::SweepGrid g;
    g.image_thresholds = {0.85, 0.9, 0.95, 1.0};
    g.text_thresholds = {0.85, 0.89, 0.95, 1.0};
    g.decoder_thresholds = {0.6, 1.0};
    return g;
}

void routes() {
    QTest::addColumn<int>("route");
    QTest::newRow("rerun") << static_cast<int>(mue::SweepRoute::Rerun);
    QTest::newRow("what-if") << static_cast<int>(mue::SweepRoute::WhatIf);
}

// Every field a point records. Exact: a point's figures are functions of its examples' predictions,
// exit layers and token counts, which batch composition does not change (it moves similarities and
// logits by rounding only, tst_exits), so both routes must agree bit for bit.
void compare_points(const std::vector<mue::SweepPoint>& a, const std::vector<mue::SweepPoint>& b) {
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].label, b[i].label);
        QCOMPARE(a[i].settings, b[i].settings);
        // QCOMPARE on doubles is fuzzy (12 digits); these must be equal.
        const auto label = a[i].label.c_str();
        QVERIFY2(a[i].score == b[i].score, label);
        QVERIFY2(a[i].retention == b[i].retention, label);
        QVERIFY2(a[i].savings.expected_reduction_mean == b[i].savings.expected_reduction_mean, label);
        QVERIFY2(a[i].savings.expected_reduction_token_weighted == b[i].savings.expected_reduction_token_weighted,
                 label);
        QVERIFY2(a[i].savings.flop_reduction == b[i].savings.flop_reduction, label);
        QCOMPARE(a[i].histograms.image, b[i].histograms.image);
        QCOMPARE(a[i].histograms.text, b[i].histograms.text);
        QCOMPARE(a[i].histograms.decoder, b[i].histograms.decoder);
        QCOMPARE(a[i].pareto, b[i].pareto);
        QVERIFY2(a[i].example_scores == b[i].example_scores, label);
    }
}

// `rate` of `n` examples scored 1, spread evenly, the rest 0.
[[nodiscard]] std::vector<double> scores_at(double rate, std::size_t n) {
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = std::floor(static_cast<double>(i + 1) * rate) > std::floor(static_cast<double>(i) * rate) ? 1 : 0;
    }
    return out;
}

// `full` with its first `lost` 1s turned to 0 and its first `gained` 0s turned to 1.
[[nodiscard]] std::vector<double> with_flips(std::vector<double> full, std::size_t lost, std::size_t gained) {
    for (std::size_t i = 0; i < full.size() && (lost > 0 || gained > 0); ++i) {
        if (full[i] == 1 && lost > 0) {
            full[i] = 0;
            --lost;
        } else if (full[i] == 0 && gained > 0) {
            full[i] = 1;
            --gained;
        }
    }
    return full;
}

[[nodiscard]] std::vector<double> repeated(const std::vector<double>& v, std::size_t times) {
    std::vector<double> out;
    for (std::size_t t = 0; t < times; ++t) out.insert(out.end(), v.begin(), v.end());
    return out;
}

[[nodiscard]] double ratio(const std::vector<double>& setting, const std::vector<double>& full) {
    return std::accumulate(setting.begin(), setting.end(), 0.0) / std::accumulate(full.begin(), full.end(), 0.0);
}

}  // namespace

Q_DECLARE_METATYPE(Points)
Q_DECLARE_METATYPE(Flags)

class TestSweep : public QObject {
    Q_OBJECT

    std::unique_ptr<mue::Engine> engine_;
    mue::EvalDataset dataset_;
    std::vector<mue::SweepPoint> points_;  // dataset_ under small_grid(), on the default (what-if) route

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

    void pointsKeepTheirExampleScores() {
        for (const auto& p : points_) {
            QCOMPARE(p.example_scores.size(), kItems);
            for (const double score : p.example_scores) QVERIFY2(score == 0 || score == 1, p.label.c_str());
            const double mean = std::accumulate(p.example_scores.begin(), p.example_scores.end(), 0.0) / kItems;
            QCOMPARE(mean, p.score);
        }
        // In dataset order: the full model's scores are its report's.
        mue::ExitSettings full;
        full.policy = mue::ExitPolicy::Full;
        const auto report = mue::evaluate(*engine_, dataset_, full, {});
        for (std::size_t i = 0; i < kItems; ++i) QCOMPARE(points_[0].example_scores[i], report.examples[i].score);
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

    void whatIfRouteGivesTheRerunPoints_data() {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<int>("items");
        QTest::addColumn<int>("batch");
        QTest::newRow("entailment") << "shapes-ve" << 8 << 16;
        QTest::newRow("entailment, batch 3") << "shapes-ve" << 8 << 3;
        QTest::newRow("captions") << "shapes-caption" << 4 << 16;
    }

    void whatIfRouteGivesTheRerunPoints() {
        QFETCH(QString, dataset);
        QFETCH(int, items);
        QFETCH(int, batch);
        const auto data = mue::load_eval_dataset(dataset.toStdString(), "test", static_cast<std::size_t>(items),
                                                 engine_->info().image_size);
        mue::EvalOptions options;
        options.batch_size = batch;
        options.beam_size = 2;
        mue::SweepStats rerun_stats;
        mue::SweepStats what_if_stats;
        const auto grid = exiting_grid();
        const auto rerun =
            mue::sweep(*engine_, data, routed(grid, mue::SweepRoute::Rerun), options, nullptr, {}, {}, &rerun_stats);
        const auto what_if =
            mue::sweep(*engine_, data, routed(grid, mue::SweepRoute::WhatIf), options, nullptr, {}, {}, &what_if_stats);
        compare_points(what_if, rerun);

        // The grid must exercise what the route derives, or agreement proves little: examples
        // exiting at several encoder layers, and decoder exits.
        std::set<std::vector<int>> image_histograms;
        std::set<std::vector<int>> text_histograms;
        int early_decoder_exits = 0;
        for (const auto& p : rerun) {
            image_histograms.insert(p.histograms.image);
            text_histograms.insert(p.histograms.text);
            early_decoder_exits += sum(p.histograms.decoder) - p.histograms.decoder.back();
        }
        QVERIFY(image_histograms.size() > 2);
        QVERIFY(text_histograms.size() > 2);
        QVERIFY(early_decoder_exits > 0);

        const std::size_t n = data.items.size();
        QCOMPARE(rerun_stats.runs, rerun.size() * n);
        QCOMPARE(rerun_stats.what_if_runs, std::size_t{0});
        QCOMPARE(rerun_stats.reused, std::size_t{0});
        QCOMPARE(what_if_stats.what_if_runs, n);
        QCOMPARE(what_if_stats.runs + what_if_stats.reused, rerun.size() * n);
        QCOMPARE(what_if_stats.mismatches, std::size_t{0});
        // Settings that share exits run an example once: 0.95 and 1 never differ here.
        QVERIFY2(what_if_stats.runs + what_if_stats.what_if_runs < rerun_stats.runs,
                 qPrintable(QStringLiteral("%1 + %2 runs").arg(what_if_stats.runs).arg(what_if_stats.what_if_runs)));
    }

    void whatIfPassSkippedWhereItCannotSave() {
        // One encoder pair: settings differ in the decoder only, so none can share an outcome.
        auto one_pair = small_grid();
        one_pair.image_thresholds = {0.9};
        one_pair.text_thresholds = {0.9};
        one_pair.decoder_thresholds = {0.6, 0.8, 1.0};
        mue::SweepStats stats;
        const auto points = mue::sweep(*engine_, dataset_, one_pair, {}, nullptr, {}, {}, &stats);
        QCOMPARE(stats.what_if_runs, std::size_t{0});
        QCOMPARE(stats.reused, std::size_t{0});
        QCOMPARE(stats.runs, points.size() * kItems);
        // Random search draws a decoder threshold per setting: nothing to share either.
        mue::SweepGrid random;
        random.search = mue::SweepSearch::Random;
        random.samples = 3;
        const mue::EvalDataset two{dataset_.name, dataset_.split, dataset_.task,
                                   {dataset_.items.begin(), dataset_.items.begin() + 2}, {}};
        static_cast<void>(mue::sweep(*engine_, two, random, {}, nullptr, {}, {}, &stats));
        QCOMPARE(stats.what_if_runs, std::size_t{0});
        QCOMPARE(stats.reused, std::size_t{0});
    }

    void routeNamesRoundTrip() {
        for (const auto r : {mue::SweepRoute::Rerun, mue::SweepRoute::WhatIf}) {
            QCOMPARE(mue::parse_sweep_route(mue::sweep_route_name(r)), std::optional<mue::SweepRoute>(r));
        }
        QCOMPARE(mue::sweep_route_name(mue::SweepRoute::WhatIf), std::string_view("what-if"));
        QVERIFY(!mue::parse_sweep_route("derive"));
    }

    void cancellationKeepsFinishedPoints_data() { routes(); }

    void cancellationKeepsFinishedPoints() {
        QFETCH(int, route);
        constexpr std::size_t kStopAfter = 2;
        mue::CancellationToken cancel;
        std::size_t heard_total = 0;
        const auto grid = routed(small_grid(), static_cast<mue::SweepRoute>(route));
        const auto points = mue::sweep(*engine_, dataset_, grid, {}, &cancel,
                                       [&](std::size_t done, std::size_t total) {
                                           heard_total = total;
                                           if (done == kStopAfter) cancel.cancel();
                                       });
        QCOMPARE(heard_total, kGridPoints);
        QCOMPARE(points.size(), kStopAfter);
        QCOMPARE(points[1].label, points_[1].label);
        QCOMPARE(points[1].score, points_[1].score);
    }

    void resumedSweepTakesFinishedPointsAsTheyAre_data() { routes(); }

    void resumedSweepTakesFinishedPointsAsTheyAre() {
        QFETCH(int, route);
        const auto grid = routed(small_grid(), static_cast<mue::SweepRoute>(route));
        // The full model and one MuE setting: three MuE settings are left, enough for the what-if
        // pass to run on resume.
        constexpr std::size_t kFinished = 2;
        constexpr std::size_t kMarkedPoint = kFinished - 1;
        mue::CancellationToken cancel;
        auto partial = mue::sweep(*engine_, dataset_, grid, {}, &cancel, [&](std::size_t done, std::size_t) {
            if (done == kFinished) cancel.cancel();
        });
        QCOMPARE(partial.size(), kFinished);
        // A marked score shows the finished point was taken, not evaluated again.
        constexpr double kMarked = -7.0;
        partial[kMarkedPoint].score = kMarked;
        std::size_t first_progress = 0;
        mue::SweepStats stats;
        const auto resumed = mue::sweep(*engine_, dataset_, grid, {}, nullptr,
                                        [&](std::size_t done, std::size_t) {
                                            if (first_progress == 0) first_progress = done;
                                        },
                                        partial, &stats);
        QCOMPARE(resumed.size(), points_.size());
        QCOMPARE(first_progress, std::size_t{1});
        QCOMPARE(resumed[kMarkedPoint].score, kMarked);
        const bool what_if = grid.route == mue::SweepRoute::WhatIf;
        QCOMPARE(stats.what_if_runs, what_if ? kItems : 0);
        QCOMPARE(stats.runs + stats.reused, (kGridPoints - kFinished) * kItems);
        // points_ came from the what-if route: on the rerun route this also compares the routes.
        for (std::size_t i = 0; i < points_.size(); ++i) {
            QCOMPARE(resumed[i].label, points_[i].label);
            if (i != kMarkedPoint) QCOMPARE(resumed[i].score, points_[i].score);
            if (i != kMarkedPoint) QCOMPARE(resumed[i].histograms.image, points_[i].histograms.image);
        }
        // A finished point whose settings differ from the label's setting is evaluated again.
        auto mismatched = partial;
        mismatched[kMarkedPoint].settings.beta = 0.5;
        const auto again = mue::sweep(*engine_, dataset_, grid, {}, nullptr, {}, mismatched);
        QCOMPARE(again[kMarkedPoint].score, points_[kMarkedPoint].score);
    }

    void randomSearchIsSeededAndInRange() {
        mue::SweepGrid g;
        g.search = mue::SweepSearch::Random;
        g.samples = 4;
        g.seed = 11;
        g.min_gap = 1e-3;
        g.max_gap = 0.2;
        const mue::EvalDataset two{dataset_.name, dataset_.split, dataset_.task,
                                   {dataset_.items.begin(), dataset_.items.begin() + 2}, {}};
        const auto points = mue::sweep(*engine_, two, g, {});
        QCOMPARE(points.size(), std::size_t{1 + 4});
        QCOMPARE(points[0].label, std::string("full"));
        for (std::size_t i = 1; i < points.size(); ++i) {
            const auto& s = points[i].settings;
            QCOMPARE(s.policy, mue::ExitPolicy::Mue);
            for (const double t : {s.image_threshold, s.text_threshold, s.decoder_threshold}) {
                QVERIFY2(t >= 1 - g.max_gap - 1e-9 && t <= 1 - g.min_gap + 1e-9, std::to_string(t).c_str());
                QCOMPARE(std::round(t * 1e6) / 1e6, t);
            }
        }
        const auto same = mue::sweep(*engine_, two, g, {});
        g.seed = 12;
        const auto other = mue::sweep(*engine_, two, g, {});
        for (std::size_t i = 0; i < points.size(); ++i) QCOMPARE(same[i].label, points[i].label);
        QVERIFY(other[1].label != points[1].label);
    }

    void adaptiveSearchDrawsNewSettingsNearTheFront() {
        mue::SweepGrid g;
        g.search = mue::SweepSearch::Adaptive;
        g.samples = 3;
        g.rounds = 2;
        g.refine_samples = 2;
        const mue::EvalDataset two{dataset_.name, dataset_.split, dataset_.task,
                                   {dataset_.items.begin(), dataset_.items.begin() + 2}, {}};
        std::size_t heard_total = 0;
        const auto points = mue::sweep(*engine_, two, g, {}, nullptr,
                                       [&](std::size_t, std::size_t total) { heard_total = total; });
        QCOMPARE(heard_total, std::size_t{1 + 3 + 2 * 2});
        QCOMPARE(points.size(), heard_total);
        std::set<std::string> labels;
        for (const auto& p : points) QVERIFY2(labels.insert(p.label).second, p.label.c_str());
        // Round 0's settings lie within the log-normal spread of a first-sample setting.
        const auto gap = [](double t) { return std::max(1 - t, 1e-4); };
        for (std::size_t r = 4; r < 6; ++r) {
            bool near_one = false;
            for (std::size_t c = 1; c < 4; ++c) {
                const auto& a = points[r].settings;
                const auto& b = points[c].settings;
                const double spread = std::max({std::abs(std::log(gap(a.image_threshold) / gap(b.image_threshold))),
                                                std::abs(std::log(gap(a.text_threshold) / gap(b.text_threshold))),
                                                std::abs(std::log(gap(a.decoder_threshold) / gap(b.decoder_threshold)))});
                near_one = near_one || spread < 6 * 0.8;
            }
            QVERIFY2(near_one, points[r].label.c_str());
        }
    }

    void searchNamesRoundTrip() {
        for (const auto s : {mue::SweepSearch::Grid, mue::SweepSearch::Random, mue::SweepSearch::Adaptive}) {
            QCOMPARE(mue::parse_sweep_search(mue::sweep_search_name(s)), std::optional<mue::SweepSearch>(s));
        }
        QVERIFY(!mue::parse_sweep_search("bayesian"));
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
        mue::SweepGrid range;
        range.search = mue::SweepSearch::Random;
        range.min_gap = 0.1;
        range.max_gap = 0.01;
        const auto range_message =
            mue::test::error_of([&] { static_cast<void>(mue::sweep(*engine_, dataset_, range, {})); });
        QVERIFY2(range_message.find("min_gap <= max_gap") != std::string::npos, range_message.c_str());
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

    void retentionBoundOfIdenticalScoresIsOne() {
        const auto full = scores_at(/*rate=*/0.6, /*n=*/100);
        for (const double confidence : {0.5, 0.9, 0.99}) {
            QVERIFY(mue::retention_lower_bound(full, full, confidence, /*seed=*/1) == 1.0);
        }
        // A full model that scores 0 leaves nothing to lose, as SweepPoint::retention says.
        const std::vector<double> zeros(10, 0.0);
        QVERIFY(mue::retention_lower_bound(scores_at(0.5, zeros.size()), zeros, 0.9, /*seed=*/1) == 1.0);
    }

    void retentionBoundFallsBelowASettingThatLosesExamples() {
        constexpr double kConfidence = 0.9;
        constexpr std::size_t kTimes = 10;
        // 60 of 100 right; the setting loses 10 of them and gains 6 others: 56 right, 93.3 % kept.
        const auto full = scores_at(/*rate=*/0.6, /*n=*/100);
        const auto setting = with_flips(full, /*lost=*/10, /*gained=*/6);
        const double point = ratio(setting, full);
        QCOMPARE(point, 56.0 / 60.0);
        const double bound = mue::retention_lower_bound(setting, full, kConfidence, /*seed=*/1);
        // The normal approximation puts it about 8 points below.
        QVERIFY2(bound < point - 0.04 && bound > point - 0.15,
                 qPrintable(QStringLiteral("point %1, bound %2").arg(point).arg(bound)));
        // Ten times the examples at the same rates: about sqrt(10) times closer.
        const double more =
            mue::retention_lower_bound(repeated(setting, kTimes), repeated(full, kTimes), kConfidence, /*seed=*/1);
        QVERIFY2(more < point && point - more < (point - bound) / 2,
                 qPrintable(QStringLiteral("point %1, bound %2 on 100, %3 on 1000").arg(point).arg(bound).arg(more)));
        // More confidence, the same resamples: a lower rank.
        QVERIFY(mue::retention_lower_bound(setting, full, /*confidence=*/0.99, /*seed=*/1) < bound);
    }

    void retentionBoundIsSeeded() {
        // Caption-like scores, continuous so that resamples seldom tie; the setting halves every 7th.
        std::vector<double> full;
        std::vector<double> setting;
        for (std::size_t i = 0; i < 300; ++i) {
            full.push_back(2 * std::fmod(static_cast<double>(i) * 0.618034, 1.0));
            setting.push_back(i % 7 == 0 ? full.back() / 2 : full.back());
        }
        const double first = mue::retention_lower_bound(setting, full, 0.9, /*seed=*/1);
        QVERIFY(first == mue::retention_lower_bound(setting, full, 0.9, /*seed=*/1));
        const double other = mue::retention_lower_bound(setting, full, 0.9, /*seed=*/2);
        QVERIFY(other != first);
        // kRetentionResamples keep what the seed changes well under a point.
        QVERIFY2(std::abs(other - first) < 0.01, qPrintable(QStringLiteral("%1 and %2").arg(first).arg(other)));
        QVERIFY(first < ratio(setting, full));
    }

    void retentionBoundRejectsBadInput_data() {
        QTest::addColumn<int>("setting_size");
        QTest::addColumn<int>("full_size");
        QTest::addColumn<double>("confidence");
        QTest::addColumn<QString>("message");
        QTest::newRow("sizes differ") << 3 << 4 << 0.9 << "as many setting scores";
        QTest::newRow("empty") << 0 << 0 << 0.9 << "at least one";
        QTest::newRow("confidence 0") << 4 << 4 << 0.0 << "confidence must be in (0, 1)";
        QTest::newRow("confidence 1") << 4 << 4 << 1.0 << "confidence must be in (0, 1)";
        QTest::newRow("confidence above 1") << 4 << 4 << 1.5 << "confidence must be in (0, 1)";
        QTest::newRow("confidence NaN") << 4 << 4 << std::nan("") << "confidence must be in (0, 1)";
    }

    void retentionBoundRejectsBadInput() {
        QFETCH(int, setting_size);
        QFETCH(int, full_size);
        QFETCH(double, confidence);
        QFETCH(QString, message);
        const std::vector<double> setting(static_cast<std::size_t>(setting_size), 1.0);
        const std::vector<double> full(static_cast<std::size_t>(full_size), 1.0);
        const auto error = mue::test::error_of(
            [&] { static_cast<void>(mue::retention_lower_bound(setting, full, confidence, /*seed=*/1)); });
        QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
        QVERIFY_THROWS_EXCEPTION(mue::InputError,
                                 static_cast<void>(mue::retention_lower_bound(setting, full, confidence, /*seed=*/1)));
    }

    void tuneWithConfidenceNeedsTheBoundToReachTheTarget() {
        // Retention 1 on the point alone: settings that keep the score by trading wrong answers for
        // right ones qualify without a confidence, not with one.
        constexpr double kTarget = 1.0;
        constexpr double kConfidence = 0.9;
        auto grid = exiting_grid();
        grid.decoder_thresholds = {1.0};  // entailment decodes one token
        const auto plain = mue::tune(*engine_, "shapes-ve", kTarget, grid, {}, kItems);
        QVERIFY(!plain.confidence);
        QVERIFY(!plain.validation_retention_lower_bound);
        const auto safe = mue::tune(*engine_, "shapes-ve", kTarget, grid, {}, kItems, nullptr, {}, kConfidence);
        QCOMPARE(safe.confidence, std::optional<double>(kConfidence));
        QVERIFY(safe.validation_retention_lower_bound);

        // The choice made here from the validation points and their bounds.
        const auto validation = mue::load_eval_dataset("shapes-ve", "validation", kItems, engine_->info().image_size);
        const auto points = mue::sweep(*engine_, validation, grid, {});
        std::vector<double> bounds;
        for (const auto& p : points) {
            bounds.push_back(mue::retention_lower_bound(p.example_scores, points[0].example_scores, kConfidence,
                                                        mue::kTuneBootstrapSeed));
        }
        QVERIFY(bounds[0] == 1.0);
        std::size_t expected = 0;
        bool bound_decided = false;  // some setting kept the target on its point but not on its bound
        for (std::size_t i = 1; i < points.size(); ++i) {
            if (points[i].retention < kTarget) continue;
            bound_decided = bound_decided || bounds[i] < kTarget;
            const double reduction = points[i].savings.expected_reduction_mean;
            const double best = points[expected].savings.expected_reduction_mean;
            const bool better = reduction > best || (reduction == best && points[i].score > points[expected].score);
            if (better && bounds[i] >= kTarget) expected = i;
        }
        QVERIFY2(bound_decided, "the grid must hold a setting the bound rules out");
        QCOMPARE(safe.validation.label, points[expected].label);
        QVERIFY(*safe.validation_retention_lower_bound == bounds[expected]);
        QVERIFY(safe.settings.policy == mue::ExitPolicy::Full || bounds[expected] >= kTarget);
        // At least as conservative as without the bound, and here more.
        QVERIFY(safe.validation.savings.expected_reduction_mean < plain.validation.savings.expected_reduction_mean);
        QCOMPARE(safe.test.settings, safe.settings);
        QCOMPARE(safe.full_test_score, plain.full_test_score);
    }

    void tuneRejectsBadTarget() {
        QVERIFY_THROWS_EXCEPTION(mue::InputError,
                                 static_cast<void>(mue::tune(*engine_, "shapes-ve", 1.5, small_grid(), {}, kItems)));
        for (const double confidence : {0.0, 1.0}) {
            const auto message = mue::test::error_of([&] {
                static_cast<void>(
                    mue::tune(*engine_, "shapes-ve", 0.9, small_grid(), {}, kItems, nullptr, {}, confidence));
            });
            QVERIFY2(message.find("confidence must be in (0, 1)") != std::string::npos, message.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
