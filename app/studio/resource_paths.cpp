#include "resource_paths.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace mue::studio {
namespace {

QString installed(const QString& relative) {
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/mue-studio/") + relative);
}

}  // namespace

QString defaultModelFolder() {
    const QString fromEnvironment = qEnvironmentVariable("MUE_DEFAULT_MODEL");
    if (!fromEnvironment.isEmpty()) return fromEnvironment;
    const QString share = installed(QStringLiteral("models/default"));
    if (QFileInfo::exists(share + QStringLiteral("/config.json"))) return share;
    return QStringLiteral(MUE_BUILD_MODEL_DIR);
}

QString samplesFolder() {
    const QString share = installed(QStringLiteral("samples"));
    if (QFileInfo(share).isDir()) return share;
    return QStringLiteral(MUE_SOURCE_SAMPLES_DIR);
}

}  // namespace mue::studio
