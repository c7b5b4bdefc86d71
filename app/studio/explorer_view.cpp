#include "explorer_view.hpp"

#include "cross_thread.hpp"
#include "history_model.hpp"
#include "studio_options.hpp"
#include "trace_export.hpp"

#include <mue/errors.hpp>
#include <mue_widgets/palette.hpp>
#include <mue_widgets/qcustomplot.hpp>
#include <mue_widgets/similarity_plot.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>

namespace mue::studio {
namespace {

constexpr int kDefaultLimit = 200;
constexpr int kMaxLimit = 100'000;
constexpr double kPercent = 100.0;
constexpr double kPointSize = 9.0;
constexpr double kFullPointSize = 14.0;
constexpr double kClickRadiusPx = 12.0;
constexpr double kLegendColumnStretch = 0.001;  // as narrow as the legend
constexpr int kMaxSearchSamples = 10'000;
constexpr int kMaxSearchRounds = 20;
constexpr double kDefaultTuneConfidence = 0.9;
const char* const kDefaultGrid = "0.9,0.95,0.99,1";

enum TableColumn { Label, Policy, Score, Retention, Expected, TokenWeighted, Flops, Pareto, ColumnCount };

QString percent(double share) { return QLocale().toString(kPercent * share, 'f', 1) + QStringLiteral(" %"); }

QString duration(double seconds) {
    const auto s = static_cast<long>(std::lround(seconds));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QColor policyColor(mue::ExitPolicy policy) {
    const widgets::Palette palette;
    switch (policy) {
    case mue::ExitPolicy::Full:
        return Qt::black;
    case mue::ExitPolicy::Mue:
        return palette.image;
    case mue::ExitPolicy::Joint:
        return palette.decoder;
    case mue::ExitPolicy::Static:
        return QColor(0x99, 0x99, 0x99);
    case mue::ExitPolicy::DeeBert:
        return palette.text;
    case mue::ExitPolicy::Pabee:
        return QColor(0x00, 0x9E, 0x73);
    case mue::ExitPolicy::Confidence:
        return QColor(0xD5, 0x5E, 0x00);
    }
    return Qt::black;
}

}  // namespace

ExplorerView::ExplorerView(QWidget* parent)
    : QWidget(parent),
      cacheFolder_(QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/sweeps")) {
    worker_ = new SweepWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.setObjectName(QStringLiteral("mue-sweep"));

    // Data set and grid.
    auto* setup = new QGroupBox(tr("Data set and thresholds"));
    auto* form = new QFormLayout(setup);
    dataset_ = new QComboBox;
    dataset_->addItem(tr("Shapes world: visual entailment"), QStringLiteral("shapes-ve"));
    dataset_->addItem(tr("Shapes world: captioning"), QStringLiteral("shapes-caption"));
    dataset_->addItem(tr("Folder with data.tsv…"), QString());
    dataset_->setToolTip(tr("The items to evaluate: a built-in benchmark, or your own folder of images and a data.tsv."));
    split_ = new QComboBox;
    split_->addItem(tr("validation"), QStringLiteral("validation"));
    split_->addItem(tr("test"), QStringLiteral("test"));
    split_->setToolTip(tr("Choose thresholds on the validation split and report them on the test split."));
    limit_ = new QSpinBox;
    limit_->setRange(0, kMaxLimit);
    limit_->setValue(kDefaultLimit);
    limit_->setSpecialValueText(tr("all"));
    limit_->setToolTip(tr("How many items (the first ones) each setting is evaluated on; 0 means all."));
    auto* datasetRow = new QHBoxLayout;
    datasetRow->addWidget(dataset_, 1);
    datasetRow->addWidget(split_);
    datasetRow->addWidget(new QLabel(tr("items:")));
    datasetRow->addWidget(limit_);
    form->addRow(tr("Data set:"), datasetRow);
    const std::array<QString, 3> gridNames{tr("Image thresholds:"), tr("Text thresholds:"), tr("Decoder thresholds:")};
    for (std::size_t i = 0; i < grids_.size(); ++i) {
        grids_[i] = new QLineEdit(QString::fromLatin1(kDefaultGrid));
        grids_[i]->setToolTip(tr("Comma-separated similarity thresholds for this stream; every combination of the "
                                 "three lists is one MuE setting. 1 never exits."));
        form->addRow(gridNames[i], grids_[i]);
    }
    search_ = new QComboBox;
    search_->addItem(tr("Grid"), QStringLiteral("grid"));
    search_->addItem(tr("Random"), QStringLiteral("random"));
    search_->addItem(tr("Adaptive"), QStringLiteral("adaptive"));
    search_->setToolTip(tr("Grid: every combination of the three lists. Random: settings drawn at random, dense near 1. "
                           "Adaptive: random settings first, then rounds of settings drawn around the Pareto front."));
    samples_ = new QSpinBox;
    samples_->setRange(1, kMaxSearchSamples);
    samples_->setValue(static_cast<int>(mue::SweepGrid{}.samples));
    samples_->setToolTip(tr("Random and adaptive: how many settings are drawn first (adaptive: also per round)."));
    rounds_ = new QSpinBox;
    rounds_->setRange(0, kMaxSearchRounds);
    rounds_->setValue(mue::SweepGrid{}.rounds);
    rounds_->setToolTip(tr("Adaptive: rounds of settings drawn around the Pareto front found so far."));
    seed_ = new QSpinBox;
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setValue(static_cast<int>(mue::SweepGrid{}.seed));
    seed_->setToolTip(tr("The same seed draws the same settings, so a cancelled search resumes where it stopped."));
    gapRange_ = new QLineEdit(QStringLiteral("%1, %2").arg(mue::SweepGrid{}.min_gap).arg(mue::SweepGrid{}.max_gap));
    gapRange_->setToolTip(tr("Random and adaptive: the range of 1 − threshold the settings are drawn from "
                             "(0.0001, 0.05 is thresholds 0.9999 to 0.95)."));
    auto* searchRow = new QHBoxLayout;
    searchRow->addWidget(search_);
    searchRow->addWidget(new QLabel(tr("settings:")));
    searchRow->addWidget(samples_);
    searchRow->addWidget(new QLabel(tr("rounds:")));
    searchRow->addWidget(rounds_);
    searchRow->addWidget(new QLabel(tr("seed:")));
    searchRow->addWidget(seed_);
    searchRow->addWidget(new QLabel(tr("1 − θ from, to:")));
    searchRow->addWidget(gapRange_, 1);
    form->addRow(tr("Search:"), searchRow);
    connect(search_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { updateSearchControls(); });
    updateSearchControls();
    baselines_ = new QCheckBox(tr("Also sweep the baselines (DeeBERT, PABEE, confidence, joint exit, static depth)"));
    baselines_->setToolTip(tr("Adds the baseline policies at their default settings, to compare at equal score."));
    form->addRow(baselines_);

    auto* buttons = new QHBoxLayout;
    sweepButton_ = new QPushButton(tr("Sweep"));
    sweepButton_->setToolTip(tr("Evaluate the full model and every setting of the grid on the data set."));
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setToolTip(tr("Stop the sweep; the settings finished so far stay on the plot."));
    cancelButton_->setEnabled(false);
    auto* openButton = new QPushButton(tr("Open Sweep…"));
    openButton->setToolTip(tr("Show a sweep written by `mue sweep --out PREFIX` (the PREFIX.json file)."));
    progress_ = new QProgressBar;
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(14);
    status_ = new QLabel;
    status_->setWordWrap(true);
    buttons->addWidget(sweepButton_);
    profileButton_ = new QPushButton(tr("Profile Layers"));
    profileButton_->setToolTip(tr("Run every layer once on the data set under the single-input workspace's policy: "
                                  "per-layer similarity of each stream, and where the policy would exit by difficulty."));
    buttons->addWidget(profileButton_);
    compareButton_ = new QPushButton(tr("Worst Examples"));
    compareButton_->setToolTip(tr("Run the full model and the single-input workspace's settings on the items, and list "
                                  "the examples whose score changes most."));
    buttons->addWidget(compareButton_);
    buttons->addWidget(cancelButton_);
    buttons->addWidget(openButton);
    auto* exportButton = new QPushButton(tr("Export…"));
    exportButton->setToolTip(tr("Save the visible chart as PNG or PDF (the profile tab writes FILE and "
                                "FILE-difficulty), or the table of settings as CSV."));
    buttons->addWidget(exportButton);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export"), QStringLiteral("sweep.png"),
                                                          tr("PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)"));
        if (path.isEmpty()) return;
        const QString error = path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)
                                  ? writeFileAtomically(path, pointsCsv())
                                  : exportChart(path);
        if (!error.isEmpty()) {
            status_->setText(error);
            Q_EMIT errorShown(error);
        }
    });
    buttons->addWidget(progress_, 1);
    form->addRow(buttons);
    form->addRow(status_);

    auto* tuneGroup = new QGroupBox(tr("Auto-tune"));
    auto* tuneLayout = new QHBoxLayout(tuneGroup);
    target_ = new QDoubleSpinBox;
    target_->setRange(kMinTargetRetention, /*max=*/1.0);
    target_->setDecimals(3);
    target_->setSingleStep(0.005);
    target_->setValue(0.99);
    target_->setToolTip(tr("The least share of the full model's score to keep, e.g. 0.99 for 99 %."));
    // Off by default: the validation retention alone decides, as `mue tune` without --confidence.
    confidenceOn_ = new QCheckBox(tr("with confidence"));
    confidenceOn_->setToolTip(tr("Accept a setting only when a bootstrap lower bound of its validation retention, at "
                                 "this confidence, reaches the target too. A few hundred validation items overstate "
                                 "retention: on 300, a setting kept 99.4 % on validation and 86 % on test."));
    confidence_ = new QDoubleSpinBox;
    confidence_->setRange(kMinTuneConfidence, kMaxTuneConfidence);
    confidence_->setDecimals(2);
    confidence_->setSingleStep(0.01);
    confidence_->setValue(kDefaultTuneConfidence);
    confidence_->setEnabled(false);
    confidence_->setToolTip(tr("How sure the lower bound must be, e.g. 0.90: the retention is at least the target "
                               "with this probability (a bootstrap over the validation items)."));
    connect(confidenceOn_, &QCheckBox::toggled, confidence_, &QWidget::setEnabled);
    tuneButton_ = new QPushButton(tr("Tune on Validation"));
    tuneButton_->setToolTip(tr("Choose the grid setting that saves the most layers while keeping the target share on "
                               "the validation split, then report it on the test split (shapes data sets)."));
    tuneResult_ = new QLabel;
    tuneResult_->setWordWrap(true);
    tuneResult_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    tuneLayout->addWidget(new QLabel(tr("Keep at least")));
    tuneLayout->addWidget(target_);
    tuneLayout->addWidget(confidenceOn_);
    tuneLayout->addWidget(confidence_);
    tuneLayout->addWidget(tuneButton_);
    tuneLayout->addWidget(tuneResult_, 1);
    useTuned_ = new QPushButton(tr("Use These Thresholds"));
    useTuned_->setToolTip(tr("Load the tuned thresholds into the single-input workspace."));
    useTuned_->setEnabled(false);
    tuneLayout->addWidget(useTuned_);
    connect(useTuned_, &QPushButton::clicked, this, [this] {
        if (tune_) Q_EMIT settingsChosen(tune_->settings);
    });

    plot_ = new QCustomPlot;
    plot_->setMinimumHeight(260);
    plot_->xAxis->setLabel(tr("expected reduction (mean), %"));
    plot_->yAxis->setLabel(tr("score"));
    // The legend gets its own column right of the axes, where it cannot cover a point.
    plot_->legend->setVisible(true);
    auto* legendColumn = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(0, 1, legendColumn);
    legendColumn->addElement(0, 0, plot_->legend);
    legendColumn->setMargins(QMargins(0, 8, 8, 0));
    plot_->plotLayout()->setColumnStretchFactor(1, kLegendColumnStretch);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->setToolTip(tr("Each point is one setting: its score against the layers it saved. The line joins the Pareto "
                         "front. Click a point to load its settings into the single-input workspace."));

    points_ = new QStandardItemModel(0, ColumnCount, this);
    points_->setHorizontalHeaderLabels({tr("Setting"), tr("Policy"), tr("Score"), tr("Retention"),
                                        tr("Expected (mean)"), tr("Expected (token-weighted)"), tr("FLOPs"),
                                        tr("Pareto")});
    table_ = new QTableView;
    table_->setModel(points_);
    table_->setSortingEnabled(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(Label, QHeaderView::Stretch);
    table_->setToolTip(tr("Every evaluated setting. Double-click one to load it into the single-input workspace."));

    histograms_ = new QCustomPlot;
    histograms_->setMinimumWidth(300);
    histograms_->xAxis->setLabel(tr("exit layer"));
    histograms_->yAxis->setLabel(tr("share, %"));
    histograms_->legend->setVisible(true);
    histograms_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    histograms_->plotLayout()->insertRow(0);
    histograms_->plotLayout()->addElement(0, 0, new QCPTextElement(histograms_, tr("Exit layers")));
    auto layerTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    layerTicker->setTickStep(1.0);
    histograms_->xAxis->setTicker(layerTicker);
    histograms_->setToolTip(tr("Where the examples of the selected setting exited: the share of examples per exit "
                               "layer for each encoder stream, and of decoded tokens for the decoder."));

    auto* charts = new QSplitter(Qt::Horizontal);
    charts->addWidget(plot_);
    charts->addWidget(histograms_);
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 2);
    profile_ = new QCustomPlot;
    profile_->xAxis->setLabel(tr("layer i"));
    profile_->yAxis->setLabel(tr("1 - cos, mean ± std (log scale)"));
    profile_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    profile_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    profile_->yAxis->setNumberFormat(QStringLiteral("eb"));
    profile_->yAxis->setNumberPrecision(0);
    auto profileTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    profileTicker->setTickStep(1.0);
    profile_->xAxis->setTicker(profileTicker);
    profile_->legend->setVisible(true);
    profile_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    profile_->setToolTip(tr("How much each layer still changes each stream, over the whole data set (the paper's "
                            "Figure 3): where the curves fall below a threshold, that stream exits."));
    difficulty_ = new QCustomPlot;
    difficulty_->xAxis->setLabel(tr("scene difficulty"));
    difficulty_->yAxis->setLabel(tr("mean exit layer"));
    difficulty_->yAxis2->setLabel(tr("accuracy"));
    difficulty_->legend->setVisible(true);
    difficulty_->plotLayout()->insertRow(0);
    difficulty_->plotLayout()->addElement(0, 0, new QCPTextElement(difficulty_, tr("Exit layer against difficulty")));
    // The legend in a row of its own under the axes, where it hides no line.
    auto* difficultyLegend = new QCPLayoutGrid;
    difficulty_->plotLayout()->addElement(2, 0, difficultyLegend);
    difficultyLegend->addElement(0, 0, difficulty_->legend);
    difficulty_->plotLayout()->setRowStretchFactor(2, kLegendColumnStretch);
    difficulty_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    difficulty_->legend->setWrap(2);
    difficulty_->legend->setBorderPen(Qt::NoPen);
    auto difficultyTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    difficultyTicker->setTickStep(1.0);
    difficulty_->xAxis->setTicker(difficultyTicker);
    difficulty_->setToolTip(tr("Where the policy exits on easy and hard scenes: harder scenes should run more layers."));

    views_ = new QTabWidget;
    views_->addTab(charts, tr("Score vs. saving"));
    profileCharts_ = new QSplitter(Qt::Horizontal);
    profileCharts_->addWidget(profile_);
    profileCharts_->addWidget(difficulty_);
    views_->addTab(profileCharts_, tr("Layers and difficulty"));
    worstRows_ = new QStandardItemModel(0, 6, this);
    worstRows_->setHorizontalHeaderLabels({tr("Item"), tr("Difficulty"), tr("Text"), tr("Full model"),
                                           tr("With the setting"), tr("Score change")});
    worst_ = new QTableView;
    worst_->setModel(worstRows_);
    worst_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    worst_->setSelectionBehavior(QAbstractItemView::SelectRows);
    worst_->verticalHeader()->setVisible(false);
    worst_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    worst_->setToolTip(tr("The examples whose score the setting changes most, worst first. Double-click one to open "
                          "it in the single-input workspace under the setting."));
    views_->addTab(worst_, tr("Worst examples"));
    connect(worst_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) { chooseExample(index.row()); });

    auto* results = new QSplitter(Qt::Vertical);
    results->addWidget(views_);
    results->addWidget(table_);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(setup);
    layout->addWidget(tuneGroup);
    layout->addWidget(results, 1);

    connect(dataset_, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        if (!dataset_->itemData(index).toString().isEmpty() || index != dataset_->count() - 1) {
            split_->setEnabled(dataset_->itemData(index).toString().startsWith(QStringLiteral("shapes-")));
            return;
        }
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Data Set Folder"));
        if (folder.isEmpty()) {
            dataset_->setCurrentIndex(0);
            return;
        }
        dataset_->insertItem(index, folder, folder);
        dataset_->setCurrentIndex(index);
        split_->setEnabled(false);
    });
    connect(sweepButton_, &QPushButton::clicked, this, &ExplorerView::startSweep);
    connect(tuneButton_, &QPushButton::clicked, this, &ExplorerView::startTune);
    connect(profileButton_, &QPushButton::clicked, this, &ExplorerView::startProfile);
    connect(compareButton_, &QPushButton::clicked, this, &ExplorerView::startCompare);
    connect(cancelButton_, &QPushButton::clicked, this, &ExplorerView::cancel);
    connect(openButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Sweep"), {}, tr("Sweep JSON (*.json)"));
        if (path.isEmpty()) return;
        const QString error = openSweep(path);
        if (!error.isEmpty()) {
            status_->setText(error);
            Q_EMIT errorShown(error);
        }
    });
    connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        const int index = pointAt(event->position());
        if (index >= 0) choosePoint(index);
    });
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        choosePoint(points_->item(index.row(), Label)->data().toInt());
    });
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid()) showHistograms(points_->item(current.row(), Label)->data().toInt());
            });
    connectQueued(worker_, &SweepWorker::progress, this, [this](quint64 id, int done, int total, double elapsed) {
        if (id != running_) return;
        progress_->setRange(0, total);
        progress_->setValue(done);
        const double left = done > 0 ? elapsed / done * (total - done) : 0;
        status_->setText(tr("%1 of %2 settings · %3 elapsed · about %4 left")
                             .arg(done)
                             .arg(total)
                             .arg(duration(elapsed), duration(left)));
    });
    connectQueued(worker_, &SweepWorker::finished, this, [this](const std::shared_ptr<const SweepOutcome>& outcome) {
        if (outcome->id != running_) return;
        setRunning(0);
        switch (outcome->kind) {
        case SweepRequest::Kind::Sweep:
            display(outcome);
            break;
        case SweepRequest::Kind::Tune:
            if (outcome->tune) {
                showTune(*outcome->tune, outcome->seconds);
            } else {
                status_->setText(tr("Tuning cancelled."));
            }
            break;
        case SweepRequest::Kind::Compare:
            if (outcome->compared) {
                showCompare(outcome);
            } else {
                status_->setText(tr("Comparison cancelled."));
            }
            break;
        case SweepRequest::Kind::Profile:
            if (outcome->profile) {
                showProfile(*outcome->profile);
            } else {
                status_->setText(tr("Profiling cancelled."));
            }
            break;
        }
    });
    connectQueued(worker_, &SweepWorker::failed, this, [this](quint64 id, const QString& message) {
        if (id != running_) return;
        setRunning(0);
        status_->setText(tr("Failed: %1").arg(message));
        Q_EMIT errorShown(message);
    });
    // Last, so that the worker thread starts after every connection to it is made.
    thread_.start();
}

