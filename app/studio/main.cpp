// mue-studio: the desktop application. See studio_options.hpp for the command line.

#include "app_icon.hpp"
#include "main_window.hpp"
#include "studio_options.hpp"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

namespace {

// A run that has not produced a screenshot by then has failed (model or image errors end sooner).
constexpr int kScreenshotTimeoutMs = 120'000;
// After the result, time for the full-model measurement to fill in the savings panel.
constexpr int kScreenshotSettleMs = 1500;

bool wantsScreenshot(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--screenshot") == 0 || std::strncmp(argv[i], "--screenshot=", 13) == 0) return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    // --screenshot renders without a display.
    if (wantsScreenshot(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
        qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MuE Studio"));
    QApplication::setOrganizationName(QStringLiteral("MuE Studio"));
    QApplication::setApplicationVersion(QStringLiteral(MUE_VERSION));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setWindowIcon(mue::studio::appIcon());
    QGuiApplication::setDesktopFileName(QStringLiteral("mue-studio"));

    const auto parsed = mue::studio::parseStudioOptions(QApplication::arguments());
    if (parsed.helpRequested) {
        std::fputs(qPrintable(parsed.helpText), stdout);
        return 0;
    }
    if (parsed.versionRequested) {
        std::printf("mue-studio %s\n", MUE_VERSION);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "mue-studio: %s\n\n%s", qPrintable(parsed.error), qPrintable(parsed.helpText));
        return 2;
    }
    const auto& options = *parsed.options;

    // A screenshot shows the defaults, not this user's remembered window and thresholds, and
    // leaves those untouched.
    QTemporaryDir screenshotSettings;
    if (!options.screenshot.isEmpty()) {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, screenshotSettings.path());
    }

    // "" is the system's language; --lang wins over the one chosen in the View menu.
    QTranslator qtTranslator;
    QTranslator appTranslator;
    const auto installLanguage = [&](const QString& code) {
        QApplication::removeTranslator(&qtTranslator);
        QApplication::removeTranslator(&appTranslator);
        const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
        QLocale::setDefault(locale);
        if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                              QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QApplication::installTranslator(&qtTranslator);
        }
        if (appTranslator.load(locale, QStringLiteral("mue-studio"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
            QApplication::installTranslator(&appTranslator);
        }
    };
    installLanguage(options.language.isEmpty() ? QSettings().value(QStringLiteral("view/language")).toString()
                                               : options.language);

    mue::set_intra_op_threads(options.threads);
    mue::studio::RunController controller(&mue::studio::loadEngineBackend);
    mue::studio::HistoryModel history;
    auto owned = std::make_unique<mue::studio::MainWindow>(&controller, &history);
    // A language switch replaces the window with one built in the new language; the controller
    // (inputs, model) and the history carry over.
    std::function<void(mue::studio::MainWindow*)> followLanguage = [&](mue::studio::MainWindow* shown) {
        QObject::connect(shown, &mue::studio::MainWindow::languageChangeRequested, shown, [&](const QString& code) {
            installLanguage(code);
            auto next = std::make_unique<mue::studio::MainWindow>(&controller, &history);
            next->takeOver(*owned);
            followLanguage(next.get());
            next->show();
            owned->hide();
            owned.release()->deleteLater();  // this runs inside its signal
            owned = std::move(next);
        });
    };
    followLanguage(owned.get());
    mue::studio::MainWindow& window = *owned;

    if (options.screenshot.isEmpty()) {
        window.applyOptions(options);
        window.offerTourOnFirstStart();
        window.show();
        return QApplication::exec();
    }

    // --screenshot: wait for the first result (and the full-model timing), save, exit.
    window.resize(1440, 960);
    window.show();
    int status = 1;
    bool finished = false;
    // The first outcome decides; queued, so that one reached before exec() (a bad session while
    // applying the options) still ends the loop.
    const auto finish = [&](int code) {
        if (finished) return;
        finished = true;
        status = code;
        QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    };
    QObject::connect(&window, &mue::studio::MainWindow::resultShown, &window, [&] {
        QTimer::singleShot(kScreenshotSettleMs, &window, [&] {
            const QString error = window.saveScreenshot(options.screenshot);
            if (!error.isEmpty()) std::fprintf(stderr, "mue-studio: %s\n", qPrintable(error));
            finish(error.isEmpty() ? 0 : 1);
        });
    });
    QObject::connect(&window, &mue::studio::MainWindow::errorShown, &window, [&](const QString& message) {
        std::fprintf(stderr, "mue-studio: %s\n", qPrintable(message));
        finish(3);
    });
    QTimer::singleShot(kScreenshotTimeoutMs, &window, [&] {
        std::fprintf(stderr, "mue-studio: no result within %d s\n", kScreenshotTimeoutMs / 1000);
        finish(1);
    });
    // After the connections: an error while applying the options (a bad session) ends the run.
    window.applyOptions(options);
    QApplication::exec();
    return status;
}
