// MuE Studio's responsiveness with a real model: the longest stall of the GUI thread while runs
// go on in the worker, and the time from a threshold change (as a drag or a spin box makes it) to
// the redrawn exits. Targets (issue 5): stall <= 20 ms, threshold change to redraw <= 100 ms.
//
//   bench_app_latency [--model DIR] [--changes N] [--no-measure] [--quick]
//
// Runs offscreen. Prints medians, 90th percentiles and maxima; no assertions.

#include "main_window.hpp"
#include "run_controller.hpp"

#include <mue_widgets/palette.hpp>
#include <mue_widgets/threshold_panel.hpp>

#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kDefaultChanges = 40;
constexpr int kQuickChanges = 3;
constexpr int kTickMs = 1;          // the GUI-thread probe's timer interval
constexpr int kTimeoutMs = 60'000;  // per change
constexpr int kSettleMs = 1000;     // after the first result: the full model's timing run

struct Summary {
    double median = 0;
    double p90 = 0;
    double max = 0;
};

Summary summarize(std::vector<double> values) {
    if (values.empty()) return {};
    std::sort(values.begin(), values.end());
    const auto at = [&](double q) { return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))]; };
    return {at(0.5), at(0.9), values.back()};
}

// Records the largest gap between ticks of a 1 ms timer on the GUI thread, minus the interval:
// how long the event loop was busy at a stretch.
class StallProbe : public QObject {
public:
    StallProbe() {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(kTickMs);
        QObject::connect(&timer_, &QTimer::timeout, this, [this] {
            const double now = static_cast<double>(clock_.nsecsElapsed()) / 1e6;
            if (last_ >= 0) worst_ = std::max(worst_, now - last_ - kTickMs);
            last_ = now;
        });
    }
    void start() {
        worst_ = 0;
        last_ = -1;
        clock_.start();
        timer_.start();
    }
    double stop() {
        timer_.stop();
        return worst_;
    }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    double last_ = -1;
    double worst_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir settingsDir;  // the bench never touches the user's settings
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());

    QString model = QStringLiteral(MUE_BENCH_MODEL_DIR);
    int changes = kDefaultChanges;
    bool measure = true;  // the app's default: time the run against the full model in the background
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            changes = kQuickChanges;
        } else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model = QString::fromLocal8Bit(argv[++i]);
        } else if (std::strcmp(argv[i], "--no-measure") == 0) {
            measure = false;
        } else if (std::strcmp(argv[i], "--changes") == 0 && i + 1 < argc) {
            changes = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: bench_app_latency [--model DIR] [--changes N] [--no-measure] [--quick]\n");
            return 2;
        }
    }

    mue::set_intra_op_threads(1);  // as the app does by default
    mue::studio::RunController controller(&mue::studio::loadEngineBackend);
    mue::studio::MainWindow window(&controller);
    controller.setMeasureFull(measure);
    window.resize(1440, 960);
    window.show();
    bool ok = true;
    QObject::connect(&window, &mue::studio::MainWindow::errorShown, &window, [&](const QString& message) {
        std::fprintf(stderr, "error: %s\n", qPrintable(message));
        ok = false;
    });

    const auto waitFor = [&](const std::function<bool()>& done) {
        QElapsedTimer waited;
        waited.start();
        while (!done() && ok && waited.elapsed() < kTimeoutMs) QApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        return done();
    };

    std::printf("model %s, %d threshold changes per task, debounce %lld ms\n", qPrintable(model), changes,
                static_cast<long long>(mue::studio::RunController::kDefaultDebounce.count()));
    std::printf("%-11s %-28s %8s %8s %8s\n", "task", "measure (ms)", "median", "p90", "max");
    for (const auto task : {mue::Task::Entailment, mue::Task::Caption}) {
        mue::studio::StudioOptions options;
        options.modelFolder = model;
        options.task = task;
        options.text = QStringLiteral("there is a red circle");
        options.thresholds = std::array<double, 3>{0.99, 0.99, 0.99};
        quint64 shown = 0;
        const auto connection = QObject::connect(&window, &mue::studio::MainWindow::resultShown, &window,
                                                 [&](quint64 id) { shown = id; });
        window.applyOptions(options);
        if (!waitFor([&] { return shown != 0 && !controller.busy(); })) {
            std::fprintf(stderr, "no first result\n");
            return 1;
        }
        // The full-model timing runs after each new input; let it finish before measuring.
        QElapsedTimer settle;
        settle.start();
        waitFor([&] { return settle.elapsed() >= kSettleMs; });

        StallProbe probe;
        std::vector<double> redraw;
        std::vector<double> stalls;
        for (int i = 0; i < changes && ok; ++i) {
            const quint64 before = shown;
            probe.start();
            QElapsedTimer clock;
            clock.start();
            window.thresholdPanel()->setThreshold(mue::widgets::Stream::Image, i % 2 == 0 ? 0.995 : 0.99);
            if (!waitFor([&] { return shown != before; })) break;
            QApplication::sendPostedEvents();
            QApplication::processEvents();  // the views' repaints
            redraw.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
            if (std::getenv("MUE_BENCH_VERBOSE") != nullptr) {
                const auto* r = window.currentRecord();
                std::printf("  change %d: %.1f ms (run latency %.1f, compute %.1f, total %.1f)\n", i, redraw.back(), r->latencyMs,
                            r->result->trace.savings.compute_ms, r->result->total_ms);
            }
            stalls.push_back(probe.stop());
        }
        QObject::disconnect(connection);
        const auto name = task == mue::Task::Entailment ? "entailment" : "caption";
        const Summary r = summarize(redraw);
        const Summary s = summarize(stalls);
        std::printf("%-11s %-28s %8.1f %8.1f %8.1f\n", name, "threshold change -> redraw", r.median, r.p90, r.max);
        std::printf("%-11s %-28s %8.1f %8.1f %8.1f\n", name, "longest GUI-thread stall", s.median, s.p90, s.max);
    }
    return ok ? 0 : 1;
}