ExplorerView::~ExplorerView() {
    if (cancel_) cancel_->cancel();
    thread_.quit();
    thread_.wait();
}

void ExplorerView::setModelFolder(const QString& folder) { modelFolder_ = folder; }

void ExplorerView::setCacheFolder(const QString& folder) { cacheFolder_ = folder; }

void ExplorerView::startSweep() { start(SweepRequest::Kind::Sweep); }

void ExplorerView::startTune() { start(SweepRequest::Kind::Tune); }

void ExplorerView::startProfile() { start(SweepRequest::Kind::Profile); }

void ExplorerView::startCompare() { start(SweepRequest::Kind::Compare); }

void ExplorerView::start(SweepRequest::Kind kind) {
    if (modelFolder_.isEmpty()) return;
    SweepRequest request;
    request.kind = kind;
    request.modelFolder = modelFolder_;
    request.dataset = dataset_->currentData().toString();
    if (request.dataset.isEmpty()) return;
    const bool builtIn = request.dataset.startsWith(QStringLiteral("shapes-"));
    request.split = builtIn ? split_->currentData().toString() : QString();
    if (kind == SweepRequest::Kind::Tune && !builtIn) {
        status_->setText(tr("Auto-tune needs a shapes data set: it chooses on validation and reports on test."));
        return;
    }
    request.limit = limit_->value();
    const std::array<QString, 3> names{tr("image"), tr("text"), tr("decoder")};
    std::array<std::vector<double>*, 3> lists{&request.grid.image_thresholds, &request.grid.text_thresholds,
                                               &request.grid.decoder_thresholds};
    for (int i = 0; i < 3; ++i) {
        const auto values = parseThresholdList(grids_.at(static_cast<std::size_t>(i))->text());
        if (!values) {
            const QString message = tr("The %1 thresholds must be numbers in [-1, 1] separated by commas.")
                                        .arg(names[static_cast<std::size_t>(i)]);
            status_->setText(message);
            Q_EMIT errorShown(message);
            return;
        }
        *lists[static_cast<std::size_t>(i)] = *values;
    }
    if (!readSearch(request.grid)) return;
    request.grid.include_baselines = baselines_->isChecked() && kind == SweepRequest::Kind::Sweep;
    request.targetRetention = target_->value();
    if (confidenceOn_->isChecked()) request.confidence = confidence_->value();
    request.settings = settingsSource_ ? settingsSource_() : mue::ExitSettings::preset("paper");
    request.cacheFolder = cacheFolder_;
    if (cancel_) cancel_->cancel();
    cancel_ = std::make_shared<mue::CancellationToken>();
    request.cancel = cancel_;
    request.id = nextId_++;
    setRunning(request.id);
    status_->setText(kind == SweepRequest::Kind::Tune      ? tr("Tuning…")
                     : kind == SweepRequest::Kind::Profile ? tr("Profiling every layer…")
                     : kind == SweepRequest::Kind::Compare ? tr("Comparing with the full model…")
                                                           : tr("Sweeping…"));
    postTo(worker_, [worker = worker_, request] { worker->run(request); });
}

