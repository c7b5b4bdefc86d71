#include "mue_widgets/patch_heatmap_view.hpp"

#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>

namespace mue::widgets {

namespace {

constexpr int kCanvasMargin = 6;
constexpr int kLegendHeight = 48;    // the colour bar and its labels under the image
constexpr int kLegendBarHeight = 10;
constexpr int kLegendMaxWidth = 320;
constexpr float kOverlayAlpha = 0.5F;
constexpr float kNoImageAlpha = 0.9F;  // without an image the heatmap is all there is
constexpr double kMinDecades = 1.0;

// Viridis at nine evenly spaced points: perceptually uniform, colour-blind safe, readable in
// greyscale; dark purple = the patch still changes, yellow = it settled.
constexpr std::array<QRgb, 9> kViridis{0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E,
                                       0x1F9E89, 0x35B779, 0x6DCD59, 0xFDE725};

QColor viridis(double t)
{
    const double x = std::clamp(t, 0.0, 1.0) * (kViridis.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(x), kViridis.size() - 2);
    const double f = x - static_cast<double>(i);
    const QColor a(kViridis[i]);
    const QColor b(kViridis[i + 1]);
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
}

double logDistance(double cosine)
{
    return std::log10(std::clamp(1.0 - cosine, PatchHeatmapView::kMinDistance, PatchHeatmapView::kMaxDistance));
}

QString powerOfTen(double exponent)
{
    const int e = static_cast<int>(std::lround(exponent));
    return e == 0 ? QStringLiteral("1") : QStringLiteral("1e%1").arg(e);
}

}  // namespace

// Paints the image, the heatmap and the legend; asks its view for everything.
class HeatmapCanvas : public QWidget {
public:
    explicit HeatmapCanvas(PatchHeatmapView* view) : QWidget(view), view_(view)
    {
        setMinimumSize(160, 160 + kLegendHeight);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        setMouseTracking(true);
    }

    [[nodiscard]] QSize sizeHint() const override { return {360, 360 + kLegendHeight}; }

    [[nodiscard]] QRectF imageRect() const
    {
        const QRectF area(kCanvasMargin, kCanvasMargin, width() - 2 * kCanvasMargin,
                          height() - 2 * kCanvasMargin - legendHeight());
        if (area.width() <= 0 || area.height() <= 0)
            return {};
        QSizeF size = view_->image_.isNull() ? QSizeF(1, 1) : QSizeF(view_->image_.size());
        size.scale(area.size(), Qt::KeepAspectRatio);
        return QRectF(area.left() + (area.width() - size.width()) / 2, area.top() + (area.height() - size.height()) / 2,
                      size.width(), size.height());
    }

    // Two lines of small text around the colour bar.
    [[nodiscard]] int legendHeight() const
    {
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        return 6 + 2 * QFontMetrics(small).height() + kLegendBarHeight + 6;
    }

protected:
    bool event(QEvent* event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(event);
            const QString text = view_->toolTipAt(help->pos());
            if (text.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(help->globalPos(), text, this);
            return true;
        }
        return QWidget::event(event);
    }

    void paintEvent(QPaintEvent* /*event*/) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        const QRectF target = imageRect();
        const QColor foreground = palette().color(QPalette::WindowText);
        if (target.isEmpty())
            return;
        if (view_->image_.isNull()) {
            QColor blank = foreground;
            blank.setAlphaF(0.08F);
            painter.fillRect(target, blank);
        } else {
            painter.drawImage(target, view_->image_);
        }

