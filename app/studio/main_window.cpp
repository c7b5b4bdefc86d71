#include "main_window.hpp"

#include "about_dialog.hpp"
#include "explorer_view.hpp"
#include "guided_tour.hpp"
#include "resource_paths.hpp"
#include "session.hpp"
#include "trace_export.hpp"

#include <mue/errors.hpp>
#include <mue/shapes_world.hpp>
#include <mue_widgets/exit_diagram.hpp>
#include <mue_widgets/palette.hpp>
#include <mue_widgets/patch_heatmap_view.hpp>
#include <mue_widgets/qcustomplot.hpp>
#include <mue_widgets/savings_panel.hpp>
#include <mue_widgets/similarity_plot.hpp>
#include <mue_widgets/threshold_panel.hpp>
#include <mue_widgets/token_output_view.hpp>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWhatsThis>

#include <algorithm>

namespace mue::studio {
namespace {

constexpr int kMaxRecent = 8;
constexpr int kHistoryIconSide = 40;
constexpr int kHistoryDockHeight = 150;
// First-start heights of the plot, the exit diagram and the output row (then remembered).
constexpr int kPlotHeight = 320;
constexpr int kDiagramHeight = 300;
constexpr int kOutputHeight = 200;
constexpr int kStatusMessageMs = 4000;
const QString kRecentImagesKey = QStringLiteral("recent/images");
const QString kRecentModelsKey = QStringLiteral("recent/models");

QString imageFilter() {
    return MainWindow::tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.ppm *.pgm);;All files (*)");
}

QPalette themePalette(Theme theme) {
    // The platform's palette, as the application had it before any theme was chosen.
    static const QPalette system = QApplication::palette();
    if (theme == Theme::System) return system;
    if (theme == Theme::Light) return QApplication::style()->standardPalette();
    return widgets::darkPalette();
}

// A small "?" that explains a view in a popover ("What am I looking at?"); the same text answers
// Help > What's This? on the view itself.
QToolButton* explainButton(QWidget* view, const QString& text) {
    view->setWhatsThis(text);
    auto* button = new QToolButton;
    button->setText(QStringLiteral("?"));
    button->setAutoRaise(true);
    button->setToolTip(MainWindow::tr("What am I looking at?"));
    QObject::connect(button, &QToolButton::clicked, button, [button, text] {
        QWhatsThis::showText(button->mapToGlobal(QPoint(0, button->height())), text, button);
    });
    return button;
}

// Keeps a button in the top-right corner of a container (on a group box: beside its title), so
// that explaining a view costs it no space.
class CornerPlacer : public QObject {
public:
    CornerPlacer(QWidget* container, QWidget* button) : QObject(container), button_(button) {
        button->setParent(container);
        container->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Resize || event->type() == QEvent::Show) {
            const auto* container = static_cast<QWidget*>(watched);
            button_->adjustSize();
            button_->move(container->width() - button_->width() - kCornerInset, 0);
            button_->raise();
        }
        return false;
    }

private:
    static constexpr int kCornerInset = 4;
    QWidget* button_;
};

void explainInCorner(QWidget* container, QWidget* view, const QString& text) {
    new CornerPlacer(container, explainButton(view, text));
}

// The exit settings as QSettings keeps them, in group "exits": one table for reading and writing.
const std::array<std::pair<const char*, double mue::ExitSettings::*>, 9> kSavedNumbers{{
    {"image", &mue::ExitSettings::image_threshold},
    {"text", &mue::ExitSettings::text_threshold},
    {"joint", &mue::ExitSettings::joint_threshold},
    {"decoder", &mue::ExitSettings::decoder_threshold},
    {"beta", &mue::ExitSettings::beta},
    {"tau", &mue::ExitSettings::tau},
    {"warmup", &mue::ExitSettings::warmup_fraction},
    {"entropy", &mue::ExitSettings::entropy_threshold},
    {"confidence", &mue::ExitSettings::confidence_threshold},
}};
const std::array<std::pair<const char*, int mue::ExitSettings::*>, 4> kSavedCounts{{
    {"staticImage", &mue::ExitSettings::static_image_layers},
    {"staticText", &mue::ExitSettings::static_text_layers},
    {"staticDecoder", &mue::ExitSettings::static_decoder_layers},
    {"patience", &mue::ExitSettings::patience},
}};

QString fromView(std::string_view text) { return QString::fromUtf8(text.data(), static_cast<int>(text.size())); }

// Remembered settings that no longer validate (another version's) fall back to the paper's.
mue::ExitSettings readExitSettings(QSettings& s) {
    mue::ExitSettings exits = mue::ExitSettings::preset("paper");
    exits.policy = mue::ExitPolicy::Mue;
    const mue::ExitSettings fallback = exits;
    s.beginGroup(QStringLiteral("exits"));
    if (const auto policy = mue::parse_exit_policy(s.value(QStringLiteral("policy"), QStringLiteral("mue")).toString().toStdString())) {
        exits.policy = *policy;
    }
    if (const auto kv = mue::parse_kv_policy(s.value(QStringLiteral("kv"), QStringLiteral("none")).toString().toStdString())) {
        exits.kv_policy = *kv;
    }
    for (const auto& [key, field] : kSavedNumbers) exits.*field = s.value(QLatin1String(key), exits.*field).toDouble();
    for (const auto& [key, field] : kSavedCounts) exits.*field = s.value(QLatin1String(key), exits.*field).toInt();
    s.endGroup();
    try {
        exits.validate();
    } catch (const std::exception&) {
        return fallback;
    }
    return exits;
}

void writeExitSettings(QSettings& s, const mue::ExitSettings& exits) {
    s.beginGroup(QStringLiteral("exits"));
    s.setValue(QStringLiteral("policy"), fromView(mue::exit_policy_name(exits.policy)));
    s.setValue(QStringLiteral("kv"), fromView(mue::kv_policy_name(exits.kv_policy)));
    for (const auto& [key, field] : kSavedNumbers) s.setValue(QLatin1String(key), exits.*field);
    for (const auto& [key, field] : kSavedCounts) s.setValue(QLatin1String(key), exits.*field);
    s.endGroup();
}

std::vector<std::pair<QString, float>> answerProbabilities(const mue::RunResult& result) {
    std::vector<std::pair<QString, float>> answers;
    for (const auto& a : result.answers) answers.emplace_back(QString::fromStdString(a.answer).trimmed(), a.probability);
    return answers;
}

}  // namespace

