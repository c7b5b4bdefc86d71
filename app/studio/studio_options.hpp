#pragma once
// mue-studio's command line:
//   mue-studio [IMAGE] [--model DIR] [--hypothesis TEXT | --caption | --prompt TEXT]
//              [--thresholds I,T,D] [--threads N] [--theme system|light|dark] [--sweep FILE] [--open-session FILE]
//              [--screenshot FILE] [--lang CODE]
// Parsed into plain values; errors name the option.
//
// Threading: any thread (pure functions).

#include <mue/engine.hpp>

#include <QString>
#include <QStringList>

#include <array>
#include <optional>
#include <vector>

namespace mue::studio {

struct StudioOptions {
    QString image;
    QString modelFolder;
    std::optional<mue::Task> task;
    QString text;  // hypothesis or prompt
    std::optional<std::array<double, 3>> thresholds;  // image, text, decoder
    std::optional<QString> theme;  // "system", "light" or "dark"; default: the remembered one
    int threads = 1;  // LibTorch intra-op threads: 1 is fastest for small models on few cores
    QString sweep;  // a `mue sweep --out PREFIX` document to open in the data-set workspace
    QString session;  // a saved session to restore (session.hpp)
    QString screenshot;
    QString language;
};

struct ParsedOptions {
    std::optional<StudioOptions> options;  // set when parsing succeeded
    QString error;                         // otherwise: what is wrong, naming the option
    bool helpRequested = false;
    bool versionRequested = false;
    QString helpText;
};

// Comma-separated similarity thresholds, each a number in [-1, 1] ("0.99, 0.995,1"); nullopt when
// any part is not one. Used by --thresholds and by the data-set workspace's grids.
[[nodiscard]] std::optional<std::vector<double>> parseThresholdList(const QString& text);

// `arguments` includes the program name first, like QCoreApplication::arguments().
[[nodiscard]] ParsedOptions parseStudioOptions(const QStringList& arguments);

}  // namespace mue::studio
