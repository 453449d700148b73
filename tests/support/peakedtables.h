#pragma once
// Frequency tables for the lane rANS tests (CPU and CUDA): a latent's peaked distribution, and
// a set of such tables with every fourth one a single-symbol table (a bucket shared by nothing).

#include "codec/frequencytable.h"

#include <cmath>
#include <memory>
#include <random>
#include <vector>

namespace nwc::testing {

/// A table over `alphabet` symbols with a two-sided geometric shape of spread `spread` (a
/// latent's distribution at some quantization step), every symbol present.
inline FrequencyTable peakedTable(int alphabet, double spread) {
    std::vector<uint64_t> counts(static_cast<size_t>(alphabet));
    for (int s = 0; s < alphabet; ++s)
        counts[size_t(s)] = 1 + uint64_t(1e9 * std::exp(-std::abs(s - alphabet / 2) / spread));
    return FrequencyTable::fromCounts(counts, 16);
}

/// `count` random 16-bit tables drawn from `rng`: alphabets of 3 to 902 symbols and spreads of
/// 0.3 to 40, every fourth table a single symbol.
inline std::vector<std::unique_ptr<FrequencyTable>> randomPeakedTables(int count,
                                                                       std::mt19937_64 &rng) {
    std::vector<std::unique_ptr<FrequencyTable>> tables;
    for (int t = 0; t < count; ++t) {
        const int alphabet = t % 4 == 3 ? 1 : 3 + int(rng() % 900);
        tables.push_back(std::make_unique<FrequencyTable>(
            alphabet == 1 ? FrequencyTable::fromCounts({5}, 16)
                          : peakedTable(alphabet, 0.3 + double(rng() % 4000) / 100.0)));
    }
    return tables;
}

} // namespace nwc::testing