        const int layer = view_->layer_;
        const bool skipped = view_->isLayerSkipped(layer);
        const int n = view_->grid_;
        const bool hasLayer = n > 0 && layer >= 1 && layer <= view_->layersRun();
        if (hasLayer) {
            const float alpha = view_->image_.isNull() ? kNoImageAlpha : kOverlayAlpha;
            painter.setRenderHint(QPainter::Antialiasing, false);
            for (int row = 0; row < n; ++row) {
                for (int col = 0; col < n; ++col) {
                    const auto cosine = view_->patchSimilarity(layer, row, col);
                    if (!cosine)
                        continue;
                    QColor fill = view_->colorForSimilarity(static_cast<double>(*cosine));
                    fill.setAlphaF(alpha);
                    // Snap to whole device-independent pixels so neighbours leave no seams.
                    const QRectF patch = view_->patchRect(row, col);
                    const QRect snapped(QPoint(static_cast<int>(std::lround(patch.left())),
                                               static_cast<int>(std::lround(patch.top()))),
                                        QPoint(static_cast<int>(std::lround(patch.right())) - 1,
                                               static_cast<int>(std::lround(patch.bottom())) - 1));
                    painter.fillRect(snapped, fill);
                }
            }
            painter.setRenderHint(QPainter::Antialiasing, true);
        }
        if (skipped) {
            QColor veil = palette().color(QPalette::Window);
            veil.setAlphaF(hasLayer ? 0.25F : 0.6F);
            painter.fillRect(target, veil);
            QColor hatch = foreground;
            hatch.setAlphaF(0.35F);
            painter.fillRect(target, QBrush(hatch, Qt::BDiagPattern));
        }
        QColor frame = foreground;
        frame.setAlphaF(0.3F);
        painter.setPen(QPen(frame, 1.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(target.adjusted(0.5, 0.5, -0.5, -0.5));

        const QString note = view_->overlayNote();
        if (!note.isEmpty())
            paintNote(painter, target, note);
        paintLegend(painter, target);
    }

private:
    void paintNote(QPainter& painter, const QRectF& target, const QString& note) const
    {
        const QFontMetrics metrics = fontMetrics();
        const int maxWidth = std::max(80, static_cast<int>(target.width()) - 24);
        QRect text = metrics.boundingRect(QRect(0, 0, maxWidth, 1000), Qt::AlignCenter | Qt::TextWordWrap, note);
        text.moveCenter(target.center().toPoint());
        const QRect box = text.adjusted(-10, -6, 10, 6);
        QColor background = palette().color(QPalette::ToolTipBase);
        background.setAlphaF(0.92F);
        painter.setPen(QPen(palette().color(QPalette::Mid), 1.0));
        painter.setBrush(background);
        painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
        painter.setPen(palette().color(QPalette::ToolTipText));
        painter.drawText(text, Qt::AlignCenter | Qt::TextWordWrap, note);
    }

    // Three lines under the image: "still changing ... 1 - cos ... settled" above a viridis bar,
    // and whole decades of 1 - cos under it.
    void paintLegend(QPainter& painter, const QRectF& target) const
    {
        const QColor foreground = palette().color(QPalette::WindowText);
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        painter.setFont(small);
        const QFontMetrics metrics(small);
        const int lineHeight = metrics.height();
        const int barWidth = std::min(kLegendMaxWidth, width() - 2 * kCanvasMargin - 16);
        if (barWidth < 60) {
            painter.setFont(font());
            return;
        }
        const int x = (width() - barWidth) / 2;
        int top = static_cast<int>(std::lround(target.bottom())) + 6;
        QColor muted = foreground;
        muted.setAlphaF(0.8F);
        painter.setPen(muted);
        const QRect words(x, top, barWidth, lineHeight);
        painter.drawText(words, Qt::AlignLeft | Qt::AlignVCenter, PatchHeatmapView::tr("still changing"));
        const QString caption = PatchHeatmapView::tr("1 - cos to the layer below");
        const int sides = metrics.horizontalAdvance(PatchHeatmapView::tr("still changing")) +
                          metrics.horizontalAdvance(PatchHeatmapView::tr("settled"));
        if (sides + metrics.horizontalAdvance(caption) + 24 <= barWidth)
            painter.drawText(words, Qt::AlignHCenter | Qt::AlignVCenter, caption);
        painter.drawText(words, Qt::AlignRight | Qt::AlignVCenter, PatchHeatmapView::tr("settled"));
        top += lineHeight + 2;

        QLinearGradient ramp(x, 0, x + barWidth, 0);
        for (std::size_t i = 0; i < kViridis.size(); ++i) {
            QColor c(kViridis[i]);
            if (!view_->hasPatchData())
                c.setAlphaF(0.3F);
            ramp.setColorAt(static_cast<double>(i) / (kViridis.size() - 1), c);
        }
        painter.setPen(Qt::NoPen);
        painter.setBrush(ramp);
        painter.drawRect(QRect(x, top, barWidth, kLegendBarHeight));
        top += kLegendBarHeight + 1;

        // Tick labels at whole decades between the ends.
        painter.setPen(muted);
        const double hi = view_->logHigh_;
        const double lo = view_->logLow_;
        for (double e = std::ceil(lo); e <= std::floor(hi) + 1e-9; e += 1.0) {
            const double t = (hi - e) / (hi - lo);
            const int px = x + static_cast<int>(std::lround(t * barWidth));
            painter.drawLine(px, top - 1, px, top + 1);
            const QString text = powerOfTen(e);
            const int w = metrics.horizontalAdvance(text);
            const int left = std::clamp(px - w / 2, x, x + barWidth - w);
            painter.drawText(QRect(left, top + 1, w + 2, lineHeight), Qt::AlignLeft | Qt::AlignVCenter, text);
        }
        painter.setFont(font());
    }

    PatchHeatmapView* view_;
};

PatchHeatmapView::PatchHeatmapView(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    canvas_ = new HeatmapCanvas(this);
    canvas_->setToolTip(tr("Each patch coloured by how much it changed in this layer; hover for its cosine."));
    layout->addWidget(canvas_, 1);

    auto* row = new QHBoxLayout;
    row->setContentsMargins(kCanvasMargin, 0, kCanvasMargin, kCanvasMargin);
    label_ = new QLabel;
    label_->setToolTip(tr("The encoder layer shown, of the image stream's layers, and where the stream exited."));
    label_->setTextFormat(Qt::PlainText);
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setToolTip(tr("Steps through the image encoder's layers; those after the exit were skipped."));
    slider_->setPageStep(1);
    slider_->setTickPosition(QSlider::TicksBelow);
    slider_->setTickInterval(1);
    row->addWidget(label_);
    row->addWidget(slider_, 1);
    layout->addLayout(row);
    connect(slider_, &QSlider::valueChanged, this, [this](int value) { setLayer(value); });
    clear();
}

QWidget* PatchHeatmapView::canvas() const { return canvas_; }

void PatchHeatmapView::setImage(const QImage& image)
{
    image_ = image;
    canvas_->update();
}

void PatchHeatmapView::clear()
{
    setTrace(mue::RunTrace{});
}

void PatchHeatmapView::setTrace(const mue::RunTrace& trace)
{
    const StreamTrace& stream = trace.image;
    similarity_ = stream.token_similarity;
    joint_ = trace.joint_encoder;
    exitLayer_ = stream.exit_layer;
    exited_ = stream.exited;
    layerCount_ = std::max(stream.layers, static_cast<int>(similarity_.size()));

    grid_ = 0;
    if (!similarity_.empty() && !similarity_.front().empty()) {
        const auto tokens = similarity_.front().size();
        const auto side = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(tokens))));
        const bool square = side * side == tokens;
        const bool same = std::all_of(similarity_.begin(), similarity_.end(),
                                      [tokens](const std::vector<float>& layer) { return layer.size() == tokens; });
        if (square && same)
            grid_ = static_cast<int>(side);
    }

    // One colour scale for all layers, whole decades around the data, so that layers compare.
    double lo = 0;
    double hi = -6;
    bool any = false;
    if (grid_ > 0) {
        for (const auto& layer : similarity_) {
            for (float c : layer) {
                const double d = logDistance(static_cast<double>(c));
                lo = any ? std::min(lo, d) : d;
                hi = any ? std::max(hi, d) : d;
                any = true;
            }
        }
    }
    if (!any) {
        lo = -4;
        hi = 0;
    }
    logLow_ = std::floor(lo);
    logHigh_ = std::max(std::ceil(hi), logLow_ + kMinDecades);

    const int shown = exitLayer_ > 0 ? std::min(exitLayer_, layerCount_)
                                     : std::max(static_cast<int>(similarity_.size()), layerCount_ > 0 ? 1 : 0);
    {
        const QSignalBlocker blocker(slider_);
        slider_->setRange(layerCount_ > 0 ? 1 : 0, layerCount_);
        slider_->setEnabled(layerCount_ > 1);
    }
    layer_ = -1;  // force the update
    setLayer(shown);
}

