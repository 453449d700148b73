#pragma once
// Option group "output": where a command writes its result (-o/--output) and JSON
// (--json: JSON on stdout instead of the text; --json=FILE: the text on stdout, JSON into FILE,
// written atomically).

#include "cli/commandoptions.h"

#include <QJsonDocument>

#include <functional>

class QTextStream;

namespace nwc::cli {

/// Which options of the group a command offers.
struct OutputSpec {
    /// -o/--output, with this help and value name ("" : the command has no -o).
    QString outputHelp;
    QString outputValueName = QStringLiteral("FILE");
    /// A deprecated old spelling of --output ("out" in train-demo); empty: none.
    QString outputAlias;
    /// The command's --json took a FILE before 0.2 (sweep, collab-bench): --json FILE is still
    /// read as --json=FILE, with a note.
    bool jsonFileSpelling = false;
};

/// What the output group read.
struct OutputOptions {
    /// -o/--output; empty when not given.
    QString output;
    bool json = false;
    /// --json=FILE; empty: JSON goes to stdout.
    QString jsonFile;

    /// JSON replaces the text on stdout (--json without a file).
    bool jsonOnStdout() const { return json && jsonFile.isEmpty(); }
    /// The human-readable result goes to stdout (everything but --json without a file).
    bool textOnStdout() const { return !jsonOnStdout(); }
    /// With --json: writes `json` to stdout, or atomically into the file. Without: nothing.
    void writeJson(const QByteArray &json) const;
    void writeJson(const QJsonDocument &document) const;
    /// A command's result: writeJson(`json`), then, unless the JSON replaces the text,
    /// `printText` writes the text on stdout.
    void writeResult(const QByteArray &json,
                     const std::function<void(QTextStream &out)> &printText) const;
    void writeResult(const QJsonDocument &json,
                     const std::function<void(QTextStream &out)> &printText) const;
};

void addOutputOptions(CommandOptions &options, const OutputSpec &spec = {});
OutputOptions readOutputOptions(const CommandOptions &options, const OutputSpec &spec = {});

} // namespace nwc::cli
