#pragma once
// Values that cross between the GUI thread and the engine worker. All are copyable or shared
// immutably, so a queued signal can carry them.

#include <mue/engine.hpp>

#include <QDateTime>
#include <QImage>
#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>

namespace mue::studio {

using RunId = quint64;

// One request to the worker. `cancel` is shared: the GUI thread sets it (any thread may), the worker
// checks it before every layer.
struct RunJob {
    RunId id = 0;
    mue::RunRequest request;
    std::shared_ptr<mue::CancellationToken> cancel;
};

// A decoded image and where it came from (a path, "clipboard", or a generated sample's name).
struct LoadedImage {
    std::shared_ptr<const mue::RgbImage> rgb;
    QString source;
    QString path;  // empty unless it came from a file
};

// A finished run as the history and the views keep it.
struct RunRecord {
    RunId id = 0;
    QDateTime finishedAt;
    QImage thumbnail;
    QString imageSource;
    QString imagePath;
    mue::Task task = mue::Task::Caption;
    QString text;
    mue::ExitSettings settings;
    std::shared_ptr<const mue::RunResult> result;
    std::shared_ptr<const mue::RgbImage> image;  // the exact input, for re-runs and restore
    double latencyMs = 0;                        // request to result, as the user waited
    // Measured in the background after the run: the best of a few rounds of this run and of the full
    // model on the same input (the minimum is what interference from other work leaves least changed).
    std::optional<double> computeMs;
    std::optional<double> fullComputeMs;
};

// RGB buffer to QImage (deep copy) and back (Format_RGB888; alpha is dropped like the engine does).
[[nodiscard]] QImage toQImage(const mue::RgbImage& image);
[[nodiscard]] mue::RgbImage fromQImage(const QImage& image);
// The history's picture of a run's input.
[[nodiscard]] QImage historyThumbnail(const mue::RgbImage& image);

}  // namespace mue::studio

Q_DECLARE_METATYPE(mue::studio::RunJob)
Q_DECLARE_METATYPE(mue::studio::LoadedImage)
Q_DECLARE_METATYPE(mue::studio::RunRecord)
