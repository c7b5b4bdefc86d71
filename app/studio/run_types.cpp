#include "run_types.hpp"

#include <cstring>

namespace mue::studio {

QImage toQImage(const mue::RgbImage& image) {
    QImage out(image.width, image.height, QImage::Format_RGB888);
    const auto rowBytes = static_cast<std::size_t>(image.width) * 3;
    for (int y = 0; y < image.height; ++y) {
        std::memcpy(out.scanLine(y), image.rgb.data() + static_cast<std::size_t>(y) * rowBytes, rowBytes);
    }
    return out;
}

QImage historyThumbnail(const mue::RgbImage& image) {
    constexpr int kThumbnailSide = 64;
    return toQImage(image).scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

mue::RgbImage fromQImage(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    mue::RgbImage out;
    out.width = rgb.width();
    out.height = rgb.height();
    const auto rowBytes = static_cast<std::size_t>(out.width) * 3;
    out.rgb.resize(rowBytes * static_cast<std::size_t>(out.height));
    for (int y = 0; y < out.height; ++y) {
        std::memcpy(out.rgb.data() + static_cast<std::size_t>(y) * rowBytes, rgb.constScanLine(y), rowBytes);
    }
    return out;
}

}  // namespace mue::studio
