#include "studio_options.hpp"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace mue::studio {
namespace {

struct Text {
    Q_DECLARE_TR_FUNCTIONS(StudioOptions)
};

}  // namespace

std::optional<std::vector<double>> parseThresholdList(const QString& text) {
    constexpr double kLowest = -1.0;
    constexpr double kHighest = 1.0;
    std::vector<double> values;
    for (const QString& part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const double value = part.trimmed().toDouble(&ok);
        if (!ok || value < kLowest || value > kHighest) return std::nullopt;
        values.push_back(value);
    }
    return values;
}

ParsedOptions parseStudioOptions(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Text::tr("MuE Studio: see where a vision-language model's image stream, text stream and every decoded token "
           "exit early, and tune the thresholds by hand."));
    const auto help = parser.addHelpOption();
    const auto version = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("IMAGE"), Text::tr("Image to open (PNG, JPEG, BMP, TIFF, WebP, ...)."),
                                 QStringLiteral("[IMAGE]"));
    const QCommandLineOption model(QStringLiteral("model"), Text::tr("Model folder to load (default: the embedded model)."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption hypothesis(QStringLiteral("hypothesis"), Text::tr("Visual entailment with this hypothesis."),
                                        QStringLiteral("TEXT"));
    const QCommandLineOption caption(QStringLiteral("caption"), Text::tr("Caption the image."));
    const QCommandLineOption prompt(QStringLiteral("prompt"), Text::tr("Answer this free prompt about the image."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption thresholds(QStringLiteral("thresholds"),
                                        Text::tr("MuE thresholds for the image stream, text stream and decoder, e.g. "
                                           "0.99,0.99,0.99."),
                                        QStringLiteral("I,T,D"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     Text::tr("LibTorch intra-op threads (default 1: more threads oversubscribe a "
                                              "small machine)."),
                                     QStringLiteral("N"));
    const QCommandLineOption theme(QStringLiteral("theme"), Text::tr("Colour theme: system, light or dark."),
                                   QStringLiteral("NAME"));
    const QCommandLineOption sweep(QStringLiteral("sweep"),
                                   Text::tr("Open a sweep written by `mue sweep --out PREFIX` (PREFIX.json) in the data-set "
                                            "workspace."),
                                   QStringLiteral("FILE"));
    // Not "--session": QGuiApplication takes -session/--session (X11 session management) for itself.
    const QCommandLineOption session(QStringLiteral("open-session"),
                                     Text::tr("Restore a session saved with File > Save Session As."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        Text::tr("Run once, save the window as a PNG image to FILE and exit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption language(QStringLiteral("lang"), Text::tr("User-interface language, e.g. en, ja, zh_CN."),
                                      QStringLiteral("CODE"));
    parser.addOptions({model, hypothesis, caption, prompt, thresholds, threads, theme, sweep, session, screenshot, language});

    ParsedOptions parsed;
    if (!parser.parse(arguments)) {
        parsed.error = parser.errorText();
        return parsed;
    }
    parsed.helpText = parser.helpText();
    // addHelpOption also registers --help-all, which parse() (unlike process()) leaves to us.
    if (parser.isSet(help) || parser.isSet(QStringLiteral("help-all"))) {
        parsed.helpRequested = true;
        return parsed;
    }
    if (parser.isSet(version)) {
        parsed.versionRequested = true;
        return parsed;
    }
    StudioOptions o;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        parsed.error = Text::tr("expected at most one IMAGE, got %1 arguments: %2")
                           .arg(positional.size())
                           .arg(positional.join(QStringLiteral(" ")));
        return parsed;
    }
    if (!positional.isEmpty()) o.image = positional.front();
    o.modelFolder = parser.value(model);
    const int tasks = int{parser.isSet(hypothesis)} + int{parser.isSet(caption)} + int{parser.isSet(prompt)};
    if (tasks > 1) {
        parsed.error = Text::tr("--hypothesis, --caption and --prompt exclude each other");
        return parsed;
    }
    if (parser.isSet(hypothesis)) {
        o.task = mue::Task::Entailment;
        o.text = parser.value(hypothesis);
    } else if (parser.isSet(prompt)) {
        o.task = mue::Task::Prompt;
        o.text = parser.value(prompt);
    } else if (parser.isSet(caption)) {
        o.task = mue::Task::Caption;
    }
    if (parser.isSet(thresholds)) {
        const auto values = parseThresholdList(parser.value(thresholds));
        const bool ok = values && values->size() == 3;
        if (!ok) {
            parsed.error = Text::tr("--thresholds expects three numbers in [-1, 1] separated by commas (image,text,decoder), "
                              "got '%1'")
                               .arg(parser.value(thresholds));
            return parsed;
        }
        o.thresholds = std::array<double, 3>{(*values)[0], (*values)[1], (*values)[2]};
    }
    if (parser.isSet(threads)) {
        constexpr int kMaxThreads = 256;
        bool ok = false;
        o.threads = parser.value(threads).toInt(&ok);
        if (!ok || o.threads < 1 || o.threads > kMaxThreads) {
            parsed.error = Text::tr("--threads expects a whole number from 1 to %1, got '%2'")
                               .arg(kMaxThreads)
                               .arg(parser.value(threads));
            return parsed;
        }
    }
    if (parser.isSet(theme)) {
        const QString name = parser.value(theme);
        if (name != QStringLiteral("system") && name != QStringLiteral("light") && name != QStringLiteral("dark")) {
            parsed.error = Text::tr("--theme expects system, light or dark, got '%1'").arg(name);
            return parsed;
        }
        o.theme = name;
    }
    o.sweep = parser.value(sweep);
    o.session = parser.value(session);
    o.screenshot = parser.value(screenshot);
    o.language = parser.value(language);
    parsed.options = o;
    return parsed;
}

}  // namespace mue::studio