MainWindow::MainWindow(RunController* controller, HistoryModel* history, QWidget* parent)
    : QMainWindow(parent), controller_(controller), history_(history != nullptr ? history : new HistoryModel(this)) {
    setWindowTitle(tr("MuE Studio"));
    setAcceptDrops(true);
    buildViews();
    buildActions();
    buildMenus();
    connectController();
    readSettings();
    updateTaskControls();
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildViews() {
    // Left column: the input image (with the per-patch view), the inputs, the thresholds.
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);

    auto* imageGroup = new QGroupBox(tr("Image"));
    auto* imageLayout = new QVBoxLayout(imageGroup);
    heatmap_ = new widgets::PatchHeatmapView;
    heatmap_->setToolTip(tr("The input image. The overlay shows, per image patch, how little the chosen layer "
                            "changed it: saturated patches have stopped changing."));
    explainInCorner(imageGroup,
        heatmap_, tr("<p><b>The input image.</b> The overlay shows, for the layer on the slider, how much that layer "
                     "still changed each image patch: yellow patches have settled, dark ones still change.</p><p>"
                     "Layers after the image stream's exit did not run; the view marks them as skipped.</p>"));
    imageLayout->addWidget(heatmap_);
    leftLayout->addWidget(imageGroup, /*stretch=*/3);

    auto* inputGroup = new QGroupBox(tr("Input"));
    auto* form = new QFormLayout(inputGroup);
    taskBox_ = new QComboBox;
    taskBox_->addItem(tr("Visual entailment"), static_cast<int>(mue::Task::Entailment));
    taskBox_->addItem(tr("Caption"), static_cast<int>(mue::Task::Caption));
    taskBox_->addItem(tr("Free prompt"), static_cast<int>(mue::Task::Prompt));
    taskBox_->setToolTip(tr("What the model does with the image: decide whether the hypothesis is entailed "
                            "(yes / no / maybe), write a caption, or answer a prompt."));
    form->addRow(tr("&Task:"), taskBox_);
    textEdit_ = new QLineEdit;
    textEdit_->setClearButtonEnabled(true);
    form->addRow(tr("&Text:"), textEdit_);
    expected_ = new QLabel;
    expected_->setWordWrap(true);
    expected_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    expected_->setToolTip(tr("The benchmark's answer for a built-in sample."));
    form->addRow(tr("Expected:"), expected_);
    auto* buttons = new QHBoxLayout;
    runButton_ = new QPushButton(tr("Run"));
    runButton_->setToolTip(tr("Run the model on this image and text with the thresholds below (Ctrl+Return)."));
    runButton_->setDefault(true);
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setToolTip(tr("Stop the run in progress; it stops within one layer (Esc)."));
    cancelButton_->setEnabled(false);
    autoRunBox_ = new QCheckBox(tr("Run on every change"));
    autoRunBox_->setToolTip(tr("Run again automatically, shortly after the image, the text or a threshold changes."));
    buttons->addWidget(runButton_);
    buttons->addWidget(cancelButton_);
    buttons->addStretch();
    buttons->addWidget(autoRunBox_);
    form->addRow(buttons);
    leftLayout->addWidget(inputGroup);

    auto* thresholdGroup = new QGroupBox(tr("Exit policy and thresholds"));
    auto* thresholdLayout = new QVBoxLayout(thresholdGroup);
    thresholds_ = new widgets::ThresholdPanel;
    explainInCorner(thresholdGroup,
        thresholds_,
        tr("<p><b>The exit policy and its knobs.</b> MuE stops each encoder stream after the first layer whose output "
           "is more similar to its input than the threshold (cosine similarity), and each decoded token likewise.</p>"
           "<p>On small models the thresholds that matter lie between 0.99 and 0.999, so the sliders work on a log "
           "scale of 1 &minus; threshold; type exact values in the boxes. Presets load the paper's and the released "
           "scripts' settings; Advanced holds the schedule and the baselines' parameters.</p>"));
    thresholdLayout->addWidget(thresholds_);
    leftLayout->addWidget(thresholdGroup);
    leftLayout->addStretch(1);

    auto* leftScroll = new QScrollArea;
    leftScroll->setWidget(left);
    leftScroll->setWidgetResizable(true);
    leftScroll->setFrameShape(QFrame::NoFrame);
    leftScroll->setMinimumWidth(340);

    // Right: the plot (with the decoder step it shows), the exit diagram, the output and savings.
    auto* plotBox = new QWidget;
    auto* plotLayout = new QVBoxLayout(plotBox);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    auto* tokenRow = new QHBoxLayout;
    tokenBox_ = new QComboBox;
    tokenBox_->setToolTip(tr("The decoded token whose per-layer similarity the plot shows as the decoder curve."));
    tokenBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* tokenLabel = new QLabel(tr("Decoder curve for &token:"));
    tokenLabel->setBuddy(tokenBox_);
    tokenRow->addWidget(tokenLabel);
    tokenRow->addWidget(tokenBox_);
    tokenRow->addStretch();
    auto* dragHint = new QLabel(tr("Drag a dashed threshold line to move that exit."));
    dragHint->setEnabled(false);
    tokenRow->addWidget(dragHint);
    plotLayout->addLayout(tokenRow);
    plot_ = new widgets::SimilarityPlot;
    plot_->setMinimumHeight(240);
    plot_->setToolTip(tr("How much each layer changed each stream: 1 - cos(h_i, h_i-1) on a log scale. A stream "
                         "exits after the first layer whose similarity passes its threshold line."));
    tokenRow->addWidget(explainButton(
        plot_, tr("<p><b>How much each layer changed each stream.</b> For every layer i the plot shows "
                  "1 &minus; cos(h<sub>i</sub>, h<sub>i&minus;1</sub>) on a log scale: lower means the layer changed "
                  "the hidden state less.</p><p>A stream exits after the first layer whose point falls below its "
                  "dashed threshold line. Drag a line to move that threshold; the run repeats at once. The decoder "
                  "curve is the token chosen in the box above; its threshold decays over the answer.</p>")));
    plotLayout->addWidget(plot_, /*stretch=*/1);

    diagram_ = new widgets::ExitDiagram;
    // Long answers have many decoder lanes: they scroll instead of growing the window.
    auto* diagramScroll = new QScrollArea;
    diagramScroll->setWidget(diagram_);
    diagramScroll->setWidgetResizable(true);
    diagramScroll->setFrameShape(QFrame::NoFrame);
    explainInCorner(diagramScroll->viewport(),
        diagram_, tr("<p><b>Where everything exited.</b> Each row is a stack of layers: the encoder's image and text "
                     "streams, then one row per generated token in the decoder.</p><p>Filled boxes ran, the outlined "
                     "box is where the exit fired, faint boxes were skipped; the numbers count the layers that "
                     "ran.</p>"));

    auto* bottom = new QSplitter(Qt::Horizontal);
    auto* outputGroup = new QGroupBox(tr("Output"));
    auto* outputLayout = new QVBoxLayout(outputGroup);
    output_ = new widgets::TokenOutputView;
    explainInCorner(outputGroup,
        output_, tr("<p><b>The answer.</b> Each token's colour is the decoder layer it exited at: light ones left "
                    "early. Hover a token to see what the shared output head predicted at every layer, that is, how "
                    "the answer formed.</p><p>For entailment the bars are the probabilities of yes, no and "
                    "maybe.</p>"));
    outputLayout->addWidget(output_);
    auto* savingsGroup = new QGroupBox(tr("Savings"));
    auto* savingsLayout = new QVBoxLayout(savingsGroup);
    savings_ = new widgets::SavingsPanel;
    explainInCorner(savingsGroup,
        savings_, tr("<p><b>What the exits saved</b> against the full model on the same input: the expected "
                     "reduction in layers (the paper's two definitions), the reduction in floating-point operations, "
                     "and the measured compute time (the fastest of three rounds, measured in the "
                     "background).</p>"));
    savingsLayout->addWidget(savings_);
    bottom->addWidget(outputGroup);
    bottom->addWidget(savingsGroup);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);

    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->setVisible(false);
    message_->setStyleSheet(QStringLiteral("QLabel { background: #fde2e1; color: #7a1010; border: 1px solid #e0a0a0; "
                                           "border-radius: 4px; padding: 6px; }"));

    viewSplitter_ = new QSplitter(Qt::Vertical);
    viewSplitter_->addWidget(plotBox);
    viewSplitter_->addWidget(diagramScroll);
    viewSplitter_->addWidget(bottom);
    viewSplitter_->setStretchFactor(0, 3);
    viewSplitter_->setStretchFactor(1, 3);
    viewSplitter_->setStretchFactor(2, 2);
    viewSplitter_->setSizes({kPlotHeight, kDiagramHeight, kOutputHeight});
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(message_);
    rightLayout->addWidget(viewSplitter_, 1);

    mainSplitter_ = new QSplitter(Qt::Horizontal);
    mainSplitter_->addWidget(leftScroll);
    mainSplitter_->addWidget(right);
    mainSplitter_->setStretchFactor(0, 0);
    mainSplitter_->setStretchFactor(1, 1);

    explorer_ = new ExplorerView;
    workspaces_ = new QTabWidget;
    workspaces_->setDocumentMode(true);
    workspaces_->addTab(mainSplitter_, tr("Single input"));
    workspaces_->addTab(explorer_, tr("Data set"));
    workspaces_->setTabToolTip(0, tr("One image and text: where each stream and token exits, and why."));
    workspaces_->setTabToolTip(1, tr("What thresholds do over a whole data set: sweeps, the Pareto front, auto-tuning."));
    setCentralWidget(workspaces_);
    explorer_->setSettingsSource([this] { return controller_->settings(); });
    connect(explorer_, &ExplorerView::itemChosen, this,
            [this](const mue::RgbImage& image, mue::Task task, const QString& text, const QString& name,
                   const mue::ExitSettings& settings) {
                Sample sample;
                sample.name = name;
                sample.task = task;
                sample.text = text;
                sample.image = image;
                thresholds_->setSettings(settings);
                plot_->setThresholds(settings);
                controller_->setSettings(settings);
                loadSample(sample);
                workspaces_->setCurrentIndex(0);
            });
    connect(explorer_, &ExplorerView::settingsChosen, this, [this](const mue::ExitSettings& settings) {
        thresholds_->setSettings(settings);
        plot_->setThresholds(settings);
        controller_->setSettings(settings);
        workspaces_->setCurrentIndex(0);
    });

    // History, as a dock the user can move, float or hide.
    historyView_ = new QTableView;
    historyView_->setModel(history_);
    historyView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    historyView_->setSelectionMode(QAbstractItemView::SingleSelection);
    historyView_->setIconSize(QSize(kHistoryIconSide, kHistoryIconSide));
    historyView_->verticalHeader()->setVisible(false);
    historyView_->verticalHeader()->setDefaultSectionSize(kHistoryIconSide + 4);
    historyView_->horizontalHeader()->setStretchLastSection(false);
    historyView_->horizontalHeader()->setSectionResizeMode(HistoryModel::Prediction, QHeaderView::Stretch);
    historyView_->setContextMenuPolicy(Qt::ActionsContextMenu);
    historyView_->setToolTip(tr("Every run. Double-click one to restore its input and settings; pin one to "
                                "overlay it on the plot."));
    auto* historyDock = new QDockWidget(tr("History"), this);
    historyDock->setObjectName(QStringLiteral("historyDock"));
    historyDock->setWidget(historyView_);
    addDockWidget(Qt::BottomDockWidgetArea, historyDock);
    resizeDocks({historyDock}, {kHistoryDockHeight}, Qt::Vertical);

    // Status bar: model, device and threads, last latency, a busy indicator.
    modelStatus_ = new QLabel;
    deviceStatus_ = new QLabel;
    latencyStatus_ = new QLabel;
    busyIndicator_ = new QProgressBar;
    busyIndicator_->setRange(0, 0);
    busyIndicator_->setMaximumWidth(120);
    busyIndicator_->setMaximumHeight(14);
    busyIndicator_->setVisible(false);
    busyIndicator_->setToolTip(tr("The engine is running in the background; the window stays responsive."));
    statusBar()->addPermanentWidget(busyIndicator_);
    statusBar()->addPermanentWidget(latencyStatus_);
    statusBar()->addPermanentWidget(deviceStatus_);
    statusBar()->addPermanentWidget(modelStatus_);

    connect(taskBox_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        controller_->setTask(static_cast<mue::Task>(taskBox_->currentData().toInt()));
        updateTaskControls();
    });
    connect(textEdit_, &QLineEdit::textChanged, this, [this](const QString& text) {
        controller_->setText(text);
        expected_->clear();
    });
    connect(runButton_, &QPushButton::clicked, controller_, &RunController::runNow);
    connect(cancelButton_, &QPushButton::clicked, controller_, &RunController::cancel);
    connect(autoRunBox_, &QCheckBox::toggled, this, [this](bool on) {
        controller_->setAutoRun(on);
        if (autoRunAction_ != nullptr) autoRunAction_->setChecked(on);
    });
    connect(thresholds_, &widgets::ThresholdPanel::settingsChanged, this, [this](const mue::ExitSettings& settings) {
        plot_->setThresholds(settings);
        controller_->setSettings(settings);
    });
    connect(plot_, &widgets::SimilarityPlot::thresholdChanged, this,
            [this](widgets::Stream stream, double value) { thresholds_->setThreshold(stream, value); });
    connect(tokenBox_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        if (index >= 0) plot_->setSelectedToken(index);
    });
    connect(output_, &widgets::TokenOutputView::tokenClicked, this, [this](int index) {
        if (index >= 0 && index < tokenBox_->count()) tokenBox_->setCurrentIndex(index);
    });
    connect(historyView_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) { restoreRun(index.row()); });
    connect(history_, &HistoryModel::pinnedChanged, this, [this](std::optional<quint64>) {
        const RunRecord* pinned = history_->pinnedRecord();
        if (pinned == nullptr) {
            plot_->setReference(std::nullopt);
        } else {
            plot_->setReference(pinned->result->trace, QStringLiteral("#%1").arg(pinned->id));
        }
        if (pinAction_ != nullptr) pinAction_->setChecked(pinned != nullptr && current_ && pinned->id == current_->id);
    });
}

