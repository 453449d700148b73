// `nwc`: every workbench job, headless.
#include "cli/commands.h"
#include "compute/threadwaiting.h"

#include <QCoreApplication>

int main(int argc, char *argv[]) {
    if (nwc::cli::commandLineComputes(argc, argv))
        nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nwc"));
    QCoreApplication::setOrganizationName(QStringLiteral("nwc-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NWC_VERSION));
    return nwc::cli::runCommandLine(QCoreApplication::arguments());
}
