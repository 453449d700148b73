// nwc train-codec --models M1 [M2 …] --lambda L --preset P --steps S -o codec.h5 [--resume]
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/distributedgroup.h"

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
    CommonOptions common;
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

/// The text of `nwc train-codec`: the codec, what it was trained on and how well it codes.
void printReport(QTextStream &out, const CodecTrainingSettings &settings,
                 const CodecTrainingReport &report) {
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
}

} // namespace

int runTrainCodec(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("train-codec"));
    options.addValue(
        QStringLiteral("models"),
        QStringLiteral("Models whose linear layers form the training set (comma-separated or "
                       "repeated; demo:teacher, HF directories, llama2.c files)."),
        QStringLiteral("MODELS"));
    options.addValue(QStringLiteral("lambda"), QStringLiteral("Rate–distortion trade-off λ."),
                     QStringLiteral("L"));
    options.addValue(QStringLiteral("preset"), QStringLiteral("identity, fast (default) or paper."),
                     QStringLiteral("P"), QStringLiteral("fast"));
    options.addValue(QStringLiteral("steps"), QStringLiteral("Training steps (default 2000)."),
                     QStringLiteral("S"), QStringLiteral("2000"));
    options.addValue(QStringLiteral("batch"), QStringLiteral("Chunks per step (default 4096)."),
                     QStringLiteral("N"), QStringLiteral("4096"));
    options.addValue(
        QStringLiteral("max-chunks"),
        QStringLiteral("Training chunks held in memory at most (default 4194304, 256 MB); models "
                       "with more give a sample of whole columns."),
        QStringLiteral("N"), QString::number(CodecTrainingSettings().maxChunks));
    options.addValue(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."),
                     QStringLiteral("N"), QStringLiteral("1"));
    options.addValue(QStringLiteral("id"), QStringLiteral("Codec id (default <preset>-l<lambda>)."),
                     QStringLiteral("ID"));
    options.addValue(QStringLiteral("checkpoint-every"),
                     QStringLiteral("Write the codec file every N steps (default 250)."),
                     QStringLiteral("N"), QStringLiteral("250"));
    options.addFlag(QStringLiteral("resume"),
                    QStringLiteral("Continue training from the output file."));
    CommonSpec commonSpec;
    commonSpec.output.outputHelp = QStringLiteral("Codec file to write (.h5).");
    commonSpec.distributed = runsDistributed(options.command());
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    if (!options.isSet(QStringLiteral("models")) || !options.isSet(QStringLiteral("lambda")) ||
        !options.isSet(QStringLiteral("output"))) {
        return options.usageError(QStringLiteral("--models, --lambda and -o FILE"));
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
    command.common = readCommonOptions(options, commonSpec);
    settings.outputPath = command.common.output.output;

    CallbackProgress progress([](double fraction, const QString &message) {
        // Not on a terminal every message is a log line (steps, losses), as before.
        if (isatty(2))
            printProgress(fraction, message);
        else
            QTextStream(stderr) << message << '\n';
    });
    const CodecTrainingReport report = trainCodec(settings, &progress, command.common.compute);
    if (!printsResults())
        return 0; // rank 0 wrote the codec file and prints the report
    command.common.output.writeResult(
        QJsonDocument(reportJson(settings, report)),
        [&](QTextStream &out) { printReport(out, settings, report); });
    return 0;
}

} // namespace nwc::cli
