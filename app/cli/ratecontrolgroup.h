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

} // namespace nwc::cli
