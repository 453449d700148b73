#include "cli/clioutput.h"

#include "jobs/mismatcherror.h"

#include <QSaveFile>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace nwc::cli {

void printError(const QString &message) {
    QTextStream(stderr) << "nwc: error: " << message << '\n';
}

int runGuarded(const std::function<int()> &command) {
    try {
        return command();
    } catch (const Cancelled &) {
        printError(QStringLiteral("cancelled"));
        return 130;
    } catch (const MismatchError &error) {
        printError(error.message());
        QTextStream err(stderr);
        for (const QString &line : error.details().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            err << "  " << line << '\n';
        return 1;
    } catch (const Error &error) {
        printError(error.message());
        return 1;
    } catch (const std::exception &error) {
        printError(QString::fromLocal8Bit(error.what()));
        return 1;
    }
}

void writeFileAtomically(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

void printProgress(double fraction, const QString &message) {
    if (!isatty(fileno(stderr)))
        return;
    QTextStream(stderr) << QStringLiteral("\r[%1%] ").arg(int(fraction * 100), 3) << message
                        << "\x1b[K";
}

} // namespace nwc::cli
