#pragma once
// Option group "sampling": how tokens are chosen and how many
// (--temperature, --top-k, --top-p, --seed, --max-tokens).

#include "cli/commandoptions.h"

#include "lm/generator.h"

namespace nwc::cli {

/// Which options of the group a command offers, and their defaults there.
struct SamplingSpec {
    /// Defaults of --temperature, --top-k, --top-p, --seed and --max-tokens.
    SamplingSettings defaults;
    /// --temperature, --top-k, --top-p and --seed (false: greedy, only --max-tokens).
    bool sampling = true;
    /// Appended to the help of --temperature (what the temperature applies to).
    QString temperatureNote;
};

void addSamplingOptions(CommandOptions &options, const SamplingSpec &spec);
/// Reads and checks the group (--max-tokens, --temperature, --top-k >= 0, 0 < --top-p <= 1).
SamplingSettings readSamplingOptions(const CommandOptions &options, const SamplingSpec &spec);

} // namespace nwc::cli
