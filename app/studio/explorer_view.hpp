#pragma once
// The data-set workspace: sweeps of exit thresholds over a data set (MuE's grid and the
// baselines), score against expected reduction with the Pareto front, a table of every point,
// and auto-tuning for a target retention. Sweeps run in SweepWorker's thread, are cached per
// model, data set and grid, and can be cancelled with their finished points kept. `mue sweep
// --out PREFIX` output opens here too.
//
// Threading: GUI thread only.

#include "sweep_worker.hpp"

#include <QThread>
#include <QWidget>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QCPGraph;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;
class QSplitter;
class QTabWidget;
class QMouseEvent;

namespace mue::studio {

// The ranges of Auto-tune's controls; a session holding a value outside them is refused rather
// than shown clamped.
inline constexpr double kMinTargetRetention = 0.5;
inline constexpr double kMinTuneConfidence = 0.5;
inline constexpr double kMaxTuneConfidence = 0.99;

// What the explorer's controls show and the sweep on screen: a session keeps and restores it.
struct ExplorerState {
    QString dataset;  // SweepRequest::dataset
    QString split;
    int limit = 0;
    std::array<QString, 3> grids;  // image, text, decoder threshold lists as typed
    bool baselines = false;
    QString search = QStringLiteral("grid");  // mue::sweep_search_name
    int samples = 24;
    int rounds = 2;
    int seed = 1;
    QString gapRange;  // "MIN, MAX" of 1 - threshold, as typed
    double targetRetention = 0.99;         // kMinTargetRetention ... 1
    std::optional<double> tuneConfidence;  // Auto-tune's "with confidence" in its range; nullopt: off
    std::optional<mue::report::SweepDocument> sweep;  // the sweep on screen, complete or not
};

class ExplorerView : public QWidget {
    Q_OBJECT
public:
    explicit ExplorerView(QWidget* parent = nullptr);
    ~ExplorerView() override;  // cancels a sweep in progress and joins the worker

    void setModelFolder(const QString& folder);
    // Where finished sweeps are cached (default: the user's cache folder); empty turns caching off.
    void setCacheFolder(const QString& folder);

    // Starts a sweep or a tune with the controls' settings (cancelling one in progress).
    void startSweep();
    void startTune();
    // A what-if evaluation under the settings the settings source gives (the single-input
    // workspace's): per-layer similarity (mean and spread per stream) and where the policy would
    // exit against scene difficulty.
    void startProfile();
    void setSettingsSource(std::function<mue::ExitSettings()> source) { settingsSource_ = std::move(source); }
    // The full model and the single-input workspace's settings on the same items: the examples
    // whose score changes most, worst first.
    void startCompare();
    // Emits itemChosen for row `row` of the worst-examples table.
    void chooseExample(int row);
    void cancel();
    // Shows a sweep document written by `mue sweep --out PREFIX` (PREFIX.json). Returns an error
    // message naming the file, or empty.
    [[nodiscard]] QString openSweep(const QString& path);