void PatchHeatmapView::setLayer(int layer)
{
    const int clamped = layerCount_ > 0 ? std::clamp(layer, 1, layerCount_) : 0;
    if (clamped == layer_)
        return;
    layer_ = clamped;
    {
        const QSignalBlocker blocker(slider_);
        slider_->setValue(layer_);
    }
    updateLabel();
    canvas_->update();
}

bool PatchHeatmapView::isLayerSkipped(int layer) const
{
    return exitLayer_ > 0 && exitLayer_ < layerCount_ && layer > exitLayer_;
}

std::optional<float> PatchHeatmapView::patchSimilarity(int layer, int row, int col) const
{
    if (grid_ <= 0 || layer < 1 || layer > static_cast<int>(similarity_.size()) || row < 0 || col < 0 ||
        row >= grid_ || col >= grid_)
        return std::nullopt;
    return similarity_[static_cast<std::size_t>(layer - 1)][static_cast<std::size_t>(row * grid_ + col)];
}

QColor PatchHeatmapView::colorForSimilarity(double cosine) const
{
    const double t = (logHigh_ - logDistance(cosine)) / (logHigh_ - logLow_);
    return viridis(t);
}

QRectF PatchHeatmapView::imageRect() const { return canvas_->imageRect(); }

QRectF PatchHeatmapView::patchRect(int row, int col) const
{
    if (grid_ <= 0)
        return {};
    const QRectF image = imageRect();
    const double w = image.width() / grid_;
    const double h = image.height() / grid_;
    return QRectF(image.left() + col * w, image.top() + row * h, w, h);
}

