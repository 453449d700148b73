// nwc train-codec --models M1 [M2 …] --lambda L --preset P --steps S -o codec.h5 [--resume]
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/computegroup.h"
#include "cli/distributedgroup.h"
#include "cli/outputgroup.h"

#include "codec/codectrainer.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <unistd.h>

namespace nwc::cli {
namespace {

/// Everything `nwc train-codec` was asked to do.
struct TrainCodecCommand {
    CodecTrainingSettings training;
    ComputeOptions compute;
    OutputOptions output;
};

QJsonObject reportJson(const CodecTrainingSettings &settings, const CodecTrainingReport &report) {
    QJsonObject json;
    json[QStringLiteral("codec")] = report.codec.id;
    json[QStringLiteral("preset")] = report.codec.preset;
    json[QStringLiteral("hidden")] = report.codec.hidden;
    json[QStringLiteral("blocks")] = report.codec.blocks;
    json[QStringLiteral("lambda")] = report.codec.lambda;
    json[QStringLiteral("models")] = QJsonArray::fromStringList(settings.models);
    json[QStringLiteral("training_chunks")] = double(report.trainingChunks);
    json[QStringLiteral("available_chunks")] = double(report.availableChunks);
    json[QStringLiteral("chunk")] = report.codec.chunk;
    json[QStringLiteral("steps")] = double(report.codec.steps);
    json[QStringLiteral("bits_per_weight")] = report.bitsPerWeight;
    json[QStringLiteral("mean_squared_error")] = report.meanSquaredError;
    json[QStringLiteral("seconds")] = report.seconds;
    json[QStringLiteral("file")] = settings.outputPath;
    return json;
}

} // namespace

int runTrainCodec(const QStringList &args) {
    CommandOptions options(QStringLiteral("train-codec"),
                           QStringLiteral("Train an NWC codec on the weights of one or more "
                                          "models."));
    options.add(QCommandLineOption(
        QStringLiteral("models"),
        QStringLiteral("Models whose linear layers form the training set (comma-separated or "
                       "repeated; demo:teacher, HF directories, llama2.c files)."),
        QStringLiteral("MODELS")));
    options.add(QCommandLineOption(QStringLiteral("lambda"),
                                   QStringLiteral("Rate–distortion trade-off λ."),
                                   QStringLiteral("L")));
    options.add(QCommandLineOption(QStringLiteral("preset"),
                                   QStringLiteral("identity, fast (default) or paper."),
                                   QStringLiteral("P"), QStringLiteral("fast")));
    options.add(QCommandLineOption(QStringLiteral("steps"),
                                   QStringLiteral("Training steps (default 2000)."),
                                   QStringLiteral("S"), QStringLiteral("2000")));
    options.add(QCommandLineOption(QStringLiteral("batch"),
                                   QStringLiteral("Chunks per step (default 4096)."),
                                   QStringLiteral("N"), QStringLiteral("4096")));
    options.add(QCommandLineOption(
        QStringLiteral("max-chunks"),
        QStringLiteral("Training chunks held in memory at most (default 4194304, 256 MB); models "
                       "with more give a sample of whole columns."),
        QStringLiteral("N"), QString::number(CodecTrainingSettings().maxChunks)));
    options.add(QCommandLineOption(QStringLiteral("seed"),
                                   QStringLiteral("Random seed (default 1)."), QStringLiteral("N"),
                                   QStringLiteral("1")));
    options.add(QCommandLineOption(QStringLiteral("id"),
                                   QStringLiteral("Codec id (default <preset>-l<lambda>)."),
                                   QStringLiteral("ID")));
    options.add(
        QCommandLineOption(QStringLiteral("checkpoint-every"),
                           QStringLiteral("Write the codec file every N steps (default 250)."),
                           QStringLiteral("N"), QStringLiteral("250")));
    options.add(QCommandLineOption(QStringLiteral("resume"),
                                   QStringLiteral("Continue training from the output file.")));
    const OutputSpec outputSpec{QStringLiteral("Codec file to write (.h5)."),
                                QStringLiteral("FILE"), QString(), false};
    addComputeOptions(options);
    addOutputOptions(options, outputSpec);
    int exitCode = 0;
    if (!options.parse(args, &exitCode))
        return exitCode;
    if (!options.isSet(QStringLiteral("models")) || !options.isSet(QStringLiteral("lambda")) ||
        !options.isSet(QStringLiteral("output"))) {
        printError(QStringLiteral("train-codec expects --models, --lambda and -o FILE (see 'nwc "
                                  "train-codec --help')"));
        return 2;
    }
    TrainCodecCommand command;
    CodecTrainingSettings &settings = command.training;
    for (const QString &value : options.values(QStringLiteral("models")))
        settings.models << value.split(QLatin1Char(','), Qt::SkipEmptyParts);
    settings.models << options.positionalArguments();
    settings.lambda = options.doubleValue(QStringLiteral("lambda"));
    settings.preset = options.value(QStringLiteral("preset"));
    settings.steps = options.intValue(QStringLiteral("steps"));
    settings.batchChunks = options.intValue(QStringLiteral("batch"));
    settings.seed = uint64_t(options.intValue(QStringLiteral("seed")));
    settings.maxChunks = options.intValue(QStringLiteral("max-chunks"));
    settings.id = options.value(QStringLiteral("id"));
    settings.checkpointEvery = options.intValue(QStringLiteral("checkpoint-every"));
    settings.resume = options.isSet(QStringLiteral("resume"));
    if (settings.steps < 1 || settings.batchChunks < 1 || settings.maxChunks < 1)
        throw Error(QStringLiteral("--steps, --batch and --max-chunks must be positive"));
    command.compute = useComputeOptions(options);
    command.output = readOutputOptions(options, outputSpec);
    joinLaunchedGroup(command.compute);
    settings.outputPath = command.output.output;

    CallbackProgress progress([](double fraction, const QString &message) {
        // Not on a terminal every message is a log line (steps, losses), as before.
        if (isatty(2))
            printProgress(fraction, message);
        else
            QTextStream(stderr) << message << '\n';
    });
    const CodecTrainingReport report = trainCodec(settings, &progress, command.compute);
    if (!printsResults())
        return 0; // rank 0 wrote the codec file and prints the report
    command.output.writeJson(QJsonDocument(reportJson(settings, report)));
    if (command.output.jsonOnStdout())
        return 0;
    QTextStream out(stdout);
    out << "codec            " << report.codec.id << " (" << report.codec.preset << ", h "
        << report.codec.hidden << ", K " << report.codec.blocks << ", λ " << report.codec.lambda
        << ")\n"
        << "trained on       " << settings.models.join(QStringLiteral(", ")) << " ("
        << report.trainingChunks << " chunks of " << report.codec.chunk
        << (report.trainingChunks < report.availableChunks
                ? QStringLiteral(", whole columns sampled from %1").arg(report.availableChunks)
                : QString())
        << ")\n"
        << "steps            " << report.codec.steps << "\n"
        << "bits per weight  " << QString::number(report.bitsPerWeight, 'f', 3)
        << "  (held-out chunks, real quantization at step 1, default level mix)\n"
        << "MSE (normalized) " << QString::number(report.meanSquaredError, 'g', 4) << "\n"
        << "time             " << QString::number(report.seconds, 'f', 1) << " s\n"
        << "file             " << settings.outputPath << "\n";
    return 0;
}

} // namespace nwc::cli
