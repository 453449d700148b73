// nwc bench [MODEL ...]: prefill and decode throughput, median over repeats.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "compute/threadwaiting.h"

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

/// Everything `nwc bench` was asked to do.
struct BenchCommand {
    QStringList models;
    int promptTokens = 128;
    int decodeTokens = 128;
    int repeats = 5;
    CommonOptions common;
};

} // namespace

int runBench(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("bench"));
    options.addPositional(QStringLiteral("MODEL"),
                          QStringLiteral("Models to measure (default: demo:teacher "
                                         "demo:student)."),
                          QStringLiteral("[MODEL...]"));
    options.addValue(QStringLiteral("prompt-tokens"),
                     QStringLiteral("Prompt length (default 128)."), QStringLiteral("N"),
                     QStringLiteral("128"));
    options.addValue(QStringLiteral("decode-tokens"),
                     QStringLiteral("Tokens to decode (default 128)."), QStringLiteral("N"),
                     QStringLiteral("128"));
    options.addValue(QStringLiteral("repeats"),
                     QStringLiteral("Runs per model; the median is reported (default 5)."),
                     QStringLiteral("N"), QStringLiteral("5"));
    CommonSpec commonSpec;
    commonSpec.model = true;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    BenchCommand command;
    command.models = options.positionalArguments();
    if (command.models.isEmpty())
        command.models = {QStringLiteral("demo:teacher"), QStringLiteral("demo:student")};
    command.promptTokens = options.intValue(QStringLiteral("prompt-tokens"));
    command.decodeTokens = options.intValue(QStringLiteral("decode-tokens"));
    command.repeats = options.intValue(QStringLiteral("repeats"));
    if (command.promptTokens < 2 || command.decodeTokens < 1 || command.repeats < 1)
        throw Error(
            QStringLiteral("--prompt-tokens must be >= 2, --decode-tokens and --repeats >= 1"));
    command.common = readCommonOptions(options, commonSpec);
    const int prompt = command.promptTokens;
    const int decode = command.decodeTokens;
    const int runs = command.repeats;
    const bool text = command.common.output.textOnStdout();

    QTextStream out(stdout);
    QJsonArray rows;
    if (text) {
        out << "prefill " << prompt << " tokens, decode " << decode << " tokens, greedy, median of "
            << runs << " runs; " << QSysInfo::currentCpuArchitecture() << ", "
            << QThread::idealThreadCount() << " hardware threads; idle threads "
            << threadWaitingDescription() << "\n\n";
        out << QStringLiteral("model").leftJustified(16)
            << QStringLiteral("parameters").rightJustified(12)
            << QStringLiteral("prefill tok/s").rightJustified(15)
            << QStringLiteral("decode tok/s").rightJustified(14) << '\n';
        out.flush();
    }
    for (const QString &spec : std::as_const(command.models)) {
        const LanguageModelPtr model = loadModel(command.common, spec);
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
        if (text) {
            out << model->displayName().leftJustified(16)
                << QString::number(parameters).rightJustified(12)
                << QString::number(median(prefill), 'f', 0).rightJustified(15)
                << QString::number(median(decodeRates), 'f', 0).rightJustified(14) << '\n';
            out.flush();
        }
    }
    command.common.output.writeJson(QJsonDocument(rows));
    return 0;
}

} // namespace nwc::cli
