// nwc compress MODEL --bits B -o F.nwc [--method nwc|rtn|gptq] [--codec FILE …] [--calib-text
// FILE | --calib-file FILE] [--compensate none|ldlq|finetune|all]
#include "cli/calibrationgroup.h"
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/distributedgroup.h"
#include "cli/ratecontrolgroup.h"

#include "analysis/modelcompressor.h"
#include "codec/codecfile.h"
#include "jobs/error.h"

#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>

namespace nwc::cli {
namespace {

/// Everything `nwc compress` was asked to do.
struct CompressCommand {
    CompressionSettings compression;
    CommonOptions common;
};

/// The shipped ladder presets --ladder names. "paper" is refused while no paper-preset codec
/// ships (`usesLadder`: no --codec was given, so the ladder is what compress will use).
QStringList ladderPresets(const QString &ladder, bool usesLadder) {
    if (ladder == QLatin1String("all"))
        return {};
    if (ladder == QLatin1String("identity") || ladder == QLatin1String("fast"))
        return {ladder};
    if (ladder == QLatin1String("paper")) {
        if (usesLadder && defaultCodecFiles({ladder}).isEmpty())
            throw Error(QStringLiteral("--ladder paper: no codec of the paper preset ships with "
                                       "this installation; use --ladder identity, fast or all, "
                                       "or pass --codec FILE (e.g. one trained with 'nwc "
                                       "train-codec --preset paper')"));
        return {ladder};
    }
    throw Error(QStringLiteral("unknown --ladder '%1' (use identity, fast or all)").arg(ladder));
}

/// The text of `nwc compress`: what was written and what its bits are spent on.
void printSummary(QTextStream &out, const CompressionSummary &s) {
    out << "model              " << s.sourceModel << "\n"
        << "method             " << compressionMethodName(s.method) << "\n"
        << "target             " << QString::number(s.targetBitsPerWeight, 'f', 3)
        << " bits per weight\n"
        << "achieved           " << QString::number(s.achievedBitsPerWeight, 'f', 3)
        << " bits per weight = 8 × " << s.countedBytes << " bytes / " << s.compressedWeights
        << " weights (bitstreams or codes + scales + levels + offsets + headers)\n";
    if (s.method == CompressionMethod::Nwc) {
        const double gap = s.estimatedBitstreamBits > 0
                               ? 100.0 * (s.actualBitstreamBits / s.estimatedBitstreamBits - 1.0)
                               : 0.0;
        out << "bitstreams         " << QString::number(s.actualBitstreamBits / 8.0, 'f', 0)
            << " bytes written vs " << QString::number(s.estimatedBitstreamBits / 8.0, 'f', 0)
            << " estimated by the entropy model (" << (gap >= 0 ? "+" : "")
            << QString::number(gap, 'f', 2) << " %)\n"
            << "codec parameters   " << s.codecBytes << " bytes (not counted in bits per weight)\n";
    }
    if (!s.compensation.empty()) {
        const CompensationReport &report = s.compensation;
        double off = 0.0;
        double on = 0.0;
        for (const LayerCompensation &layer : report.layers) {
            off += layer.relativeErrorOff;
            on += layer.relativeErrorOn;
        }
        const double layers = double(std::max<size_t>(1, report.layers.size()));
        out << "compensation       " << report.mode << ": mean relative layer output error "
            << QString::number(off / layers, 'g', 4) << " off -> "
            << QString::number(on / layers, 'g', 4) << " on (calibration inputs)\n";
        if (!report.blocks.empty()) {
            out << "                   block output error off -> on (" << report.heldOutWindows
                << " held-out windows):";
            for (const BlockCompensation &block : report.blocks)
                out << " " << block.block << ": " << QString::number(block.relativeErrorOff, 'g', 3)
                    << "->" << QString::number(block.relativeErrorOn, 'g', 3);
            out << "\n";
        }
        if (report.endToEndKlBefore >= 0.0)
            out << "                   end-to-end stage: held-out calibration KL "
                << QString::number(report.endToEndKlBefore, 'g', 4) << " -> "
                << QString::number(report.endToEndKlAfter, 'g', 4) << " nats"
                << (report.endToEndTopTokens > 0
                        ? QStringLiteral(" (over each position's top %1 tokens of the original "
                                         "plus the rest as one bucket: the vocabulary is too "
                                         "large to keep whole)")
                              .arg(report.endToEndTopTokens)
                        : QString())
                << "\n";
    }
    out << "passthrough        " << s.passthroughBytes
        << " bytes (embeddings, norms, biases, head; not counted)\n"
        << "file               " << s.outputPath << "  " << s.fileBytes << " bytes\n"
        << "time               " << QString::number(s.seconds, 'f', 1) << " s, peak memory "
        << QString::number(double(s.peakResidentBytes) / 1048576.0, 'f', 0) << " MiB\n";
}

} // namespace

int runCompress(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("compress"));
    addModelPositional(options);
    options.addValue(
        QStringLiteral("bits"),
        QStringLiteral("Target bits per weight (NWC: any rate in the codecs' range, side "
                       "information included; RTN/GPTQ: code width 2–8)."),
        QStringLiteral("B"));
    options.addValue(QStringLiteral("method"), QStringLiteral("nwc (default), rtn or gptq."),
                     QStringLiteral("M"), QStringLiteral("nwc"));
    options.addValue(
        QStringLiteral("codec"),
        QStringLiteral("Codec file to choose from (repeatable; default: the shipped ladder)."),
        QStringLiteral("FILE"));
    options.addValue(
        QStringLiteral("ladder"),
        QStringLiteral("Codecs of the shipped ladder to choose from when no --codec is given: "
                       "identity (default), fast or all (paper once a paper-preset codec "
                       "ships)."),
        QStringLiteral("SET"), QStringLiteral("identity"));
    addRateControlOptions(options);
    const CalibrationSpec calibrationSpec{true, true};
    addCalibrationOptions(options, calibrationSpec);
    addGroupSizeOption(options);
    options.addValue(
        QStringLiteral("compensate"),
        QStringLiteral("NWC error compensation: none, ldlq (feedback inside each layer), "
                       "finetune (output-guided tuning after each block) or all."),
        QStringLiteral("MODE"), QStringLiteral("none"));
    options.addValue(
        QStringLiteral("ldlq-block"),
        QStringLiteral("Columns coded together before LDLQ feeds their error back (default 128; "
                       "layers with fewer than 8 blocks use columns / 8)."),
        QStringLiteral("N"), QStringLiteral("128"));
    options.addValue(
        QStringLiteral("finetune-epochs"),
        QStringLiteral("Fine-tuning: most passes over the calibration windows per stage "
                       "(default 20)."),
        QStringLiteral("N"), QStringLiteral("20"));
    options.addValue(QStringLiteral("finetune-lr"),
                     QStringLiteral("Fine-tuning: Adam learning rate of norm weights and column "
                                    "scales (default 0.003; weights get it times their RMS)."),
                     QStringLiteral("LR"), QStringLiteral("0.003"));
    CommonSpec commonSpec;
    commonSpec.output.outputHelp = QStringLiteral("Container to write (.nwc).");
    commonSpec.distributed = runsDistributed(options.command());
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    if (options.positionalArguments().size() != 1 || !options.isSet(QStringLiteral("bits")) ||
        !options.isSet(QStringLiteral("output"))) {
        return options.usageError(QStringLiteral("MODEL --bits B -o FILE"));
    }
    CompressCommand command;
    CompressionSettings &settings = command.compression;
    const QString method = options.value(QStringLiteral("method"));
    if (!compressionMethodFromName(method, &settings.method))
        throw Error(QStringLiteral("unknown method '%1' (use nwc, rtn or gptq)").arg(method));
    settings.targetBitsPerWeight = options.doubleValue(QStringLiteral("bits"));
    settings.codecPaths = options.values(QStringLiteral("codec"));
    settings.ladderPresets =
        ladderPresets(options.value(QStringLiteral("ladder")), settings.codecPaths.isEmpty());
    const CalibrationOptions calibration = readCalibrationOptions(options, calibrationSpec);
    applyCalibration(calibration, settings);
    settings.calibrationFile = calibration.file;
    readRateControlInto(options, settings);
    parseCompensation(options.value(QStringLiteral("compensate")), &settings.compensation);
    settings.compensation.blockSize = options.intValue(QStringLiteral("ldlq-block"));
    settings.compensation.fineTuneEpochs = options.intValue(QStringLiteral("finetune-epochs"));
    settings.compensation.learningRate = options.doubleValue(QStringLiteral("finetune-lr"));
    command.common = readCommonOptions(options, commonSpec);
    settings.compute = command.common.compute;

    PrintedProgress progress;
    const CompressionSummary s = compressModel(options.positionalArguments().first(), settings,
                                               command.common.output.output, &progress);
    if (!printsResults())
        return 0; // rank 0 wrote the container and prints the summary
    command.common.output.writeResult(QJsonDocument(compressionSummaryJson(s)),
                                      [&](QTextStream &out) { printSummary(out, s); });
    return 0;
}

} // namespace nwc::cli
