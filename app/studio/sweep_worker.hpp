#pragma once
// Threshold sweeps and auto-tuning over a data set, in their own worker thread (a sweep takes
// minutes; single-input runs must not wait behind it). The worker loads its own Engine for the
// model folder it is asked about and keeps it for the next request.
//
// Threading: SweepWorker lives in the worker thread; its slots run there and its signals reach
// the GUI thread queued. The request's cancel token may be set from any thread.

#include <mue/engine.hpp>
#include <mue/evaluation.hpp>
#include <mue/sweep.hpp>

#include "sweep_reader.hpp"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace mue::studio {

struct SweepRequest {
    // Profile: one what-if evaluation under `settings`: every layer's similarity per example, and
    // where the policy would exit (the paper's Figure 3, exit layer against difficulty).
    // Compare: the full model and `settings` on the same items, for the examples whose score
    // changes most.
    enum class Kind { Sweep, Tune, Profile, Compare };
    quint64 id = 0;
    Kind kind = Kind::Sweep;
    QString modelFolder;
    QString dataset;  // "shapes-ve", "shapes-caption" or a folder with data.tsv
    QString split;    // shapes datasets: "validation" or "test"; empty for a folder
    int limit = 0;    // first items; 0: all
    mue::SweepGrid grid;
    double targetRetention = 0.99;  // Tune
    // Tune: mue::tune's confidence for the retention's lower bound; nullopt: retention alone decides.
    std::optional<double> confidence;
    mue::ExitSettings settings;     // Profile and Compare
    QString cacheFolder;            // where finished sweeps are kept; empty: no cache
    std::shared_ptr<mue::CancellationToken> cancel;
};

struct SweepOutcome {
    quint64 id = 0;
    SweepRequest::Kind kind = SweepRequest::Kind::Sweep;
    mue::report::SweepDocument document;
    bool complete = true;   // false: cancelled; a sweep's `document` holds the points finished so far
    bool fromCache = false;
    std::size_t resumed = 0;  // a sweep's points taken from its interrupted earlier run
    double seconds = 0;
    std::optional<mue::TuneResult> tune;      // Tune requests
    std::optional<mue::EvalReport> profile;  // Profile requests
    // Compare requests: the items, the full model's report and the setting's, in item order.
    std::shared_ptr<const mue::EvalDataset> items;
    std::optional<mue::EvalReport> full;
    std::optional<mue::EvalReport> compared;
};

class SweepWorker : public QObject {
    Q_OBJECT
public:
    explicit SweepWorker(QObject* parent = nullptr);
    ~SweepWorker() override;

public Q_SLOTS:
    void run(const mue::studio::SweepRequest& request);  // worker thread

Q_SIGNALS:
    void progress(quint64 id, int done, int total, double elapsedSeconds);
    void finished(std::shared_ptr<const mue::studio::SweepOutcome> outcome);
    void failed(quint64 id, const QString& message);

private:
    [[nodiscard]] const mue::Engine& engine(const QString& folder);

    QString engineFolder_;
    std::unique_ptr<mue::Engine> engine_;
};

// The cache file of a sweep: a hash of everything its points depend on (the model folder and its
// weights file's size and time, the data set, split, item count, the grid and the search). A
// cancelled sweep's file holds its finished points (marked incomplete); the next start resumes it.
[[nodiscard]] QString sweepCacheFile(const SweepRequest& request);

}  // namespace mue::studio

Q_DECLARE_METATYPE(mue::studio::SweepRequest)
Q_DECLARE_METATYPE(std::shared_ptr<const mue::studio::SweepOutcome>)
