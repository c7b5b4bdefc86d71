// Stress on the real engine in its worker thread: hundreds of runs with changing inputs and
// thresholds, cancelled or superseded at random points, measurement runs in between. Nothing may
// deadlock (the controller always comes back idle), every answer that arrives is for the newest
// request, and the last request always completes. Leaks and races are the sanitizer runs' part
// (scripts/sanitize address|thread run this suite).

#include "run_controller.hpp"

#include <mue/engine.hpp>

#include <QCoreApplication>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include <chrono>
#include <random>

using namespace mue::studio;

namespace {

constexpr int kWaitMs = 120'000;
constexpr int kRounds = 300;

QImage scene(int variant) {
    QImage image(96, 80, QImage::Format_RGB888);
    image.fill(QColor(200, 200, 200));
    for (int y = 10; y < 30 + variant % 20; ++y) {
        for (int x = 10 + variant % 30; x < 50; ++x) image.setPixelColor(x, y, QColor(220, 30, 30));
    }
    return image;
}

}  // namespace

class TestStress : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void randomCancellationNeverDeadlocks() {
        RunController controller(&loadEngineBackend);
        controller.setAutoRun(false);
        controller.setMeasureDelay(std::chrono::milliseconds(0));  // timing runs interleave with new requests
        controller.openModel(QStringLiteral(MUE_TEST_MODEL_DIR));
        QTRY_VERIFY_WITH_TIMEOUT(controller.model() != nullptr, kWaitMs);

        QSignalSpy started(&controller, &RunController::runStarted);
        quint64 newest = 0;
        int stale = 0;
        quint64 lastFinished = 0;
        connect(&controller, &RunController::runStarted, this, [&](quint64 id) { newest = id; });
        connect(&controller, &RunController::runFinished, this, [&](const RunRecord& record) {
            lastFinished = record.id;
            if (record.id != newest) ++stale;
        });

        std::mt19937 random(/*seed=*/2023);
        std::uniform_int_distribution<int> action(0, 4);
        std::uniform_int_distribution<int> waitMs(0, 15);
        std::uniform_real_distribution<double> threshold(0.5, 1.0);
        const mue::Task tasks[] = {mue::Task::Caption, mue::Task::Entailment, mue::Task::Prompt};
        for (int round = 0; round < kRounds; ++round) {
            controller.setImage(scene(round), QStringLiteral("scene"));
            controller.setTask(tasks[round % 3]);
            controller.setText(round % 2 == 0 ? QStringLiteral("a red square") : QStringLiteral("what is left?"));
            mue::ExitSettings settings = mue::ExitSettings::preset("paper");
            settings.policy = round % 5 == 0 ? mue::ExitPolicy::Pabee : mue::ExitPolicy::Mue;
            settings.image_threshold = threshold(random);
            settings.decoder_threshold = threshold(random);
            settings.kv_policy = static_cast<mue::KvPolicy>(round % 3);
            controller.setSettings(settings);
            controller.runNow();
            QTest::qWait(waitMs(random));
            switch (action(random)) {
                case 0: controller.cancel(); break;        // cancel wherever it is
                case 1: controller.runNow(); break;        // supersede at once
                default: break;                            // let it run into the next request
            }
        }
        // The last request runs to the end and the controller comes back idle.
        controller.runNow();
        const quint64 last = newest;
        QTRY_COMPARE_WITH_TIMEOUT(lastFinished, last, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kWaitMs);
        QCOMPARE(newest, last);
        QCOMPARE(stale, 0);
        QVERIFY(started.count() >= kRounds);
    }
};

QTEST_MAIN(TestStress)
#include "tst_stress.moc"