QString PatchHeatmapView::toolTipAt(const QPointF& canvasPos) const
{
    const QRectF image = imageRect();
    if (grid_ <= 0 || !image.contains(canvasPos))
        return {};
    const int col = std::clamp(static_cast<int>((canvasPos.x() - image.left()) / image.width() * grid_), 0, grid_ - 1);
    const int row = std::clamp(static_cast<int>((canvasPos.y() - image.top()) / image.height() * grid_), 0, grid_ - 1);
    const auto cosine = patchSimilarity(layer_, row, col);
    QString text = tr("patch row %1, column %2").arg(row + 1).arg(col + 1);
    if (cosine) {
        text += QLatin1Char('\n') + tr("cos to layer %1: %2   (1 - cos = %3)")
                                        .arg(layer_ - 1)
                                        .arg(QString::number(static_cast<double>(*cosine), 'f', 5))
                                        .arg(QString::number(1.0 - static_cast<double>(*cosine), 'g', 3));
    } else {
        text += QLatin1Char('\n') + tr("layer %1 did not run").arg(layer_);
    }
    return text;
}

QString PatchHeatmapView::overlayNote() const
{
    if (layerCount_ == 0)
        return image_.isNull() ? tr("No run to show yet") : QString();
    if (isLayerSkipped(layer_)) {
        if (layer_ <= layersRun() && grid_ > 0)
            return tr("What-if trace: a real run skips layer %1\n(the stream exited after layer %2)")
                .arg(layer_)
                .arg(exitLayer_);
        return tr("Layer %1 was skipped\n(the %2 stream exited after layer %3)")
            .arg(layer_)
            .arg(joint_ ? tr("joint") : tr("image"))
            .arg(exitLayer_);
    }
    if (grid_ <= 0)
        return tr("No per-patch data");
    return {};
}

void PatchHeatmapView::updateLabel()
{
    if (layerCount_ == 0) {
        label_->setText(tr("no layers"));
        return;
    }
    const QString where = exited_ ? tr("exited at %1").arg(exitLayer_)
                                                               : tr("ran every layer");
    label_->setText(tr("layer %1 of %2 (%3)").arg(layer_).arg(layerCount_).arg(where));
}

}  // namespace mue::widgets