void ExplorerView::cancel() {
    if (cancel_) cancel_->cancel();
}

void ExplorerView::updateSearchControls() {
    const auto search = mue::parse_sweep_search(search_->currentData().toString().toStdString());
    const bool drawn = search && *search != mue::SweepSearch::Grid;
    samples_->setEnabled(drawn);
    seed_->setEnabled(drawn);
    gapRange_->setEnabled(drawn);
    rounds_->setEnabled(search == mue::SweepSearch::Adaptive);
    // The decoder list stays in use: the joint-exit baseline pairs with its thresholds.
    grids_[0]->setEnabled(!drawn);
    grids_[1]->setEnabled(!drawn);
}

bool ExplorerView::readSearch(mue::SweepGrid& grid) {
    grid.search = mue::parse_sweep_search(search_->currentData().toString().toStdString()).value_or(mue::SweepSearch::Grid);
    grid.samples = static_cast<std::size_t>(samples_->value());
    grid.refine_samples = grid.samples;
    grid.rounds = rounds_->value();
    grid.seed = static_cast<std::uint64_t>(seed_->value());
    if (grid.search == mue::SweepSearch::Grid) return true;
    const QStringList parts = gapRange_->text().split(QLatin1Char(','));
    bool okMin = false;
    bool okMax = false;
    const double low = parts.size() == 2 ? parts[0].trimmed().toDouble(&okMin) : 0.0;
    const double high = parts.size() == 2 ? parts[1].trimmed().toDouble(&okMax) : 0.0;
    if (!okMin || !okMax || !(low > 0 && low <= high && high < 1)) {
        const QString message = tr("The range of 1 − θ must be two numbers, 0 < from ≤ to < 1, e.g. 0.0001, 0.05.");
        status_->setText(message);
        Q_EMIT errorShown(message);
        return false;
    }
    grid.min_gap = low;
    grid.max_gap = high;
    return true;
}

