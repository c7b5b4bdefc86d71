#include "engine_worker.hpp"

#include <mue/errors.hpp>

#include <QCoreApplication>

#include <algorithm>
#include <exception>
#include <limits>
#include <utility>

namespace mue::studio {
namespace {

QString describe(const std::exception& error) { return QString::fromStdString(error.what()); }

}  // namespace

EngineWorker::EngineWorker(BackendFactory factory, QObject* parent) : QObject(parent), factory_(std::move(factory)) {}

EngineWorker::~EngineWorker() = default;

void EngineWorker::loadModel(quint64 requestId, const QString& folder) {
    try {
        auto backend = factory_(folder.toStdString());
        backend->warmUp();
        auto model = std::make_shared<const LoadedModel>(backend->model());
        backend_ = std::move(backend);
        Q_EMIT modelLoaded(requestId, folder, std::move(model));
    } catch (const std::exception& error) {
        Q_EMIT modelFailed(requestId, folder, describe(error));
    }
}

void EngineWorker::loadImage(quint64 requestId, const QString& path) {
    try {
        LoadedImage image;
        image.rgb = std::make_shared<const mue::RgbImage>(mue::decode_image_file(path.toStdString()));
        image.source = path;
        image.path = path;
        Q_EMIT imageLoaded(requestId, image);
    } catch (const std::exception& error) {
        Q_EMIT imageFailed(requestId, path, describe(error));
    }
}

void EngineWorker::run(const RunJob& job) {
    // A run superseded while it waited in the queue costs nothing.
    if (job.cancel->cancelled()) {
        Q_EMIT runCancelled(job.id);
        return;
    }
    if (!backend_) {
        Q_EMIT runFailed(job.id, QCoreApplication::translate("EngineWorker", "No model is loaded."));
        return;
    }
    std::shared_ptr<const mue::RunResult> result;
    try {
        result = std::make_shared<const mue::RunResult>(backend_->run(job.request, *job.cancel));
    } catch (const mue::Cancelled&) {
        Q_EMIT runCancelled(job.id);
        return;
    } catch (const std::exception& error) {
        Q_EMIT runFailed(job.id, describe(error));
        return;
    }
    Q_EMIT runFinished(job.id, result);
}

void EngineWorker::measure(const RunJob& job) {
    if (!backend_ || job.cancel->cancelled() || job.request.exits.policy == mue::ExitPolicy::Full) return;
    // Both sides without the lens (the head at every decoder layer is there to be shown, not timed).
    mue::RunRequest timed = job.request;
    timed.exits.lens = false;
    mue::RunRequest full = timed;
    full.exits = mue::ExitSettings::preset("no-exits");
    double best = std::numeric_limits<double>::infinity();
    double bestFull = std::numeric_limits<double>::infinity();
    try {
        // Alternating rounds, so that a burst of other work on the machine hits both sides.
        for (int round = 0; round < kTimingRounds; ++round) {
            bestFull = std::min(bestFull, backend_->run(full, *job.cancel).trace.savings.compute_ms);
            best = std::min(best, backend_->run(timed, *job.cancel).trace.savings.compute_ms);
        }
    } catch (const std::exception&) {
        return;  // cancelled by a newer run, or failing where the run itself succeeded: no measurement
    }
    Q_EMIT timingReady(job.id, best, bestFull);
}

}  // namespace mue::studio