void MainWindow::buildActions() {
    const auto action = [this](const QString& text, const QKeySequence& key, const QString& tip) {
        auto* a = new QAction(text, this);
        a->setShortcut(key);
        a->setToolTip(tip);
        a->setStatusTip(tip);
        addAction(a);  // shortcuts work while the menu bar is hidden (screenshots, full screen)
        return a;
    };
    openImageAction_ = action(tr("&Open Image…"), QKeySequence::Open, tr("Open an image file."));
    connect(openImageAction_, &QAction::triggered, this, &MainWindow::openImageDialog);
    openModelAction_ = action(tr("Open &Model Folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                              tr("Load a different model folder (config.json, model.safetensors, tokenizer)."));
    connect(openModelAction_, &QAction::triggered, this, &MainWindow::openModelDialog);
    pasteAction_ = action(tr("&Paste Image"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V),
                          tr("Use the image on the clipboard as the input."));
    connect(pasteAction_, &QAction::triggered, this, &MainWindow::pasteImage);
    runAction_ = action(tr("&Run"), QKeySequence(Qt::CTRL | Qt::Key_Return), tr("Run the model now."));
    runAction_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    connect(runAction_, &QAction::triggered, controller_, &RunController::runNow);
    cancelAction_ = action(tr("&Cancel Run"), QKeySequence(Qt::Key_Escape), tr("Stop the run in progress."));
    connect(cancelAction_, &QAction::triggered, controller_, &RunController::cancel);
    autoRunAction_ = action(tr("Run on Every &Change"), QKeySequence(Qt::CTRL | Qt::Key_R),
                            tr("Run again automatically whenever an input or threshold changes."));
    autoRunAction_->setCheckable(true);
    connect(autoRunAction_, &QAction::toggled, autoRunBox_, &QCheckBox::setChecked);
    measureFullAction_ = action(tr("&Measure Full-Model Time"), QKeySequence(Qt::CTRL | Qt::Key_M),
                                tr("After each run, also time the full model on the same input to measure the real "
                                   "saving."));
    measureFullAction_->setCheckable(true);
    connect(measureFullAction_, &QAction::toggled, controller_, &RunController::setMeasureFull);
    pinAction_ = action(tr("&Pin as Reference"), QKeySequence(Qt::CTRL | Qt::Key_P),
                        tr("Keep this run as the reference drawn faintly under the next runs."));
    pinAction_->setCheckable(true);
    connect(pinAction_, &QAction::triggered, this, &MainWindow::pinCurrent);
    exportPlotAction_ = action(tr("Export &Plot…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
                               tr("Save the similarity plot as PNG or PDF."));
    connect(exportPlotAction_, &QAction::triggered, this, &MainWindow::exportPlot);
    exportDiagramAction_ = action(tr("Export Exit &Diagram…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D),
                                  tr("Save the exit diagram as a PNG image."));
    connect(exportDiagramAction_, &QAction::triggered, this, &MainWindow::exportDiagram);
    openSessionAction_ = action(tr("Open &Session…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O),
                                tr("Restore a saved session: inputs, thresholds, history and sweeps."));
    connect(openSessionAction_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Session"), dialogFolder(),
                                                          tr("MuE Studio session (*.json);;All files (*)"));
        if (path.isEmpty()) return;
        if (const QString error = openSession(path); !error.isEmpty()) showError(error);
    });
    saveSessionAction_ = action(tr("Save Session &As…"), QKeySequence::Save,
                                tr("Save inputs, thresholds, the run history and the data-set sweep in one JSON file."));
    connect(saveSessionAction_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Session"),
                                                          dialogFolder() + QStringLiteral("/session.mue.json"),
                                                          tr("MuE Studio session (*.json)"));
        if (path.isEmpty()) return;
        if (const QString error = saveSession(path); !error.isEmpty()) showError(error);
        else statusBar()->showMessage(tr("Saved the session to %1").arg(path), kStatusMessageMs);
    });
    exportTraceAction_ = action(tr("Export &Trace…"), QKeySequence(Qt::CTRL | Qt::Key_E),
                                tr("Save the run's trace as JSON (everything) or CSV (per-layer numbers)."));
    connect(exportTraceAction_, &QAction::triggered, this, &MainWindow::exportTrace);
    quitAction_ = action(tr("&Quit"), QKeySequence::Quit, tr("Close MuE Studio."));
    connect(quitAction_, &QAction::triggered, this, &QWidget::close);
    aboutAction_ = action(tr("&About MuE…"), QKeySequence::HelpContents, tr("How multiple early exiting works."));
    connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);

    const std::array<std::pair<mue::Task, Qt::Key>, 3> taskKeys{
        {{mue::Task::Entailment, Qt::Key_1}, {mue::Task::Caption, Qt::Key_2}, {mue::Task::Prompt, Qt::Key_3}}};
    for (const auto& [task, key] : taskKeys) {
        const int index = taskBox_->findData(static_cast<int>(task));
        QAction* a = action(tr("Task: %1").arg(taskBox_->itemText(index)), QKeySequence(Qt::CTRL | key),
                            tr("Switch the task."));
        connect(a, &QAction::triggered, this, [this, index] { taskBox_->setCurrentIndex(index); });
        taskActions_.push_back(a);
    }
    focusTextAction_ = action(tr("Edit &Text"), QKeySequence(Qt::CTRL | Qt::Key_L), tr("Put the cursor in the text field."));
    connect(focusTextAction_, &QAction::triggered, this, [this] {
        textEdit_->setFocus();
        textEdit_->selectAll();
    });

    auto* restoreAction = new QAction(tr("Restore This Run"), historyView_);
    connect(restoreAction, &QAction::triggered, this, [this] {
        if (historyView_->currentIndex().isValid()) restoreRun(historyView_->currentIndex().row());
    });
    auto* pinRowAction = new QAction(tr("Pin as Reference"), historyView_);
    connect(pinRowAction, &QAction::triggered, this, [this] {
        if (historyView_->currentIndex().isValid()) history_->setPinned(history_->record(historyView_->currentIndex().row()).id);
    });
    auto* unpinAction = new QAction(tr("Unpin Reference"), historyView_);
    connect(unpinAction, &QAction::triggered, this, [this] { history_->setPinned(std::nullopt); });
    historyView_->addActions({restoreAction, pinRowAction, unpinAction});
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(openImageAction_);
    recentImagesMenu_ = file->addMenu(tr("Recent &Images"));
    samplesMenu_ = file->addMenu(tr("&Samples"));
    file->addAction(pasteAction_);
    file->addSeparator();
    file->addAction(openModelAction_);
    recentModelsMenu_ = file->addMenu(tr("Recent Mo&dels"));
    file->addSeparator();
    file->addAction(openSessionAction_);
    file->addAction(saveSessionAction_);
    file->addSeparator();
    file->addAction(exportPlotAction_);
    file->addAction(exportDiagramAction_);
    file->addAction(exportTraceAction_);
    file->addSeparator();
    file->addAction(quitAction_);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    for (QAction* a : taskActions_) run->addAction(a);
    run->addAction(focusTextAction_);
    run->addSeparator();
    run->addAction(runAction_);
    run->addAction(cancelAction_);
    run->addSeparator();
    run->addAction(autoRunAction_);
    run->addAction(measureFullAction_);
    run->addSeparator();
    run->addAction(pinAction_);
    auto* clearHistory = run->addAction(tr("Clear &History"));
    clearHistory->setToolTip(tr("Forget every run in the history table."));
    connect(clearHistory, &QAction::triggered, history_, &HistoryModel::clear);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    themeMenu_ = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const std::array<std::pair<QString, Theme>, 3> choices{{{tr("&System"), Theme::System},
                                                            {tr("&Light"), Theme::Light},
                                                            {tr("&Dark"), Theme::Dark}}};
    for (const auto& [name, theme] : choices) {
        QAction* a = themeMenu_->addAction(name);
        a->setCheckable(true);
        a->setData(static_cast<int>(theme));
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [this, t = theme] { setTheme(t); });
    }
    for (int i = 0; i < workspaces_->count(); ++i) {
        QAction* a = view->addAction(workspaces_->tabText(i));
        a->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
        a->setToolTip(workspaces_->tabToolTip(i));
        connect(a, &QAction::triggered, this, [this, i] { workspaces_->setCurrentIndex(i); });
        addAction(a);
    }
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
    view->addSeparator();
    QMenu* language = view->addMenu(tr("&Language"));
    auto* languages = new QActionGroup(this);
    const QString chosen = QSettings().value(QStringLiteral("view/language")).toString();
    // Each language names itself, so that a user who cannot read the current one finds theirs.
    const std::array<std::pair<QString, QString>, 4> languageChoices{{{tr("System Default"), QString()},
                                                              {QStringLiteral("English"), QStringLiteral("en")},
                                                              {QStringLiteral("日本語"), QStringLiteral("ja")},
                                                              {QStringLiteral("简体中文"), QStringLiteral("zh_CN")}}};
    for (const auto& [name, code] : languageChoices) {
        QAction* a = language->addAction(name);
        a->setCheckable(true);
        a->setChecked(code == chosen);
        languages->addAction(a);
        connect(a, &QAction::triggered, this, [this, code = code] {
            QSettings().setValue(QStringLiteral("view/language"), code);
            writeSettings();
            Q_EMIT languageChangeRequested(code);
        });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(aboutAction_);
    QAction* tourAction = help->addAction(tr("Guided &Tour"), this, &MainWindow::startTour);
    tourAction->setToolTip(tr("A few steps through an easy and a hard scene: similarity, exits and savings."));
    QAction* whatsThis = QWhatsThis::createAction(this);
    whatsThis->setToolTip(tr("Click a view to see what it shows."));
    help->addAction(whatsThis);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::connectController() {
    connect(controller_, &RunController::modelChanged, this, &MainWindow::modelLoaded);
    connect(controller_, &RunController::modelFailed, this, [this](const QString& folder, const QString& message) {
        showError(tr("Could not load the model folder %1: %2").arg(folder, message));
    });
    connect(controller_, &RunController::imageChanged, this, [this](const LoadedImage& image) {
        clearError();
        imagePending_ = false;
        updateStatus();
        heatmap_->setImage(toQImage(*image.rgb));
        if (!image.path.isEmpty()) rememberRecent(kRecentImagesKey, image.path);
        setWindowTitle(tr("%1 — MuE Studio").arg(QFileInfo(image.source).fileName()));
    });
    connect(controller_, &RunController::imageFailed, this, [this](const QString& path, const QString& message) {
        imagePending_ = false;
        showError(tr("Could not open the image %1: %2").arg(path, message));
    });
    connect(controller_, &RunController::runFinished, this, [this](const RunRecord& record) {
        clearError();
        history_->add(record);
        showRecord(record);
        historyView_->scrollToBottom();
    });
    connect(controller_, &RunController::timingReady, this, [this](quint64 id, double ms, double fullMs) {
        history_->setTiming(id, ms, fullMs);
        if (current_ && current_->id == id) {
            current_->computeMs = ms;
            current_->fullComputeMs = fullMs;
            showSavings(*current_);
        }
    });
    connect(controller_, &RunController::runFailed, this, [this](quint64, const QString& message) {
        showError(tr("The run failed: %1").arg(message));
    });
    connect(controller_, &RunController::runCancelled, this,
            [this](quint64) { statusBar()->showMessage(tr("Run cancelled."), kStatusMessageMs); });
    connect(controller_, &RunController::busyChanged, this, [this](bool busy) {
        busyIndicator_->setVisible(busy);
        cancelButton_->setEnabled(busy);
        cancelAction_->setEnabled(busy);
    });
}

void MainWindow::modelLoaded(const QString& folder, const std::shared_ptr<const LoadedModel>& model) {
    clearError();
    rememberRecent(kRecentModelsKey, folder);
    explorer_->setModelFolder(folder);
    thresholds_->setModelLayers(model->config.arch.encoder_layers, model->config.arch.decoder_layers);
    shapesSamples_ = shapesSamples(model->config.image.size);
    rebuildSampleMenu();
    // Never an empty window: start on the easiest built-in scene for the chosen task.
    if (!controller_->image() && !imagePending_) {
        const auto task = static_cast<mue::Task>(taskBox_->currentData().toInt());
        const auto first = std::find_if(shapesSamples_.begin(), shapesSamples_.end(),
                                        [&](const Sample& sample) { return sample.task == task; });
        if (first != shapesSamples_.end()) loadSample(*first, /*keepText=*/!textEdit_->text().isEmpty());
    }
    updateStatus();
    statusBar()->showMessage(tr("Loaded model %1").arg(QString::fromStdString(model->info.model_id)), kStatusMessageMs);
}

void MainWindow::takeOver(const MainWindow& previous) {
    // The controller holds the inputs: show them as they are now (nothing changes, nothing runs).
    taskBox_->setCurrentIndex(taskBox_->findData(static_cast<int>(controller_->task())));
    textEdit_->setText(controller_->text());
    thresholds_->setSettings(controller_->settings());
    updateTaskControls();
    if (controller_->model()) modelLoaded(controller_->modelFolder(), controller_->model());
    if (const auto& image = controller_->image()) heatmap_->setImage(toQImage(*image->rgb));
    if (const RunRecord* record = previous.currentRecord()) showRecord(*record);
    if (const RunRecord* pinned = history_->pinnedRecord()) {
        plot_->setReference(pinned->result->trace, QStringLiteral("#%1").arg(pinned->id));
    }
    workspaces_->setCurrentIndex(previous.workspaces_->currentIndex());
    setGeometry(previous.geometry());
}

GuidedTour* MainWindow::tour() const { return tour_; }

void MainWindow::startTour() {
    if (tour_) {
        tour_->raise();
        return;
    }
    const auto find = [this](mue::Task task, int difficulty) -> const Sample* {
        for (const Sample& sample : shapesSamples_) {
            if (sample.task == task && sample.difficulty == difficulty) return &sample;
        }
        return nullptr;
    };
    const Sample* easy = find(mue::Task::Entailment, mue::shapes::kMinDifficulty);
    const Sample* hard = find(mue::Task::Caption, mue::shapes::kMaxDifficulty);
    const auto load = [this](const Sample* sample) {
        return [this, sample = sample ? std::optional<Sample>(*sample) : std::nullopt] {
            if (!sample) return;
            workspaces_->setCurrentIndex(0);
            loadSample(*sample);
        };
    };
    const auto paperSettings = [this] {
        mue::ExitSettings settings = mue::ExitSettings::preset("paper");
        settings.policy = mue::ExitPolicy::Mue;
        thresholds_->setSettings(settings);
        plot_->setThresholds(settings);
        controller_->setSettings(settings);
    };
    std::vector<GuidedTour::Step> steps{
        {tr("Welcome to MuE Studio"),
         tr("<p>A vision-language model reads an image and a text with a stack of encoder layers, then writes its "
            "answer token by token with a stack of decoder layers. <b>MuE</b> lets each part stop early once its "
            "layers stop changing it.</p><p>This tour runs two built-in scenes, an easy and a hard one, and shows "
            "where and why the model exited. The window stays usable while it is open.</p>"),
         {}},
        {tr("An easy scene"),
         tr("<p>The tour loaded an easy entailment scene and the paper's thresholds. Look at the <b>plot</b>: each "
            "curve shows how much a layer still changed a stream. The image stream's curve falls below its dashed "
            "threshold line early, so it stopped there: a marker shows the exit.</p><p>The <b>exit diagram</b> "
            "below shows the same as boxes: filled ones ran, the outlined one exited, faint ones were skipped.</p>"),
         [load, easy, paperSettings] {
             paperSettings();
             load(easy)();
         }},
        {tr("The answer and the decoder"),
         tr("<p>The <b>output</b> shows the answer; its colour is the decoder layer it exited at. Hover it to see "
            "what every decoder layer would have answered: the layer-wise training makes early layers usable.</p>"
            "<p>For entailment the bars show the probabilities of yes, no and maybe.</p>"),
         {}},
        {tr("A hard scene"),
         tr("<p>Now a crowded captioning scene. More objects, smaller shapes and clutter: the streams need more "
            "layers before they settle, and the diagram gets one decoder row per word, each with its own exit.</p>"
            "<p>Pick a word in <i>Decoder curve for token</i> above the plot to see its curve.</p>"),
         load(hard)},
        {tr("What it saved"),
         tr("<p>The <b>savings</b> panel compares with the full model on the same input: layers saved (the paper's "
            "two definitions), floating-point operations saved, and the compute time measured in the "
            "background.</p><p>Easy inputs save more than hard ones: that is the point of exiting per input.</p>"),
         {}},
        {tr("Your turn"),
         tr("<p>Drag a dashed threshold line, or a slider on the left, and watch the exits, the answer and the "
            "savings follow. Pin a run (Ctrl+P) to keep it on the plot for comparison.</p><p>The <b>Data set</b> "
            "tab shows what a threshold does over hundreds of scenes. Every view has a <b>?</b> that explains "
            "it.</p>"),
         {}},
    };
    tour_ = new GuidedTour(std::move(steps), this);
    tour_->setAttribute(Qt::WA_DeleteOnClose);
    tour_->show();
}

void MainWindow::showRecord(const RunRecord& record) {
    current_ = record;
    const auto& result = *record.result;
    const auto& trace = result.trace;
    plot_->setTrace(trace);
    updateTokenChoices();
    diagram_->setTrace(trace);
    output_->setResult(trace, QString::fromStdString(result.prediction), answerProbabilities(result));
    heatmap_->setTrace(trace);
    showSavings(record);
    pinAction_->setChecked(history_->pinned() == record.id);
    updateStatus();
    if (offerTour_) {
        offerTour_ = false;
        QSettings settings;
        if (!settings.value(QStringLiteral("tour/shown"), false).toBool()) {
            settings.setValue(QStringLiteral("tour/shown"), true);
            QTimer::singleShot(0, this, &MainWindow::startTour);
        }
    }
    Q_EMIT resultShown(record.id);
}

void MainWindow::showSavings(const RunRecord& record) {
    const auto& trace = record.result->trace;
    mue::Savings s = trace.savings;
    if (const auto measured = measuredReduction(record)) {
        s.compute_ms = *record.computeMs;
        s.full_compute_ms = record.fullComputeMs;
        s.measured_reduction = measured;
    }
    // The panel says "measuring…" while the timing is on its way.
    mue::RunTrace shown = trace;
    shown.settings.compare_full = controller_->measureFull() && trace.settings.policy != mue::ExitPolicy::Full;
    savings_->setSavings(s, shown);
}

void MainWindow::updateTokenChoices() {
    const QSignalBlocker block(tokenBox_);
    const int previous = tokenBox_->currentIndex();
    tokenBox_->clear();
    if (!current_) return;
    for (const auto& token : current_->result->trace.decoder_tokens) {
        tokenBox_->addItem(tr("%1: \"%2\" (exit %3)")
                               .arg(token.step)
                               .arg(widgets::tokenDisplayText(token.text))
                               .arg(token.exit_layer));
    }
    tokenBox_->setEnabled(tokenBox_->count() > 1);
    const int index = std::clamp(previous, 0, std::max(0, tokenBox_->count() - 1));
    tokenBox_->setCurrentIndex(index);
    plot_->setSelectedToken(index);
}

void MainWindow::updateTaskControls() {
    const auto task = static_cast<mue::Task>(taskBox_->currentData().toInt());
    textEdit_->setEnabled(task != mue::Task::Caption);
    switch (task) {
    case mue::Task::Entailment:
        textEdit_->setPlaceholderText(tr("Hypothesis, e.g. \"there is a red circle\""));
        textEdit_->setToolTip(tr("The statement the model judges against the image: yes (entailed), no "
                                 "(contradicted) or maybe (undecidable)."));
        break;
    case mue::Task::Caption:
        textEdit_->setPlaceholderText(tr("Not used: the model describes the image"));
        textEdit_->setToolTip(tr("Captioning uses the model's own prompt; no text is needed."));
        break;
    case mue::Task::Prompt:
        textEdit_->setPlaceholderText(tr("Prompt, e.g. \"what does the image describe?\""));
        textEdit_->setToolTip(tr("Any instruction; the model generates the answer token by token."));
        break;
    }
}

void MainWindow::updateStatus() {
    const auto& model = controller_->model();
    if (model) {
        const auto& info = model->info;
        modelStatus_->setText(tr("Model: %1%2")
                                  .arg(QString::fromStdString(info.model_id))
                                  .arg(info.trained ? QString() : tr(" (UNTRAINED)")));
        modelStatus_->setToolTip(QString::fromStdString(info.description) + QStringLiteral("\n") +
                                 QString::fromStdString(info.folder.string()));
    } else {
        modelStatus_->setText(tr("No model"));
    }
    deviceStatus_->setText(tr("CPU · %n thread(s)", nullptr, mue::intra_op_threads()));
    if (current_) {
        latencyStatus_->setText(tr("Last run %1 ms").arg(QLocale().toString(current_->latencyMs, 'f', 0)));
    }
    const bool haveRun = current_.has_value();
    for (QAction* a : {exportPlotAction_, exportDiagramAction_, exportTraceAction_, pinAction_}) a->setEnabled(haveRun);
    runAction_->setEnabled(controller_->ready());
    runButton_->setEnabled(controller_->ready());
}

void MainWindow::showError(const QString& message) {
    message_->setText(message);
    message_->setVisible(true);
    statusBar()->showMessage(message, kStatusMessageMs);
    Q_EMIT errorShown(message);
}

void MainWindow::clearError() {
    message_->clear();
    message_->setVisible(false);
}

void MainWindow::openImage(const QString& path) {
    lastFolder_ = QFileInfo(path).absolutePath();
    imagePending_ = true;
    expected_->clear();
    controller_->openImage(path);
}

void MainWindow::openModel(const QString& folder) { controller_->openModel(folder); }

void MainWindow::loadSample(const Sample& sample, bool keepText) {
    {
        // One run for the new image, task and text together.
        const bool autoRun = controller_->autoRun();
        controller_->setAutoRun(false);
        if (sample.path.isEmpty()) taskBox_->setCurrentIndex(taskBox_->findData(static_cast<int>(sample.task)));
        if (sample.task != mue::Task::Caption && !keepText) textEdit_->setText(sample.text);
        controller_->setAutoRun(autoRun);
    }
    if (sample.path.isEmpty()) {
        controller_->setImage(toQImage(sample.image), sample.name);
    } else {
        openImage(sample.path);
    }
    expected_->setText(keepText ? QString() : sample.expected);
    updateStatus();
}

void MainWindow::restoreRun(int row) {
    if (row < 0 || row >= history_->rowCount()) return;
    const RunRecord record = history_->record(row);
    LoadedImage image;
    image.rgb = record.image;
    image.source = record.imageSource;
    image.path = record.imagePath;
    setInputs(record.task, record.text, record.settings, image);
    showRecord(record);
}

void MainWindow::setInputs(mue::Task task, const QString& text, const mue::ExitSettings& settings,
                           const std::optional<LoadedImage>& image) {
    // One change of inputs, no run of its own: the caller shows the result that goes with them.
    const bool autoRun = controller_->autoRun();
    controller_->setAutoRun(false);
    taskBox_->setCurrentIndex(taskBox_->findData(static_cast<int>(task)));
    textEdit_->setText(text);
    thresholds_->setSettings(settings);
    plot_->setThresholds(settings);
    controller_->setSettings(settings);
    if (image) controller_->setImage(*image);
    controller_->setAutoRun(autoRun);
}

void MainWindow::pinCurrent(bool pin) {
    if (!current_) return;
    history_->setPinned(pin ? std::optional<RunId>(current_->id) : std::nullopt);
}

const RunRecord* MainWindow::currentRecord() const { return current_ ? &*current_ : nullptr; }

void MainWindow::setTheme(Theme theme) {
    theme_ = theme;
    qApp->setPalette(themePalette(theme));
    for (QAction* a : themeMenu_->actions()) a->setChecked(a->data().toInt() == static_cast<int>(theme));
}

QString MainWindow::dialogFolder() const { return lastFolder_.isEmpty() ? samplesFolder() : lastFolder_; }

void MainWindow::openImageDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), dialogFolder(), imageFilter());
    if (!path.isEmpty()) openImage(path);
}

