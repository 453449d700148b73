// nwc eval MODEL --text FILE: perplexity, bits per byte, and divergence from a reference model.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/evaluationgroup.h"

#include "lm/evaluator.h"

#include <QJsonObject>
#include <QTextStream>

namespace nwc::cli {
namespace {

/// Everything `nwc eval` was asked to do.
struct EvalCommand {
    EvaluationOptions evaluation;
    QString reference;
    CommonOptions common;
};

} // namespace

int runEval(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("eval"));
    addModelPositional(options);
    addEvaluationOptions(options);
    options.addValue(QStringLiteral("reference"),
                     QStringLiteral("Also compare next-token distributions against this model "
                                    "(KL, top-1 agreement, RMS delta-p)."),
                     QStringLiteral("MODEL"));
    CommonSpec commonSpec;
    commonSpec.model = true;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    if (options.positionalArguments().size() != 1 || !options.isSet(QStringLiteral("text")))
        return options.usageError(QStringLiteral("MODEL and --text FILE"));
    EvalCommand command;
    command.evaluation = readEvaluationOptions(options);
    command.reference = options.value(QStringLiteral("reference"));
    command.common = readCommonOptions(options, commonSpec);
    const PerplexitySettings &settings = command.evaluation.windows;
    const OutputOptions &output = command.common.output;

    const QByteArray text = readEvaluationText(command.evaluation.textPath);
    const LanguageModelPtr model = loadModel(command.common, options.positionalArguments().first());
    PrintedProgress progress;
    const PerplexityResult result = evaluatePerplexity(*model, text, settings, &progress);

    QJsonObject json;
    json[QStringLiteral("model")] = model->displayName();
    json[QStringLiteral("text")] = command.evaluation.textPath;
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
    if (output.textOnStdout()) {
        endProgressLine();
        out << "model            " << model->displayName() << '\n'
            << "text             " << command.evaluation.textPath << " (" << result.bytes
            << " bytes evaluated)\n"
            << "settings         context " << result.contextLength << ", stride " << result.stride
            << ", BOS " << (result.addBos ? "yes" : "no") << ", " << result.windows << " windows, "
            << result.tokensScored << " tokens scored\n"
            << "perplexity       " << QString::number(result.perplexity, 'f', 4) << '\n'
            << "bits per byte    " << QString::number(result.bitsPerByte, 'f', 4) << '\n'
            << "time             " << QString::number(result.seconds, 'f', 2) << " s\n";
    }

    if (!command.reference.isEmpty()) {
        const LanguageModelPtr reference = loadModel(command.common, command.reference);
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
        if (output.textOnStdout()) {
            endProgressLine();
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
    output.writeJson(QJsonDocument(json));
    return 0;
}

} // namespace nwc::cli
