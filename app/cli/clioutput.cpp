#include "cli/clioutput.h"

#include "jobs/mismatcherror.h"

#include <QElapsedTimer>
#include <QSaveFile>
#include <QTextStream>

#include <algorithm>
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

namespace {

/// Time between progress lines when stderr is not a terminal (a log file, CI, a pipe).
constexpr qint64 kLogLineMilliseconds = 5000;

bool stderrIsTerminal() {
    return isatty(fileno(stderr)) != 0;
}

QString percentPrefix(double fraction) {
    return QStringLiteral("[%1%] ").arg(int(fraction * 100), 3);
}

/// "1 h 02 min", "3 min 20 s", "42 s".
QString durationText(double seconds) {
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min")
            .arg(s / 3600)
            .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 s").arg(s);
}

} // namespace

void printProgress(double fraction, const QString &message) {
    if (stderrIsTerminal()) {
        QTextStream(stderr) << '\r' << percentPrefix(fraction) << message << "\x1b[K";
        return;
    }
    // Not a terminal: a whole line at most every few seconds, the first one only once the job
    // has run that long (short commands stay quiet), with an estimate of the time left. The
    // estimate restarts when the fraction goes back (a new phase).
    static QElapsedTimer phase;
    static QElapsedTimer sinceLine;
    static double lastFraction = 0;
    if (!phase.isValid() || fraction + 0.05 < lastFraction) {
        phase.start();
        if (!sinceLine.isValid())
            sinceLine.start();
    }
    lastFraction = fraction;
    if (sinceLine.elapsed() < kLogLineMilliseconds)
        return;
    sinceLine.start();
    QString line = percentPrefix(fraction) + message;
    const double elapsed = double(phase.elapsed()) / 1e3;
    if (fraction > 0.01 && fraction < 1.0 && elapsed > 1.0)
        line += QStringLiteral(" (about %1 left)")
                    .arg(durationText(elapsed * (1 - fraction) / fraction));
    QTextStream(stderr) << line << '\n';
}

void endProgressLine() {
    if (stderrIsTerminal())
        QTextStream(stderr) << '\n';
}

void clearProgressLine() {
    if (stderrIsTerminal())
        QTextStream(stderr) << "\r\x1b[K";
}

void printTable(QTextStream &out, const QStringList &header, const QList<QStringList> &rows) {
    QList<int> widths(header.size(), 0);
    const auto measure = [&](const QStringList &cells) {
        for (int i = 0; i < cells.size() && i < header.size(); ++i)
            widths[i] = std::max(widths[i], int(cells[i].size()));
    };
    measure(header);
    for (const QStringList &row : rows)
        measure(row);
    const QString separator = QStringLiteral("  ");
    out << fixedColumns(header, widths, separator) << '\n';
    for (const QStringList &row : rows) {
        QStringList cells = row.mid(0, header.size());
        while (cells.size() < header.size())
            cells.append(QString());
        out << fixedColumns(cells, widths, separator) << '\n';
    }
}

QString fixedColumns(const QStringList &cells, const QList<int> &widths, const QString &separator) {
    QStringList padded;
    for (int i = 0; i < cells.size(); ++i) {
        const int width = widths.value(i);
        padded.append(i == 0 ? cells[i].leftJustified(width) : cells[i].rightJustified(width));
    }
    return padded.join(separator);
}

} // namespace nwc::cli
