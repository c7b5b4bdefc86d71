#pragma once
// Exports of a run: the whole trace as JSON (the same document as `mue run --json`), the
// per-layer numbers as CSV, and files written atomically (a crash never leaves half a file).
//
// Threading: any thread.

#include "inference_backend.hpp"
#include "run_types.hpp"

#include <QByteArray>
#include <QString>

#include <functional>
#include <QString>

namespace mue::studio {

[[nodiscard]] QByteArray traceJson(const RunRecord& record, const mue::ModelInfo& model);
// One row per stream layer and per decoder step layer:
// stream,step,token,layer,similarity,threshold,state (run / exit / skipped).
[[nodiscard]] QByteArray traceCsv(const mue::RunTrace& trace);
// Writes through a temporary file and a rename. Returns an error message naming the file, or empty.
[[nodiscard]] QString writeFileAtomically(const QString& path, const QByteArray& data);
// For writers that take a file name (QCustomPlot's PNG and PDF, QPixmap): `write` writes a
// temporary file beside `path`, which then replaces `path` in one rename. Returns an error
// message naming `path`, or empty; a failed write leaves `path` as it was.
[[nodiscard]] QString saveFileAtomically(const QString& path, const std::function<bool(const QString& temporary)>& write);

}  // namespace mue::studio
