#pragma once
// Option group "NWC rate control": what the bit allocation balances across tensors and how each
// latent index is chosen (--allocation, --rate-weight), shared by compress and sweep.

#include "analysis/modelcompressor.h"
#include "cli/commandoptions.h"

namespace nwc::cli {

/// What the group read.
struct RateControlOptions {
    AllocationWeighting allocation = AllocationWeighting::Relative;
    double rateWeight = kDefaultRateWeight;
};

void addRateControlOptions(CommandOptions &options);
/// Reads and checks the group: throws nwc::Error for an unknown allocation or a negative or
/// non-finite rate weight.
RateControlOptions readRateControlOptions(const CommandOptions &options);

/// Declares --group-size N, the RTN/GPTQ group size compress and sweep offer beside the group.
void addGroupSizeOption(CommandOptions &options);
/// --group-size and readRateControlOptions() into `settings`' groupSize, allocation and
/// rateWeight (CompressionSettings, SweepSettings).
template <typename Settings>
void readRateControlInto(const CommandOptions &options, Settings &settings) {
    settings.groupSize = options.intValue(QStringLiteral("group-size"));
    const RateControlOptions rateControl = readRateControlOptions(options);
    settings.allocation = rateControl.allocation;
    settings.rateWeight = rateControl.rateWeight;
}

} // namespace nwc::cli