ExplorerState ExplorerView::state() const {
    ExplorerState st;
    st.dataset = dataset_->currentData().toString();
    st.split = split_->currentData().toString();
    st.limit = limit_->value();
    for (std::size_t i = 0; i < grids_.size(); ++i) st.grids[i] = grids_[i]->text();
    st.baselines = baselines_->isChecked();
    st.search = search_->currentData().toString();
    st.samples = samples_->value();
    st.rounds = rounds_->value();
    st.seed = seed_->value();
    st.gapRange = gapRange_->text();
    st.targetRetention = target_->value();
    if (confidenceOn_->isChecked()) st.tuneConfidence = confidence_->value();
    if (outcome_ && outcome_->kind == SweepRequest::Kind::Sweep) st.sweep = outcome_->document;
    return st;
}

QString ExplorerView::restoreState(const ExplorerState& st) {
    QString problem;
    if (!st.dataset.isEmpty()) {
        int index = dataset_->findData(st.dataset);
        if (index < 0 && !st.dataset.startsWith(QStringLiteral("shapes-"))) {
            index = dataset_->count() - 1;  // before "Folder with data.tsv…"
            dataset_->insertItem(index, st.dataset, st.dataset);
        }
        if (index >= 0) dataset_->setCurrentIndex(index);
        else problem = tr("unknown data set '%1'").arg(st.dataset);
    }
    split_->setEnabled(dataset_->currentData().toString().startsWith(QStringLiteral("shapes-")));
    if (const int index = split_->findData(st.split); index >= 0) split_->setCurrentIndex(index);
    limit_->setValue(st.limit);
    for (std::size_t i = 0; i < grids_.size(); ++i) grids_[i]->setText(st.grids[i]);
    baselines_->setChecked(st.baselines);
    if (const int index = search_->findData(st.search); index >= 0) search_->setCurrentIndex(index);
    samples_->setValue(st.samples);
    rounds_->setValue(st.rounds);
    seed_->setValue(st.seed);
    gapRange_->setText(st.gapRange);
    target_->setValue(st.targetRetention);
    confidenceOn_->setChecked(st.tuneConfidence.has_value());
    if (st.tuneConfidence) confidence_->setValue(*st.tuneConfidence);
    updateSearchControls();
    if (st.sweep) {
        auto outcome = std::make_shared<SweepOutcome>();
        outcome->document = *st.sweep;
        outcome->complete = st.sweep->complete;
        outcome->fromCache = true;
        display(outcome);
    }
    return problem;
}

