// nwc eval MODEL --text FILE: perplexity, bits per byte, and divergence from a reference model.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/modeloptions.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/evaluator.h"

#include <QFile>
#include <QJsonObject>
#include <QTextStream>

#include <unistd.h>

namespace nwc::cli {
namespace {

QByteArray readText(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read text file %1: %2").arg(path, file.errorString()));
    const QByteArray text = file.readAll();
    if (text.isEmpty())
        throw Error(QStringLiteral("text file %1 is empty").arg(path));
    return text;
}

} // namespace

int runEval(const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("MODEL"),
                                 QStringLiteral("HF directory, llama2.c .bin, or demo:NAME"));
    const QCommandLineOption textOption(QStringLiteral("text"),
                                        QStringLiteral("UTF-8 text file to evaluate on."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption ctxOption(QStringLiteral("ctx"),
                                       QStringLiteral("Context length in tokens (default 256)."),
                                       QStringLiteral("N"), QStringLiteral("256"));
    const QCommandLineOption strideOption(
        QStringLiteral("stride"),
        QStringLiteral("Tokens between window starts (default: non-overlapping windows)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption maxBytesOption(
        QStringLiteral("max-bytes"), QStringLiteral("Evaluate only the first N bytes of the text."),
        QStringLiteral("N"), QStringLiteral("-1"));
    const QCommandLineOption noBosOption(QStringLiteral("no-bos"),
                                         QStringLiteral("Do not start windows with BOS."));
    const QCommandLineOption referenceOption(
        QStringLiteral("reference"),
        QStringLiteral("Also compare next-token distributions against this model (KL, top-1 "
                       "agreement, RMS delta-p)."),
        QStringLiteral("MODEL"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({textOption, ctxOption, strideOption, maxBytesOption, noBosOption,
                       referenceOption, jsonOption, tokenizerOption()});
    int exitCode = 0;
    if (!parseOrExit(parser, args, QStringLiteral("eval"),
                     QStringLiteral("Measure perplexity and bits per byte of a model on a text "
                                    "file, optionally against a reference model."),
                     &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(textOption)) {
        printError(QStringLiteral("eval expects MODEL and --text FILE (see 'nwc eval --help')"));
        return 2;
    }

    PerplexitySettings settings;
    settings.contextLength = intOption(parser, ctxOption.names().first());
    settings.stride = intOption(parser, strideOption.names().first());
    settings.maxBytes = parser.value(maxBytesOption).toLongLong();
    settings.addBos = !parser.isSet(noBosOption);
    if (settings.contextLength < 2 || settings.stride < 0)
        throw Error(QStringLiteral("--ctx must be at least 2 and --stride non-negative"));

    const QByteArray text = readText(parser.value(textOption));
    const LanguageModelPtr model = loadModel(parser, parser.positionalArguments().first());
    CallbackProgress progress(
        [](double fraction, const QString &message) { printProgress(fraction, message); });
    const PerplexityResult result = evaluatePerplexity(*model, text, settings, &progress);

    QJsonObject json;
    json[QStringLiteral("model")] = model->displayName();
    json[QStringLiteral("text")] = parser.value(textOption);
    json[QStringLiteral("perplexity")] = result.perplexity;
    json[QStringLiteral("mean_nll")] = result.meanNll;
    json[QStringLiteral("bits_per_byte")] = result.bitsPerByte;
    json[QStringLiteral("tokens_scored")] = double(result.tokensScored);
    json[QStringLiteral("bytes")] = double(result.bytes);
    json[QStringLiteral("windows")] = double(result.windows);
    json[QStringLiteral("context_length")] = result.contextLength;
    json[QStringLiteral("stride")] = result.stride;
    json[QStringLiteral("bos")] = result.addBos;
    json[QStringLiteral("seconds")] = result.seconds;

    QTextStream out(stdout);
    if (!parser.isSet(jsonOption)) {
        if (isatty(2))
            QTextStream(stderr) << '\n';
        out << "model            " << model->displayName() << '\n'
            << "text             " << parser.value(textOption) << " (" << result.bytes
            << " bytes evaluated)\n"
            << "settings         context " << result.contextLength << ", stride " << result.stride
            << ", BOS " << (result.addBos ? "yes" : "no") << ", " << result.windows << " windows, "
            << result.tokensScored << " tokens scored\n"
            << "perplexity       " << QString::number(result.perplexity, 'f', 4) << '\n'
            << "bits per byte    " << QString::number(result.bitsPerByte, 'f', 4) << '\n'
            << "time             " << QString::number(result.seconds, 'f', 2) << " s\n";
    }

    if (parser.isSet(referenceOption)) {
        const LanguageModelPtr reference = loadModel(parser, parser.value(referenceOption));
        const ReferenceComparison comparison =
            compareWithReference(*model, *reference, text, settings, &progress);
        QJsonObject ref;
        ref[QStringLiteral("model")] = reference->displayName();
        ref[QStringLiteral("mean_kl")] = comparison.meanKl;
        ref[QStringLiteral("median_kl")] = comparison.medianKl;
        ref[QStringLiteral("p99_kl")] = comparison.p99Kl;
        ref[QStringLiteral("same_top_rate")] = comparison.sameTopRate;
        ref[QStringLiteral("rms_delta_p")] = comparison.rmsDeltaP;
        ref[QStringLiteral("positions")] = double(comparison.positions);
        json[QStringLiteral("reference")] = ref;
        if (!parser.isSet(jsonOption)) {
            if (isatty(2))
                QTextStream(stderr) << '\n';
            out << "reference        " << reference->displayName() << " (" << comparison.positions
                << " positions)\n"
                << "KL mean/median/p99  " << QString::number(comparison.meanKl, 'g', 5) << " / "
                << QString::number(comparison.medianKl, 'g', 5) << " / "
                << QString::number(comparison.p99Kl, 'g', 5) << " nats\n"
                << "same top token   " << QString::number(comparison.sameTopRate * 100, 'f', 2)
                << " %\n"
                << "RMS delta p      " << QString::number(comparison.rmsDeltaP, 'g', 5) << '\n';
        }
    }
    if (parser.isSet(jsonOption))
        printJson(QJsonDocument(json));
    return 0;
}

} // namespace nwc::cli
