#include "run_controller.hpp"

#include "cross_thread.hpp"

#include <QCoreApplication>

#include <utility>

namespace mue::studio {

RunController::RunController(EngineWorker::BackendFactory factory, QObject* parent) : QObject(parent) {
    worker_ = new EngineWorker(std::move(factory));
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.setObjectName(QStringLiteral("mue-engine"));

    debounce_.setSingleShot(true);
    debounce_.setInterval(kDefaultDebounce);
    connect(&debounce_, &QTimer::timeout, this, &RunController::runNow);
    measureDelay_.setSingleShot(true);
    measureDelay_.setInterval(kMeasureDelay);
    connect(&measureDelay_, &QTimer::timeout, this, [this] {
        postTo(worker_, [worker = worker_, job = measured_] { worker->measure(job); });
    });

    connectQueued(worker_, &EngineWorker::modelLoaded, this,
            [this](quint64 id, const QString& folder, const std::shared_ptr<const LoadedModel>& model) {
                if (id != latestModelRequest_) return;
                model_ = model;
                modelFolder_ = folder;
                Q_EMIT modelChanged(folder, model);
                if (runWhenModelLoads_) inputsChanged();
            });
    connectQueued(worker_, &EngineWorker::modelFailed, this, [this](quint64 id, const QString& folder, const QString& message) {
        if (id == latestModelRequest_) Q_EMIT modelFailed(folder, message);
    });
    connectQueued(worker_, &EngineWorker::imageLoaded, this, [this](quint64 id, const LoadedImage& image) {
        if (id == latestImageRequest_) setImage(image);
    });
    connectQueued(worker_, &EngineWorker::imageFailed, this, [this](quint64 id, const QString& path, const QString& message) {
        if (id == latestImageRequest_) Q_EMIT imageFailed(path, message);
    });
    connectQueued(worker_, &EngineWorker::runFinished, this, &RunController::onRunFinished);
    connectQueued(worker_, &EngineWorker::runFailed, this, [this](quint64 id, const QString& message) {
        if (id != latestRun_) return;
        onRunEnded(id);
        Q_EMIT runFailed(id, message);
    });
    connectQueued(worker_, &EngineWorker::runCancelled, this, [this](quint64 id) {
        if (id != latestRun_) return;
        onRunEnded(id);
        Q_EMIT runCancelled(id);
    });
    connectQueued(worker_, &EngineWorker::timingReady, this, [this](quint64 id, double ms, double fullMs) {
        if (id == latestRun_) Q_EMIT timingReady(id, ms, fullMs);
    });
    // Last, so that the worker thread starts after every connection to it is made.
    thread_.start();
}

RunController::~RunController() {
    if (cancel_) cancel_->cancel();
    thread_.quit();
    thread_.wait();
}

void RunController::openModel(const QString& folder, bool runWhenLoaded) {
    latestModelRequest_ = nextRequest_++;
    runWhenModelLoads_ = runWhenLoaded;
    postTo(worker_, [worker = worker_, id = latestModelRequest_, folder] { worker->loadModel(id, folder); });
}

void RunController::openImage(const QString& path) {
    latestImageRequest_ = nextRequest_++;
    postTo(worker_, [worker = worker_, id = latestImageRequest_, path] { worker->loadImage(id, path); });
}

void RunController::setImage(const QImage& image, const QString& source) {
    LoadedImage loaded;
    loaded.rgb = std::make_shared<const mue::RgbImage>(fromQImage(image));
    loaded.source = source;
    setImage(loaded);
}

void RunController::setImage(const LoadedImage& image) {
    // A newer image supersedes one still being decoded.
    latestImageRequest_ = nextRequest_++;
    image_ = image;
    Q_EMIT imageChanged(image);
    inputsChanged();
}

void RunController::setTask(mue::Task task) {
    if (task == task_) return;
    task_ = task;
    inputsChanged();
}

void RunController::setText(const QString& text) {
    if (text == text_) return;
    text_ = text;
    if (task_ != mue::Task::Caption) inputsChanged();
}

void RunController::setSettings(const mue::ExitSettings& settings) {
    if (settings == settings_) return;
    settings_ = settings;
    inputsChanged();
}

void RunController::setAutoRun(bool on) {
    autoRun_ = on;
    if (!on) debounce_.stop();
}

void RunController::setMeasureFull(bool on) { measureFull_ = on; }

void RunController::setDebounce(std::chrono::milliseconds delay) { debounce_.setInterval(delay); }

void RunController::setMeasureDelay(std::chrono::milliseconds delay) { measureDelay_.setInterval(delay); }

void RunController::inputsChanged() {
    if (autoRun_ && ready()) debounce_.start();
}

void RunController::runNow() {
    debounce_.stop();
    measureDelay_.stop();
    if (!ready()) return;
    if (cancel_) cancel_->cancel();
    cancel_ = std::make_shared<mue::CancellationToken>();

    RunJob job;
    job.id = nextRequest_++;
    job.cancel = cancel_;
    job.request.image = *image_->rgb;
    job.request.task = task_;
    if (task_ != mue::Task::Caption) job.request.text = text_.toStdString();
    job.request.exits = settings_;
    job.request.exits.lens = true;  // the output view shows each layer's top predictions

    latestRun_ = job.id;
    pending_ = RunRecord{};
    pending_.id = job.id;
    pending_.imageSource = image_->source;
    pending_.imagePath = image_->path;
    pending_.image = image_->rgb;
    pending_.task = task_;
    pending_.text = text_;
    pending_.settings = settings_;
    runStartedAt_ = std::chrono::steady_clock::now();
    setBusy(true);
    Q_EMIT runStarted(job.id);
    measured_ = job;
    postTo(worker_, [worker = worker_, job] { worker->run(job); });
}

RunId RunController::reserveRunId() { return nextRequest_++; }

void RunController::cancel() {
    debounce_.stop();
    measureDelay_.stop();
    if (cancel_) cancel_->cancel();
}

void RunController::onRunFinished(quint64 runId, const std::shared_ptr<const mue::RunResult>& result) {
    if (runId != latestRun_) return;  // a newer request superseded this one
    RunRecord record = pending_;
    record.result = result;
    record.finishedAt = QDateTime::currentDateTime();
    record.latencyMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - runStartedAt_).count();
    record.thumbnail = historyThumbnail(*record.image);
    onRunEnded(runId);
    if (measureFull_) measureDelay_.start();
    Q_EMIT runFinished(record);
}

void RunController::onRunEnded(quint64 runId) {
    if (runId == latestRun_) setBusy(false);
}

void RunController::setBusy(bool busy) {
    if (busy == busy_) return;
    busy_ = busy;
    Q_EMIT busyChanged(busy);
}

}  // namespace mue::studio
