#pragma once
// The streams the views draw and one fixed colour per stream, shared by every view so that image,
// text and decoder look the same everywhere. Plain values: any thread may copy them.

#include <QColor>
#include <QPalette>
#include <QMetaType>
#include <QString>

#include <string>

namespace mue::widgets {

// For a joint-encoder trace, Image stands for the joint [image; text] stream.
enum class Stream { Image, Text, Decoder };

inline constexpr int kStreamCount = 3;

[[nodiscard]] constexpr int streamIndex(Stream stream) { return static_cast<int>(stream); }

// "image encoder", "text encoder", "joint encoder" or "decoder", for labels and tooltips.
[[nodiscard]] QString streamName(Stream stream, bool jointEncoder);

// A decoded token as the views print it: without the leading space (or byte-level BPE's "Ġ"), and
// a whitespace-only token as the open box "␣", so that no label is empty.
[[nodiscard]] QString tokenDisplayText(const std::string& token);

// The app's dark theme (the light one is the style's standard palette). Views read palette roles,
// so tests render them on it too.
[[nodiscard]] QPalette darkPalette();

// Mid-lightness colours from the Okabe-Ito colour-blind-safe set: each keeps enough contrast on
// both a light and a dark background, so views and exported figures work in either theme.
struct Palette {
    QColor image{0x00, 0x72, 0xB2};    // blue
    QColor text{0xE6, 0x9F, 0x00};     // orange
    QColor decoder{0xCC, 0x79, 0xA7};  // reddish purple

    [[nodiscard]] QColor color(Stream stream) const;
};

}  // namespace mue::widgets

Q_DECLARE_METATYPE(mue::widgets::Stream)
