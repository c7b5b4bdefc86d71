// MuE Studio: command line, the worker thread and its controller (on a fake backend with
// controllable layers), the history, exports, and the real window end to end on the seeded
// random test model.

#include "about_dialog.hpp"
#include "guided_tour.hpp"
#include "history_model.hpp"
#include "main_window.hpp"
#include "run_controller.hpp"
#include "studio_options.hpp"
#include "trace_export.hpp"

#include <mue/errors.hpp>
#include <mue_widgets/exit_diagram.hpp>
#include <mue_widgets/patch_heatmap_view.hpp>
#include <mue_widgets/qcustomplot.hpp>
#include <mue_widgets/savings_panel.hpp>
#include <mue_widgets/similarity_plot.hpp>
#include <mue_widgets/threshold_panel.hpp>
#include <mue_widgets/token_output_view.hpp>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QToolButton>
#include <QTranslator>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace mue::studio;

namespace {

constexpr int kLayers = 6;
constexpr int kWaitMs = 30'000;  // generous: CI machines are slow and busy

// A backend whose "layers" are sleeps: each checks the cancel token first, like the engine. The
// image stream exits at the first layer whose made-up similarity passes the image threshold.
class FakeBackend final : public InferenceBackend {
public:
    struct Shared {
        std::atomic<int> layersRun{0};
        std::atomic<int> runs{0};
        std::chrono::milliseconds layerTime{1};
    };
    explicit FakeBackend(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

    [[nodiscard]] LoadedModel model() const override {
        LoadedModel m;
        m.info.model_id = "fake";
        m.info.trained = true;
        m.config.image.size = 32;
        return m;
    }

    [[nodiscard]] mue::RunResult run(const mue::RunRequest& request, const mue::CancellationToken& cancel) const override {
        ++shared_->runs;
        mue::RunResult result;
        auto& trace = result.trace;
        trace.settings = request.exits;
        trace.image.layers = kLayers;
        trace.text.layers = kLayers;
        trace.decoder_layers = kLayers;
        trace.image.exit_layer = kLayers;
        for (int layer = 1; layer <= kLayers; ++layer) {
            if (cancel.cancelled()) throw mue::Cancelled();
            std::this_thread::sleep_for(shared_->layerTime);
            ++shared_->layersRun;
            const float similarity = 1.0F - 0.5F / static_cast<float>(layer * layer);
            trace.image.similarity.push_back(similarity);
            if (request.exits.policy != mue::ExitPolicy::Full && similarity > request.exits.image_threshold) {
                trace.image.exit_layer = layer;
                trace.image.exited = true;
                break;
            }
        }
        trace.text.exit_layer = kLayers;
        trace.text.similarity.assign(kLayers, 0.5F);
        mue::DecoderTokenTrace token;
        token.text = " yes";
        token.step = 1;
        token.exit_layer = kLayers;
        token.similarity.assign(kLayers, 0.5F);
        trace.decoder_tokens.push_back(token);
        result.prediction = "yes";
        result.answers = {{" yes", 0.7F, 1.0F}, {" no", 0.2F, 0.0F}, {" maybe", 0.1F, -1.0F}};
        trace.savings.compute_ms = static_cast<double>(trace.image.similarity.size());
        return result;
    }

private:
    std::shared_ptr<Shared> shared_;
};

EngineWorker::BackendFactory fakeFactory(const std::shared_ptr<FakeBackend::Shared>& shared) {
    return [shared](const std::filesystem::path& folder) -> std::unique_ptr<InferenceBackend> {
        if (folder.filename() == "bad") throw mue::InputError(folder.string() + "/config.json: missing");
        return std::make_unique<FakeBackend>(shared);
    };
}

QImage testImage() {
    QImage image(32, 24, QImage::Format_RGB888);
    image.fill(QColor(40, 120, 200));
    return image;
}

mue::ExitSettings mueSettings(double imageThreshold) {
    mue::ExitSettings s = mue::ExitSettings::preset("paper");
    s.policy = mue::ExitPolicy::Mue;
    s.image_threshold = imageThreshold;
    return s;
}

RunRecord fakeRecord(RunId id) {
    RunRecord r;
    r.id = id;
    r.task = mue::Task::Entailment;
    r.text = QStringLiteral("there is a circle");
    r.settings = mueSettings(0.9);
    auto result = std::make_shared<mue::RunResult>();
    result->prediction = "yes";
    result->trace.image = {4, kLayers, 2, true, {0.5F, 0.95F}, {}};
    result->trace.text = {3, kLayers, kLayers, false, std::vector<float>(kLayers, 0.5F), {}};
    result->trace.decoder_layers = kLayers;
    mue::DecoderTokenTrace token;
    token.text = "a, \"b\"";
    token.step = 1;
    token.exit_layer = 3;
    token.exited = true;
    token.threshold = 0.95F;
    token.similarity = {0.1F, 0.5F, 0.97F};
    result->trace.decoder_tokens.push_back(token);
    result->trace.savings.compute_ms = 5.0;
    r.result = result;
    r.image = std::make_shared<const mue::RgbImage>(fromQImage(testImage()));
    return r;
}

}  // namespace

class TestStudio : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void options_data();
    void options();
    void helpOptionsPrintHelp();

