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

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(0x56, 0xb4, 0xe9));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, window.lighter(130));
    p.setColor(QPalette::Midlight, window.lighter(115));
    p.setColor(QPalette::Mid, window.darker(120));
    p.setColor(QPalette::Dark, window.darker(150));
    p.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        p.setColor(QPalette::Disabled, role, disabled);
    }
    return p;
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
