#pragma once
// A session: the whole state of the window in one JSON file (docs/session-format.md): the model
// folder, the input (image pixels embedded, so a pasted or generated image is not lost), task,
// text and exit settings, the run history with every run's full result and the pinned reference,
// and the data-set workspace's controls and sweep. Opening one needs no model: saved runs show
// as they were.
//
// Threading: any thread (plain values in, plain values out).

#include "explorer_view.hpp"
#include "run_types.hpp"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace mue::studio {

// The file's format version this build writes and reads.
inline constexpr int kSessionFormatVersion = 1;

struct StudioSession {
    QString modelFolder;
    std::optional<LoadedImage> image;
    mue::Task task = mue::Task::Caption;
    QString text;
    mue::ExitSettings settings;
    std::vector<RunRecord> history;   // oldest first; ids are assigned when restored
    std::optional<int> pinnedRun;     // index into history
    std::optional<int> currentRun;    // index into history of the run on screen
    int workspace = 0;                // 0: single input, 1: data set
    ExplorerState explorer;
};

// `modelId`: written beside each run, for readers of the file.
[[nodiscard]] QByteArray sessionJson(const StudioSession& session, const QString& modelId);
// Throws mue::InputError naming `source` and the field that is missing, mistyped or out of range,
// and for a file of another format or version. Restored runs get id 0 (the caller assigns ids).
[[nodiscard]] StudioSession readSession(const QByteArray& data, const QString& source);

}  // namespace mue::studio
