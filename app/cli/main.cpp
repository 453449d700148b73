// `nwc`: every workbench job, headless.
#include "cli/commands.h"
#include "compute/threadwaiting.h"

#include <QCoreApplication>

#include <cstring>

namespace {

/// Whether the command line runs parallel computation (the restart for passive thread waiting
/// costs a second program start, about half a second, which help, version and file-reading
/// commands are spared).
bool computes(int argc, char *argv[]) {
    if (argc < 2)
        return false;
    for (const char *light :
         {"--help", "-h", "help", "--version", "info", "inspect", "tokenize", "launch"}) {
        if (std::strcmp(argv[1], light) == 0)
            return false;
    }
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0)
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[]) {
    if (computes(argc, argv))
        nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nwc"));
    QCoreApplication::setOrganizationName(QStringLiteral("nwc-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NWC_VERSION));
    return nwc::cli::runCommandLine(QCoreApplication::arguments());
}