void MainWindow::openModelDialog() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"), controller_->modelFolder());
    if (!folder.isEmpty()) openModel(folder);
}

void MainWindow::pasteImage() {
    const QImage image = QApplication::clipboard()->image();
    if (image.isNull()) {
        showError(tr("The clipboard holds no image."));
        return;
    }
    expected_->clear();
    controller_->setImage(image, tr("clipboard"));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && mime->urls().front().isLocalFile()) {
        const QString path = mime->urls().front().toLocalFile();
        if (QFileInfo(path).isDir()) {
            openModel(path);  // a dropped folder is a model folder
        } else if (path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)) {
            if (const QString error = openSession(path); !error.isEmpty()) showError(error);
        } else {
            openImage(path);
        }
        event->acceptProposedAction();
    } else if (mime->hasImage()) {
        controller_->setImage(qvariant_cast<QImage>(mime->imageData()), tr("dropped image"));
        event->acceptProposedAction();
    }
}

void MainWindow::exportPlot() {
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Plot"), dialogFolder() + QStringLiteral("/similarity.png"),
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"), &selected);
    if (path.isEmpty()) return;
    QCustomPlot* plot = plot_->customPlot();
    const bool pdf = path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
    const QString error = saveFileAtomically(path, [&](const QString& temporary) {
        return pdf ? plot->savePdf(temporary) : plot->savePng(temporary, 0, 0, /*scale=*/2.0);
    });
    if (!error.isEmpty()) showError(error);
}

