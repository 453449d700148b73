#pragma once
// Shared helpers for CLI commands: error printing, exception guard, option parsing.

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QString>
#include <functional>

namespace nwc::cli {

/// Prints "nwc: error: <message>" on stderr.
void printError(const QString &message);
/// Runs a command, turning nwc::Error (and std::exception) into a one-line error and exit code 1.
int runGuarded(const std::function<int()> &command);
/// Parses args with `parser` (adds --help); on --help prints help and returns 0 through
/// *exitCode; on a parse error prints it and sets *exitCode to 2. Returns false when the
/// caller should return *exitCode.
bool parseOrExit(QCommandLineParser &parser, const QStringList &args, const QString &command,
                 const QString &description, int *exitCode);
/// Reads an integer/double option, throwing nwc::Error naming the option when malformed.
int intOption(const QCommandLineParser &parser, const QString &name);
double doubleOption(const QCommandLineParser &parser, const QString &name);
/// Writes a JSON document to stdout.
void printJson(const QJsonDocument &document);
/// Progress line on stderr ("\r[ 42%] message"), only when stderr is a terminal.
void printProgress(double fraction, const QString &message);

} // namespace nwc::cli
