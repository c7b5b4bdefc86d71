#include "history_model.hpp"

#include <QFont>
#include <QLocale>

#include <algorithm>

namespace mue::studio {

QString taskLabel(mue::Task task) {
    switch (task) {
    case mue::Task::Caption:
        return HistoryModel::tr("Caption");
    case mue::Task::Entailment:
        return HistoryModel::tr("Entailment");
    case mue::Task::Prompt:
        return HistoryModel::tr("Prompt");
    }
    return {};
}

QString policyLabel(mue::ExitPolicy policy) {
    switch (policy) {
    case mue::ExitPolicy::Full:
        return HistoryModel::tr("Full model");
    case mue::ExitPolicy::Mue:
        return HistoryModel::tr("MuE");
    case mue::ExitPolicy::Joint:
        return HistoryModel::tr("Joint");
    case mue::ExitPolicy::Static:
        return HistoryModel::tr("Static");
    case mue::ExitPolicy::DeeBert:
        return HistoryModel::tr("DeeBERT");
    case mue::ExitPolicy::Pabee:
        return HistoryModel::tr("PABEE");
    case mue::ExitPolicy::Confidence:
        return HistoryModel::tr("Confidence");
    }
    return {};
}

QString thresholdsLabel(const mue::ExitSettings& s) {
    const auto n = [](double v) { return QString::number(v, 'g', 5); };
    switch (s.policy) {
    case mue::ExitPolicy::Full:
        return QStringLiteral("—");
    case mue::ExitPolicy::Mue:
        return n(s.image_threshold) + QStringLiteral(" / ") + n(s.text_threshold) + QStringLiteral(" / ") + n(s.decoder_threshold);
    case mue::ExitPolicy::Joint:
        return n(s.joint_threshold) + QStringLiteral(" / ") + n(s.decoder_threshold);
    case mue::ExitPolicy::Static:
        return HistoryModel::tr("%1 / %2 / %3 layers")
            .arg(s.static_image_layers)
            .arg(s.static_text_layers)
            .arg(s.static_decoder_layers);
    case mue::ExitPolicy::DeeBert:
        return HistoryModel::tr("entropy < %1").arg(n(s.entropy_threshold));
    case mue::ExitPolicy::Pabee:
        return HistoryModel::tr("patience %1").arg(s.patience);
    case mue::ExitPolicy::Confidence:
        return HistoryModel::tr("top-1 > %1").arg(n(s.confidence_threshold));
    }
    return {};
}

QString exitsLabel(const mue::RunTrace& trace) {
    double decoder = 0;
    for (const auto& token : trace.decoder_tokens) decoder += token.exit_layer;
    if (!trace.decoder_tokens.empty()) decoder /= static_cast<double>(trace.decoder_tokens.size());
    return HistoryModel::tr("%1 · %2 · %3")
        .arg(trace.image.exit_layer)
        .arg(trace.text.exit_layer)
        .arg(QString::number(decoder, 'f', 1));
}

std::optional<double> measuredReduction(const RunRecord& record) {
    if (!record.computeMs || !record.fullComputeMs || *record.fullComputeMs <= 0) return std::nullopt;
    return 1.0 - *record.computeMs / *record.fullComputeMs;
}

HistoryModel::HistoryModel(QObject* parent) : QAbstractTableModel(parent) {}

int HistoryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(records_.size());
}

int HistoryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Input:
            return tr("Input");
        case Task:
            return tr("Task");
        case Text:
            return tr("Text");
        case Policy:
            return tr("Policy");
        case Thresholds:
            return tr("Thresholds");
        case Exits:
            return tr("Exits I · T · D");
        case Saving:
            return tr("Saving");
        case Prediction:
            return tr("Prediction");
        case Latency:
            return tr("Latency");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Thresholds:
            return tr("The policy's thresholds: image / text / decoder similarity for MuE.");
        case Exits:
            return tr("Layers the image stream, the text stream and (mean over tokens) the decoder ran.");
        case Saving:
            return tr("Expected reduction (mean definition), and in brackets the measured wall-time reduction.");
        case Latency:
            return tr("Time from the request to the result, as you waited for it.");
        default:
            return {};
        }
    }
    return {};
}