void MainWindow::exportDiagram() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Exit Diagram"),
                                                      dialogFolder() + QStringLiteral("/exits.png"), tr("PNG image (*.png)"));
    if (path.isEmpty()) return;
    const QString error =
        saveFileAtomically(path, [&](const QString& temporary) { return diagram_->grab().save(temporary, "PNG"); });
    if (!error.isEmpty()) showError(error);
}

void MainWindow::exportTrace() {
    if (!current_ || !controller_->model()) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Trace"), dialogFolder() + QStringLiteral("/trace.json"),
                                                      tr("JSON trace (*.json);;CSV per-layer table (*.csv)"));
    if (path.isEmpty()) return;
    const bool csv = path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive);
    const QByteArray bytes = csv ? traceCsv(current_->result->trace) : traceJson(*current_, controller_->model()->info);
    const QString error = writeFileAtomically(path, bytes);
    if (!error.isEmpty()) showError(error);
}

QString MainWindow::saveSession(const QString& path) {
    StudioSession session;
    session.modelFolder = controller_->modelFolder();
    session.image = controller_->image();
    session.task = controller_->task();
    session.text = controller_->text();
    session.settings = controller_->settings();
    for (int row = 0; row < history_->rowCount(); ++row) {
        const RunRecord& record = history_->record(row);
        if (history_->pinned() == record.id) session.pinnedRun = row;
        if (current_ && current_->id == record.id) session.currentRun = row;
        session.history.push_back(record);
    }
    session.workspace = workspaces_->currentIndex();
    session.explorer = explorer_->state();
    const QString modelId = controller_->model() ? QString::fromStdString(controller_->model()->info.model_id) : QString();
    return writeFileAtomically(path, sessionJson(session, modelId));
}

