// The data-set workspace: sweep documents read back, the sweep cache key, and sweeps, cancelling,
// caching, opening `mue sweep` output and auto-tuning (with and without a confidence) end to end
// on the seeded random test model.

#include "explorer_view.hpp"
#include "json_output.hpp"
#include "sweep_reader.hpp"

#include <mue/errors.hpp>
#include <mue/evaluation.hpp>
#include <mue_widgets/qcustomplot.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <string>

using namespace mue::studio;

namespace {

constexpr int kWaitMs = 120'000;

std::vector<mue::SweepPoint> handMadePoints() {
    mue::SweepPoint full;
    full.label = "full";
    full.settings = mue::ExitSettings::preset("no-exits");
    full.score = 0.8;
    full.retention = 1.0;
    full.pareto = true;
    full.histograms = {{0, 0, 3}, {0, 0, 3}, {0, 0, 3}};
    mue::SweepPoint mue;
    mue.label = "mue i=0.9 t=1 d=1";
    mue.settings = mue::ExitSettings::preset("paper");
    mue.settings.policy = mue::ExitPolicy::Mue;
    mue.settings.image_threshold = 0.9;
    mue.settings.kv_policy = mue::KvPolicy::Copy;
    mue.score = 0.75;
    mue.retention = 0.9375;
    mue.savings = {0.25, 0.3, 0.2};
    mue.pareto = true;
    mue.histograms = {{1, 2, 0}, {0, 0, 3}, {0, 1, 2}};
    return {full, mue};
}

std::string document(const std::vector<mue::SweepPoint>& points) {
    mue::EvalDataset dataset;
    dataset.name = "shapes-ve";
    dataset.split = "validation";
    dataset.task = mue::Task::Entailment;
    dataset.items.resize(3);
    return mue::report::sweep_json(points, dataset, "model-x").dump(1);
}

std::string errorOf(const std::string& text) {
    try {
        (void)mue::report::read_sweep_json(text, "sweep.json");
    } catch (const mue::InputError& error) {
        return error.what();
    }
    return {};
}

void configure(ExplorerView& view, const QString& cache, int limit, const QString& imageGrid) {
    view.setModelFolder(QStringLiteral(MUE_TEST_MODEL_DIR));
    view.setCacheFolder(cache);
    view.datasetBox()->setCurrentIndex(0);  // shapes-ve
    view.splitBox()->setCurrentIndex(0);    // validation
    view.limitBox()->setValue(limit);
    view.gridEdit(0)->setText(imageGrid);
    view.gridEdit(1)->setText(QStringLiteral("1"));
    view.gridEdit(2)->setText(QStringLiteral("1"));
    view.baselinesBox()->setChecked(false);
}

}  // namespace

