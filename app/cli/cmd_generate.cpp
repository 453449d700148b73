// nwc generate MODEL --prompt P: streams the prompt and its continuation to stdout.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/samplinggroup.h"

#include "lm/generator.h"

#include <QJsonObject>
#include <QTextStream>

namespace nwc::cli {
namespace {

/// Everything `nwc generate` was asked to do.
struct GenerateCommand {
    QString prompt;
    SamplingSettings sampling;
    CommonOptions common;
};

QJsonObject resultJson(const QString &model, const GenerateCommand &command,
                       const GenerationResult &result) {
    QJsonObject json;
    json[QStringLiteral("model")] = model;
    json[QStringLiteral("prompt")] = command.prompt;
    json[QStringLiteral("completion")] = result.completion;
    json[QStringLiteral("prompt_tokens")] = int(result.promptIds.size());
    json[QStringLiteral("generated_tokens")] = int(result.generatedIds.size());
    json[QStringLiteral("stopped_at_eos")] = result.stoppedAtEos;
    json[QStringLiteral("prefill_tokens_per_second")] = result.prefillTokensPerSecond();
    json[QStringLiteral("decode_tokens_per_second")] = result.decodeTokensPerSecond();
    json[QStringLiteral("temperature")] = command.sampling.temperature;
    json[QStringLiteral("top_k")] = command.sampling.topK;
    json[QStringLiteral("top_p")] = command.sampling.topP;
    json[QStringLiteral("seed")] = QString::number(command.sampling.seed);
    json[QStringLiteral("max_tokens")] = command.sampling.maxTokens;
    return json;
}

} // namespace

int runGenerate(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("generate"));
    addModelPositional(options);
    options.addValue(QStringLiteral("prompt"), QStringLiteral("Prompt text."),
                     QStringLiteral("TEXT"));
    const SamplingSpec samplingSpec;
    addSamplingOptions(options, samplingSpec);
    options.addFlag(QStringLiteral("ignore-eos"),
                    QStringLiteral("Keep generating after the end-of-text token."));
    CommonSpec commonSpec;
    commonSpec.model = true;
    commonSpec.onePositional = QStringLiteral("MODEL");
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;

    GenerateCommand command;
    command.prompt = options.value(QStringLiteral("prompt"));
    command.sampling = readSamplingOptions(options, samplingSpec);
    command.sampling.stopAtEos = !options.isSet(QStringLiteral("ignore-eos"));
    command.common = readCommonOptions(options, commonSpec);

    const LanguageModelPtr model = loadModel(command.common, options.positionalArguments().first());
    QTextStream out(stdout);
    QTextStream err(stderr);
    const bool stream = command.common.output.textOnStdout();
    if (stream) {
        out << command.prompt;
        out.flush();
    }
    const GenerationResult result =
        generate(*model, command.prompt, command.sampling, [&](const QString &piece) {
            if (!stream)
                return;
            out << piece;
            out.flush();
        });
    if (stream) {
        out << '\n';
        out.flush();
    }
    const SamplingSettings &settings = command.sampling;
    err << QStringLiteral("[%1: %2 prompt tokens at %3 tok/s, %4 generated at %5 tok/s%6; "
                          "temperature %7, top-k %8, top-p %9, seed %10]\n")
               .arg(model->displayName())
               .arg(result.promptIds.size())
               .arg(result.prefillTokensPerSecond(), 0, 'f', 1)
               .arg(result.generatedIds.size())
               .arg(result.decodeTokensPerSecond(), 0, 'f', 1)
               .arg(result.stoppedAtEos ? QStringLiteral(", stopped at end of text") : QString())
               .arg(settings.temperature)
               .arg(settings.topK)
               .arg(settings.topP)
               .arg(settings.seed);
    err.flush();
    command.common.output.writeJson(
        QJsonDocument(resultJson(model->displayName(), command, result)));
    return 0;
}

} // namespace nwc::cli