QString MainWindow::openSession(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return tr("Cannot read %1: %2").arg(path, file.errorString());
    StudioSession session;
    try {
        session = readSession(file.readAll(), path);
    } catch (const mue::InputError& error) {
        return QString::fromStdString(error.what());
    }
    controller_->cancel();
    setInputs(session.task, session.text, session.settings, session.image);  // the saved result shows; nothing runs

    history_->clear();
    std::vector<RunId> ids;
    for (RunRecord& record : session.history) {
        record.id = controller_->reserveRunId();
        ids.push_back(record.id);
        history_->add(record);
    }
    history_->setPinned(session.pinnedRun ? std::optional<RunId>(ids[static_cast<std::size_t>(*session.pinnedRun)])
                                          : std::nullopt);
    if (session.currentRun) {
        if (const auto row = history_->rowOf(ids[static_cast<std::size_t>(*session.currentRun)])) {
            showRecord(history_->record(*row));
        }
    }
    QStringList problems;
    if (const QString explorerProblem = explorer_->restoreState(session.explorer); !explorerProblem.isEmpty()) {
        problems << explorerProblem;
    }
    workspaces_->setCurrentIndex(session.workspace);
    if (!session.modelFolder.isEmpty() && session.modelFolder != controller_->modelFolder()) {
        if (QFileInfo(session.modelFolder).isDir()) {
            controller_->openModel(session.modelFolder, /*runWhenLoaded=*/false);
        } else {
            problems << tr("its model folder %1 is missing; the saved runs are shown, new runs use the current model")
                            .arg(session.modelFolder);
        }
    }
    if (!problems.isEmpty()) return tr("Opened %1, but %2.").arg(path, problems.join(QStringLiteral("; ")));
    statusBar()->showMessage(tr("Opened the session %1").arg(path), kStatusMessageMs);
    return {};
}