class TestExplorer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsWhatSweepWrites() {
        const auto points = handMadePoints();
        const auto d = mue::report::read_sweep_json(document(points), "sweep.json");
        QCOMPARE(d.dataset, std::string("shapes-ve"));
        QCOMPARE(d.split, std::string("validation"));
        QCOMPARE(d.task, mue::Task::Entailment);
        QCOMPARE(d.model_id, std::string("model-x"));
        QCOMPARE(d.n, std::size_t{3});
        QCOMPARE(d.points.size(), points.size());
        for (std::size_t i = 0; i < points.size(); ++i) {
            QCOMPARE(d.points[i].label, points[i].label);
            QVERIFY(d.points[i].settings == points[i].settings);
            QCOMPARE(d.points[i].score, points[i].score);
            QCOMPARE(d.points[i].retention, points[i].retention);
            QCOMPARE(d.points[i].savings.expected_reduction_mean, points[i].savings.expected_reduction_mean);
            QCOMPARE(d.points[i].savings.flop_reduction, points[i].savings.flop_reduction);
            QCOMPARE(d.points[i].pareto, points[i].pareto);
            QCOMPARE(d.points[i].histograms.decoder, points[i].histograms.decoder);
        }
    }

    void badDocumentsNameTheProblem_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QString() << QStringLiteral("{") << QStringLiteral("not valid JSON");
        QTest::newRow("policy") << QStringLiteral("\"policy\": \"mue\"") << QStringLiteral("\"policy\": \"fast\"")
                                << QStringLiteral("points[1].settings.policy");
        QTest::newRow("score") << QStringLiteral("\"score\": 0.75") << QStringLiteral("\"score\": \"high\"")
                               << QStringLiteral("points[1].score");
        QTest::newRow("beta range") << QStringLiteral("\"beta\": 0.95") << QStringLiteral("\"beta\": 2.0")
                                    << QStringLiteral("points[1].settings");
        QTest::newRow("task") << QStringLiteral("\"task\": \"entailment\"") << QStringLiteral("\"task\": \"vqa\"")
                              << QStringLiteral("document.task");
        QTest::newRow("points") << QStringLiteral("\"points\"") << QStringLiteral("\"dots\"") << QStringLiteral("\"points\"");
    }

    void badDocumentsNameTheProblem() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, message);
        std::string text = document(handMadePoints());
        if (from.isEmpty()) {
            text = to.toStdString();
        } else {
            // In the second point's settings when the key is there, else the first occurrence.
            const auto second = text.find("\"settings\"", text.find("mue i=0.9"));
            auto at = text.find(from.toStdString(), second);
            if (at == std::string::npos) at = text.find(from.toStdString());
            QVERIFY2(at != std::string::npos, qPrintable(from));
            text.replace(at, static_cast<std::size_t>(from.size()), to.toStdString());
        }
        const std::string error = errorOf(text);
        QVERIFY2(error.find("sweep.json") != std::string::npos, error.c_str());
        QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
    }

    void cacheKeyFollowsEveryInput() {
        QTemporaryDir dir;
        SweepRequest a;
        a.modelFolder = QStringLiteral(MUE_TEST_MODEL_DIR);
        a.dataset = QStringLiteral("shapes-ve");
        a.split = QStringLiteral("validation");
        a.limit = 10;
        a.cacheFolder = dir.path();
        const QString key = sweepCacheFile(a);
        QVERIFY(key.startsWith(dir.path()));
        QCOMPARE(sweepCacheFile(a), key);
        auto b = a;
        b.limit = 11;
        QVERIFY(sweepCacheFile(b) != key);
        b = a;
        b.grid.decoder_thresholds = {0.5};
        QVERIFY(sweepCacheFile(b) != key);
        b = a;
        b.grid.include_baselines = true;
        QVERIFY(sweepCacheFile(b) != key);
        b = a;
        b.split = QStringLiteral("test");
        QVERIFY(sweepCacheFile(b) != key);
        b.cacheFolder.clear();
        QVERIFY(sweepCacheFile(b).isEmpty());
    }

    void sweepsCachesAndLoadsAPoint() {
        QTemporaryDir cache;
        ExplorerView view;
        view.resize(1000, 800);
        view.show();
        configure(view, cache.path(), 4, QStringLiteral("0.9,1"));
        QSignalSpy shown(&view, &ExplorerView::sweepShown);
        view.startSweep();
        QVERIFY(view.busy());
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kWaitMs);
        QVERIFY(!view.busy());
        const auto first = view.outcome();
        QVERIFY(first->complete);
        QVERIFY(!first->fromCache);
        QCOMPARE(first->document.points.size(), std::size_t{3});  // the full model, then the two MuE settings
        QCOMPARE(first->document.n, std::size_t{4});
        QCOMPARE(view.table()->model()->rowCount(), 3);
        QVERIFY(std::any_of(first->document.points.begin(), first->document.points.end(),
                            [](const mue::SweepPoint& p) { return p.pareto; }));
        int plotted = 0;
        for (int g = 0; g < view.plot()->graphCount(); ++g) plotted += view.plot()->graph(g)->dataCount();
        QVERIFY(plotted >= 3);
        // The exit histograms show a point, and follow the table's selection.
        QVERIFY(view.histogramPoint() >= 0);
        view.table()->selectRow(0);
        QCOMPARE(view.histogramPoint(), view.table()->model()->index(0, 0).data(Qt::UserRole + 1).toInt());
        QVERIFY(view.histogramPlot()->plottableCount() >= 1);

        // Clicking a point loads its settings.
        QSignalSpy chosen(&view, &ExplorerView::settingsChosen);
        const auto& p = first->document.points[1];
        QCustomPlot* plot = view.plot();
        const QPoint at(static_cast<int>(plot->xAxis->coordToPixel(100.0 * p.savings.expected_reduction_mean)),
                        static_cast<int>(plot->yAxis->coordToPixel(p.score)));
        const int index = view.pointAt(at);
        QVERIFY(index >= 0);
        QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(chosen.count(), 1);
        const auto settings = chosen.front().front().value<mue::ExitSettings>();
        QVERIFY(settings == first->document.points[static_cast<std::size_t>(index)].settings);

        // The same sweep again comes from the cache, with the same points.
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kWaitMs);
        QVERIFY(view.outcome()->fromCache);
        QCOMPARE(view.outcome()->document.points.size(), first->document.points.size());
        QCOMPARE(view.outcome()->document.points[2].score, first->document.points[2].score);
    }

    void cancellingKeepsFinishedPoints() {
        QTemporaryDir cache;
        ExplorerView view;
        configure(view, cache.path(), 40, QStringLiteral("0.5,0.6,0.7,0.8,0.9,0.95,1"));
        QSignalSpy shown(&view, &ExplorerView::sweepShown);
        view.startSweep();
        QTRY_VERIFY_WITH_TIMEOUT(view.statusLabel()->text().contains(QStringLiteral(" of 8 ")), kWaitMs);
        view.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kWaitMs);
        const auto outcome = view.outcome();
        QVERIFY(!outcome->complete);
        QVERIFY(!outcome->document.points.empty());
        QVERIFY(outcome->document.points.size() < 8);
        QCOMPARE(outcome->document.points.front().label, std::string("full"));
        QVERIFY(view.statusLabel()->text().contains(QStringLiteral("cancelled")));
        // The finished points are kept, marked incomplete: the next start resumes from them.
        QCOMPARE(QDir(cache.path()).entryList(QDir::Files).size(), 1);
        const std::size_t finished = outcome->document.points.size();
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kWaitMs);
        const auto resumed = view.outcome();
        QVERIFY(resumed->complete);
        QVERIFY(!resumed->fromCache);
        QCOMPARE(resumed->resumed, finished);
        QCOMPARE(resumed->document.points.size(), std::size_t{8});
        for (std::size_t i = 0; i < finished; ++i) {
            QCOMPARE(resumed->document.points[i].label, outcome->document.points[i].label);
            QCOMPARE(resumed->document.points[i].score, outcome->document.points[i].score);
        }
        QVERIFY(view.statusLabel()->text().contains(QStringLiteral("resumed")));
        // Finished now: the third start is the cache's.
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 3, kWaitMs);
        QVERIFY(view.outcome()->fromCache);
        QCOMPARE(view.outcome()->document.points.size(), std::size_t{8});
    }

    void randomSearchFromTheControls() {
        ExplorerView view;
        configure(view, QString(), 4, QStringLiteral("1"));
        view.searchBox()->setCurrentIndex(view.searchBox()->findData(QStringLiteral("random")));
        QVERIFY(!view.gridEdit(0)->isEnabled());
        QVERIFY(view.gridEdit(2)->isEnabled());  // the joint baseline still pairs with decoder thresholds
        QVERIFY(!view.roundsBox()->isEnabled());
        view.samplesBox()->setValue(3);
        view.seedBox()->setValue(9);
        view.gapRangeEdit()->setText(QStringLiteral("0.001, 0.5"));
        QSignalSpy shown(&view, &ExplorerView::sweepShown);
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kWaitMs);
        const auto& points = view.outcome()->document.points;
        QCOMPARE(points.size(), std::size_t{4});
        for (std::size_t i = 1; i < points.size(); ++i) {
            QCOMPARE(points[i].settings.policy, mue::ExitPolicy::Mue);
            QVERIFY(points[i].settings.image_threshold >= 0.5 && points[i].settings.image_threshold <= 0.999);
        }
        QSignalSpy errors(&view, &ExplorerView::errorShown);
        view.gapRangeEdit()->setText(QStringLiteral("0.5, 0.001"));
        view.startSweep();
        QCOMPARE(errors.count(), 1);
        QVERIFY(!view.busy());
    }

    // Found by fuzz_documents: numbers beyond double or beyond int are refused with the file named.
    void sweepReaderRefusesOutOfRangeNumbers() {
        QVERIFY2(errorOf("{\"dataset\": 1e999}").rfind("sweep.json: not valid JSON", 0) == 0,
                 errorOf("{\"dataset\": 1e999}").c_str());
        auto wide = nlohmann::json::parse(document(handMadePoints()));
        wide["points"][0]["exit_histograms"]["image"][0] = 4294967296LL;
        const std::string message = errorOf(wide.dump());
        QVERIFY2(message.find("exit_histograms.image") != std::string::npos, message.c_str());
    }

    void opensSweepOutputAndRejectsBadFiles() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(document(handMadePoints())));
        file.close();
        ExplorerView view;
        QSignalSpy shown(&view, &ExplorerView::sweepShown);
        QCOMPARE(view.openSweep(path), QString());
        QCOMPARE(shown.count(), 1);
        QCOMPARE(view.table()->model()->rowCount(), 2);
        const QStringList csv = QString::fromUtf8(view.pointsCsv()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(csv.size(), 3);
        QVERIFY(csv[0].startsWith(QStringLiteral("label,policy,score")));
        QCOMPARE(csv[2], QStringLiteral("mue i=0.9 t=1 d=1,mue,0.75,0.9375,0.25,0.3,0.2,1"));
        QCOMPARE(view.exportChart(dir.filePath(QStringLiteral("chart.png"))), QString());
        QVERIFY(!QImage(dir.filePath(QStringLiteral("chart.png"))).isNull());
        QCOMPARE(view.exportChart(dir.filePath(QStringLiteral("chart.pdf"))), QString());
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("chart.pdf"))).size() > 0);
        QVERIFY(view.exportChart(dir.filePath(QStringLiteral("no/such/chart.png"))).contains(QStringLiteral("chart.png")));

        const QString broken = dir.filePath(QStringLiteral("broken.json"));
        QFile bad(broken);
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"dataset\": 1}");
        bad.close();
        QVERIFY(view.openSweep(broken).contains(QStringLiteral("broken.json")));
        QVERIFY(view.openSweep(dir.filePath(QStringLiteral("missing.json"))).contains(QStringLiteral("missing.json")));
        QCOMPARE(view.table()->model()->rowCount(), 2);  // the shown sweep stays
    }

    void profilesLayersAndDifficulty() {
        QTemporaryDir cache;
        ExplorerView view;
        configure(view, cache.path(), 8, QStringLiteral("1"));
        view.splitBox()->setCurrentIndex(1);  // test: difficulty levels vary within the first items
        view.setSettingsSource([] {
            mue::ExitSettings s = mue::ExitSettings::preset("paper");
            s.policy = mue::ExitPolicy::Mue;
            return s;
        });
        QSignalSpy shown(&view, &ExplorerView::profileShown);
        view.startProfile();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kWaitMs);
        const auto& report = *view.profileReport();
        QCOMPARE(report.n, std::size_t{8});
        QVERIFY(report.settings.what_if);
        for (const auto& e : report.examples) {
            QCOMPARE(e.image_similarity.size(), std::size_t{6});  // every layer ran (what-if)
            QCOMPARE(e.decoder_similarity.size(), std::size_t{6});
        }
        QCOMPARE(view.profilePlot()->graphCount(), 3);  // image, text, decoder
        QCOMPARE(view.profilePlot()->graph(0)->dataCount(), 6);
        QVERIFY(view.difficultyPlot()->graphCount() >= 3);
        QCOMPARE(view.difficultyPlot()->graph(0)->dataCount(), static_cast<int>(report.difficulty_levels.size()));
        // A sweep shown afterwards keeps its own views.
        QVERIFY(view.statusLabel()->text().contains(QStringLiteral("8 items")));
    }

    void listsTheWorstExamples() {
        QTemporaryDir cache;
        ExplorerView view;
        configure(view, cache.path(), 6, QStringLiteral("1"));
        view.setSettingsSource([] {
            mue::ExitSettings s = mue::ExitSettings::preset("paper");
            s.policy = mue::ExitPolicy::Mue;
            s.image_threshold = -2;  // every stream leaves after its first layer: answers change
            s.text_threshold = -2;
            s.decoder_threshold = -2;
            return s;
        });
        QSignalSpy shown(&view, &ExplorerView::compareShown);
        view.startCompare();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kWaitMs);
        QAbstractItemModel* rows = view.worstTable()->model();
        QCOMPARE(rows->rowCount(), 6);
        // Worst first: a "now wrong" row never follows a row that is not.
        bool seenOther = false;
        for (int r = 0; r < rows->rowCount(); ++r) {
            const bool wrong = rows->index(r, 5).data().toString() == QStringLiteral("now wrong");
            QVERIFY(!(wrong && seenOther));
            seenOther = seenOther || !wrong;
        }
        QSignalSpy chosen(&view, &ExplorerView::itemChosen);
        view.chooseExample(0);
        QCOMPARE(chosen.count(), 1);
        QVERIFY(!chosen.front().at(0).value<mue::RgbImage>().rgb.empty());
        QCOMPARE(chosen.front().at(1).value<mue::Task>(), mue::Task::Entailment);
        QVERIFY(!chosen.front().at(2).toString().isEmpty());  // the hypothesis
        QCOMPARE(chosen.front().at(4).value<mue::ExitSettings>().image_threshold, -2.0);
    }

    // With MUE_STUDIO_SCREENSHOT_DIR set: the profile of the embedded model, for the user guide.
    void profileScreenshot() {
        const QString docs = qEnvironmentVariable("MUE_STUDIO_SCREENSHOT_DIR");
        if (docs.isEmpty()) QSKIP("set MUE_STUDIO_SCREENSHOT_DIR to render docs/images/studio-profile.png");
        QTemporaryDir cache;
        ExplorerView view;
        view.resize(1440, 760);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        configure(view, cache.path(), 300, QStringLiteral("1"));
        view.setModelFolder(QStringLiteral(MUE_EMBEDDED_MODEL_DIR));
        view.splitBox()->setCurrentIndex(1);
        view.setSettingsSource([] {
            mue::ExitSettings s = mue::ExitSettings::preset("paper");
            s.policy = mue::ExitPolicy::Mue;
            s.image_threshold = 0.99;
            s.text_threshold = 0.99;
            s.decoder_threshold = 0.99;
            return s;
        });
        QSignalSpy shown(&view, &ExplorerView::profileShown);
        view.startProfile();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kWaitMs);
        QVERIFY(view.grab().save(docs + QStringLiteral("/studio-profile.png")));
    }

    void tunesOnValidation() {
        QTemporaryDir cache;
        ExplorerView view;
        configure(view, cache.path(), 4, QStringLiteral("0.9,1"));
        QSignalSpy tuned(&view, &ExplorerView::tuneShown);
        view.startTune();
        QTRY_COMPARE_WITH_TIMEOUT(tuned.count(), 1, kWaitMs);
        QVERIFY(view.tuneResultLabel()->text().contains(QStringLiteral("On test")));
        QVERIFY(view.tuneResult().has_value());
    }

    void tuneConfidenceIsOffByDefault() {
        ExplorerView view;
        QVERIFY(!view.confidenceCheck()->isChecked());
        QVERIFY(!view.confidenceBox()->isEnabled());
        QCOMPARE(view.confidenceBox()->value(), 0.9);
        QVERIFY(!view.state().tuneConfidence.has_value());
        view.confidenceCheck()->setChecked(true);
        QVERIFY(view.confidenceBox()->isEnabled());
        QCOMPARE(view.state().tuneConfidence, std::optional<double>(0.9));
    }

    void tuneConfidenceIsRestored() {
        ExplorerView view;
        ExplorerState state = view.state();
        state.tuneConfidence = 0.8;
        QCOMPARE(view.restoreState(state), QString());
        QVERIFY(view.confidenceCheck()->isChecked());
        QVERIFY(view.confidenceBox()->isEnabled());
        QCOMPARE(view.confidenceBox()->value(), 0.8);
        QCOMPARE(view.state().tuneConfidence, std::optional<double>(0.8));
        state.tuneConfidence.reset();
        QCOMPARE(view.restoreState(state), QString());
        QVERIFY(!view.confidenceCheck()->isChecked());
        QVERIFY(!view.state().tuneConfidence.has_value());
    }

    // The grid of tst_sweep's tuneWithConfidenceNeedsTheBoundToReachTheTarget: at a target of 1 on 6
    // items, some settings keep the score on their point but not on their bound.
    void tuneWithConfidenceReachesTheEngine() {
        QTemporaryDir cache;
        ExplorerView view;
        configure(view, cache.path(), 6, QStringLiteral("0.85,0.9,0.95,1"));
        view.gridEdit(1)->setText(QStringLiteral("0.85,0.89,0.95,1"));
        view.targetBox()->setValue(1.0);
        QSignalSpy tuned(&view, &ExplorerView::tuneShown);

        view.startTune();
        QTRY_COMPARE_WITH_TIMEOUT(tuned.count(), 1, kWaitMs);
        QVERIFY(view.tuneResult().has_value());
        const mue::TuneResult plain = *view.tuneResult();
        QVERIFY(!plain.confidence);
        QVERIFY(!plain.validation_retention_lower_bound);
        QVERIFY2(!view.tuneResultLabel()->text().contains(QStringLiteral("lower bound")),
                 qPrintable(view.tuneResultLabel()->text()));

        view.confidenceCheck()->setChecked(true);
        view.confidenceBox()->setValue(0.9);
        view.startTune();
        QTRY_COMPARE_WITH_TIMEOUT(tuned.count(), 2, kWaitMs);
        const mue::TuneResult safe = *view.tuneResult();
        QCOMPARE(safe.confidence, std::optional<double>(0.9));
        QVERIFY(safe.validation_retention_lower_bound.has_value());
        // The bound rules out the plain choice here: the safe one saves less on validation.
        QVERIFY(safe.validation.savings.expected_reduction_mean < plain.validation.savings.expected_reduction_mean);
        // Here a MuE setting's bound reaches the target, so the result names the bound.
        QCOMPARE(safe.settings.policy, mue::ExitPolicy::Mue);
        QVERIFY(*safe.validation_retention_lower_bound >= 1.0);
        const auto percent = [](double share) { return QLocale().toString(100.0 * share, 'f', 1) + QStringLiteral(" %"); };
        const QString text = view.tuneResultLabel()->text();
        const QString expected = QStringLiteral("Validation retention %1 (lower bound %2 at %3 confidence)")
                                     .arg(percent(safe.validation.retention),
                                          percent(*safe.validation_retention_lower_bound), percent(0.9));
        QVERIFY2(text.contains(expected), qPrintable(text));
    }
};

QTEST_MAIN(TestExplorer)
#include "tst_explorer.moc"
