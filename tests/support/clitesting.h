#pragma once
// Running the built `nwc` program from a test (NWC_CLI_PATH is defined by the test's CMake
// target): exit code, stdout and stderr of one run.
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <cstdlib>

namespace nwc::test {

/// What one run of `nwc` printed and returned.
struct CliRun {
    int exitCode = -1;
    QString out;
    QString err;
};

/// Runs `nwc arguments…` with `environment` and waits for it (at most 5 minutes; a run that
/// does not finish aborts the test program).
inline CliRun runNwc(const QStringList &arguments,
                     const QProcessEnvironment &environment =
                         QProcessEnvironment::systemEnvironment()) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(NWC_CLI_PATH), arguments);
    if (!process.waitForFinished(300000))
        qFatal("nwc did not finish");
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace nwc::test
