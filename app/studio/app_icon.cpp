#include "app_icon.hpp"

#include <QPainter>
#include <QPainterPath>

#include <array>

namespace mue::studio {
namespace {

constexpr int kLayers = 6;
const QColor kBackground(0x2b, 0x2d, 0x31);
// The stream colours of mue_widgets' Palette, and where each lane exits.
const std::array<std::pair<QColor, int>, 3> kLanes{{{QColor(0x00, 0x72, 0xB2), 2},
                                                    {QColor(0xE6, 0x9F, 0x00), 4},
                                                    {QColor(0xCC, 0x79, 0xA7), 3}}};

}  // namespace

QImage renderAppIcon(int side) {
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    const double s = side;
    QPainterPath frame;
    frame.addRoundedRect(QRectF(0, 0, s, s), s * 0.18, s * 0.18);
    painter.fillPath(frame, kBackground);

    const double margin = s * 0.14;
    constexpr double kLaneGap = 0.5;  // between lanes, as a share of a lane's height
    const double lanes = static_cast<double>(kLanes.size());
    const double laneHeight = (s - 2 * margin) / (lanes + kLaneGap * (lanes - 1));
    const double cell = (s - 2 * margin) / kLayers;
    const double gap = side >= 48 ? cell * 0.14 : 0.0;  // small icons: solid bars, no cells
    for (std::size_t lane = 0; lane < kLanes.size(); ++lane) {
        const auto& [color, exitLayer] = kLanes[lane];
        const double y = margin + static_cast<double>(lane) * laneHeight * (1 + kLaneGap);
        for (int layer = 0; layer < kLayers; ++layer) {
            const QRectF box(margin + layer * cell + gap / 2, y, cell - gap, laneHeight);
            if (layer < exitLayer) {
                painter.fillRect(box, color);
            } else if (side >= 48) {
                QColor faint = color;
                faint.setAlphaF(0.35);
                painter.setPen(QPen(faint, std::max(1.0, s / 96)));
                painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5));
            }
        }
    }
    return image;
}

QIcon appIcon() {
    QIcon icon;
    for (const int side : kAppIconSides) icon.addPixmap(QPixmap::fromImage(renderAppIcon(side)));
    return icon;
}

}  // namespace mue::studio
