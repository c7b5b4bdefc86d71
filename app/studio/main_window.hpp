#pragma once
// MuE Studio's window: inputs and thresholds on the left; the similarity plot, the exit diagram,
// the output and the savings on the right; the run history below. Everything shown is drawn from
// the newest run's trace; the engine runs in RunController's worker thread.
//
// Threading: GUI thread only.

#include "history_model.hpp"
#include "run_controller.hpp"
#include "sample_gallery.hpp"
#include "studio_options.hpp"

#include <QMainWindow>
#include <QPointer>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableView;
class QTabWidget;
class QToolButton;
class QCheckBox;

namespace mue::widgets {
class ExitDiagram;
class PatchHeatmapView;
class SavingsPanel;
class SimilarityPlot;
class ThresholdPanel;
class TokenOutputView;
}  // namespace mue::widgets

namespace mue::studio {

class ExplorerView;
class GuidedTour;

enum class Theme { System, Light, Dark };

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `controller` (and `history`, when given) must outlive the window. Without `history` the
    // window keeps its own; with it, a replacement window (a language switch) keeps the runs.
    explicit MainWindow(RunController* controller, HistoryModel* history = nullptr, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Initial inputs from the command line, over the remembered ones.
    void applyOptions(const StudioOptions& options);
    // Renders the window (also offscreen) into a PNG. Returns an error message, or empty.
    [[nodiscard]] QString saveScreenshot(const QString& file);

    void openImage(const QString& path);
    void openModel(const QString& folder);
    // keepText: leave the hypothesis or prompt the user typed.
    void loadSample(const Sample& sample, bool keepText = false);
    void restoreRun(int historyRow);  // inputs and settings of that run, then run again
    void setTheme(Theme theme);
    // Walks through an easy and a hard built-in scene (Help > Guided Tour). With offerTourOnFirstStart,
    // it also opens by itself after the first result on a machine that has never shown it.
    void startTour();
    void offerTourOnFirstStart() { offerTour_ = true; }
    [[nodiscard]] GuidedTour* tour() const;
    // A new window replacing `previous` (same controller and history) shows what it showed.
    void takeOver(const MainWindow& previous);
    void writeSettings() const;
    // The whole state as a session file (session.hpp), written atomically. Returns an error
    // message naming the file, or empty.
    [[nodiscard]] QString saveSession(const QString& path);
    // Restores a session: inputs, settings, the history as saved (nothing is run again), the
    // data-set workspace; opens its model folder when it exists. A file that cannot be read changes
    // nothing. Returns an error message naming the file and field, or what could not be restored.
    [[nodiscard]] QString openSession(const QString& path);

    [[nodiscard]] const RunRecord* currentRecord() const;
    [[nodiscard]] RunController* controller() const { return controller_; }
    [[nodiscard]] HistoryModel* history() const { return history_; }
    [[nodiscard]] widgets::SimilarityPlot* similarityPlot() const { return plot_; }
    [[nodiscard]] widgets::ExitDiagram* exitDiagram() const { return diagram_; }
    [[nodiscard]] widgets::ThresholdPanel* thresholdPanel() const { return thresholds_; }
    [[nodiscard]] widgets::TokenOutputView* outputView() const { return output_; }
    [[nodiscard]] widgets::PatchHeatmapView* heatmapView() const { return heatmap_; }
    [[nodiscard]] widgets::SavingsPanel* savingsPanel() const { return savings_; }
    [[nodiscard]] QTableView* historyView() const { return historyView_; }
    [[nodiscard]] QComboBox* taskBox() const { return taskBox_; }
    [[nodiscard]] QLineEdit* textEdit() const { return textEdit_; }
    [[nodiscard]] QLabel* messageLabel() const { return message_; }
    [[nodiscard]] ExplorerView* explorer() const { return explorer_; }
    [[nodiscard]] QTabWidget* workspaces() const { return workspaces_; }

Q_SIGNALS:
    // After the views show a run's result (tests and --screenshot wait for it).
    void resultShown(quint64 runId);
    // After a model, image or run error is shown in the window.
    void errorShown(const QString& message);
    // The user chose a language ("" = the system's); main() installs it and replaces the window.
    void languageChangeRequested(const QString& code);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildViews();
    void buildActions();
    void buildMenus();
    void connectController();
    void readSettings();
    void modelLoaded(const QString& folder, const std::shared_ptr<const LoadedModel>& model);
    void showRecord(const RunRecord& record);
    // Task, text, settings and (when given) image into the controls and the controller, without a run.
    void setInputs(mue::Task task, const QString& text, const mue::ExitSettings& settings,
                   const std::optional<LoadedImage>& image);
    void showSavings(const RunRecord& record);
    void showError(const QString& message);
    void clearError();
    void updateTaskControls();
    void updateStatus();
    void updateTokenChoices();
    void rememberRecent(const QString& key, const QString& value);
    void rebuildRecentMenus();
    void rebuildSampleMenu();
    void openImageDialog();
    void openModelDialog();
    void pasteImage();
    void exportPlot();
    void exportDiagram();
    void exportTrace();
    void showAbout();
    void pinCurrent(bool pin);
    [[nodiscard]] QString dialogFolder() const;

    RunController* controller_;
    HistoryModel* history_;
    std::optional<RunRecord> current_;
    std::vector<Sample> shapesSamples_;
    QString lastFolder_;
    bool imagePending_ = false;  // an image file is being decoded
    bool offerTour_ = false;
    QPointer<GuidedTour> tour_;
    Theme theme_ = Theme::System;

    widgets::PatchHeatmapView* heatmap_ = nullptr;
    widgets::ThresholdPanel* thresholds_ = nullptr;
    widgets::SimilarityPlot* plot_ = nullptr;
    widgets::ExitDiagram* diagram_ = nullptr;
    widgets::TokenOutputView* output_ = nullptr;
    widgets::SavingsPanel* savings_ = nullptr;
    QComboBox* taskBox_ = nullptr;
    QLineEdit* textEdit_ = nullptr;
    QLabel* expected_ = nullptr;
    QComboBox* tokenBox_ = nullptr;
    QLabel* message_ = nullptr;
    QPushButton* runButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QCheckBox* autoRunBox_ = nullptr;
    QTableView* historyView_ = nullptr;
    QSplitter* mainSplitter_ = nullptr;
    QTabWidget* workspaces_ = nullptr;
    ExplorerView* explorer_ = nullptr;
    QSplitter* viewSplitter_ = nullptr;
    QLabel* modelStatus_ = nullptr;
    QLabel* deviceStatus_ = nullptr;
    QLabel* latencyStatus_ = nullptr;
    QProgressBar* busyIndicator_ = nullptr;

    QAction* openImageAction_ = nullptr;
    QAction* openModelAction_ = nullptr;
    QAction* pasteAction_ = nullptr;
    QAction* runAction_ = nullptr;
    QAction* cancelAction_ = nullptr;
    QAction* autoRunAction_ = nullptr;
    QAction* measureFullAction_ = nullptr;
    QAction* pinAction_ = nullptr;
    QAction* exportPlotAction_ = nullptr;
    QAction* exportDiagramAction_ = nullptr;
    QAction* exportTraceAction_ = nullptr;
    QAction* openSessionAction_ = nullptr;
    QAction* saveSessionAction_ = nullptr;
    QAction* quitAction_ = nullptr;
    QAction* aboutAction_ = nullptr;
    QAction* focusTextAction_ = nullptr;
    std::vector<QAction*> taskActions_;
    QMenu* recentImagesMenu_ = nullptr;
    QMenu* recentModelsMenu_ = nullptr;
    QMenu* samplesMenu_ = nullptr;
    QMenu* themeMenu_ = nullptr;
};

}  // namespace mue::studio
