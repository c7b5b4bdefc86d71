#pragma once
// The object that owns the inference backend. It lives in the worker thread: every slot runs
// there, invoked through queued connections; every signal is delivered to the GUI thread queued.
// Requests echo their id so that the receiver can drop answers to requests it no longer wants.

#include "inference_backend.hpp"
#include "run_types.hpp"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace mue::studio {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimingRounds = 3;
    using BackendFactory = std::function<std::unique_ptr<InferenceBackend>(const std::filesystem::path& folder)>;

    // Any thread (before the object moves to its thread).
    explicit EngineWorker(BackendFactory factory, QObject* parent = nullptr);
    ~EngineWorker() override;

public Q_SLOTS:
    // Worker thread only. A model that fails to load leaves the previous one in use.
    void loadModel(quint64 requestId, const QString& folder);
    void loadImage(quint64 requestId, const QString& path);
    void run(const mue::studio::RunJob& job);
    // Times a finished run against the full model (timingReady). Separate from run() so that the
    // controller can wait until the user pauses: interaction never queues behind a measurement.
    void measure(const mue::studio::RunJob& job);

Q_SIGNALS:
    void modelLoaded(quint64 requestId, const QString& folder, std::shared_ptr<const mue::studio::LoadedModel> model);
    void modelFailed(quint64 requestId, const QString& folder, const QString& message);
    void imageLoaded(quint64 requestId, const mue::studio::LoadedImage& image);
    void imageFailed(quint64 requestId, const QString& path, const QString& message);
    void runFinished(quint64 runId, std::shared_ptr<const mue::RunResult> result);
    void runFailed(quint64 runId, const QString& message);
    void runCancelled(quint64 runId);
    // Compute times of the run (without the lens) and of the full model on its input: each the
    // best of kTimingRounds alternating rounds, measured after the run's result went out.
    void timingReady(quint64 runId, double computeMs, double fullComputeMs);

private:
    BackendFactory factory_;
    std::unique_ptr<InferenceBackend> backend_;
};

}  // namespace mue::studio

Q_DECLARE_METATYPE(std::shared_ptr<const mue::studio::LoadedModel>)
Q_DECLARE_METATYPE(std::shared_ptr<const mue::RunResult>)
