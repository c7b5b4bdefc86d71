#include "sweep_worker.hpp"

#include "json_output.hpp"
#include "trace_export.hpp"

#include <mue/errors.hpp>
#include <mue/evaluation.hpp>

#include <algorithm>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

namespace mue::studio {
namespace {

QString joined(const std::vector<double>& values) {
    QStringList parts;
    for (const double v : values) parts << QString::number(v, 'g', 17);
    return parts.join(QLatin1Char(','));
}

QString joined(const std::vector<int>& values) {
    QStringList parts;
    for (const int v : values) parts << QString::number(v);
    return parts.join(QLatin1Char(','));
}

mue::report::SweepDocument document(const std::vector<mue::SweepPoint>& points, const mue::EvalDataset& dataset,
                                    const std::string& modelId) {
    mue::report::SweepDocument d;
    d.dataset = dataset.name;
    d.split = dataset.split;
    d.task = dataset.task;
    d.model_id = modelId;
    d.n = dataset.items.size();
    d.points = points;
    return d;
}

// A cached sweep, or nullopt; a damaged cache file is removed and the sweep runs again.
std::optional<mue::report::SweepDocument> readCache(const QString& path) {
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) return std::nullopt;
    try {
        return mue::report::read_sweep_json(file.readAll().toStdString(), path.toStdString());
    } catch (const mue::InputError&) {
        file.close();
        QFile::remove(path);
        return std::nullopt;
    }
}

}  // namespace

QString sweepCacheFile(const SweepRequest& r) {
    if (r.cacheFolder.isEmpty()) return {};
    const QFileInfo weights(r.modelFolder + QStringLiteral("/model.safetensors"));
    const auto& g = r.grid;
    const QStringList parts{QFileInfo(r.modelFolder).absoluteFilePath(),
                            QString::number(weights.size()),
                            QString::number(weights.lastModified().toMSecsSinceEpoch()),
                            r.dataset,
                            r.split,
                            QString::number(r.limit),
                            joined(g.image_thresholds),
                            joined(g.text_thresholds),
                            joined(g.decoder_thresholds),
                            QString::number(int{g.include_baselines}),
                            joined(g.entropy_thresholds),
                            joined(g.patience_values),
                            joined(g.confidence_thresholds),
                            joined(g.joint_thresholds),
                            joined(g.static_layers),
                            QString::fromLatin1(mue::sweep_search_name(g.search).data()),
                            QString::number(g.samples),
                            QString::number(g.seed),
                            QString::number(g.min_gap, 'g', 17),
                            QString::number(g.max_gap, 'g', 17),
                            QString::number(g.rounds),
                            QString::number(g.refine_samples)};
    const QByteArray key = QCryptographicHash::hash(parts.join(QLatin1Char('\n')).toUtf8(), QCryptographicHash::Sha1);
    return r.cacheFolder + QStringLiteral("/sweep-") + QString::fromLatin1(key.toHex()) + QStringLiteral(".json");
}

SweepWorker::SweepWorker(QObject* parent) : QObject(parent) {}

SweepWorker::~SweepWorker() = default;

const mue::Engine& SweepWorker::engine(const QString& folder) {
    if (!engine_ || folder != engineFolder_) {
        engine_ = std::make_unique<mue::Engine>(mue::Engine::load(folder.toStdString()));
        engineFolder_ = folder;
    }
    return *engine_;
}

void SweepWorker::run(const SweepRequest& request) {
    QElapsedTimer clock;
    clock.start();
    auto outcome = std::make_shared<SweepOutcome>();
    outcome->id = request.id;
    outcome->kind = request.kind;
    const QString cacheFile = request.kind == SweepRequest::Kind::Sweep ? sweepCacheFile(request) : QString();
    try {
        auto cached = readCache(cacheFile);
        if (cached && cached->complete) {
            outcome->document = std::move(*cached);
            outcome->fromCache = true;
            Q_EMIT finished(outcome);
            return;
        }
        const mue::Engine& e = engine(request.modelFolder);
        const auto onProgress = [&](std::size_t done, std::size_t total) {
            Q_EMIT progress(request.id, static_cast<int>(done), static_cast<int>(total),
                            static_cast<double>(clock.elapsed()) / 1000.0);
        };
        if (request.kind == SweepRequest::Kind::Compare) {
            auto dataset = std::make_shared<mue::EvalDataset>(mue::load_eval_dataset(
                request.dataset.toStdString(), request.split.toStdString(), static_cast<std::size_t>(request.limit),
                e.info().image_size));
            const std::size_t n = dataset->items.size();
            // Progress over both passes: the full model first, then the setting.
            outcome->full = mue::evaluate(e, *dataset, mue::ExitSettings::preset("no-exits"), {}, request.cancel.get(),
                                          [&](std::size_t done, std::size_t) { onProgress(done, 2 * n); });
            outcome->compared = mue::evaluate(e, *dataset, request.settings, {}, request.cancel.get(),
                                              [&](std::size_t done, std::size_t) { onProgress(n + done, 2 * n); });
            outcome->items = std::move(dataset);
        } else if (request.kind == SweepRequest::Kind::Profile) {
            const auto dataset = mue::load_eval_dataset(request.dataset.toStdString(), request.split.toStdString(),
                                                        static_cast<std::size_t>(request.limit), e.info().image_size);
            mue::ExitSettings settings = request.settings;
            settings.what_if = true;
            const auto perBatch = [&](std::size_t done, std::size_t total) { onProgress(done, total); };
            outcome->profile = mue::evaluate(e, dataset, settings, {}, request.cancel.get(), perBatch);
        } else if (request.kind == SweepRequest::Kind::Tune) {
            outcome->tune = mue::tune(e, request.dataset.toStdString(), request.targetRetention, request.grid, {},
                                      static_cast<std::size_t>(request.limit), request.cancel.get(), onProgress,
                                      request.confidence);
        } else {
            const auto dataset = mue::load_eval_dataset(request.dataset.toStdString(), request.split.toStdString(),
                                                        static_cast<std::size_t>(request.limit), e.info().image_size);
            // An interrupted run of this sweep left its points in the cache: they are not evaluated again.
            const std::vector<mue::SweepPoint> finishedBefore = cached ? cached->points : std::vector<mue::SweepPoint>{};
            const auto points =
                mue::sweep(e, dataset, request.grid, {}, request.cancel.get(), onProgress, finishedBefore);
            outcome->resumed = static_cast<std::size_t>(std::count_if(points.begin(), points.end(), [&](const auto& p) {
                return std::any_of(finishedBefore.begin(), finishedBefore.end(), [&](const mue::SweepPoint& f) {
                    return f.label == p.label && f.settings == p.settings;
                });
            }));
            outcome->document = document(points, dataset, e.info().model_id);
            // A cancelled sweep returns the points it finished: usable, and kept so the next start resumes.
            outcome->complete = !request.cancel->cancelled();
            outcome->document.complete = outcome->complete;
            if (!cacheFile.isEmpty() && !points.empty()) {
                QDir().mkpath(request.cacheFolder);
                const auto json = mue::report::sweep_json(points, dataset, e.info().model_id, outcome->complete);
                // A cache that cannot be written costs only speed next time.
                (void)writeFileAtomically(cacheFile, QByteArray::fromStdString(json.dump(1)));
            }
        }
    } catch (const mue::Cancelled&) {
        outcome->complete = false;
    } catch (const std::exception& error) {
        Q_EMIT failed(request.id, QString::fromStdString(error.what()));
        return;
    }
    outcome->seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    Q_EMIT finished(outcome);
}

}  // namespace mue::studio
