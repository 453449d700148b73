#include "cli/outputgroup.h"

#include "cli/clioutput.h"

#include <QTextStream>

#include <cstdio>

namespace nwc::cli {

void OutputOptions::writeJson(const QByteArray &bytes) const {
    if (!json)
        return;
    if (jsonFile.isEmpty()) {
        QTextStream out(stdout);
        out << QString::fromUtf8(bytes);
        if (!bytes.endsWith('\n'))
            out << '\n';
        return;
    }
    writeFileAtomically(jsonFile, bytes);
}

void OutputOptions::writeJson(const QJsonDocument &document) const {
    writeJson(document.toJson(QJsonDocument::Indented));
}

void OutputOptions::writeResult(const QByteArray &json,
                                const std::function<void(QTextStream &)> &printText) const {
    writeJson(json);
    if (jsonOnStdout())
        return;
    QTextStream out(stdout);
    printText(out);
}

void OutputOptions::writeResult(const QJsonDocument &json,
                                const std::function<void(QTextStream &)> &printText) const {
    writeResult(json.toJson(QJsonDocument::Indented), printText);
}

void addOutputOptions(CommandOptions &options, const OutputSpec &spec) {
    if (!spec.outputHelp.isEmpty()) {
        options.add(QCommandLineOption({QStringLiteral("o"), QStringLiteral("output")},
                                       spec.outputHelp, spec.outputValueName));
        if (!spec.outputAlias.isEmpty())
            options.addDeprecatedAlias(spec.outputAlias, QStringLiteral("output"));
    }
    options.addFlag(QStringLiteral("json"),
                    QStringLiteral("Print the result as JSON instead of text; --json=FILE writes "
                                   "the JSON into FILE and keeps the text."));
    options.allowAttachedValue(QStringLiteral("json"), spec.jsonFileSpelling);
}

OutputOptions readOutputOptions(const CommandOptions &options, const OutputSpec &spec) {
    OutputOptions output;
    if (!spec.outputHelp.isEmpty())
        output.output = options.value(QStringLiteral("output"));
    output.json = options.isSet(QStringLiteral("json"));
    output.jsonFile = options.attachedValue(QStringLiteral("json"));
    if (output.jsonFile == QLatin1String("-"))
        output.jsonFile.clear();
    return output;
}

} // namespace nwc::cli
