// nwc train-codec --models M1 [M2 …] --lambda L --preset P --steps S -o codec.h5 [--resume]
#include "cli/clioutput.h"
#include "cli/commands.h"

#include "codec/codectrainer.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QTextStream>

#include <unistd.h>

namespace nwc::cli {

int runTrainCodec(const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption modelsOption(
        QStringLiteral("models"),
        QStringLiteral("Models whose linear layers form the training set (comma-separated or "
                       "repeated; demo:teacher, HF directories, llama2.c files)."),
        QStringLiteral("MODELS"));
    const QCommandLineOption lambdaOption(QStringLiteral("lambda"),
                                          QStringLiteral("Rate–distortion trade-off λ."),
                                          QStringLiteral("L"));
    const QCommandLineOption presetOption(QStringLiteral("preset"),
                                          QStringLiteral("identity, fast (default) or paper."),
                                          QStringLiteral("P"), QStringLiteral("fast"));
    const QCommandLineOption stepsOption(QStringLiteral("steps"),
                                         QStringLiteral("Training steps (default 2000)."),
                                         QStringLiteral("S"), QStringLiteral("2000"));
    const QCommandLineOption batchOption(QStringLiteral("batch"),
                                         QStringLiteral("Chunks per step (default 4096)."),
                                         QStringLiteral("N"), QStringLiteral("4096"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Random seed."),
                                        QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption idOption(QStringLiteral("id"),
                                      QStringLiteral("Codec id (default <preset>-l<lambda>)."),
                                      QStringLiteral("ID"));
    const QCommandLineOption outputOption({QStringLiteral("o"), QStringLiteral("output")},
                                          QStringLiteral("Codec file to write (.h5)."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption everyOption(
        QStringLiteral("checkpoint-every"),
        QStringLiteral("Write the codec file every N steps (default 250)."), QStringLiteral("N"),
        QStringLiteral("250"));
    const QCommandLineOption resumeOption(
        QStringLiteral("resume"), QStringLiteral("Continue training from the output file."));
    parser.addOptions({modelsOption, lambdaOption, presetOption, stepsOption, batchOption,
                       seedOption, idOption, outputOption, everyOption, resumeOption});
    int exitCode = 0;
    if (!parseOrExit(parser, args, QStringLiteral("train-codec"),
                     QStringLiteral("Train an NWC codec on the weights of one or more models."),
                     &exitCode))
        return exitCode;
    if (!parser.isSet(modelsOption) || !parser.isSet(lambdaOption) || !parser.isSet(outputOption)) {
        printError(QStringLiteral("train-codec expects --models, --lambda and -o FILE (see 'nwc "
                                  "train-codec --help')"));
        return 2;
    }
    CodecTrainingSettings settings;
    for (const QString &value : parser.values(modelsOption))
        settings.models << value.split(QLatin1Char(','), Qt::SkipEmptyParts);
    settings.models << parser.positionalArguments();
    settings.lambda = doubleOption(parser, lambdaOption.names().first());
    settings.preset = parser.value(presetOption);
    settings.steps = intOption(parser, stepsOption.names().first());
    settings.batchChunks = intOption(parser, batchOption.names().first());
    settings.seed = uint64_t(intOption(parser, seedOption.names().first()));
    settings.id = parser.value(idOption);
    settings.outputPath = parser.value(outputOption);
    settings.checkpointEvery = intOption(parser, everyOption.names().first());
    settings.resume = parser.isSet(resumeOption);
    if (settings.steps < 1 || settings.batchChunks < 1)
        throw Error(QStringLiteral("--steps and --batch must be positive"));

    CallbackProgress progress([](double fraction, const QString &message) {
        printProgress(fraction, message);
        if (!isatty(2))
            QTextStream(stderr) << message << '\n';
    });
    const CodecTrainingReport report = trainCodec(settings, &progress);
    QTextStream out(stdout);
    out << "codec            " << report.codec.id << " (" << report.codec.preset << ", h "
        << report.codec.hidden << ", K " << report.codec.blocks << ", λ " << report.codec.lambda
        << ")\n"
        << "trained on       " << settings.models.join(QStringLiteral(", ")) << " ("
        << report.trainingChunks << " chunks of " << report.codec.chunk << ")\n"
        << "steps            " << report.codec.steps << "\n"
        << "bits per weight  " << QString::number(report.bitsPerWeight, 'f', 3)
        << "  (held-out chunks, real quantization at step 1, default level mix)\n"
        << "MSE (normalized) " << QString::number(report.meanSquaredError, 'g', 4) << "\n"
        << "time             " << QString::number(report.seconds, 'f', 1) << " s\n"
        << "file             " << settings.outputPath << "\n";
    return 0;
}

} // namespace nwc::cli
