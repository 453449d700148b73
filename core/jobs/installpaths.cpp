#include "jobs/installpaths.h"

#include <QCoreApplication>
#include <QDir>

// Set by core/CMakeLists.txt from the install layout: the data and module folders relative to
// the programs' folder, and the module folder at the configured prefix.

namespace nwc {
namespace {

/// `relative` resolved against the running program's folder; empty before a QCoreApplication
/// exists (the program's path is unknown then).
QString besideProgram(const QString &relative) {
    if (!QCoreApplication::instance())
        return {};
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QLatin1Char('/') + relative);
}

QStringList withoutDuplicates(const QStringList &folders) {
    QStringList result;
    for (const QString &folder : folders) {
        const QString clean = QDir::cleanPath(folder);
        if (!folder.isEmpty() && !result.contains(clean))
            result << clean;
    }
    return result;
}

} // namespace

QStringList resourceDirectories() {
    return withoutDuplicates({besideProgram(QStringLiteral(NWC_DATA_FROM_BINDIR)),
                              QStringLiteral(NWC_SOURCE_RESOURCES),
                              QStringLiteral(NWC_INSTALLED_RESOURCES)});
}

QStringList moduleDirectories() {
    return withoutDuplicates({besideProgram(QStringLiteral(NWC_MODULES_FROM_BINDIR)),
                              QStringLiteral(NWC_INSTALLED_MODULES)});
}

} // namespace nwc
