// nwc compress MODEL --bits B -o F.nwc [--method nwc|rtn|gptq] [--codec FILE …] [--text FILE |
// --calib FILE] [--compensate none|ldlq|finetune|all]
#include "cli/clioutput.h"
#include "cli/commands.h"

#include "analysis/modelcompressor.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>

namespace nwc::cli {

int runCompress(const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("MODEL"),
                                 QStringLiteral("HF directory, llama2.c .bin, or demo:NAME"));
    const QCommandLineOption bitsOption(
        QStringLiteral("bits"),
        QStringLiteral("Target bits per weight (NWC: any rate in the codecs' range, side "
                       "information included; RTN/GPTQ: code width 2–8)."),
        QStringLiteral("B"));
    const QCommandLineOption outputOption({QStringLiteral("o"), QStringLiteral("output")},
                                          QStringLiteral("Container to write (.nwc)."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption methodOption(QStringLiteral("method"),
                                          QStringLiteral("nwc (default), rtn or gptq."),
                                          QStringLiteral("M"), QStringLiteral("nwc"));
    const QCommandLineOption codecOption(
        QStringLiteral("codec"),
        QStringLiteral("Codec file to choose from (repeatable; default: the shipped ladder)."),
        QStringLiteral("FILE"));
    const QCommandLineOption ladderOption(
        QStringLiteral("ladder"),
        QStringLiteral("Codecs of the shipped ladder to choose from when no --codec is given: "
                       "identity (default), fast or all."),
        QStringLiteral("SET"), QStringLiteral("identity"));
    const QCommandLineOption textOption(
        QStringLiteral("text"),
        QStringLiteral("Calibration text (default for demo models: the demo training corpus)."),
        QStringLiteral("FILE"));
    const QCommandLineOption calibOption(QStringLiteral("calib"),
                                         QStringLiteral("Calibration file from 'nwc calibrate'."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption samplesOption(QStringLiteral("samples"),
                                           QStringLiteral("Calibration windows (default 32)."),
                                           QStringLiteral("N"), QStringLiteral("32"));
    const QCommandLineOption seqLenOption(
        QStringLiteral("seq-len"), QStringLiteral("Calibration window length (default 256)."),
        QStringLiteral("N"), QStringLiteral("256"));
    const QCommandLineOption groupOption(QStringLiteral("group-size"),
                                         QStringLiteral("RTN/GPTQ group size (default 128)."),
                                         QStringLiteral("N"), QStringLiteral("128"));
    const QCommandLineOption compensateOption(
        QStringLiteral("compensate"),
        QStringLiteral("NWC error compensation: none, ldlq (feedback inside each layer), "
                       "finetune (output-guided tuning after each block) or all."),
        QStringLiteral("MODE"), QStringLiteral("none"));
    const QCommandLineOption ldlqBlockOption(
        QStringLiteral("ldlq-block"),
        QStringLiteral("Columns coded together before LDLQ feeds their error back (default 128; "
                       "layers with fewer than 8 blocks use columns / 8)."),
        QStringLiteral("N"), QStringLiteral("128"));
    const QCommandLineOption epochsOption(
        QStringLiteral("finetune-epochs"),
        QStringLiteral("Fine-tuning: most passes over the calibration windows per stage "
                       "(default 20)."),
        QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption rateOption(QStringLiteral("finetune-lr"),
                                        QStringLiteral("Fine-tuning: Adam learning rate of norm "
                                                       "weights and column scales (default "
                                                       "0.003; weights get it times their RMS)."),
                                        QStringLiteral("LR"), QStringLiteral("0.003"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({ldlqBlockOption, epochsOption, rateOption, bitsOption, outputOption,
                       methodOption, codecOption, ladderOption, textOption, calibOption,
                       samplesOption, seqLenOption, groupOption, compensateOption, jsonOption});
    int exitCode = 0;
    if (!parseOrExit(parser, args, QStringLiteral("compress"),
                     QStringLiteral("Compress a model's linear layers into a .nwc container."),
                     &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(bitsOption) ||
        !parser.isSet(outputOption)) {
        printError(QStringLiteral("compress expects MODEL --bits B -o FILE (see 'nwc compress "
                                  "--help')"));
        return 2;
    }
    CompressionSettings settings;
    if (!compressionMethodFromName(parser.value(methodOption), &settings.method))
        throw Error(QStringLiteral("unknown method '%1' (use nwc, rtn or gptq)")
                        .arg(parser.value(methodOption)));
    settings.targetBitsPerWeight = doubleOption(parser, bitsOption.names().first());
    settings.codecPaths = parser.values(codecOption);
    const QString ladder = parser.value(ladderOption);
    if (ladder == QLatin1String("all"))
        settings.ladderPresets.clear();
    else if (ladder == QLatin1String("identity") || ladder == QLatin1String("fast") ||
             ladder == QLatin1String("paper"))
        settings.ladderPresets = {ladder};
    else
        throw Error(
            QStringLiteral("unknown --ladder '%1' (use identity, fast or all)").arg(ladder));
    settings.calibrationText = parser.value(textOption);
    settings.calibrationFile = parser.value(calibOption);
    settings.calibrationSamples = intOption(parser, samplesOption.names().first());
    settings.calibrationLength = intOption(parser, seqLenOption.names().first());
    settings.groupSize = intOption(parser, groupOption.names().first());
    parseCompensation(parser.value(compensateOption), &settings.compensation);
    settings.compensation.blockSize = intOption(parser, ldlqBlockOption.names().first());
    settings.compensation.fineTuneEpochs = intOption(parser, epochsOption.names().first());
    settings.compensation.learningRate = doubleOption(parser, rateOption.names().first());

    CallbackProgress progress(
        [](double fraction, const QString &message) { printProgress(fraction, message); });
    const CompressionSummary s = compressModel(parser.positionalArguments().first(), settings,
                                               parser.value(outputOption), &progress);
    if (parser.isSet(jsonOption)) {
        printJson(QJsonDocument(compressionSummaryJson(s)));
        return 0;
    }
    QTextStream out(stdout);
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
                << QString::number(report.endToEndKlAfter, 'g', 4) << " nats\n";
    }
    out << "passthrough        " << s.passthroughBytes
        << " bytes (embeddings, norms, biases, head; not counted)\n"
        << "file               " << s.outputPath << "  " << s.fileBytes << " bytes\n"
        << "time               " << QString::number(s.seconds, 'f', 1) << " s, peak memory "
        << QString::number(double(s.peakResidentBytes) / 1048576.0, 'f', 0) << " MiB\n";
    return 0;
}

} // namespace nwc::cli
