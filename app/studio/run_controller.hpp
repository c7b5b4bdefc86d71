#pragma once
// The GUI side of the engine: holds the current inputs and settings, turns changes into runs
// (debounced when auto-run is on), gives each request an id, and forwards only the answer to the
// newest request. The engine runs in a worker thread; nothing here ever waits for it.
//
// Threading: GUI thread only (construct, call and destroy it there). Signals are emitted on it.

#include "engine_worker.hpp"
#include "run_types.hpp"

#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

namespace mue::studio {

class RunController : public QObject {
    Q_OBJECT
public:
    // Debounce between an input change and the automatic run it triggers: short, because a newer
    // request cancels the running one within a layer anyway; it only merges bursts of events.
    static constexpr std::chrono::milliseconds kDefaultDebounce{10};
    // Quiet time after a result before its timing against the full model starts in the worker.
    static constexpr std::chrono::milliseconds kMeasureDelay{400};

    explicit RunController(EngineWorker::BackendFactory factory, QObject* parent = nullptr);
    ~RunController() override;  // cancels the current run and joins the worker thread

    // runWhenLoaded false: the loaded model waits for the next input change or runNow() (a restored
    // session shows its saved result rather than a new run).
    void openModel(const QString& folder, bool runWhenLoaded = true);
    void openImage(const QString& path);  // decoded in the worker; imageChanged or imageFailed follows
    void setImage(const QImage& image, const QString& source);  // clipboard, drops, generated samples
    void setImage(const LoadedImage& image);
    void setTask(mue::Task task);
    void setText(const QString& text);
    void setSettings(const mue::ExitSettings& settings);
    void setAutoRun(bool on);
    void setMeasureFull(bool on);
    void setDebounce(std::chrono::milliseconds delay);
    void setMeasureDelay(std::chrono::milliseconds delay);

    // Starts a run now (cancelling any run in progress). Does nothing without a model or an image.
    void runNow();
    void cancel();
    // An id no run of this controller will use: for runs restored from a session.
    [[nodiscard]] RunId reserveRunId();

    [[nodiscard]] bool busy() const { return busy_; }
    [[nodiscard]] bool autoRun() const { return autoRun_; }
    [[nodiscard]] bool measureFull() const { return measureFull_; }
    [[nodiscard]] mue::Task task() const { return task_; }
    [[nodiscard]] const QString& text() const { return text_; }
    [[nodiscard]] const mue::ExitSettings& settings() const { return settings_; }
    [[nodiscard]] const std::optional<LoadedImage>& image() const { return image_; }
    [[nodiscard]] const std::shared_ptr<const LoadedModel>& model() const { return model_; }
    [[nodiscard]] const QString& modelFolder() const { return modelFolder_; }
    [[nodiscard]] bool ready() const { return model_ != nullptr && image_.has_value(); }

Q_SIGNALS:
    void modelChanged(const QString& folder, std::shared_ptr<const mue::studio::LoadedModel> model);
    void modelFailed(const QString& folder, const QString& message);
    void imageChanged(const mue::studio::LoadedImage& image);
    void imageFailed(const QString& path, const QString& message);
    void runStarted(quint64 runId);
    void runFinished(const mue::studio::RunRecord& record);
    void runFailed(quint64 runId, const QString& message);
    void runCancelled(quint64 runId);
    void timingReady(quint64 runId, double computeMs, double fullComputeMs);
    void busyChanged(bool busy);

private:
    void inputsChanged();
    void setBusy(bool busy);
    void onRunFinished(quint64 runId, const std::shared_ptr<const mue::RunResult>& result);
    void onRunEnded(quint64 runId);

    QThread thread_;
    EngineWorker* worker_ = nullptr;  // owned by thread_ (deleted on finish)
    QTimer debounce_;
    QTimer measureDelay_;
    RunJob measured_;  // the newest finished run, timed when measureDelay_ fires

    std::shared_ptr<const LoadedModel> model_;
    QString modelFolder_;
    std::optional<LoadedImage> image_;
    mue::Task task_ = mue::Task::Caption;
    QString text_;
    mue::ExitSettings settings_;
    bool autoRun_ = true;
    bool measureFull_ = true;
    bool runWhenModelLoads_ = true;

    quint64 nextRequest_ = 1;
    quint64 latestModelRequest_ = 0;
    quint64 latestImageRequest_ = 0;
    RunId latestRun_ = 0;
    std::shared_ptr<mue::CancellationToken> cancel_;
    std::chrono::steady_clock::time_point runStartedAt_;
    RunRecord pending_;  // the newest run's inputs, completed by its result
    bool busy_ = false;
};

}  // namespace mue::studio
