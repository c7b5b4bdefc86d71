#pragma once
// Every finished run, newest last, as a table: input thumbnail, task and text, policy and
// thresholds, where the streams exited, the savings and the prediction. One run can be pinned as
// the reference the plots overlay.
//
// Threading: GUI thread only.

#include "run_types.hpp"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace mue::studio {

class HistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Input, Task, Text, Policy, Thresholds, Exits, Saving, Prediction, Latency, ColumnCount };
    // At most this many runs are kept; the oldest unpinned run goes first.
    static constexpr int kMaxRuns = 500;

    explicit HistoryModel(QObject* parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void add(const RunRecord& record);
    // The measured times arrive after the run; they complete that run's row.
    void setTiming(RunId id, double computeMs, double fullComputeMs);
    void clear();

    [[nodiscard]] const RunRecord& record(int row) const { return records_.at(static_cast<std::size_t>(row)); }
    [[nodiscard]] std::optional<int> rowOf(RunId id) const;

    // Pin a run as the reference (nullopt unpins). Emits pinnedChanged.
    void setPinned(std::optional<RunId> id);
    [[nodiscard]] std::optional<RunId> pinned() const { return pinned_; }
    [[nodiscard]] const RunRecord* pinnedRecord() const;

Q_SIGNALS:
    void pinnedChanged(std::optional<quint64> id);

private:
    std::vector<RunRecord> records_;
    std::optional<RunId> pinned_;
};

// Short texts shared by the history and the status bar.
[[nodiscard]] QString taskLabel(mue::Task task);
[[nodiscard]] QString policyLabel(mue::ExitPolicy policy);
[[nodiscard]] QString thresholdsLabel(const mue::ExitSettings& settings);
[[nodiscard]] QString exitsLabel(const mue::RunTrace& trace);
// Measured saving: 1 - the run's compute time / the full model's, both from the background
// measurement; nullopt until it arrived.
[[nodiscard]] std::optional<double> measuredReduction(const RunRecord& record);

}  // namespace mue::studio