    [[nodiscard]] bool busy() const { return running_ != 0; }
    [[nodiscard]] const std::shared_ptr<const SweepOutcome>& outcome() const { return outcome_; }
    [[nodiscard]] QCustomPlot* plot() const { return plot_; }
    [[nodiscard]] QTableView* table() const { return table_; }
    [[nodiscard]] QComboBox* datasetBox() const { return dataset_; }
    [[nodiscard]] QComboBox* splitBox() const { return split_; }
    [[nodiscard]] QSpinBox* limitBox() const { return limit_; }
    [[nodiscard]] QLineEdit* gridEdit(int stream) const { return grids_.at(static_cast<std::size_t>(stream)); }
    [[nodiscard]] QCheckBox* baselinesBox() const { return baselines_; }
    [[nodiscard]] QComboBox* searchBox() const { return search_; }
    [[nodiscard]] QSpinBox* samplesBox() const { return samples_; }
    [[nodiscard]] QSpinBox* roundsBox() const { return rounds_; }
    [[nodiscard]] QSpinBox* seedBox() const { return seed_; }
    [[nodiscard]] QLineEdit* gapRangeEdit() const { return gapRange_; }
    [[nodiscard]] QDoubleSpinBox* targetBox() const { return target_; }
    // Auto-tune's confidence: the check box turns it on, the spin box holds its value.
    [[nodiscard]] QCheckBox* confidenceCheck() const { return confidenceOn_; }
    [[nodiscard]] QDoubleSpinBox* confidenceBox() const { return confidence_; }
    [[nodiscard]] ExplorerState state() const;
    // Sets the controls and shows the state's sweep. Returns what could not be restored, or empty.
    QString restoreState(const ExplorerState& state);
    [[nodiscard]] QLabel* statusLabel() const { return status_; }
    [[nodiscard]] QLabel* tuneResultLabel() const { return tuneResult_; }
    [[nodiscard]] const std::optional<mue::TuneResult>& tuneResult() const { return tune_; }
    // The point the plot shows nearest to a pixel (for clicks), or -1.
    [[nodiscard]] int pointAt(const QPointF& pixel) const;
    // The shown sweep's points as CSV (one row per setting; the columns of `mue sweep --out`'s CSV
    // that the app has: label, policy, score, retention, the three reductions, pareto).
    [[nodiscard]] QByteArray pointsCsv() const;
    // The visible chart (score vs. saving, profile or difficulty) as PNG or PDF, by extension.
    // Returns an error message naming the file, or empty.
    [[nodiscard]] QString exportChart(const QString& path) const;
    // Emits settingsChosen for point `index` of the shown sweep.
    void choosePoint(int index);
    // Shows point `index`'s exit-layer histograms (share of examples, or of tokens for the decoder).
    void showHistograms(int index);
    [[nodiscard]] QCustomPlot* histogramPlot() const { return histograms_; }
    [[nodiscard]] int histogramPoint() const { return histogramPoint_; }
    [[nodiscard]] QCustomPlot* profilePlot() const { return profile_; }
    [[nodiscard]] QCustomPlot* difficultyPlot() const { return difficulty_; }
    [[nodiscard]] const std::optional<mue::EvalReport>& profileReport() const { return profileReport_; }
    [[nodiscard]] QTableView* worstTable() const { return worst_; }

Q_SIGNALS:
    // A point was clicked: load its settings into the single-input workspace.
    void settingsChosen(const mue::ExitSettings& settings);
    void sweepShown();   // a sweep's points (complete, partial or cached) are on screen
    void tuneShown();
    void profileShown();
    void compareShown();
    // An example was chosen in the worst-examples table: open it in the single-input workspace.
    void itemChosen(const mue::RgbImage& image, mue::Task task, const QString& text, const QString& name,
                    const mue::ExitSettings& settings);
    void errorShown(const QString& message);

private:
    void start(SweepRequest::Kind kind);
    void display(const std::shared_ptr<const SweepOutcome>& outcome);
    void showTune(const mue::TuneResult& tune, double seconds);
    void showProfile(const mue::EvalReport& report);
    void showCompare(const std::shared_ptr<const SweepOutcome>& outcome);
    void setRunning(quint64 id);
    void updateSearchControls();
    // The search controls into `grid`; false (with the message shown) for a bad range.
    [[nodiscard]] bool readSearch(mue::SweepGrid& grid);

    QThread thread_;
    SweepWorker* worker_ = nullptr;
    QString modelFolder_;
    QString cacheFolder_;
    quint64 nextId_ = 1;
    quint64 running_ = 0;
    std::shared_ptr<mue::CancellationToken> cancel_;
    std::shared_ptr<const SweepOutcome> outcome_;
    std::vector<int> plottedPoints_;  // plot order -> point index, for clicks

    QComboBox* dataset_ = nullptr;
    QComboBox* split_ = nullptr;
    QSpinBox* limit_ = nullptr;
    std::array<QLineEdit*, 3> grids_{};
    QCheckBox* baselines_ = nullptr;
    QComboBox* search_ = nullptr;
    QSpinBox* samples_ = nullptr;
    QSpinBox* rounds_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLineEdit* gapRange_ = nullptr;
    QPushButton* sweepButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QDoubleSpinBox* target_ = nullptr;
    QCheckBox* confidenceOn_ = nullptr;
    QDoubleSpinBox* confidence_ = nullptr;
    QPushButton* tuneButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* tuneResult_ = nullptr;
    QPushButton* useTuned_ = nullptr;
    std::optional<mue::TuneResult> tune_;
    QCustomPlot* plot_ = nullptr;
    QCustomPlot* histograms_ = nullptr;
    QCustomPlot* profile_ = nullptr;
    QCustomPlot* difficulty_ = nullptr;
    QTabWidget* views_ = nullptr;
    QSplitter* profileCharts_ = nullptr;
    bool profileSplit_ = false;
    QPushButton* profileButton_ = nullptr;
    QPushButton* compareButton_ = nullptr;
    QTableView* worst_ = nullptr;
    QStandardItemModel* worstRows_ = nullptr;
    std::shared_ptr<const SweepOutcome> compare_;
    std::function<mue::ExitSettings()> settingsSource_;
    std::optional<mue::EvalReport> profileReport_;
    int histogramPoint_ = -1;
    QTableView* table_ = nullptr;
    QStandardItemModel* points_ = nullptr;
};

}  // namespace mue::studio