    void runDeliversResult();
    void staleResultsAreDropped();
    void cancelStopsWithinOneLayer();
    void debounceCoalescesChanges();
    void autoRunOffWaitsForRunNow();
    void destroyingMidRunStopsTheWorker();
    void badModelKeepsPreviousModel();
    void badImageKeepsPreviousImage();
    void timingIsTheBestOfSeveralRounds();

    void historyPinsAndEvicts();
    void csvExportHasEveryLayer();
    void atomicWriteReportsErrors();

    void windowRunsDragsAndRestores_data();
    void windowRunsDragsAndRestores();
    void windowShowsErrorsAndKeepsState();
    void languageSwitchKeepsTheRuns();
    void screenshotWritesPng();
    void aboutExplainsWithFigure();
    void everyViewExplainsItself();
    void exitSettingsAreRemembered();
    void tourWalksThroughEasyAndHardScenes();

private:
    QTemporaryDir settingsDir_;
};

void TestStudio::initTestCase() {
    QVERIFY(settingsDir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("MuE Studio Tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_studio"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir_.path());
}

void TestStudio::options_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("error");  // substring; empty when parsing succeeds
    QTest::addColumn<QString>("image");
    QTest::addColumn<int>("task");       // -1: none given
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("decoderThreshold");  // -9: none given

    QTest::newRow("nothing") << QStringList{} << QString() << QString() << -1 << QString() << -9.0;
    QTest::newRow("image and hypothesis")
        << QStringList{QStringLiteral("cat.png"), QStringLiteral("--hypothesis"), QStringLiteral("a cat")} << QString()
        << QStringLiteral("cat.png") << static_cast<int>(mue::Task::Entailment) << QStringLiteral("a cat") << -9.0;
    QTest::newRow("caption and thresholds")
        << QStringList{QStringLiteral("--caption"), QStringLiteral("--thresholds"), QStringLiteral("0.99,0.98,0.97")}
        << QString() << QString() << static_cast<int>(mue::Task::Caption) << QString() << 0.97;
    QTest::newRow("prompt") << QStringList{QStringLiteral("--prompt"), QStringLiteral("what is it?")} << QString()
                            << QString() << static_cast<int>(mue::Task::Prompt) << QStringLiteral("what is it?") << -9.0;
    QTest::newRow("two tasks") << QStringList{QStringLiteral("--caption"), QStringLiteral("--hypothesis"), QStringLiteral("x")}
                               << QStringLiteral("exclude each other") << QString() << -1 << QString() << -9.0;
    QTest::newRow("two thresholds") << QStringList{QStringLiteral("--thresholds"), QStringLiteral("0.9,0.9")}
                                    << QStringLiteral("--thresholds") << QString() << -1 << QString() << -9.0;
    QTest::newRow("threshold out of range") << QStringList{QStringLiteral("--thresholds"), QStringLiteral("0.9,1.5,0.9")}
                                            << QStringLiteral("--thresholds") << QString() << -1 << QString() << -9.0;
    QTest::newRow("not a number") << QStringList{QStringLiteral("--thresholds"), QStringLiteral("a,b,c")}
                                  << QStringLiteral("--thresholds") << QString() << -1 << QString() << -9.0;
    QTest::newRow("two images") << QStringList{QStringLiteral("a.png"), QStringLiteral("b.png")}
                                << QStringLiteral("at most one IMAGE") << QString() << -1 << QString() << -9.0;
    QTest::newRow("zero threads") << QStringList{QStringLiteral("--threads"), QStringLiteral("0")}
                                  << QStringLiteral("--threads") << QString() << -1 << QString() << -9.0;
    QTest::newRow("bad theme") << QStringList{QStringLiteral("--theme"), QStringLiteral("pink")}
                               << QStringLiteral("--theme") << QString() << -1 << QString() << -9.0;
    QTest::newRow("sweep") << QStringList{QStringLiteral("--sweep"), QStringLiteral("s.json"), QStringLiteral("--caption")}
                           << QString() << QString() << static_cast<int>(mue::Task::Caption) << QString() << -9.0;
    QTest::newRow("session") << QStringList{QStringLiteral("--open-session"), QStringLiteral("s.mue.json")} << QString()
                             << QString() << -1 << QString() << -9.0;
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << QStringLiteral("frobnicate")
                                    << QString() << -1 << QString() << -9.0;
}

