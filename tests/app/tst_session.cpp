// Sessions (session.hpp): the whole window saved and opened again on the seeded random test model,
// the file's documented fields, and damaged or foreign files refused with the file and field named
// while the window keeps what it showed.

#include "explorer_view.hpp"
#include "main_window.hpp"
#include "session.hpp"

#include <mue/errors.hpp>
#include <mue_widgets/threshold_panel.hpp>

#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>

using namespace mue::studio;

namespace {

constexpr int kWaitMs = 120'000;

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

mue::report::SweepDocument smallSweep() {
    mue::report::SweepDocument d;
    d.dataset = "shapes-ve";
    d.split = "validation";
    d.task = mue::Task::Entailment;
    d.model_id = "random-tiny";
    d.n = 5;
    d.complete = false;
    mue::SweepPoint full;
    full.label = "full";
    full.settings = mue::ExitSettings::preset("no-exits");
    full.score = 0.6;
    full.retention = 1;
    full.pareto = true;
    full.histograms = {{0, 5}, {0, 5}, {0, 5}};
    d.points.push_back(full);
    return d;
}

}  // namespace

class TestSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(settingsDir_.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("MuE Studio Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_session"));
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir_.path());
    }

    void windowRoundTrip() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("session.mue.json"));
        std::vector<RunRecord> saved;
        RunId savedPinned = 0;
        {
            RunController controller(&loadEngineBackend);
            controller.setMeasureFull(false);
            MainWindow window(&controller);
            QSignalSpy shown(&window, &MainWindow::resultShown);
            StudioOptions options;
            options.modelFolder = QStringLiteral(MUE_TEST_MODEL_DIR);
            options.task = mue::Task::Entailment;
            options.text = QStringLiteral("there is a red circle");
            options.thresholds = std::array<double, 3>{0.9, 0.95, 0.99};
            window.applyOptions(options);
            QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, kWaitMs);
            QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kWaitMs);
            history(window)->setPinned(window.currentRecord()->id);
            savedPinned = window.currentRecord()->id;
            // A second run, captioning with the lens, under other thresholds.
            const int before = static_cast<int>(shown.count());
            window.taskBox()->setCurrentIndex(window.taskBox()->findData(static_cast<int>(mue::Task::Caption)));
            QTRY_VERIFY_WITH_TIMEOUT(shown.count() > before, kWaitMs);
            QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kWaitMs);

            ExplorerState state = window.explorer()->state();
            state.grids[0] = QStringLiteral("0.9, 0.99");
            state.search = QStringLiteral("adaptive");
            state.samples = 7;
            state.rounds = 3;
            state.seed = 42;
            state.gapRange = QStringLiteral("0.001, 0.1");
            state.targetRetention = 0.97;
            state.tuneConfidence = 0.8;
            state.limit = 5;
            state.sweep = smallSweep();
            QCOMPARE(window.explorer()->restoreState(state), QString());
            window.workspaces()->setCurrentIndex(1);

            QCOMPARE(window.saveSession(path), QString());
            for (int row = 0; row < window.history()->rowCount(); ++row) saved.push_back(window.history()->record(row));
        }
        QCOMPARE(saved.size(), std::size_t{2});

        RunController controller(&loadEngineBackend);
        controller.setMeasureFull(false);
        MainWindow window(&controller);
        QSignalSpy runs(&controller, &RunController::runStarted);
        QSignalSpy errors(&window, &MainWindow::errorShown);
        StudioOptions fromCommandLine;  // mue-studio --open-session FILE
        fromCommandLine.session = path;
        window.applyOptions(fromCommandLine);
        QCOMPARE(errors.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(controller.modelFolder(), QStringLiteral(MUE_TEST_MODEL_DIR), kWaitMs);
        QTest::qWait(200);
        QCOMPARE(runs.count(), 0);  // the saved runs are shown as they were: nothing runs again
        QCOMPARE(window.history()->rowCount(), 2);
        for (int row = 0; row < 2; ++row) {
            const RunRecord& a = saved[static_cast<std::size_t>(row)];
            const RunRecord& b = window.history()->record(row);
            QCOMPARE(b.task, a.task);
            QCOMPARE(b.text, a.text);
            QCOMPARE(b.settings, a.settings);
            QCOMPARE(b.imageSource, a.imageSource);
            QCOMPARE(b.image->rgb, a.image->rgb);
            QCOMPARE(b.finishedAt, a.finishedAt);
            QCOMPARE(b.latencyMs, a.latencyMs);
            QCOMPARE(b.result->prediction, a.result->prediction);
            QCOMPARE(b.result->output_ids, a.result->output_ids);
            QCOMPARE(b.result->source_ids, a.result->source_ids);
            QCOMPARE(b.result->answers.size(), a.result->answers.size());
            const auto& ta = a.result->trace;
            const auto& tb = b.result->trace;
            QCOMPARE(tb.settings, ta.settings);
            QCOMPARE(tb.image.similarity, ta.image.similarity);
            QCOMPARE(tb.image.token_similarity, ta.image.token_similarity);
            QCOMPARE(tb.text.exit_layer, ta.text.exit_layer);
            QCOMPARE(tb.decoder_tokens.size(), ta.decoder_tokens.size());
            for (std::size_t t = 0; t < ta.decoder_tokens.size(); ++t) {
                QCOMPARE(tb.decoder_tokens[t].similarity, ta.decoder_tokens[t].similarity);
                QCOMPARE(tb.decoder_tokens[t].exit_layer, ta.decoder_tokens[t].exit_layer);
                QCOMPARE(tb.decoder_tokens[t].lens.size(), ta.decoder_tokens[t].lens.size());
                if (!ta.decoder_tokens[t].lens.empty()) {
                    QCOMPARE(tb.decoder_tokens[t].lens[0][0].text, ta.decoder_tokens[t].lens[0][0].text);
                }
            }
            QCOMPARE(tb.savings.expected_reduction_mean, ta.savings.expected_reduction_mean);
            QCOMPARE(b.result->timings.size(), a.result->timings.size());
        }
        QVERIFY(window.history()->pinned().has_value());
        QCOMPARE(*window.history()->rowOf(*window.history()->pinned()), 0);
        QVERIFY(savedPinned != 0);
        QCOMPARE(window.currentRecord()->result->prediction, saved[1].result->prediction);
        QCOMPARE(controller.task(), mue::Task::Caption);
        QCOMPARE(controller.settings(), saved[1].settings);
        QCOMPARE(window.thresholdPanel()->settings().text_threshold, saved[1].settings.text_threshold);
        QCOMPARE(window.workspaces()->currentIndex(), 1);

        const ExplorerState e = window.explorer()->state();
        QCOMPARE(e.grids[0], QStringLiteral("0.9, 0.99"));
        QCOMPARE(e.search, QStringLiteral("adaptive"));
        QCOMPARE(e.samples, 7);
        QCOMPARE(e.rounds, 3);
        QCOMPARE(e.seed, 42);
        QCOMPARE(e.gapRange, QStringLiteral("0.001, 0.1"));
        QCOMPARE(e.targetRetention, 0.97);
        QCOMPARE(e.tuneConfidence, std::optional<double>(0.8));
        QCOMPARE(e.limit, 5);
        QVERIFY(e.sweep.has_value());
        QCOMPARE(e.sweep->points.size(), std::size_t{1});
        QCOMPARE(e.sweep->n, std::size_t{5});
        QVERIFY(!e.sweep->complete);

        // A new run after opening gets an id of its own.
        QSignalSpy shown(&window, &MainWindow::resultShown);
        controller.runNow();
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, kWaitMs);
        QCOMPARE(window.history()->rowCount(), 3);
        QVERIFY(window.history()->record(2).id != window.history()->record(0).id);
        QVERIFY(window.history()->record(2).id != window.history()->record(1).id);
    }

    void fileHasTheDocumentedFields() {
        StudioSession session;
        session.modelFolder = QStringLiteral("/models/x");
        session.task = mue::Task::Entailment;
        session.text = QStringLiteral("a hypothesis");
        LoadedImage image;
        auto rgb = std::make_shared<mue::RgbImage>();
        rgb->width = 2;
        rgb->height = 1;
        rgb->rgb = {255, 0, 0, 0, 0, 255};
        image.rgb = rgb;
        image.source = QStringLiteral("clipboard");
        session.image = image;
        const auto json = nlohmann::json::parse(sessionJson(session, QStringLiteral("m")).toStdString());
        QCOMPARE(json["format"].get<std::string>(), std::string("mue-studio-session"));
        QCOMPARE(json["format_version"].get<int>(), kSessionFormatVersion);
        for (const char* key : {"saved_at", "model_folder", "model_id", "input", "settings", "history", "pinned_run",
                                "current_run", "workspace", "explorer", "images"}) {
            QVERIFY2(json.contains(key), key);
        }
        QCOMPARE(json["input"]["image"].get<int>(), 0);
        QCOMPARE(json["images"][0]["width"].get<int>(), 2);
        // Pasted pixels come back exactly.
        const StudioSession back = readSession(sessionJson(session, QStringLiteral("m")), QStringLiteral("s.json"));
        QVERIFY(back.image.has_value());
        QCOMPARE(back.image->rgb->rgb, rgb->rgb);
        QCOMPARE(back.image->source, QStringLiteral("clipboard"));
        QCOMPARE(back.text, session.text);
        QCOMPARE(back.modelFolder, session.modelFolder);
    }

    void tuneConfidenceIsOptional() {
        StudioSession session;
        auto json = nlohmann::json::parse(sessionJson(session, QStringLiteral("m")).toStdString());
        QVERIFY(json["explorer"]["tune_confidence"].is_null());  // off
        session.explorer.tuneConfidence = 0.95;
        json = nlohmann::json::parse(sessionJson(session, QStringLiteral("m")).toStdString());
        QCOMPARE(json["explorer"]["tune_confidence"].get<double>(), 0.95);
        // Files saved before the field existed open with it off.
        json["explorer"].erase("tune_confidence");
        const StudioSession back = readSession(QByteArray::fromStdString(json.dump()), QStringLiteral("s.json"));
        QVERIFY(!back.explorer.tuneConfidence.has_value());
    }

    void badFilesAreRefusedAndChangeNothing_data() {
        QTest::addColumn<QString>("change");  // which damage
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated") << QStringLiteral("truncate") << QStringLiteral("not valid JSON");
        QTest::newRow("empty") << QStringLiteral("empty") << QStringLiteral("not valid JSON");
        QTest::newRow("other format") << QStringLiteral("format") << QStringLiteral("session.format");
        QTest::newRow("newer version") << QStringLiteral("version") << QStringLiteral("version 1 (the file has version 2)");
        QTest::newRow("bad base64") << QStringLiteral("base64") << QStringLiteral("session.images[0].png_base64");
        QTest::newRow("not an image") << QStringLiteral("png") << QStringLiteral("session.images[0].png_base64");
        QTest::newRow("image index") << QStringLiteral("index") << QStringLiteral("session.input.image");
        QTest::newRow("threshold") << QStringLiteral("threshold") << QStringLiteral("session.settings.image_threshold");
        QTest::newRow("run field") << QStringLiteral("run") << QStringLiteral("session.history[0].run");
        QTest::newRow("tune confidence") << QStringLiteral("confidence")
                                         << QStringLiteral("session.explorer.tune_confidence: expected null or a number in 0.5 ... 0.99");
        // Below the controls' ranges: refused, not shown clamped.
        QTest::newRow("low confidence") << QStringLiteral("low confidence")
                                        << QStringLiteral("session.explorer.tune_confidence: expected null or a number in 0.5 ... 0.99");
        QTest::newRow("low target") << QStringLiteral("low target")
                                    << QStringLiteral("session.explorer.target_retention: expected 0.5 ... 1");
    }

    void badFilesAreRefusedAndChangeNothing() {
        QFETCH(QString, change);
        QFETCH(QString, expected);
        StudioSession session;
        LoadedImage image;
        auto rgb = std::make_shared<mue::RgbImage>();
        rgb->width = 1;
        rgb->height = 1;
        rgb->rgb = {1, 2, 3};
        image.rgb = rgb;
        session.image = image;
        RunRecord record;
        record.image = rgb;
        record.finishedAt = QDateTime::currentDateTime();
        record.result = std::make_shared<const mue::RunResult>();
        session.history.push_back(record);
        QByteArray bytes = sessionJson(session, QStringLiteral("m"));
        auto json = nlohmann::json::parse(bytes.toStdString());
        if (change == QStringLiteral("truncate")) bytes.truncate(bytes.size() / 2);
        else if (change == QStringLiteral("empty")) bytes.clear();
        else {
            if (change == QStringLiteral("format")) json["format"] = "mue-sweep";
            if (change == QStringLiteral("version")) json["format_version"] = 2;
            if (change == QStringLiteral("base64")) json["images"][0]["png_base64"] = "%%%";
            if (change == QStringLiteral("png")) json["images"][0]["png_base64"] = QByteArray("GIF89a").toBase64().toStdString();
            if (change == QStringLiteral("index")) json["input"]["image"] = 7;
            if (change == QStringLiteral("threshold")) json["settings"]["image_threshold"] = "high";
            if (change == QStringLiteral("run")) json["history"][0]["run"].erase("encoder");
            if (change == QStringLiteral("confidence")) json["explorer"]["tune_confidence"] = 1.0;
            if (change == QStringLiteral("low confidence")) json["explorer"]["tune_confidence"] = 0.3;
            if (change == QStringLiteral("low target")) json["explorer"]["target_retention"] = 0.3;
            bytes = QByteArray::fromStdString(json.dump());
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("damaged.json"));
        writeAll(path, bytes);

        RunController controller(&loadEngineBackend);
        MainWindow window(&controller);
        window.textEdit()->setText(QStringLiteral("kept"));
        const QString error = window.openSession(path);
        QVERIFY2(error.contains(QStringLiteral("damaged.json")), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(window.textEdit()->text(), QStringLiteral("kept"));
        QCOMPARE(window.history()->rowCount(), 0);
        QVERIFY(!controller.image().has_value());
    }

    void missingModelFolderIsReported() {
        QTemporaryDir dir;
        StudioSession session;
        session.modelFolder = dir.filePath(QStringLiteral("gone"));
        session.text = QStringLiteral("restored");
        const QString path = dir.filePath(QStringLiteral("s.json"));
        writeAll(path, sessionJson(session, QString()));
        RunController controller(&loadEngineBackend);
        MainWindow window(&controller);
        const QString message = window.openSession(path);
        QVERIFY2(message.contains(QStringLiteral("gone")), qPrintable(message));
        QCOMPARE(window.textEdit()->text(), QStringLiteral("restored"));
    }

private:
    static HistoryModel* history(MainWindow& window) { return window.history(); }

    QTemporaryDir settingsDir_;
};

QTEST_MAIN(TestSession)
#include "tst_session.moc"
