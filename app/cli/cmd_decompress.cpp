// nwc decompress F.nwc -o DIR: rebuilds a Hugging Face model directory from a .nwc container.
#include "cli/clioutput.h"
#include "cli/commands.h"

#include "codec/compressedcheckpoint.h"
#include "jobs/progresssink.h"

#include <QElapsedTimer>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace nwc::cli {

int runDecompress(const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("Compressed model (.nwc) to decompress."));
    const QCommandLineOption outputOption(
        {QStringLiteral("o"), QStringLiteral("output")},
        QStringLiteral("Folder to write (model.safetensors, config.json, tokenizer files)."),
        QStringLiteral("DIR"));
    const QCommandLineOption forceOption(QStringLiteral("force"),
                                         QStringLiteral("Overwrite files in a non-empty folder."));
    parser.addOptions({outputOption, forceOption});
    int exitCode = 0;
    if (!parseOrExit(parser, args, QStringLiteral("decompress"),
                     QStringLiteral("Decode every tensor of a .nwc container and write a Hugging "
                                    "Face model folder with the original names, dtypes and "
                                    "layouts."),
                     &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(outputOption)) {
        printError(QStringLiteral("decompress expects one FILE and -o DIR (see 'nwc decompress "
                                  "--help')"));
        return 2;
    }

    QElapsedTimer timer;
    timer.start();
    const auto checkpoint = CompressedCheckpoint::open(parser.positionalArguments().first());
    CallbackProgress progress(
        [](double fraction, const QString &message) { printProgress(fraction, message); });
    const QString directory = parser.value(outputOption);
    decompressToDirectory(*checkpoint, directory, parser.isSet(forceOption), &progress);
    if (isatty(fileno(stderr)))
        QTextStream(stderr) << '\n';
    QTextStream(stderr) << "decompressed " << checkpoint->tensors().size() << " tensors ("
                        << checkpoint->summary().tensors.size() << " decoded) into " << directory
                        << " in " << QString::number(double(timer.elapsed()) / 1000.0, 'f', 2)
                        << " s\n";
    return 0;
}

} // namespace nwc::cli