// --help-all, which Qt's help option also registers, once started the window instead.
void TestStudio::helpOptionsPrintHelp() {
    for (const auto* flag : {"--help", "-h", "--help-all"}) {
        const auto parsed = parseStudioOptions({QStringLiteral("mue-studio"), QString::fromLatin1(flag)});
        QVERIFY2(parsed.helpRequested, flag);
        QVERIFY(parsed.helpText.contains(QStringLiteral("--screenshot")));
    }
}

void TestStudio::options() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    QFETCH(QString, image);
    QFETCH(int, task);
    QFETCH(QString, text);
    QFETCH(double, decoderThreshold);
    arguments.prepend(QStringLiteral("mue-studio"));
    const ParsedOptions parsed = parseStudioOptions(arguments);
    if (!error.isEmpty()) {
        QVERIFY(!parsed.options);
        QVERIFY2(parsed.error.contains(error), qPrintable(parsed.error));
        return;
    }
    QVERIFY2(parsed.options, qPrintable(parsed.error));
    QCOMPARE(parsed.options->image, image);
    QCOMPARE(parsed.options->task.has_value(), task >= 0);
    if (task >= 0) QCOMPARE(static_cast<int>(*parsed.options->task), task);
    QCOMPARE(parsed.options->text, text);
    QCOMPARE(parsed.options->thresholds.has_value(), decoderThreshold > -9.0);
    if (parsed.options->thresholds) QCOMPARE((*parsed.options->thresholds)[2], decoderThreshold);
}

void TestStudio::runDeliversResult() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    RunController controller(fakeFactory(shared));
    controller.setAutoRun(false);
    QSignalSpy finished(&controller, &RunController::runFinished);
    QSignalSpy busy(&controller, &RunController::busyChanged);
    controller.openModel(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
    controller.setImage(testImage(), QStringLiteral("test"));
    controller.setSettings(mueSettings(0.8));
    controller.runNow();
    QVERIFY(controller.busy());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QVERIFY(!controller.busy());
    const auto record = finished.front().front().value<RunRecord>();
    QCOMPARE(record.settings.image_threshold, 0.8);
    // 1 - 0.5/4 = 0.875 > 0.8 at layer 2.
    QCOMPARE(record.result->trace.image.exit_layer, 2);
    QCOMPARE(record.thumbnail.isNull(), false);
    QCOMPARE(busy.count(), 2);
}

