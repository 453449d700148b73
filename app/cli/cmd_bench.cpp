// nwc bench [MODEL ...]: prefill and decode throughput, median over repeats.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/modeloptions.h"

#include "jobs/error.h"
#include "lm/generator.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSysInfo>
#include <QTextStream>
#include <QThread>

#include <algorithm>

namespace nwc::cli {
namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

/// A prompt of exactly `tokens` tokens (when the tokenizer round-trips) cut from plain prose.
QString promptOfLength(const LanguageModel &model, int tokens) {
    const QString sentence = QStringLiteral(
        "Once upon a time, there was a little girl named Lily. She liked to play in the park "
        "with her dog and her friends, and every day she counted the birds in the big tree. ");
    QString text;
    std::vector<int32_t> ids;
    while (int(ids.size()) < tokens) {
        text += sentence;
        ids = model.tokenizer().encode(text);
    }
    ids.resize(size_t(tokens) - (model.addsBos() ? 1 : 0));
    return model.tokenizer().decode(ids);
}

} // namespace

int runBench(const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("MODEL"),
                                 QStringLiteral("Models to measure (default: demo:teacher "
                                                "demo:student)."),
                                 QStringLiteral("[MODEL...]"));
    const QCommandLineOption promptTokens(QStringLiteral("prompt-tokens"),
                                          QStringLiteral("Prompt length (default 128)."),
                                          QStringLiteral("N"), QStringLiteral("128"));
    const QCommandLineOption decodeTokens(QStringLiteral("decode-tokens"),
                                          QStringLiteral("Tokens to decode (default 128)."),
                                          QStringLiteral("N"), QStringLiteral("128"));
    const QCommandLineOption repeats(QStringLiteral("repeats"),
                                     QStringLiteral("Runs per model; the median is reported "
                                                    "(default 5)."),
                                     QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({promptTokens, decodeTokens, repeats, jsonOption, tokenizerOption()});
    int exitCode = 0;
    if (!parseOrExit(parser, args, QStringLiteral("bench"),
                     QStringLiteral("Measure prefill and decode tokens per second (greedy, one "
                                    "sequence, KV cache)."),
                     &exitCode))
        return exitCode;
    QStringList specs = parser.positionalArguments();
    if (specs.isEmpty())
        specs = {QStringLiteral("demo:teacher"), QStringLiteral("demo:student")};
    const int prompt = intOption(parser, promptTokens.names().first());
    const int decode = intOption(parser, decodeTokens.names().first());
    const int runs = intOption(parser, repeats.names().first());
    if (prompt < 2 || decode < 1 || runs < 1)
        throw Error(
            QStringLiteral("--prompt-tokens must be >= 2, --decode-tokens and --repeats >= 1"));

    QTextStream out(stdout);
    QJsonArray rows;
    if (!parser.isSet(jsonOption)) {
        out << "prefill " << prompt << " tokens, decode " << decode << " tokens, greedy, median of "
            << runs << " runs; " << QSysInfo::currentCpuArchitecture() << ", "
            << QThread::idealThreadCount() << " hardware threads\n\n";
        out << QStringLiteral("model").leftJustified(16)
            << QStringLiteral("parameters").rightJustified(12)
            << QStringLiteral("prefill tok/s").rightJustified(15)
            << QStringLiteral("decode tok/s").rightJustified(14) << '\n';
        out.flush();
    }
    for (const QString &spec : specs) {
        const LanguageModelPtr model = loadModel(parser, spec);
        if (prompt + decode > model->config().maxPositions)
            throw Error(QStringLiteral("%1 has a context of %2 tokens; lower --prompt-tokens or "
                                       "--decode-tokens")
                            .arg(spec)
                            .arg(model->config().maxPositions));
        const QString promptText = promptOfLength(*model, prompt);
        SamplingSettings settings;
        settings.temperature = 0;
        settings.maxTokens = decode;
        settings.stopAtEos = false;
        generate(*model, promptText, settings); // warm-up
        std::vector<double> prefill;
        std::vector<double> decodeRates;
        int promptCount = 0;
        for (int run = 0; run < runs; ++run) {
            const GenerationResult result = generate(*model, promptText, settings);
            prefill.push_back(result.prefillTokensPerSecond());
            decodeRates.push_back(result.decodeTokensPerSecond());
            promptCount = int(result.promptIds.size());
        }
        qint64 parameters = 0;
        for (const TensorInfo &info : model->checkpoint()->tensors())
            parameters += info.elementCount();
        QJsonObject row;
        row[QStringLiteral("model")] = spec;
        row[QStringLiteral("parameters")] = double(parameters);
        row[QStringLiteral("prompt_tokens")] = promptCount;
        row[QStringLiteral("decode_tokens")] = decode;
        row[QStringLiteral("prefill_tokens_per_second")] = median(prefill);
        row[QStringLiteral("decode_tokens_per_second")] = median(decodeRates);
        rows.append(row);
        if (!parser.isSet(jsonOption)) {
            out << model->displayName().leftJustified(16)
                << QString::number(parameters).rightJustified(12)
                << QString::number(median(prefill), 'f', 0).rightJustified(15)
                << QString::number(median(decodeRates), 'f', 0).rightJustified(14) << '\n';
            out.flush();
        }
    }
    if (parser.isSet(jsonOption))
        printJson(QJsonDocument(rows));
    return 0;
}

} // namespace nwc::cli
