#pragma once
// Shared helpers for CLI commands: error printing, exception guard, progress, atomic files.

#include "jobs/progresssink.h"

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

class QTextStream;

namespace nwc::cli {

/// Prints "nwc: error: <message>" on stderr.
void printError(const QString &message);
/// Runs a command, turning nwc::Error (and std::exception) into a one-line error and exit code 1.
int runGuarded(const std::function<int()> &command);
/// Writes `bytes` to `path` atomically (QSaveFile: the old file stays until the new one is
/// complete); throws nwc::Error naming the file.
void writeFileAtomically(const QString &path, const QByteArray &bytes);
/// Progress on stderr: on a terminal one line rewritten in place ("\r[ 42%] message"); otherwise
/// (a log file, a pipe) a whole line with the time left at most every 5 s, starting once the
/// job has run 5 s.
void printProgress(double fraction, const QString &message);
/// On a terminal, ends the line printProgress() rewrites (a newline), so that what follows
/// starts on a line of its own.
void endProgressLine();
/// On a terminal, erases the line printProgress() rewrites.
void clearProgressLine();

/// A command's progress on stderr through printProgress(); never cancelled.
class PrintedProgress : public ProgressSink {
public:
    void report(double fraction, const QString &message) override {
        printProgress(fraction, message);
    }
    bool cancelled() const override { return false; }
};

/// The JSON array of `toJson(item)` for each of `items`, in order.
template <typename Items, typename ToJson> QJsonArray jsonArray(const Items &items, ToJson toJson) {
    QJsonArray array;
    for (const auto &item : items)
        array.append(toJson(item));
    return array;
}
/// The JSON array of `items` (strings, numbers), in order.
template <typename Items> QJsonArray jsonArray(const Items &items) {
    QJsonArray array;
    for (const auto &item : items)
        array.append(item);
    return array;
}

/// Writes `header` and `rows` as aligned columns separated by two spaces: the first column
/// left-aligned, the others right-aligned (numbers).
void printTable(QTextStream &out, const QStringList &header, const QList<QStringList> &rows);
/// One line of a table with fixed column widths: `cells` padded to `widths` (the first cell
/// left-aligned, the others right-aligned; a longer cell is kept whole) and joined by
/// `separator`; no newline.
QString fixedColumns(const QStringList &cells, const QList<int> &widths,
                     const QString &separator = QString());

} // namespace nwc::cli