void TestStudio::staleResultsAreDropped() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    shared->layerTime = std::chrono::milliseconds(5);
    RunController controller(fakeFactory(shared));
    controller.setAutoRun(false);
    controller.setMeasureFull(false);
    controller.openModel(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
    controller.setImage(testImage(), QStringLiteral("test"));
    QSignalSpy started(&controller, &RunController::runStarted);
    QSignalSpy finished(&controller, &RunController::runFinished);
    QSignalSpy cancelled(&controller, &RunController::runCancelled);
    for (const double threshold : {0.1, 0.5, 0.99}) {
        controller.setSettings(mueSettings(threshold));
        controller.runNow();
    }
    QCOMPARE(started.count(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QTest::qWait(50);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(cancelled.count(), 0);  // superseded runs end silently
    const auto record = finished.front().front().value<RunRecord>();
    QCOMPARE(record.id, started.back().front().value<quint64>());
    QCOMPARE(record.settings.image_threshold, 0.99);
    QVERIFY(!controller.busy());
}

void TestStudio::cancelStopsWithinOneLayer() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    shared->layerTime = std::chrono::milliseconds(40);
    RunController controller(fakeFactory(shared));
    controller.setAutoRun(false);
    controller.openModel(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
    controller.setImage(testImage(), QStringLiteral("test"));
    controller.setSettings(mueSettings(1.0));  // never exits: all six layers unless cancelled
    QSignalSpy cancelled(&controller, &RunController::runCancelled);
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.runNow();
    QTRY_VERIFY_WITH_TIMEOUT(shared->layersRun.load() >= 2, kWaitMs);
    const int atCancel = shared->layersRun.load();
    controller.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, kWaitMs);
    QVERIFY2(shared->layersRun.load() <= atCancel + 1, qPrintable(QString::number(shared->layersRun.load())));
    QCOMPARE(finished.count(), 0);
    QVERIFY(!controller.busy());
}

void TestStudio::debounceCoalescesChanges() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    RunController controller(fakeFactory(shared));
    controller.setDebounce(std::chrono::milliseconds(80));
    controller.setAutoRun(true);
    controller.setMeasureFull(false);
    QSignalSpy started(&controller, &RunController::runStarted);
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.openModel(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
    controller.setImage(testImage(), QStringLiteral("test"));
    for (const double threshold : {0.2, 0.3, 0.4, 0.5, 0.6}) controller.setSettings(mueSettings(threshold));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QTest::qWait(200);
    QCOMPARE(started.count(), 1);
    QCOMPARE(finished.front().front().value<RunRecord>().settings.image_threshold, 0.6);
}

void TestStudio::autoRunOffWaitsForRunNow() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    RunController controller(fakeFactory(shared));
    controller.setDebounce(std::chrono::milliseconds(10));
    controller.setAutoRun(false);
    QSignalSpy started(&controller, &RunController::runStarted);
    controller.openModel(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
    controller.setImage(testImage(), QStringLiteral("test"));
    controller.setSettings(mueSettings(0.3));
    QTest::qWait(100);
    QCOMPARE(started.count(), 0);
    controller.runNow();
    QCOMPARE(started.count(), 1);
}

void TestStudio::destroyingMidRunStopsTheWorker() {
    // Closing the window mid-run: the controller cancels, the worker stops within a layer and its
    // thread is joined; no result arrives for a controller that is gone.
    auto shared = std::make_shared<FakeBackend::Shared>();
    shared->layerTime = std::chrono::milliseconds(100);
    {
        RunController controller(fakeFactory(shared));
        controller.setAutoRun(false);
        controller.openModel(QStringLiteral("good"));
        QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
        controller.setImage(testImage(), QStringLiteral("test"));
        controller.setSettings(mueSettings(1.0));
        controller.runNow();
        QTRY_VERIFY_WITH_TIMEOUT(shared->layersRun.load() >= 1, kWaitMs);
    }
    const int atDestruction = shared->layersRun.load();
    QVERIFY2(atDestruction < kLayers, qPrintable(QString::number(atDestruction)));
    QTest::qWait(300);
    QCOMPARE(shared->layersRun.load(), atDestruction);  // the worker really stopped
}

void TestStudio::badModelKeepsPreviousModel() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    RunController controller(fakeFactory(shared));
    controller.setAutoRun(false);
    controller.openModel(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
    const auto before = controller.model();
    QSignalSpy failed(&controller, &RunController::modelFailed);
    controller.openModel(QStringLiteral("/tmp/bad"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWaitMs);
    QVERIFY(failed.front().at(1).toString().contains(QStringLiteral("config.json")));
    QCOMPARE(controller.model(), before);
    QCOMPARE(controller.modelFolder(), QStringLiteral("good"));
    // The previous model still runs.
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.setImage(testImage(), QStringLiteral("test"));
    controller.runNow();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
}

void TestStudio::badImageKeepsPreviousImage() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    RunController controller(fakeFactory(shared));
    controller.setAutoRun(false);
    controller.setImage(testImage(), QStringLiteral("first"));
    QSignalSpy failed(&controller, &RunController::imageFailed);
    QTemporaryDir dir;
    const QString empty = dir.filePath(QStringLiteral("empty.png"));
    QFile(empty).open(QIODevice::WriteOnly);
    controller.openImage(empty);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWaitMs);
    QVERIFY2(failed.front().at(1).toString().contains(QStringLiteral("empty.png")), qPrintable(failed.front().at(1).toString()));
    QVERIFY(controller.image().has_value());
    QCOMPARE(controller.image()->source, QStringLiteral("first"));
}