void ExplorerView::setRunning(quint64 id) {
    running_ = id;
    cancelButton_->setEnabled(id != 0);
    progress_->setRange(0, id != 0 ? 0 : 1);  // busy until the first progress report
    progress_->setValue(0);
}

QString ExplorerView::openSweep(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return tr("Cannot read %1: %2").arg(path, file.errorString());
    auto outcome = std::make_shared<SweepOutcome>();
    try {
        outcome->document = mue::report::read_sweep_json(file.readAll().toStdString(), path.toStdString());
    } catch (const mue::InputError& error) {
        return QString::fromStdString(error.what());
    }
    outcome->complete = outcome->document.complete;
    outcome->fromCache = true;
    display(outcome);
    return {};
}

void ExplorerView::display(const std::shared_ptr<const SweepOutcome>& outcome) {
    outcome_ = outcome;
    const auto& d = outcome->document;
    const bool accuracy = d.task == mue::Task::Entailment;
    const QLocale locale;

    plot_->clearGraphs();
    plottedPoints_.clear();
    std::map<mue::ExitPolicy, QCPGraph*> graphs;
    // Graphs draw in creation order: the full model's star last, on top of points at 0 %.
    std::vector<const mue::SweepPoint*> byPolicy;
    for (const auto& p : d.points) {
        if (p.settings.policy != mue::ExitPolicy::Full) byPolicy.push_back(&p);
    }
    for (const auto& p : d.points) {
        if (p.settings.policy == mue::ExitPolicy::Full) byPolicy.push_back(&p);
    }
    for (const mue::SweepPoint* point : byPolicy) {
        const auto& p = *point;
        QCPGraph*& graph = graphs[p.settings.policy];
        if (graph == nullptr) {
            graph = plot_->addGraph();
            graph->setLineStyle(QCPGraph::lsNone);
            const QCPScatterStyle::ScatterShape shape =
                p.settings.policy == mue::ExitPolicy::Full ? QCPScatterStyle::ssStar : QCPScatterStyle::ssDisc;
            const double size = p.settings.policy == mue::ExitPolicy::Full ? kFullPointSize : kPointSize;
            graph->setScatterStyle(QCPScatterStyle(shape, QPen(policyColor(p.settings.policy), 2.0),
                                                   policyColor(p.settings.policy), size));
            graph->setName(policyLabel(p.settings.policy));
        }
    }
    // Points are added policy by policy so each graph's index matches plottedPoints_ order.
    for (const auto& [policy, graph] : graphs) {
        for (std::size_t i = 0; i < d.points.size(); ++i) {
            const auto& p = d.points[i];
            if (p.settings.policy != policy) continue;
            graph->addData(kPercent * p.savings.expected_reduction_mean, p.score);
        }
    }
    for (const auto& [policy, graph] : graphs) {
        for (std::size_t i = 0; i < d.points.size(); ++i) {
            if (d.points[i].settings.policy == policy) plottedPoints_.push_back(static_cast<int>(i));
        }
    }
    std::vector<std::pair<double, double>> front;
    for (const auto& p : d.points) {
        if (p.pareto) front.emplace_back(kPercent * p.savings.expected_reduction_mean, p.score);
    }
    std::sort(front.begin(), front.end());
    if (!front.empty()) {
        QCPGraph* line = plot_->addGraph();
        QPen pen(palette().color(QPalette::WindowText), 1.2, Qt::DashLine);
        line->setPen(pen);
        line->setName(tr("Pareto front"));
        for (const auto& [x, y] : front) line->addData(x, y);
    }
    plot_->yAxis->setLabel(accuracy ? tr("accuracy") : tr("CIDEr-D"));
    plot_->rescaleAxes();
    plot_->xAxis->scaleRange(1.1);
    plot_->yAxis->scaleRange(1.15);
    plot_->replot();

    points_->removeRows(0, points_->rowCount());
    for (std::size_t i = 0; i < d.points.size(); ++i) {
        const auto& p = d.points[i];
        QList<QStandardItem*> row;
        auto* label = new QStandardItem(QString::fromStdString(p.label));
        label->setData(static_cast<int>(i));
        row << label << new QStandardItem(policyLabel(p.settings.policy));
        const auto number = [&](double value, const QString& text) {
            auto* item = new QStandardItem(text);
            item->setData(value, Qt::UserRole + 2);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return item;
        };
        row << number(p.score, accuracy ? percent(p.score) : locale.toString(p.score, 'f', 1))
            << number(p.retention, percent(p.retention))
            << number(p.savings.expected_reduction_mean, percent(p.savings.expected_reduction_mean))
            << number(p.savings.expected_reduction_token_weighted, percent(p.savings.expected_reduction_token_weighted))
            << number(p.savings.flop_reduction, percent(p.savings.flop_reduction))
            << new QStandardItem(p.pareto ? tr("yes") : QString());
        points_->appendRow(row);
    }
    points_->setSortRole(Qt::UserRole + 2);
    // Open on the MuE setting of the Pareto front that saves the most (else the full model).
    int shownPoint = d.points.empty() ? -1 : 0;
    for (std::size_t i = 0; i < d.points.size(); ++i) {
        const auto& p = d.points[i];
        const auto& shown = d.points[static_cast<std::size_t>(shownPoint)];
        const bool better = shown.settings.policy != mue::ExitPolicy::Mue ||
                            p.savings.expected_reduction_mean > shown.savings.expected_reduction_mean;
        if (p.pareto && p.settings.policy == mue::ExitPolicy::Mue && better) shownPoint = static_cast<int>(i);
    }
    showHistograms(shownPoint);

    QString summary = tr("%n setting(s) on %1 items of %2", nullptr, static_cast<int>(d.points.size()))
                          .arg(d.n)
                          .arg(QString::fromStdString(d.dataset) +
                               (d.split.empty() ? QString() : QStringLiteral(" (%1)").arg(QString::fromStdString(d.split))));
    if (!outcome->complete) summary += tr(" · cancelled: the settings finished so far (Sweep resumes it)");
    if (outcome->resumed > 0) summary += tr(" · %n resumed from the interrupted run", nullptr, static_cast<int>(outcome->resumed));
    if (outcome->fromCache) summary += tr(" · from the cache, or a saved sweep");
    if (outcome->seconds > 0) summary += tr(" · %1").arg(duration(outcome->seconds));
    status_->setText(summary);
    Q_EMIT sweepShown();
}