void MainWindow::showAbout() {
    AboutDialog dialog(this);
    dialog.exec();
}

void MainWindow::rememberRecent(const QString& key, const QString& value) {
    QSettings settings;
    QStringList list = settings.value(key).toStringList();
    list.removeAll(value);
    list.prepend(value);
    while (list.size() > kMaxRecent) list.removeLast();
    settings.setValue(key, list);
    rebuildRecentMenus();
}

void MainWindow::rebuildRecentMenus() {
    const QSettings settings;
    recentImagesMenu_->clear();
    for (const QString& path : settings.value(kRecentImagesKey).toStringList()) {
        recentImagesMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openImage(path); })->setToolTip(path);
    }
    recentImagesMenu_->setEnabled(!recentImagesMenu_->isEmpty());
    recentModelsMenu_->clear();
    for (const QString& folder : settings.value(kRecentModelsKey).toStringList()) {
        recentModelsMenu_->addAction(folder, this, [this, folder] { openModel(folder); });
    }
    recentModelsMenu_->setEnabled(!recentModelsMenu_->isEmpty());
}

void MainWindow::rebuildSampleMenu() {
    samplesMenu_->clear();
    for (const Sample& sample : shapesSamples_) {
        QAction* a = samplesMenu_->addAction(sample.name, this, [this, sample] { loadSample(sample); });
        a->setToolTip(sample.task == mue::Task::Entailment ? tr("Hypothesis: %1 (label: %2)").arg(sample.text, sample.expected)
                                                            : tr("References: %1").arg(sample.expected));
    }
    const auto files = fileSamples(samplesFolder());
    if (!files.empty()) samplesMenu_->addSeparator();
    for (const Sample& sample : files) {
        samplesMenu_->addAction(sample.name, this, [this, sample] { loadSample(sample); });
    }
    samplesMenu_->setEnabled(!samplesMenu_->isEmpty());
}

