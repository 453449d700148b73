#pragma once
// Global bit allocation across tensors (docs/architecture.md, Rate control): every tensor offers
// options (codec, latent step) with a rate and an importance-weighted distortion; one option per
// tensor is chosen so that total distortion is minimal for a total rate at or just below a target —
// equal distortion-per-bit slopes across tensors (Lagrangian), then a greedy fill of what is left.
// Torch-free, pure.

#include <cstdint>
#include <vector>

namespace nwc {

/// One way to code one tensor.
struct RateOption {
    int codec = 0;
    double step = 1.0;
    /// Bits this option adds (bitstream estimate).
    double bits = 0.0;
    double distortion = 0.0;
};

/// The options of one tensor plus bits it costs whatever is chosen (side information).
struct TensorRateOptions {
    double fixedBits = 0.0;
    std::vector<RateOption> options;
};

struct BitAllocation {
    /// Index into each tensor's options.
    std::vector<int> choice;
    double totalBits = 0.0;
    double totalDistortion = 0.0;
};

/// Chooses one option per tensor minimizing total distortion subject to
/// total bits (fixed + chosen) ≤ targetBits; when even the cheapest options exceed the target
/// they are returned (the caller checks the total). Every tensor needs at least one option.
BitAllocation allocateBits(const std::vector<TensorRateOptions> &tensors, double targetBits);

} // namespace nwc