void ExplorerView::showTune(const mue::TuneResult& tune, double seconds) {
    tune_ = tune;
    const auto& s = tune.settings;
    const bool mue = s.policy == mue::ExitPolicy::Mue;
    const auto n = [](double v) { return QString::number(v, 'g', 4); };
    QString chosen;
    if (!mue) {
        chosen = tune.confidence ? tr("No grid setting kept the target on validation with %1 confidence: the full model.")
                                       .arg(percent(*tune.confidence))
                                 : tr("No grid setting kept the target on validation: the full model.");
    } else {
        chosen = tr("Chosen on validation: image %1 · text %2 · decoder %3.")
                     .arg(n(s.image_threshold), n(s.text_threshold), n(s.decoder_threshold));
        if (tune.confidence && tune.validation_retention_lower_bound) {
            chosen += QStringLiteral(" ") + tr("Validation retention %1 (lower bound %2 at %3 confidence).")
                                                .arg(percent(tune.validation.retention),
                                                     percent(*tune.validation_retention_lower_bound),
                                                     percent(*tune.confidence));
        }
    }
    tuneResult_->setText(
        chosen + QStringLiteral(" ") +
        tr("On test: score %1 (%2 of the full model's %3), expected reduction %4, FLOPs %5.")
            .arg(n(tune.test.score), percent(tune.test_retention), n(tune.full_test_score),
                 percent(tune.test.savings.expected_reduction_mean), percent(tune.test.savings.flop_reduction)));
    status_->setText(tr("Tuned in %1.").arg(duration(seconds)));
    useTuned_->setEnabled(mue);
    Q_EMIT tuneShown();
}

int ExplorerView::pointAt(const QPointF& pixel) const {
    if (!outcome_) return -1;
    int best = -1;
    double bestDistance = kClickRadiusPx;
    const auto& points = outcome_->document.points;
    for (int index : plottedPoints_) {
        const auto& p = points[static_cast<std::size_t>(index)];
        const double x = plot_->xAxis->coordToPixel(kPercent * p.savings.expected_reduction_mean);
        const double y = plot_->yAxis->coordToPixel(p.score);
        const double distance = std::hypot(x - pixel.x(), y - pixel.y());
        if (distance <= bestDistance) {
            bestDistance = distance;
            best = index;
        }
    }
    return best;
}

