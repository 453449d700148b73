#pragma once
// Shared helpers for CLI commands: error printing, exception guard, progress, atomic files.

#include <QByteArray>
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
/// Writes `header` and `rows` as aligned columns separated by two spaces: the first column
/// left-aligned, the others right-aligned (numbers).
void printTable(QTextStream &out, const QStringList &header, const QList<QStringList> &rows);

} // namespace nwc::cli