QVariant HistoryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const RunRecord& r = records_[static_cast<std::size_t>(index.row())];
    const auto& trace = r.result->trace;
    const bool isPinned = pinned_ == r.id;
    if (role == Qt::DecorationRole && index.column() == Input) return r.thumbnail;
    if (role == Qt::FontRole && isPinned) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::ToolTipRole && index.column() == Input) {
        return isPinned ? tr("%1 (pinned reference)").arg(r.imageSource) : r.imageSource;
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Saving || index.column() == Latency)) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole) return {};
    const QLocale locale;
    switch (index.column()) {
    case Input:
        return (isPinned ? QStringLiteral("◆ ") : QString()) + QStringLiteral("#%1").arg(r.id);
    case Task:
        return taskLabel(r.task);
    case Text:
        return r.task == mue::Task::Caption ? QString() : r.text;
    case Policy:
        return policyLabel(r.settings.policy);
    case Thresholds:
        return thresholdsLabel(r.settings);
    case Exits:
        return exitsLabel(trace);
    case Saving: {
        QString text = locale.toString(100.0 * trace.savings.expected_reduction_mean, 'f', 1) + QStringLiteral(" %");
        if (const auto measured = measuredReduction(r)) {
            text += QStringLiteral(" (") + locale.toString(100.0 * *measured, 'f', 1) + QStringLiteral(" %)");
        }
        return text;
    }
    case Prediction:
        return QString::fromStdString(r.result->prediction);
    case Latency:
        return tr("%1 ms").arg(locale.toString(r.latencyMs, 'f', 0));
    default:
        return {};
    }
}

void HistoryModel::add(const RunRecord& record) {
    if (static_cast<int>(records_.size()) >= kMaxRuns) {
        const auto oldest = std::find_if(records_.begin(), records_.end(),
                                         [&](const RunRecord& r) { return pinned_ != r.id; });
        const int row = static_cast<int>(oldest - records_.begin());
        beginRemoveRows({}, row, row);
        records_.erase(oldest);
        endRemoveRows();
    }
    const int row = rowCount();
    beginInsertRows({}, row, row);
    records_.push_back(record);
    endInsertRows();
}

void HistoryModel::setTiming(RunId id, double computeMs, double fullComputeMs) {
    const auto row = rowOf(id);
    if (!row) return;
    records_[static_cast<std::size_t>(*row)].computeMs = computeMs;
    records_[static_cast<std::size_t>(*row)].fullComputeMs = fullComputeMs;
    Q_EMIT dataChanged(index(*row, Saving), index(*row, Saving));
}

void HistoryModel::clear() {
    beginResetModel();
    records_.clear();
    endResetModel();
    setPinned(std::nullopt);
}

std::optional<int> HistoryModel::rowOf(RunId id) const {
    const auto it = std::find_if(records_.begin(), records_.end(), [&](const RunRecord& r) { return r.id == id; });
    if (it == records_.end()) return std::nullopt;
    return static_cast<int>(it - records_.begin());
}

void HistoryModel::setPinned(std::optional<RunId> id) {
    if (id && !rowOf(*id)) id.reset();
    if (id == pinned_) return;
    const auto previous = pinned_;
    pinned_ = id;
    for (const auto changed : {previous, id}) {
        if (!changed) continue;
        if (const auto row = rowOf(*changed)) Q_EMIT dataChanged(index(*row, 0), index(*row, ColumnCount - 1));
    }
    Q_EMIT pinnedChanged(id);
}

const RunRecord* HistoryModel::pinnedRecord() const {
    if (!pinned_) return nullptr;
    const auto row = rowOf(*pinned_);
    return row ? &records_[static_cast<std::size_t>(*row)] : nullptr;
}

}  // namespace mue::studio
