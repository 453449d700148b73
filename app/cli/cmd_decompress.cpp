// nwc decompress F.nwc -o DIR: rebuilds a Hugging Face model directory from a .nwc container.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"

#include "codec/compressedcheckpoint.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTextStream>

namespace nwc::cli {
namespace {

/// Everything `nwc decompress` was asked to do.
struct DecompressCommand {
    QString file;
    bool force = false;
    CommonOptions common;
};

} // namespace

int runDecompress(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("decompress"));
    options.addPositional(QStringLiteral("FILE"),
                          QStringLiteral("Compressed model (.nwc) to decompress."));
    options.addFlag(QStringLiteral("force"),
                    QStringLiteral("Overwrite files in a non-empty folder."));
    CommonSpec commonSpec;
    commonSpec.output.outputHelp =
        QStringLiteral("Folder to write (model.safetensors, config.json, tokenizer files).");
    commonSpec.output.outputValueName = QStringLiteral("DIR");
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    if (options.positionalArguments().size() != 1 || !options.isSet(QStringLiteral("output")))
        return options.usageError(QStringLiteral("one FILE and -o DIR"));
    DecompressCommand command;
    command.file = options.positionalArguments().first();
    command.force = options.isSet(QStringLiteral("force"));
    command.common = readCommonOptions(options, commonSpec);

    QElapsedTimer timer;
    timer.start();
    const auto checkpoint = CompressedCheckpoint::open(command.file);
    PrintedProgress progress;
    const QString directory = command.common.output.output;
    decompressToDirectory(*checkpoint, directory, command.force, &progress);
    const double seconds = double(timer.elapsed()) / 1000.0;
    endProgressLine();
    QTextStream(stderr) << "decompressed " << checkpoint->tensors().size() << " tensors ("
                        << checkpoint->summary().tensors.size() << " decoded) into " << directory
                        << " in " << QString::number(seconds, 'f', 2) << " s\n";
    QJsonObject json;
    json[QStringLiteral("file")] = command.file;
    json[QStringLiteral("output")] = directory;
    json[QStringLiteral("tensors")] = int(checkpoint->tensors().size());
    json[QStringLiteral("decoded_tensors")] = int(checkpoint->summary().tensors.size());
    json[QStringLiteral("seconds")] = seconds;
    command.common.output.writeJson(QJsonDocument(json));
    return 0;
}

} // namespace nwc::cli