void ExplorerView::showHistograms(int index) {
    histograms_->clearPlottables();
    histogramPoint_ = -1;
    if (!outcome_ || index < 0 || index >= static_cast<int>(outcome_->document.points.size())) {
        histograms_->replot();
        return;
    }
    histogramPoint_ = index;
    const auto& p = outcome_->document.points[static_cast<std::size_t>(index)];
    const widgets::Palette palette;
    auto* group = new QCPBarsGroup(histograms_);
    const std::array<std::pair<const std::vector<int>*, widgets::Stream>, 3> streams{
        {{&p.histograms.image, widgets::Stream::Image},
         {&p.histograms.text, widgets::Stream::Text},
         {&p.histograms.decoder, widgets::Stream::Decoder}}};
    int layers = 1;
    for (const auto& [counts, stream] : streams) {
        const int total = std::accumulate(counts->begin(), counts->end(), 0);
        if (total == 0) continue;
        auto* bars = new QCPBars(histograms_->xAxis, histograms_->yAxis);
        bars->setName(widgets::streamName(stream, p.settings.policy == mue::ExitPolicy::Joint));
        bars->setPen(Qt::NoPen);
        bars->setBrush(palette.color(stream));
        bars->setWidth(0.25);
        bars->setBarsGroup(group);
        for (std::size_t layer = 0; layer < counts->size(); ++layer) {
            bars->addData(static_cast<double>(layer + 1), kPercent * (*counts)[layer] / total);
        }
        layers = std::max(layers, static_cast<int>(counts->size()));
    }
    if (auto* title = qobject_cast<QCPTextElement*>(histograms_->plotLayout()->element(0, 0))) {
        title->setText(tr("Exit layers: %1").arg(QString::fromStdString(p.label)));
    }
    histograms_->xAxis->setRange(0.4, layers + 0.6);
    histograms_->yAxis->setRange(0, kPercent * 1.05);
    histograms_->replot();
}

void ExplorerView::showProfile(const mue::EvalReport& report) {
    profileReport_ = report;
    const widgets::Palette palette;
    const bool joint = report.settings.policy == mue::ExitPolicy::Joint;
    profile_->clearPlottables();
    using Accessor = const std::vector<float>& (*)(const mue::EvalExample&);
    const std::array<std::pair<widgets::Stream, Accessor>, 3> streams{
        {{widgets::Stream::Image, [](const mue::EvalExample& e) -> const std::vector<float>& { return e.image_similarity; }},
         {widgets::Stream::Text, [](const mue::EvalExample& e) -> const std::vector<float>& { return e.text_similarity; }},
         {widgets::Stream::Decoder,
          [](const mue::EvalExample& e) -> const std::vector<float>& { return e.decoder_similarity; }}}};
    double lowest = 1.0;
    int layers = 1;
    for (const auto& [stream, similarity] : streams) {
        if (joint && stream == widgets::Stream::Text) continue;  // the joint stream is drawn once
        std::vector<double> sum, sumSquares;
        std::vector<int> count;
        for (const auto& e : report.examples) {
            const auto& values = similarity(e);
            if (values.size() > sum.size()) {
                sum.resize(values.size(), 0.0);
                sumSquares.resize(values.size(), 0.0);
                count.resize(values.size(), 0);
            }
            for (std::size_t l = 0; l < values.size(); ++l) {
                const double d = widgets::SimilarityPlot::distance(values[l]);
                sum[l] += d;
                sumSquares[l] += d * d;
                ++count[l];
            }
        }
        if (sum.empty()) continue;
        QCPGraph* graph = profile_->addGraph();
        graph->setName(widgets::streamName(stream, joint));
        graph->setPen(QPen(palette.color(stream), 2.0));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, palette.color(stream), 6.0));
        auto* spread = new QCPErrorBars(profile_->xAxis, profile_->yAxis);
        spread->removeFromLegend();
        spread->setDataPlottable(graph);
        spread->setPen(QPen(palette.color(stream)));
        for (std::size_t l = 0; l < sum.size(); ++l) {
            const double mean = sum[l] / count[l];
            const double deviation = std::sqrt(std::max(0.0, sumSquares[l] / count[l] - mean * mean));
            graph->addData(static_cast<double>(l + 1), mean);
            // On a log axis the lower bar stops short of zero.
            const double below = std::min(deviation, mean * 0.9);
            spread->addData(below, deviation);
            lowest = std::min(lowest, mean - below);
        }
        layers = std::max(layers, static_cast<int>(sum.size()));
    }
    profile_->xAxis->setRange(0.5, layers + 0.5);
    profile_->yAxis->setRange(std::max(widgets::SimilarityPlot::kMinDistance, lowest * 0.5), 2.0);
    profile_->replot();

    difficulty_->clearPlottables();
    QVector<double> x, image, text, decoder, accuracy;
    for (const auto& level : report.difficulty_levels) {
        x << level.difficulty;
        image << level.image_exit_mean;
        text << level.text_exit_mean;
        decoder << level.decoder_exit_mean;
        if (level.accuracy) accuracy << *level.accuracy;
    }
    const std::array<std::tuple<widgets::Stream, QVector<double>*, double>, 3> lines{
        {{widgets::Stream::Image, &image, report.correlations.image_exit},
         {widgets::Stream::Text, &text, report.correlations.text_exit},
         {widgets::Stream::Decoder, &decoder, report.correlations.decoder_exit}}};
    const auto rho = [](double value) { return std::isnan(value) ? QStringLiteral("—") : QString::number(value, 'f', 2); };
    for (const auto& [stream, values, correlation] : lines) {
        if (joint && stream == widgets::Stream::Text) continue;
        QCPGraph* graph = difficulty_->addGraph();
        graph->setName(tr("%1 (Spearman %2)").arg(widgets::streamName(stream, joint), rho(correlation)));
        graph->setPen(QPen(palette.color(stream), 2.0));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, palette.color(stream), 7.0));
        graph->setData(x, *values);
    }
    difficulty_->yAxis2->setVisible(accuracy.size() == x.size() && !x.isEmpty());
    if (difficulty_->yAxis2->visible()) {
        QCPGraph* graph = difficulty_->addGraph(difficulty_->xAxis, difficulty_->yAxis2);
        graph->setName(tr("accuracy (right axis)"));
        graph->setPen(QPen(this->palette().color(QPalette::WindowText), 1.5, Qt::DashLine));
        graph->setData(x, accuracy);
        difficulty_->yAxis2->setRange(0, 1.05);
    }
    const int levels = static_cast<int>(report.difficulty_levels.size());
    difficulty_->xAxis->setRange(x.isEmpty() ? 0 : x.front() - 0.5, x.isEmpty() ? 1 : x.back() + 0.5);
    difficulty_->yAxis->setRange(0, layers + 0.5);
    difficulty_->replot();
    views_->setCurrentIndex(1);
    if (!profileSplit_) {
        // Half each the first time; the user's split after that.
        profileSplit_ = true;
        const int half = std::max(1, profileCharts_->width() / 2);
        profileCharts_->setSizes({half, half});
    }
    status_->setText(tr("Every layer of %1 items under %2 %3; %n difficulty level(s)", nullptr, levels)
                         .arg(report.n)
                         .arg(policyLabel(report.settings.policy), thresholdsLabel(report.settings)));
    Q_EMIT profileShown();
}

