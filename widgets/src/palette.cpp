#include "mue_widgets/palette.hpp"

#include <QCoreApplication>

namespace mue::widgets {

QString streamName(Stream stream, bool jointEncoder)
{
    switch (stream) {
    case Stream::Image:
        return jointEncoder ? QCoreApplication::translate("mue::widgets::Palette", "joint encoder")
                            : QCoreApplication::translate("mue::widgets::Palette", "image encoder");
    case Stream::Text:
        return jointEncoder ? QCoreApplication::translate("mue::widgets::Palette", "joint encoder")
                            : QCoreApplication::translate("mue::widgets::Palette", "text encoder");
    case Stream::Decoder:
        return QCoreApplication::translate("mue::widgets::Palette", "decoder");
    }
    return {};
}

QString tokenDisplayText(const std::string& token)
{
    QString text = QString::fromStdString(token);
    if (text.startsWith(QChar(0x0120)))  // byte-level BPE's space marker, should a raw token slip through
        text.remove(0, 1);
    while (text.startsWith(QLatin1Char(' ')))
        text.remove(0, 1);
    if (text.trimmed().isEmpty())
        return QStringLiteral("\u2423");
    return text;
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
