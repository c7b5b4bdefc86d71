#include "session.hpp"

#include "json_output.hpp"
#include "json_reader.hpp"
#include "run_reader.hpp"

#include <mue/errors.hpp>
#include <mue/image.hpp>

#include <QBuffer>
#include <QDateTime>

#include <map>

namespace mue::studio {
namespace {

constexpr const char* kFormat = "mue-studio-session";
using OrderedJson = nlohmann::ordered_json;
using mue::report::Json;

std::string utf8(const QString& text) { return text.toStdString(); }
QString qstring(const std::string& text) { return QString::fromStdString(text); }
std::string shortest(double value) { return QString::number(value).toStdString(); }  // 0.5, 0.99

// Pixels as PNG: lossless, and decoded on reading by the engine's own checked decoder.
std::string pngBase64(const mue::RgbImage& image) {
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    toQImage(image).save(&buffer, "PNG");
    return png.toBase64().toStdString();
}

// Every distinct image once; runs refer to them by index.
class ImageTable {
public:
    int add(const std::shared_ptr<const mue::RgbImage>& image, const QString& source, const QString& path) {
        const auto found = index_.find(image.get());
        if (found != index_.end()) return found->second;
        const int index = static_cast<int>(rows_.size());
        rows_.push_back({{"source", utf8(source)},
                         {"path", utf8(path)},
                         {"width", image->width},
                         {"height", image->height},
                         {"png_base64", pngBase64(*image)}});
        index_.emplace(image.get(), index);
        return index;
    }
    [[nodiscard]] OrderedJson json() const { return rows_; }

private:
    std::map<const mue::RgbImage*, int> index_;
    OrderedJson rows_ = OrderedJson::array();
};

OrderedJson optionalIndex(const std::optional<int>& index) { return index ? OrderedJson(*index) : OrderedJson(nullptr); }

OrderedJson explorerJson(const ExplorerState& e) {
    OrderedJson out = {{"dataset", utf8(e.dataset)},
                       {"split", utf8(e.split)},
                       {"limit", e.limit},
                       {"grid", {{"image", utf8(e.grids[0])}, {"text", utf8(e.grids[1])}, {"decoder", utf8(e.grids[2])}}},
                       {"baselines", e.baselines},
                       {"search", utf8(e.search)},
                       {"samples", e.samples},
                       {"rounds", e.rounds},
                       {"seed", e.seed},
                       {"gap_range", utf8(e.gapRange)},
                       {"target_retention", e.targetRetention},
                       {"tune_confidence", e.tuneConfidence ? OrderedJson(*e.tuneConfidence) : OrderedJson(nullptr)}};
    if (e.sweep) {
        mue::EvalDataset dataset;
        dataset.name = e.sweep->dataset;
        dataset.split = e.sweep->split;
        dataset.task = e.sweep->task;
        // sweep_json takes the item count from the data set's items; the document keeps only n.
        auto sweep = mue::report::sweep_json(e.sweep->points, dataset, e.sweep->model_id, e.sweep->complete);
        sweep["n"] = e.sweep->n;
        out["sweep"] = std::move(sweep);
    } else {
        out["sweep"] = nullptr;
    }
    return out;
}

class SessionReader {
public:
    explicit SessionReader(const QString& source) : source_(utf8(source)), r_(source_) {}

    StudioSession read(const Json& j) const {
        if (r_.text(j, "format", "session") != kFormat) r_.fail("session.format", std::string("expected \"") + kFormat + "\"");
        const int version = r_.integer(j, "format_version", "session");
        if (version != kSessionFormatVersion) {
            r_.fail("session.format_version", "this build reads version " + std::to_string(kSessionFormatVersion) +
                                                  " (the file has version " + std::to_string(version) + ")");
        }
        StudioSession s;
        s.modelFolder = qstring(r_.text(j, "model_folder", "session"));
        const auto images = readImages(r_.array(j, "images", "session"));
        const Json& input = r_.field(j, "input", "session");
        s.task = task(r_.text(input, "task", "session.input"), "session.input.task");
        s.text = qstring(r_.text(input, "text", "session.input"));
        if (const auto index = optionalIndex(input, "image", "session.input", images.size())) s.image = images[*index];
        s.settings = r_.settings(r_.field(j, "settings", "session"), "session.settings");

        const Json& runs = r_.array(j, "history", "session");
        for (std::size_t i = 0; i < runs.size(); ++i) s.history.push_back(readRun(runs[i], i, images));
        s.pinnedRun = optionalIndex(j, "pinned_run", "session", s.history.size());
        s.currentRun = optionalIndex(j, "current_run", "session", s.history.size());
        const int workspace = r_.integer(j, "workspace", "session");
        if (workspace != 0 && workspace != 1) r_.fail("session.workspace", "expected 0 or 1");
        s.workspace = workspace;
        s.explorer = readExplorer(r_.field(j, "explorer", "session"));
        return s;
    }

private:
    mue::Task task(const std::string& name, const std::string& where) const {
        for (const auto t : {mue::Task::Caption, mue::Task::Entailment, mue::Task::Prompt}) {
            if (name == mue::task_name(t)) return t;
        }
        r_.fail(where, "expected \"caption\", \"entailment\" or \"prompt\"");
    }

