// nwc generate MODEL --prompt P: streams the prompt and its continuation to stdout.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/modeloptions.h"

#include "jobs/error.h"
#include "lm/generator.h"

#include <QTextStream>

namespace nwc::cli {

int runGenerate(const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("MODEL"),
                                 QStringLiteral("HF directory, llama2.c .bin, or demo:NAME"));
    const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("Prompt text."),
                                    QStringLiteral("TEXT"), QString());
    const QCommandLineOption maxTokens(QStringLiteral("max-tokens"),
                                       QStringLiteral("Tokens to generate (default 128)."),
                                       QStringLiteral("N"), QStringLiteral("128"));
    const QCommandLineOption temperature(
        QStringLiteral("temperature"),
        QStringLiteral("Sampling temperature; 0 = greedy (default 0.8)."), QStringLiteral("T"),
        QStringLiteral("0.8"));
    const QCommandLineOption topK(QStringLiteral("top-k"),
                                  QStringLiteral("Keep the K most likely tokens; 0 = off."),
                                  QStringLiteral("K"), QStringLiteral("0"));
    const QCommandLineOption topP(QStringLiteral("top-p"),
                                  QStringLiteral("Nucleus sampling mass; 1 = off."),
                                  QStringLiteral("P"), QStringLiteral("1"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed."),
                                  QStringLiteral("S"), QStringLiteral("42"));
    const QCommandLineOption noStop(QStringLiteral("ignore-eos"),
                                    QStringLiteral("Keep generating after the end-of-text token."));
    parser.addOptions(
        {prompt, maxTokens, temperature, topK, topP, seed, noStop, tokenizerOption()});
    int exitCode = 0;
    if (!parseOrExit(parser, args, QStringLiteral("generate"),
                     QStringLiteral("Generate a continuation of a prompt; the prompt and the "
                                    "continuation go to stdout, statistics to stderr."),
                     &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        printError(QStringLiteral("generate expects one MODEL (see 'nwc generate --help')"));
        return 2;
    }

    SamplingSettings settings;
    settings.maxTokens = intOption(parser, maxTokens.names().first());
    settings.temperature = doubleOption(parser, temperature.names().first());
    settings.topK = intOption(parser, topK.names().first());
    settings.topP = doubleOption(parser, topP.names().first());
    bool seedOk = false;
    settings.seed = parser.value(seed).toULongLong(&seedOk);
    if (!seedOk)
        throw Error(QStringLiteral("--seed expects a non-negative integer, got '%1'")
                        .arg(parser.value(seed)));
    settings.stopAtEos = !parser.isSet(noStop);
    if (settings.maxTokens < 0 || settings.temperature < 0 || settings.topK < 0 ||
        settings.topP <= 0 || settings.topP > 1)
        throw Error(QStringLiteral("invalid sampling settings: need --max-tokens >= 0, "
                                   "--temperature >= 0, --top-k >= 0, 0 < --top-p <= 1"));

    const LanguageModelPtr model = loadModel(parser, parser.positionalArguments().first());
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString promptText = parser.value(prompt);
    out << promptText;
    out.flush();
    const GenerationResult result =
        generate(*model, promptText, settings, [&](const QString &piece) {
            out << piece;
            out.flush();
        });
    out << '\n';
    out.flush();
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
    return 0;
}

} // namespace nwc::cli