void TestStudio::timingIsTheBestOfSeveralRounds() {
    auto shared = std::make_shared<FakeBackend::Shared>();
    RunController controller(fakeFactory(shared));
    controller.setAutoRun(false);
    controller.setMeasureFull(true);
    controller.openModel(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);
    controller.setImage(testImage(), QStringLiteral("test"));
    QSignalSpy timing(&controller, &RunController::timingReady);
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.setSettings(mueSettings(0.8));
    controller.runNow();
    QTRY_COMPARE_WITH_TIMEOUT(timing.count(), 1, kWaitMs);
    // The run, then rounds of the full model alternating with repeats of the run.
    QCOMPARE(shared->runs.load(), 1 + 2 * EngineWorker::kTimingRounds);
    QCOMPARE(timing.front().at(1).toDouble(), 2.0);           // the fake's "ms": layers run
    QCOMPARE(timing.front().at(2).toDouble(), double{kLayers});

    RunRecord record = finished.front().front().value<RunRecord>();
    QVERIFY(!measuredReduction(record).has_value());  // not before the timing arrives
    record.computeMs = timing.front().at(1).toDouble();
    record.fullComputeMs = timing.front().at(2).toDouble();
    QCOMPARE(*measuredReduction(record), 1.0 - 2.0 / kLayers);

    // A newer run cancels a measurement still in progress: no stale timing arrives.
    shared->layerTime = std::chrono::milliseconds(20);
    timing.clear();
    controller.runNow();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWaitMs);
    controller.setSettings(mueSettings(0.5));
    controller.runNow();
    QTRY_COMPARE_WITH_TIMEOUT(timing.count(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kWaitMs);
    QCOMPARE(timing.front().at(0).value<quint64>(), finished.back().front().value<RunRecord>().id);
    QTest::qWait(100);
    QCOMPARE(timing.count(), 1);
}

void TestStudio::historyPinsAndEvicts() {
    HistoryModel history;
    QSignalSpy pinned(&history, &HistoryModel::pinnedChanged);
    history.add(fakeRecord(1));
    history.add(fakeRecord(2));
    QCOMPARE(history.rowCount(), 2);
    QCOMPARE(history.data(history.index(0, HistoryModel::Exits)).toString(), QStringLiteral("2 · 6 · 3.0"));
    QCOMPARE(history.data(history.index(0, HistoryModel::Prediction)).toString(), QStringLiteral("yes"));
    history.setPinned(1);
    QCOMPARE(pinned.count(), 1);
    QCOMPARE(history.pinnedRecord()->id, RunId{1});
    history.setPinned(99);  // not in the history: unpins
    QVERIFY(!history.pinned());
    history.setPinned(1);
    for (RunId id = 3; id <= HistoryModel::kMaxRuns + 5; ++id) history.add(fakeRecord(id));
    QCOMPARE(history.rowCount(), HistoryModel::kMaxRuns);
    QVERIFY(history.rowOf(1).has_value());   // the pinned run stays
    QVERIFY(!history.rowOf(2).has_value());  // the oldest unpinned one went first
    history.setTiming(HistoryModel::kMaxRuns + 5, 5.0, 10.0);
    QVERIFY(history.data(history.index(history.rowCount() - 1, HistoryModel::Saving)).toString().contains(QStringLiteral("50")));
    history.clear();
    QCOMPARE(history.rowCount(), 0);
    QVERIFY(!history.pinned());
}

void TestStudio::csvExportHasEveryLayer() {
    const RunRecord record = fakeRecord(1);
    const QString csv = QString::fromUtf8(traceCsv(record.result->trace));
    const QStringList lines = csv.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.front(), QStringLiteral("stream,step,token,layer,similarity,threshold,state"));
    QCOMPARE(lines.size(), 1 + 3 * kLayers);
    QCOMPARE(lines[1], QStringLiteral("image,,,1,0.5,0.9,run"));
    QCOMPARE(lines[2], QStringLiteral("image,,,2,0.949999988,0.9,exit"));
    QCOMPARE(lines[3], QStringLiteral("image,,,3,,0.9,skipped"));
    QVERIFY(lines[2 * kLayers + 3].startsWith(QStringLiteral("decoder,1,\"a, \"\"b\"\"\",3,")));
    QVERIFY(lines[2 * kLayers + 3].endsWith(QStringLiteral(",exit")));

    mue::ModelInfo info;
    info.model_id = "fake";
    const auto json = QJsonDocument::fromJson(traceJson(record, info));
    QVERIFY(json.isObject());
    QCOMPARE(json.object().value(QStringLiteral("prediction")).toString(), QStringLiteral("yes"));
}

void TestStudio::atomicWriteReportsErrors() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("trace.csv"));
    QCOMPARE(writeFileAtomically(path, "a,b\n"), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("a,b\n"));
    const QString bad = dir.filePath(QStringLiteral("no/such/folder/trace.csv"));
    QVERIFY(writeFileAtomically(bad, "x").contains(QStringLiteral("trace.csv")));

    // Writers that take a file name: a failure half-way leaves the earlier file and no temporary.
    const QString plot = dir.filePath(QStringLiteral("plot.png"));
    QCOMPARE(saveFileAtomically(plot, [](const QString& temporary) { return QImage(4, 4, QImage::Format_RGB888).save(temporary, "PNG"); }),
             QString());
    const QString failed = saveFileAtomically(plot, [](const QString& temporary) {
        QFile half(temporary);
        return half.open(QIODevice::WriteOnly) && half.write("\x89PNG") > 0 && false;  // dies after a few bytes
    });
    QVERIFY(failed.contains(QStringLiteral("plot.png")));
    QCOMPARE(QImage(plot).size(), QSize(4, 4));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);  // trace.csv and plot.png
}

