// mue-icon-render OUT_DIR: writes the icon set the package installs, mue-studio-<side>.png, from
// the drawing the app uses (build-time tool, not installed).

#include "app_icon.hpp"

#include <QGuiApplication>
#include <QString>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: mue-icon-render OUT_DIR\n");
        return 2;
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);  // QPixmap needs it
    for (const int side : mue::studio::kAppIconSides) {
        const QString path = QStringLiteral("%1/mue-studio-%2.png").arg(QString::fromLocal8Bit(argv[1])).arg(side);
        if (!mue::studio::renderAppIcon(side).save(path, "PNG")) {
            std::fprintf(stderr, "mue-icon-render: cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    return 0;
}
