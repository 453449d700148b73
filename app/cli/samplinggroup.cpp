#include "cli/samplinggroup.h"

#include "jobs/error.h"

namespace nwc::cli {

void addSamplingOptions(CommandOptions &options, const SamplingSpec &spec) {
    const SamplingSettings &d = spec.defaults;
    options.addValue(QStringLiteral("max-tokens"),
                     QStringLiteral("Tokens to generate at most (default %1).").arg(d.maxTokens),
                     QStringLiteral("N"), QString::number(d.maxTokens));
    if (!spec.sampling)
        return;
    QString temperatureHelp =
        QStringLiteral("Sampling temperature; 0 = greedy (default %1).").arg(d.temperature);
    if (!spec.temperatureNote.isEmpty())
        temperatureHelp += QLatin1Char(' ') + spec.temperatureNote;
    options.addValue(QStringLiteral("temperature"), temperatureHelp, QStringLiteral("T"),
                     QString::number(d.temperature));
    options.addValue(
        QStringLiteral("top-k"),
        QStringLiteral("Keep the K most likely tokens; 0 = off (default %1).").arg(d.topK),
        QStringLiteral("K"), QString::number(d.topK));
    options.addValue(QStringLiteral("top-p"),
                     QStringLiteral("Nucleus sampling mass; 1 = off (default %1).").arg(d.topP),
                     QStringLiteral("P"), QString::number(d.topP));
    options.addValue(QStringLiteral("seed"),
                     QStringLiteral("Sampling seed (default %1).").arg(d.seed), QStringLiteral("S"),
                     QString::number(d.seed));
}

SamplingSettings readSamplingOptions(const CommandOptions &options, const SamplingSpec &spec) {
    SamplingSettings settings = spec.defaults;
    settings.maxTokens = options.intValue(QStringLiteral("max-tokens"));
    if (spec.sampling) {
        settings.temperature = options.doubleValue(QStringLiteral("temperature"));
        settings.topK = options.intValue(QStringLiteral("top-k"));
        settings.topP = options.doubleValue(QStringLiteral("top-p"));
        settings.seed = options.uint64Value(QStringLiteral("seed"));
    }
    if (settings.maxTokens < 0 || settings.temperature < 0 || settings.topK < 0 ||
        !(settings.topP > 0) || settings.topP > 1)
        throw Error(QStringLiteral("invalid sampling settings: need --max-tokens >= 0, "
                                   "--temperature >= 0, --top-k >= 0, 0 < --top-p <= 1"));
    return settings;
}

} // namespace nwc::cli