void MainWindow::readSettings() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    mainSplitter_->restoreState(s.value(QStringLiteral("window/mainSplitter")).toByteArray());
    viewSplitter_->restoreState(s.value(QStringLiteral("window/viewSplitter")).toByteArray());
    lastFolder_ = s.value(QStringLiteral("input/lastFolder")).toString();
    const int task = s.value(QStringLiteral("input/task"), static_cast<int>(mue::Task::Entailment)).toInt();
    const int index = taskBox_->findData(task);
    taskBox_->setCurrentIndex(index >= 0 ? index : 0);
    controller_->setTask(static_cast<mue::Task>(taskBox_->currentData().toInt()));
    textEdit_->setText(s.value(QStringLiteral("input/text")).toString());

    const mue::ExitSettings exits = readExitSettings(s);
    thresholds_->setSettings(exits);
    controller_->setSettings(exits);

    const bool autoRun = s.value(QStringLiteral("run/auto"), true).toBool();
    autoRunBox_->setChecked(autoRun);
    autoRunAction_->setChecked(autoRun);
    controller_->setAutoRun(autoRun);
    const bool measure = s.value(QStringLiteral("run/measureFull"), true).toBool();
    measureFullAction_->setChecked(measure);
    controller_->setMeasureFull(measure);
    setTheme(static_cast<Theme>(std::clamp(s.value(QStringLiteral("view/theme"), 0).toInt(), 0, 2)));
    rebuildRecentMenus();
    rebuildSampleMenu();
}

void MainWindow::writeSettings() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/mainSplitter"), mainSplitter_->saveState());
    s.setValue(QStringLiteral("window/viewSplitter"), viewSplitter_->saveState());
    s.setValue(QStringLiteral("input/lastFolder"), lastFolder_);
    s.setValue(QStringLiteral("input/task"), taskBox_->currentData());
    s.setValue(QStringLiteral("input/text"), textEdit_->text());
    writeExitSettings(s, thresholds_->settings());
    s.setValue(QStringLiteral("run/auto"), controller_->autoRun());
    s.setValue(QStringLiteral("run/measureFull"), controller_->measureFull());
    s.setValue(QStringLiteral("view/theme"), static_cast<int>(theme_));
}

void MainWindow::applyOptions(const StudioOptions& options) {
    const bool autoRun = controller_->autoRun();
    controller_->setAutoRun(false);
    if (options.task) taskBox_->setCurrentIndex(taskBox_->findData(static_cast<int>(*options.task)));
    if (options.task && *options.task != mue::Task::Caption) textEdit_->setText(options.text);
    if (options.thresholds) {
        mue::ExitSettings exits = thresholds_->settings();
        exits.policy = mue::ExitPolicy::Mue;
        exits.image_threshold = (*options.thresholds)[0];
        exits.text_threshold = (*options.thresholds)[1];
        exits.decoder_threshold = (*options.thresholds)[2];
        thresholds_->setSettings(exits);
        controller_->setSettings(exits);
    }
    controller_->setAutoRun(autoRun);
    if (options.theme) {
        setTheme(*options.theme == QStringLiteral("dark")    ? Theme::Dark
                 : *options.theme == QStringLiteral("light") ? Theme::Light
                                                             : Theme::System);
    }
    // A session shows its saved result; its own model folder, when it has one, supersedes this one.
    controller_->openModel(options.modelFolder.isEmpty() ? defaultModelFolder() : options.modelFolder,
                           /*runWhenLoaded=*/options.session.isEmpty());
    if (!options.session.isEmpty()) {
        if (const QString error = openSession(options.session); !error.isEmpty()) showError(error);
    }
    if (!options.sweep.isEmpty()) {
        const QString error = explorer_->openSweep(options.sweep);
        if (!error.isEmpty()) {
            showError(error);
        } else {
            workspaces_->setCurrentIndex(1);
        }
    }
    if (!options.image.isEmpty()) openImage(options.image);
}

QString MainWindow::saveScreenshot(const QString& file) {
    if (!grab().save(file, "PNG")) return tr("Cannot write the screenshot %1.").arg(file);
    return {};
}

void MainWindow::closeEvent(QCloseEvent* event) {
    controller_->cancel();
    writeSettings();
    event->accept();
}

}  // namespace mue::studio
