// `nwc`: every workbench job, headless.
#include "cli/commands.h"

#include <QCoreApplication>

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nwc"));
    QCoreApplication::setOrganizationName(QStringLiteral("nwc-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NWC_VERSION));
    return nwc::cli::runCommandLine(QCoreApplication::arguments());
}
