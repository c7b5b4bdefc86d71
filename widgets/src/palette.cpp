#include "mue_widgets/palette.hpp"

namespace mue::widgets {

QString streamName(Stream stream, bool jointEncoder)
{
    switch (stream) {
    case Stream::Image:
        return jointEncoder ? QStringLiteral("joint encoder") : QStringLiteral("image encoder");
    case Stream::Text:
        return jointEncoder ? QStringLiteral("joint encoder") : QStringLiteral("text encoder");
    case Stream::Decoder:
        return QStringLiteral("decoder");
    }
    return {};
}

QColor Palette::color(Stream stream) const
{
    switch (stream) {
    case Stream::Image:
        return image;
    case Stream::Text:
        return text;
    case Stream::Decoder:
        return decoder;
    }
    return {};
}

}  // namespace mue::widgets