void TestStudio::windowRunsDragsAndRestores_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("random test model") << QStringLiteral(MUE_TEST_MODEL_DIR);
    QTest::newRow("embedded model") << QStringLiteral(MUE_EMBEDDED_MODEL_DIR);
}

void TestStudio::windowRunsDragsAndRestores() {
    QFETCH(QString, model);
    RunController controller(&loadEngineBackend);
    controller.setDebounce(std::chrono::milliseconds(10));
    MainWindow window(&controller);
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy shown(&window, &MainWindow::resultShown);

    StudioOptions options;
    options.modelFolder = model;
    options.task = mue::Task::Caption;
    // The image stream never exits; the other lines sit elsewhere, so the drag grabs the image's.
    options.thresholds = std::array<double, 3>{1.0, 0.999, 0.999};
    window.applyOptions(options);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, kWaitMs);  // the first built-in scene runs by itself
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kWaitMs);
    const RunRecord first = *window.currentRecord();
    QCOMPARE(first.task, mue::Task::Caption);
    QCOMPARE(first.result->trace.image.exit_layer, first.result->trace.image.layers);
    const auto& lanes = window.exitDiagram()->lanes();
    QVERIFY(lanes.size() >= 3);  // image, text, and at least one decoded token
    QCOMPARE(lanes.front().executed(), first.result->trace.image.layers);

    // Drag the image threshold line to the top of the plot: a low threshold, an early exit.
    QCustomPlot* custom = window.similarityPlot()->customPlot();
    custom->replot();
    const int x = static_cast<int>(custom->xAxis->coordToPixel(3.0));
    const int lineY = static_cast<int>(std::lround(custom->yAxis->coordToPixel(mue::widgets::SimilarityPlot::distance(1.0))));
    const int topY = custom->axisRect()->top() + 2;
    const int runsBefore = static_cast<int>(shown.count());
    QTest::mousePress(custom, Qt::LeftButton, Qt::NoModifier, QPoint(x, lineY));
    QTest::mouseMove(custom, QPoint(x, (lineY + topY) / 2));
    QTest::mouseMove(custom, QPoint(x, topY));
    QTest::mouseRelease(custom, Qt::LeftButton, Qt::NoModifier, QPoint(x, topY));
    const double dragged = window.thresholdPanel()->settings().image_threshold;
    QVERIFY2(dragged < 0.5, qPrintable(QString::number(dragged)));
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > runsBefore, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(window.currentRecord()->settings.image_threshold, dragged, kWaitMs);
    const RunRecord second = *window.currentRecord();
    QVERIFY(second.result->trace.image.exit_layer < first.result->trace.image.exit_layer);
    QCOMPARE(window.exitDiagram()->lanes().front().executed(), second.result->trace.image.exit_layer);
    QCOMPARE(window.similarityPlot()->trace().image.exit_layer, second.result->trace.image.exit_layer);
    // The output shows the new run's tokens.
    QCOMPARE(window.outputView()->tokenCount(), static_cast<int>(second.result->trace.decoder_tokens.size()));

    // Pin the first run: its curves are drawn under the current ones.
    const auto firstRow = window.history()->rowOf(first.id);
    QVERIFY(firstRow.has_value());
    window.history()->setPinned(first.id);
    QVERIFY(window.similarityPlot()->referenceGraph(mue::widgets::Stream::Image)->visible());
    QCOMPARE(window.similarityPlot()->referenceGraph(mue::widgets::Stream::Image)->data()->size(),
             static_cast<int>(first.result->trace.image.similarity.size()));

    // Restore it: its thresholds come back, and the views show it again.
    window.restoreRun(*firstRow);
    QCOMPARE(window.thresholdPanel()->settings().image_threshold, 1.0);
    QCOMPARE(controller.settings().image_threshold, 1.0);
    QCOMPARE(window.currentRecord()->id, first.id);
    QCOMPARE(window.exitDiagram()->lanes().front().executed(), first.result->trace.image.layers);
}

