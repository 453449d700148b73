#include "cli/clioutput.h"

#include "jobs/mismatcherror.h"

#include <QCoreApplication>
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

bool parseOrExit(QCommandLineParser &parser, const QStringList &args, const QString &command,
                 const QString &description, int *exitCode) {
    parser.setApplicationDescription(description);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    QStringList rest = args;
    if (rest.size() >= 2) {
        // "nwc generate ..." -> parse as if the program were "nwc generate".
        rest[0] = rest.at(0) + QLatin1Char(' ') + rest.at(1);
        rest.removeAt(1);
    }
    if (!parser.parse(rest)) {
        printError(parser.errorText() + QStringLiteral(" (see 'nwc %1 --help')").arg(command));
        *exitCode = 2;
        return false;
    }
    if (parser.isSet(help)) {
        // Qt writes the program path into the usage line; show the command as users type it.
        QString text = parser.helpText();
        const QString program = QCoreApplication::arguments().value(0);
        const qsizetype at = program.isEmpty() ? -1 : text.indexOf(program);
        if (at >= 0)
            text.replace(at, program.size(), QStringLiteral("nwc ") + command);
        QTextStream(stdout) << text;
        *exitCode = 0;
        return false;
    }
    return true;
}

int intOption(const QCommandLineParser &parser, const QString &name) {
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok)
        throw Error(
            QStringLiteral("--%1 expects an integer, got '%2'").arg(name, parser.value(name)));
    return value;
}

double doubleOption(const QCommandLineParser &parser, const QString &name) {
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok)
        throw Error(
            QStringLiteral("--%1 expects a number, got '%2'").arg(name, parser.value(name)));
    return value;
}

void printJson(const QJsonDocument &document) {
    QTextStream(stdout) << document.toJson(QJsonDocument::Indented);
}

void printProgress(double fraction, const QString &message) {
    if (!isatty(fileno(stderr)))
        return;
    QTextStream(stderr) << QStringLiteral("\r[%1%] ").arg(int(fraction * 100), 3) << message
                        << "\x1b[K";
}

} // namespace nwc::cli