    std::optional<int> optionalIndex(const Json& object, const char* key, const std::string& where,
                                     std::size_t count) const {
        const Json& v = r_.field(object, key, where);
        if (v.is_null()) return std::nullopt;
        if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<unsigned long long>() >= count) {
            r_.fail(where + "." + key, "expected null or an index below " + std::to_string(count));
        }
        return v.get<int>();
    }

    std::vector<LoadedImage> readImages(const Json& rows) const {
        std::vector<LoadedImage> out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const std::string where = "session.images[" + std::to_string(i) + "]";
            const Json& row = rows[i];
            LoadedImage image;
            image.source = qstring(r_.text(row, "source", where));
            image.path = qstring(r_.text(row, "path", where));
            const QByteArray encoded = QByteArray::fromStdString(r_.text(row, "png_base64", where));
            const auto png = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
            if (!png) r_.fail(where + ".png_base64", "not valid base64");
            try {
                image.rgb = std::make_shared<const mue::RgbImage>(
                    mue::decode_image_bytes(png.decoded.constData(), static_cast<std::size_t>(png.decoded.size()), where));
            } catch (const mue::InputError& error) {
                r_.fail(where + ".png_base64", error.what());
            }
            if (image.rgb->width != r_.integer(row, "width", where) || image.rgb->height != r_.integer(row, "height", where)) {
                r_.fail(where, "the image's size differs from its width and height");
            }
            out.push_back(std::move(image));
        }
        return out;
    }

    RunRecord readRun(const Json& row, std::size_t i, const std::vector<LoadedImage>& images) const {
        const std::string where = "session.history[" + std::to_string(i) + "]";
        RunRecord record;
        const auto imageIndex = optionalIndex(row, "image", where, images.size());
        if (!imageIndex) r_.fail(where + ".image", "a run needs its image");
        const LoadedImage& image = images[static_cast<std::size_t>(*imageIndex)];
        record.image = image.rgb;
        record.imageSource = image.source;
        record.imagePath = image.path;
        record.thumbnail = historyThumbnail(*image.rgb);
        const std::string finished = r_.text(row, "finished_at", where);
        record.finishedAt = QDateTime::fromString(qstring(finished), Qt::ISODateWithMs);
        if (!record.finishedAt.isValid()) r_.fail(where + ".finished_at", "expected an ISO 8601 date and time");
        record.latencyMs = r_.number(row, "latency_ms", where);
        if (!row.contains("compute_ms") || !row["compute_ms"].is_null()) record.computeMs = r_.number(row, "compute_ms", where);
        if (!row.contains("full_compute_ms") || !row["full_compute_ms"].is_null()) {
            record.fullComputeMs = r_.number(row, "full_compute_ms", where);
        }
        auto run = mue::report::read_run_document(r_.field(row, "run", where), source_, where + ".run");
        record.task = run.task;
        record.text = qstring(run.text);
        record.settings = run.result.trace.settings;
        // The settings the user chose; the engine's trace adds the lens the app always asks for.
        record.settings.lens = false;
        record.result = std::make_shared<const mue::RunResult>(std::move(run.result));
        return record;
    }