void TestStudio::windowShowsErrorsAndKeepsState() {
    RunController controller(&loadEngineBackend);
    controller.setDebounce(std::chrono::milliseconds(10));
    MainWindow window(&controller);
    window.show();
    QSignalSpy shown(&window, &MainWindow::resultShown);
    QSignalSpy errors(&window, &MainWindow::errorShown);
    StudioOptions options;
    options.modelFolder = QStringLiteral(MUE_TEST_MODEL_DIR);
    options.task = mue::Task::Entailment;
    options.text = QStringLiteral("there is a red circle");
    window.applyOptions(options);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kWaitMs);
    QCOMPARE(window.textEdit()->text(), QStringLiteral("there is a red circle"));  // the sample kept the typed text
    const RunId before = window.currentRecord()->id;

    QTemporaryDir dir;
    const QString broken = dir.filePath(QStringLiteral("broken.jpg"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not an image at all");
    file.close();
    window.openImage(broken);
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kWaitMs);
    QVERIFY(window.messageLabel()->isVisible());
    QVERIFY2(window.messageLabel()->text().contains(QStringLiteral("broken.jpg")), qPrintable(window.messageLabel()->text()));
    QCOMPARE(window.currentRecord()->id, before);

    window.openModel(dir.filePath(QStringLiteral("no-model")));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 2, kWaitMs);
    QVERIFY(window.messageLabel()->text().contains(QStringLiteral("no-model")));
    QCOMPARE(controller.modelFolder(), QStringLiteral(MUE_TEST_MODEL_DIR));
}

void TestStudio::languageSwitchKeepsTheRuns() {
    RunController controller(&loadEngineBackend);
    controller.setDebounce(std::chrono::milliseconds(10));
    HistoryModel history;
    auto first = std::make_unique<MainWindow>(&controller, &history);
    first->show();
    QSignalSpy shown(first.get(), &MainWindow::resultShown);
    StudioOptions options;
    options.modelFolder = QStringLiteral(MUE_TEST_MODEL_DIR);
    options.task = mue::Task::Entailment;
    options.text = QStringLiteral("there is a red circle");
    first->applyOptions(options);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kWaitMs);
    const RunId current = first->currentRecord()->id;
    history.setPinned(current);

    // What main() does on a language change: install the translator, build a new window.
    QTranslator japanese;
    QVERIFY(japanese.load(QLocale(QStringLiteral("ja")), QStringLiteral("mue-studio"), QStringLiteral("_"),
                          QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&japanese);
    auto second = std::make_unique<MainWindow>(&controller, &history);
    second->takeOver(*first);
    first.reset();
    second->show();
    QCoreApplication::removeTranslator(&japanese);

    QVERIFY(second->currentRecord() != nullptr);
    QCOMPARE(second->currentRecord()->id, current);
    QCOMPARE(second->history()->rowCount(), history.rowCount());
    QCOMPARE(second->textEdit()->text(), QStringLiteral("there is a red circle"));
    QCOMPARE(second->exitDiagram()->lanes().size(), std::size_t{3});  // the run is on show again
    QVERIFY(second->similarityPlot()->referenceGraph(mue::widgets::Stream::Image)->visible());
    const QString fileMenu = second->menuBar()->actions().front()->text();
    QVERIFY2(fileMenu != QStringLiteral("&File") && !fileMenu.isEmpty(), qPrintable(fileMenu));
}

void TestStudio::screenshotWritesPng() {
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("window.png"));
    QProcess studio;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    studio.setProcessEnvironment(environment);
    studio.start(QStringLiteral(MUE_STUDIO_PATH),
                 {QStringLiteral("--model"), QStringLiteral(MUE_TEST_MODEL_DIR), QStringLiteral("--hypothesis"),
                  QStringLiteral("there is a blue square"), QStringLiteral("--screenshot"), png});
    QVERIFY(studio.waitForFinished(120'000));
    QVERIFY2(studio.exitCode() == 0, studio.readAllStandardError().constData());
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 600);

    QProcess bad;
    bad.setProcessEnvironment(environment);
    bad.start(QStringLiteral(MUE_STUDIO_PATH), {QStringLiteral("--thresholds"), QStringLiteral("2,2")});
    QVERIFY(bad.waitForFinished(60'000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains("--thresholds"));
}

void TestStudio::aboutExplainsWithFigure() {
    AboutDialog dialog;
    const QString text = dialog.browser()->toPlainText();
    QVERIFY(text.contains(QStringLiteral("Multiple early exiting")));
    QVERIFY(text.contains(QStringLiteral("Image stream")));
    QVERIFY(text.contains(QStringLiteral("Decoder")));
    const QVariant figure = dialog.browser()->document()->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("mue://figure")));
    QVERIFY(!figure.value<QImage>().isNull());
    QVERIFY(figure.value<QImage>().width() >= 600);
    const QString docs = qEnvironmentVariable("MUE_STUDIO_SCREENSHOT_DIR");
    if (!docs.isEmpty()) {
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.grab().save(docs + QStringLiteral("/studio-about.png")));
    }
}

