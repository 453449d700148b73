// nwc decompress F.nwc -o DIR: rebuilds a Hugging Face model directory from a .nwc container.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/computegroup.h"
#include "cli/outputgroup.h"

#include "codec/compressedcheckpoint.h"
#include "jobs/progresssink.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace nwc::cli {
namespace {

/// Everything `nwc decompress` was asked to do.
struct DecompressCommand {
    QString file;
    bool force = false;
    ComputeOptions compute;
    OutputOptions output;
};

} // namespace

int runDecompress(const QStringList &args) {
    CommandOptions options(QStringLiteral("decompress"),
                           QStringLiteral("Decode every tensor of a .nwc container and write a "
                                          "Hugging Face model folder with the original names, "
                                          "dtypes and layouts."));
    options.addPositional(QStringLiteral("FILE"),
                          QStringLiteral("Compressed model (.nwc) to decompress."));
    options.add(QCommandLineOption(QStringLiteral("force"),
                                   QStringLiteral("Overwrite files in a non-empty folder.")));
    const OutputSpec outputSpec{
        QStringLiteral("Folder to write (model.safetensors, config.json, tokenizer files)."),
        QStringLiteral("DIR"), QString(), false};
    addComputeOptions(options);
    addOutputOptions(options, outputSpec);
    int exitCode = 0;
    if (!options.parse(args, &exitCode))
        return exitCode;
    if (options.positionalArguments().size() != 1 || !options.isSet(QStringLiteral("output"))) {
        printError(QStringLiteral("decompress expects one FILE and -o DIR (see 'nwc decompress "
                                  "--help')"));
        return 2;
    }
    DecompressCommand command;
    command.file = options.positionalArguments().first();
    command.force = options.isSet(QStringLiteral("force"));
    command.compute = useComputeOptions(options);
    command.output = readOutputOptions(options, outputSpec);

    QElapsedTimer timer;
    timer.start();
    const auto checkpoint = CompressedCheckpoint::open(command.file);
    CallbackProgress progress(
        [](double fraction, const QString &message) { printProgress(fraction, message); });
    const QString directory = command.output.output;
    decompressToDirectory(*checkpoint, directory, command.force, &progress);
    const double seconds = double(timer.elapsed()) / 1000.0;
    if (isatty(fileno(stderr)))
        QTextStream(stderr) << '\n';
    QTextStream(stderr) << "decompressed " << checkpoint->tensors().size() << " tensors ("
                        << checkpoint->summary().tensors.size() << " decoded) into " << directory
                        << " in " << QString::number(seconds, 'f', 2) << " s\n";
    QJsonObject json;
    json[QStringLiteral("file")] = command.file;
    json[QStringLiteral("output")] = directory;
    json[QStringLiteral("tensors")] = int(checkpoint->tensors().size());
    json[QStringLiteral("decoded_tensors")] = int(checkpoint->summary().tensors.size());
    json[QStringLiteral("seconds")] = seconds;
    command.output.writeJson(QJsonDocument(json));
    return 0;
}

} // namespace nwc::cli