    ExplorerState readExplorer(const Json& e) const {
        const std::string where = "session.explorer";
        ExplorerState out;
        out.dataset = qstring(r_.text(e, "dataset", where));
        out.split = qstring(r_.text(e, "split", where));
        out.limit = r_.integer(e, "limit", where);
        if (out.limit < 0) r_.fail(where + ".limit", "expected a count >= 0");
        const Json& grid = r_.field(e, "grid", where);
        out.grids = {qstring(r_.text(grid, "image", where + ".grid")), qstring(r_.text(grid, "text", where + ".grid")),
                     qstring(r_.text(grid, "decoder", where + ".grid"))};
        out.baselines = r_.boolean(e, "baselines", where);
        out.search = qstring(r_.text(e, "search", where));
        if (!mue::parse_sweep_search(utf8(out.search))) r_.fail(where + ".search", "expected grid, random or adaptive");
        out.samples = r_.integer(e, "samples", where);
        out.rounds = r_.integer(e, "rounds", where);
        out.seed = r_.integer(e, "seed", where);
        out.gapRange = qstring(r_.text(e, "gap_range", where));
        out.targetRetention = r_.number(e, "target_retention", where);
        if (!(out.targetRetention >= kMinTargetRetention && out.targetRetention <= 1)) {
            r_.fail(where + ".target_retention", "expected " + shortest(kMinTargetRetention) + " ... 1");
        }
        // Optional: sessions saved before Auto-tune had a confidence lack it (off).
        if (e.contains("tune_confidence") && !e["tune_confidence"].is_null()) {
            const double confidence = r_.number(e, "tune_confidence", where);
            if (!(confidence >= kMinTuneConfidence && confidence <= kMaxTuneConfidence)) {
                r_.fail(where + ".tune_confidence", "expected null or a number in " + shortest(kMinTuneConfidence) +
                                                        " ... " + shortest(kMaxTuneConfidence));
            }
            out.tuneConfidence = confidence;
        }
        const Json& sweep = r_.field(e, "sweep", where);
        if (!sweep.is_null()) out.sweep = mue::report::read_sweep_document(sweep, source_, where + ".sweep");
        return out;
    }

    std::string source_;
    mue::report::Reader r_;
};

}  // namespace

QByteArray sessionJson(const StudioSession& s, const QString& modelId) {
    ImageTable images;
    OrderedJson input = {{"task", std::string(mue::task_name(s.task))}, {"text", utf8(s.text)}, {"image", nullptr}};
    if (s.image && s.image->rgb) input["image"] = images.add(s.image->rgb, s.image->source, s.image->path);
    mue::ModelInfo info;
    info.model_id = utf8(modelId);
    OrderedJson history = OrderedJson::array();
    for (const RunRecord& r : s.history) {
        mue::RunRequest request;
        request.image_path = utf8(r.imagePath);
        request.task = r.task;
        request.text = utf8(r.text);
        OrderedJson row = {{"image", images.add(r.image, r.imageSource, r.imagePath)},
                           {"finished_at", utf8(r.finishedAt.toString(Qt::ISODateWithMs))},
                           {"latency_ms", r.latencyMs},
                           {"compute_ms", r.computeMs ? OrderedJson(*r.computeMs) : OrderedJson(nullptr)},
                           {"full_compute_ms", r.fullComputeMs ? OrderedJson(*r.fullComputeMs) : OrderedJson(nullptr)}};
        row["run"] = mue::report::run_result_json(*r.result, request, info);
        history.push_back(std::move(row));
    }
    const OrderedJson document = {{"format", kFormat},
                                  {"format_version", kSessionFormatVersion},
                                  {"saved_at", utf8(QDateTime::currentDateTime().toString(Qt::ISODateWithMs))},
                                  {"model_folder", utf8(s.modelFolder)},
                                  {"model_id", utf8(modelId)},
                                  {"input", input},
                                  {"settings", mue::report::settings_json(s.settings)},
                                  {"history", history},
                                  {"pinned_run", optionalIndex(s.pinnedRun)},
                                  {"current_run", optionalIndex(s.currentRun)},
                                  {"workspace", s.workspace},
                                  {"explorer", explorerJson(s.explorer)},
                                  {"images", images.json()}};
    return QByteArray::fromStdString(document.dump(1, ' ', false, OrderedJson::error_handler_t::replace) + "\n");
}

StudioSession readSession(const QByteArray& data, const QString& source) {
    const auto json = mue::report::parse_json(std::string_view(data.constData(), static_cast<std::size_t>(data.size())),
                                              utf8(source));
    return SessionReader(source).read(json);
}

}  // namespace mue::studio
