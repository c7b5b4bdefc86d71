// Soak test (issue 9): many consecutive runs through the app's controller and worker thread with
// changing inputs and thresholds, some cancelled; resident memory at the start and the end.
// Target: RSS growth < 5 % over 1000 runs. Usage: bench_soak [--runs N] [--model DIR]

#include "run_controller.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QImage>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

constexpr int kDefaultRuns = 1000;
constexpr int kCancelEvery = 7;  // every 7th run is superseded at once by the next

double residentMiB() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

QImage scene(int i) {
    QImage image(96, 96, QImage::Format_RGB888);
    image.fill(QColor((i * 37) % 256, (i * 91) % 256, (i * 53) % 256));
    for (int y = 20 + i % 30; y < 60 + i % 30; ++y) {
        for (int x = 10 + i % 40; x < 40 + i % 40; ++x) image.setPixelColor(x, y, QColor(230, 40, 40));
    }
    return image;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    int runs = kDefaultRuns;
    QString model = QStringLiteral(MUE_BENCH_MODEL_DIR);
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model = QString::fromLocal8Bit(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: bench_soak [--runs N] [--model DIR]\n");
            return 2;
        }
    }
    mue::set_intra_op_threads(1);
    mue::studio::RunController controller(&mue::studio::loadEngineBackend);
    controller.setAutoRun(false);
    controller.setMeasureFull(false);
    int finished = 0;
    QObject::connect(&controller, &mue::studio::RunController::runFinished, &app, [&] { ++finished; });
    controller.openModel(model);
    QElapsedTimer clock;
    clock.start();
    while (!controller.model() && clock.elapsed() < 60'000) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    if (!controller.model()) {
        std::fprintf(stderr, "model did not load: %s\n", qPrintable(model));
        return 1;
    }
    const auto runOnce = [&](int i) {
        controller.setImage(scene(i), QStringLiteral("soak"));
        controller.setTask(i % 3 == 0 ? mue::Task::Caption : mue::Task::Entailment);
        controller.setText(QStringLiteral("there is a red square %1").arg(i % 5));
        mue::ExitSettings s = mue::ExitSettings::preset("paper");
        s.policy = mue::ExitPolicy::Mue;
        s.image_threshold = 0.9 + 0.01 * (i % 10);
        controller.setSettings(s);
        controller.runNow();
        if (i % kCancelEvery == 0) return;  // superseded by the next request before it finishes
        while (controller.busy()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    };
    // A first block warms allocator pools and LibTorch's caches; growth is measured after it.
    const int warmup = std::max(1, runs / 10);
    for (int i = 0; i < warmup; ++i) runOnce(i);
    const double start = residentMiB();
    clock.restart();
    for (int i = warmup; i < warmup + runs; ++i) runOnce(i);
    const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    const double end = residentMiB();
    std::printf("%d runs (%d finished, every %dth superseded) in %.1f s; RSS %.1f MiB -> %.1f MiB (%+.2f %%)\n", runs,
                finished, kCancelEvery, seconds, start, end, 100.0 * (end - start) / start);
    return 0;
}