void TestStudio::everyViewExplainsItself() {
    RunController controller(fakeFactory(std::make_shared<FakeBackend::Shared>()));
    MainWindow window(&controller);
    const std::vector<QWidget*> views{window.similarityPlot(), window.exitDiagram(), window.outputView(),
                                      window.heatmapView(), window.savingsPanel(), window.thresholdPanel()};
    for (QWidget* view : views) QVERIFY2(view->whatsThis().size() > 80, view->metaObject()->className());
    int buttons = 0;
    for (QToolButton* button : window.findChildren<QToolButton*>()) buttons += button->text() == QStringLiteral("?");
    QCOMPARE(buttons, static_cast<int>(views.size()));
}

void TestStudio::tourWalksThroughEasyAndHardScenes() {
    QSettings().remove(QStringLiteral("tour/shown"));
    RunController controller(&loadEngineBackend);
    controller.setDebounce(std::chrono::milliseconds(10));
    MainWindow window(&controller);
    window.offerTourOnFirstStart();
    window.show();
    QSignalSpy shown(&window, &MainWindow::resultShown);
    StudioOptions options;
    options.modelFolder = QStringLiteral(MUE_TEST_MODEL_DIR);
    window.applyOptions(options);
    // The first result opens the tour by itself, once.
    QTRY_VERIFY_WITH_TIMEOUT(window.tour() != nullptr, kWaitMs);
    GuidedTour* tour = window.tour();
    QCOMPARE(tour->stepCount(), 6);
    QCOMPARE(tour->step(), 0);

    tour->showStep(1);  // the easy scene under the paper's thresholds
    QCOMPARE(controller.task(), mue::Task::Entailment);
    QVERIFY2(controller.image()->source.contains(QStringLiteral("difficulty 0")), qPrintable(controller.image()->source));
    QCOMPARE(controller.settings().image_threshold, mue::ExitSettings::preset("paper").image_threshold);
    tour->showStep(3);  // the hard one
    QCOMPARE(controller.task(), mue::Task::Caption);
    QVERIFY(controller.image()->source.contains(QStringLiteral("difficulty 4")));
    QTRY_VERIFY_WITH_TIMEOUT(window.currentRecord()->task == mue::Task::Caption, kWaitMs);
    tour->close();
    QTRY_VERIFY_WITH_TIMEOUT(window.tour() == nullptr, kWaitMs);

    // Not again on the next start.
    MainWindow second(&controller);
    second.offerTourOnFirstStart();
    QSignalSpy secondShown(&second, &MainWindow::resultShown);
    controller.runNow();
    QTRY_VERIFY_WITH_TIMEOUT(secondShown.count() >= 1, kWaitMs);
    QTest::qWait(50);
    QVERIFY(second.tour() == nullptr);
}

void TestStudio::exitSettingsAreRemembered() {
    RunController controller(fakeFactory(std::make_shared<FakeBackend::Shared>()));
    mue::ExitSettings chosen = mue::ExitSettings::preset("released-ve");
    chosen.policy = mue::ExitPolicy::Pabee;
    chosen.patience = 3;
    chosen.static_text_layers = 2;
    chosen.kv_policy = mue::KvPolicy::Propagate;
    chosen.confidence_threshold = 0.8;
    {
        MainWindow window(&controller);
        window.thresholdPanel()->setSettings(chosen);
        window.writeSettings();
    }
    MainWindow reopened(&controller);
    QVERIFY(reopened.thresholdPanel()->settings() == chosen);
    QVERIFY(controller.settings() == chosen);

    // Settings another version left behind that no longer validate fall back to the paper's.
    QSettings().setValue(QStringLiteral("exits/beta"), 7.0);
    MainWindow fallback(&controller);
    QCOMPARE(fallback.thresholdPanel()->settings().beta, mue::ExitSettings::preset("paper").beta);
    QCOMPARE(fallback.thresholdPanel()->settings().policy, mue::ExitPolicy::Mue);
    QSettings().remove(QStringLiteral("exits"));
}

QTEST_MAIN(TestStudio)
#include "tst_studio.moc"