void ExplorerView::showCompare(const std::shared_ptr<const SweepOutcome>& outcome) {
    compare_ = outcome;
    const auto& full = *outcome->full;
    const auto& compared = *outcome->compared;
    const bool accuracy = full.task == mue::Task::Entailment;
    std::vector<std::size_t> order(full.examples.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Largest loss first; ties (and gains) keep item order.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return compared.examples[a].score - full.examples[a].score < compared.examples[b].score - full.examples[b].score;
    });
    worstRows_->removeRows(0, worstRows_->rowCount());
    const QLocale locale;
    int changed = 0;
    for (const std::size_t i : order) {
        const auto& a = full.examples[i];
        const auto& b = compared.examples[i];
        const double delta = b.score - a.score;
        if (delta != 0.0 || a.prediction != b.prediction) ++changed;
        const auto& item = outcome->items->items[i];
        QList<QStandardItem*> row;
        auto* name = new QStandardItem(QString::fromStdString(a.id));
        name->setData(static_cast<int>(i));
        row << name
            << new QStandardItem(a.difficulty == mue::kUnknownDifficulty ? QString() : QString::number(a.difficulty))
            << new QStandardItem(QString::fromStdString(accuracy ? item.text : item.references.front()))
            << new QStandardItem(QString::fromStdString(a.prediction))
            << new QStandardItem(QString::fromStdString(b.prediction));
        auto* change = new QStandardItem(accuracy ? (delta < 0 ? tr("now wrong") : delta > 0 ? tr("now right") : QString())
                                                  : locale.toString(100.0 * delta, 'f', 1));
        change->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        row << change;
        worstRows_->appendRow(row);
    }
    views_->setCurrentWidget(worst_);
    status_->setText(tr("%1 of %2 items change under %3 %4 (score %5 → %6)")
                         .arg(changed)
                         .arg(full.examples.size())
                         .arg(policyLabel(compared.settings.policy), thresholdsLabel(compared.settings))
                         .arg(accuracy ? percent(full.score) : locale.toString(100.0 * full.score, 'f', 1))
                         .arg(accuracy ? percent(compared.score) : locale.toString(100.0 * compared.score, 'f', 1)));
    Q_EMIT compareShown();
}

void ExplorerView::chooseExample(int row) {
    if (!compare_ || row < 0 || row >= worstRows_->rowCount()) return;
    const auto index = static_cast<std::size_t>(worstRows_->item(row, 0)->data().toInt());
    const auto& item = compare_->items->items[index];
    mue::RgbImage image = item.image;
    if (image.rgb.empty()) {
        try {
            image = mue::decode_image_file(item.image_path);
        } catch (const mue::InputError& error) {
            status_->setText(QString::fromStdString(error.what()));
            Q_EMIT errorShown(status_->text());
            return;
        }
    }
    Q_EMIT itemChosen(image, compare_->full->task, QString::fromStdString(item.text), QString::fromStdString(item.id),
                      compare_->compared->settings);
}

QByteArray ExplorerView::pointsCsv() const {
    QString out = QStringLiteral("label,policy,score,retention,expected_reduction_mean,expected_reduction_token_weighted,"
                                 "flop_reduction,pareto\n");
    if (outcome_) {
        for (const auto& p : outcome_->document.points) {
            out += QString::fromStdString(p.label) + QLatin1Char(',') +
                   QString::fromUtf8(mue::exit_policy_name(p.settings.policy).data(),
                                     static_cast<int>(mue::exit_policy_name(p.settings.policy).size())) +
                   QLatin1Char(',') + QString::number(p.score, 'g', 10) + QLatin1Char(',') +
                   QString::number(p.retention, 'g', 10) + QLatin1Char(',') +
                   QString::number(p.savings.expected_reduction_mean, 'g', 10) + QLatin1Char(',') +
                   QString::number(p.savings.expected_reduction_token_weighted, 'g', 10) + QLatin1Char(',') +
                   QString::number(p.savings.flop_reduction, 'g', 10) + QLatin1Char(',') +
                   (p.pareto ? QStringLiteral("1") : QStringLiteral("0")) + QLatin1Char('\n');
        }
    }
    return out.toUtf8();
}

QString ExplorerView::exportChart(const QString& path) const {
    if (views_->currentWidget() == worst_) return tr("The worst-examples table has no chart; export the settings as CSV.");
    const bool pdf = path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
    const auto save = [pdf](QCustomPlot* chart, const QString& file) {
        return saveFileAtomically(file, [&](const QString& temporary) {
            return pdf ? chart->savePdf(temporary) : chart->savePng(temporary, 0, 0, /*scale=*/2.0);
        });
    };
    if (views_->currentIndex() == 0) return save(plot_, path);
    // The profile tab has two charts: FILE gets the similarity profile, FILE-difficulty the other.
    const QFileInfo info(path);
    const QString second = info.path() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("-difficulty.") +
                           info.suffix();
    if (QString error = save(profile_, path); !error.isEmpty()) return error;
    return save(difficulty_, second);
}

void ExplorerView::choosePoint(int index) {
    if (!outcome_ || index < 0 || index >= static_cast<int>(outcome_->document.points.size())) return;
    const auto& p = outcome_->document.points[static_cast<std::size_t>(index)];
    status_->setText(tr("Loaded \"%1\" into the single-input workspace.").arg(QString::fromStdString(p.label)));
    Q_EMIT settingsChosen(p.settings);
}

}  // namespace mue::studio
