#include "trace_export.hpp"

#include "json_output.hpp"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <filesystem>
#include <system_error>

namespace mue::studio {
namespace {

struct Text {
    Q_DECLARE_TR_FUNCTIONS(TraceExport)
};

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))) {
        return text;
    }
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString layerState(int layer, int exitLayer, bool exited, int executed) {
    if (layer > executed) return QStringLiteral("skipped");
    return exited && layer == exitLayer ? QStringLiteral("exit") : QStringLiteral("run");
}

void streamRows(QString& out, const QString& name, const mue::StreamTrace& stream, double threshold) {
    for (int layer = 1; layer <= stream.layers; ++layer) {
        const auto executed = static_cast<int>(stream.similarity.size());
        out += name + QStringLiteral(",,,") + QString::number(layer) + QLatin1Char(',');
        if (layer <= executed) out += QString::number(stream.similarity[static_cast<std::size_t>(layer - 1)], 'g', 9);
        out += QLatin1Char(',') + QString::number(threshold, 'g', 9) + QLatin1Char(',') +
               layerState(layer, stream.exit_layer, stream.exited, executed) + QLatin1Char('\n');
    }
}

}  // namespace

QByteArray traceJson(const RunRecord& record, const mue::ModelInfo& model) {
    mue::RunRequest request;
    request.image_path = record.imagePath.toStdString();
    request.task = record.task;
    if (record.task != mue::Task::Caption) request.text = record.text.toStdString();
    request.exits = record.settings;
    const auto json = mue::report::run_result_json(*record.result, request, model);
    return QByteArray::fromStdString(json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
}

QByteArray traceCsv(const mue::RunTrace& trace) {
    QString out = QStringLiteral("stream,step,token,layer,similarity,threshold,state\n");
    if (trace.joint_encoder) {
        streamRows(out, QStringLiteral("joint"), trace.image, trace.settings.joint_threshold);
    } else {
        streamRows(out, QStringLiteral("image"), trace.image, trace.settings.image_threshold);
        streamRows(out, QStringLiteral("text"), trace.text, trace.settings.text_threshold);
    }
    for (const auto& token : trace.decoder_tokens) {
        const auto executed = static_cast<int>(token.similarity.size());
        for (int layer = 1; layer <= trace.decoder_layers; ++layer) {
            out += QStringLiteral("decoder,") + QString::number(token.step) + QLatin1Char(',') +
                   csvField(QString::fromStdString(token.text)) + QLatin1Char(',') + QString::number(layer) + QLatin1Char(',');
            if (layer <= executed) out += QString::number(token.similarity[static_cast<std::size_t>(layer - 1)], 'g', 9);
            out += QLatin1Char(',') + QString::number(token.threshold, 'g', 9) + QLatin1Char(',') +
                   layerState(layer, token.exit_layer, token.exited, executed) + QLatin1Char('\n');
        }
    }
    return out.toUtf8();
}

QString saveFileAtomically(const QString& path, const std::function<bool(const QString& temporary)>& write) {
    const QFileInfo target(path);
    // Hidden, in the same folder (a rename never crosses file systems), named *.tmp-* (.gitignore).
    const QString temporary = target.absolutePath() + QStringLiteral("/.") + target.fileName() + QStringLiteral(".tmp-") +
                              QString::number(QCoreApplication::applicationPid());
    if (!write(temporary)) {
        QFile::remove(temporary);
        return Text::tr("Cannot write %1.").arg(path);
    }
    std::error_code error;
    std::filesystem::rename(temporary.toStdString(), path.toStdString(), error);  // replaces `path` atomically
    if (error) {
        QFile::remove(temporary);
        return Text::tr("Cannot write %1: %2").arg(path, QString::fromStdString(error.message()));
    }
    return {};
}

QString writeFileAtomically(const QString& path, const QByteArray& data) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return Text::tr("Cannot write %1: %2").arg(path, file.errorString());
    }
    if (file.write(data) != data.size() || !file.commit()) {
        return Text::tr("Cannot write %1: %2").arg(path, file.errorString());
    }
    return {};
}

}  // namespace mue::studio
