#include "cli/ratecontrolgroup.h"

#include "jobs/error.h"

#include <cmath>

namespace nwc::cli {

void addRateControlOptions(CommandOptions &options) {
    options.addValue(
        QStringLiteral("allocation"),
        QStringLiteral("What NWC's bit allocation balances across tensors: relative (each "
                       "layer's output error over its output energy, default) or absolute (the "
                       "output error itself, the rule before 0.3)."),
        QStringLiteral("W"), allocationWeightingName(AllocationWeighting::Relative));
    options.addValue(
        QStringLiteral("rate-weight"),
        QStringLiteral("Rate weight k of NWC's index choice: each latent index minimises "
                       "(error/step)^2 + k * bits (rate-distortion optimised quantization); 0 "
                       "rounds to the nearest (default %1).")
            .arg(kDefaultRateWeight),
        QStringLiteral("K"), QString::number(kDefaultRateWeight));
}

void addGroupSizeOption(CommandOptions &options) {
    options.addValue(QStringLiteral("group-size"),
                     QStringLiteral("RTN/GPTQ group size (default 128)."), QStringLiteral("N"),
                     QStringLiteral("128"));
}

RateControlOptions readRateControlOptions(const CommandOptions &options) {
    RateControlOptions result;
    const QString allocation = options.value(QStringLiteral("allocation"));
    if (!allocationWeightingFromName(allocation, &result.allocation))
        throw Error(
            QStringLiteral("unknown --allocation '%1' (use relative or absolute)").arg(allocation));
    result.rateWeight = options.doubleValue(QStringLiteral("rate-weight"));
    if (!(result.rateWeight >= 0.0) || !std::isfinite(result.rateWeight))
        throw Error(QStringLiteral("--rate-weight must be a non-negative number, got '%1'")
                        .arg(options.value(QStringLiteral("rate-weight"))));
    return result;
}

} // namespace nwc::cli
