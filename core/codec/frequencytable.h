#pragma once
// Quantized symbol frequencies for the rANS coder: integer frequencies summing to exactly
// 2^precisionBits, every symbol that occurs getting at least 1.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nwc {

/// Frequencies, cumulative starts and a slot -> symbol lookup for symbols 0..size-1.
///
/// The lookup is a table of at most 2^11 buckets of consecutive slots (16 KiB; one entry per
/// slot took 256 KiB at 16 bits, which falls out of the L1/L2 caches, the more so when a
/// decoder alternates among dozens of tables). A bucket that lies within one symbol's range
/// holds that symbol with its frequency and start, so a decoding step needs one load; a bucket
/// shared by several symbols (a few percent of the slots) is resolved by a binary search.
class FrequencyTable {
public:
    /// One lookup bucket. `frequency` > 0: every slot of the bucket belongs to `symbol`, whose
    /// range starts at `start`. `frequency` == 0: several symbols share the bucket, the first
    /// of them is `symbol` (or 0 when it does not fit 16 bits): use searchSymbol.
    struct Bucket {
        uint32_t frequency;
        uint16_t start;
        uint16_t symbol;
    };

    /// Highest precision.
    static constexpr int kMaxPrecisionBits = 16;
    /// A table has at most 2^kBucketBits lookup buckets (8 bytes each). More buckets leave
    /// fewer slots in buckets shared by several symbols (faster with one table), fewer take
    /// less cache when a decoder alternates among many tables; 2^11 measured within 4 % of
    /// 2^12 with one table and 30 % faster than it with 64.
    static constexpr int kBucketBits = 11;

    /// Scales `counts` to a total of 2^precisionBits (1..16). Symbols with a zero count get a
    /// zero frequency and cannot be coded. Throws nwc::Error if no symbol occurs or more
    /// symbols occur than the precision has slots.
    static FrequencyTable fromCounts(const std::vector<uint64_t> &counts, int precisionBits = 16);

    int precisionBits() const { return m_precisionBits; }
    int symbolCount() const { return int(m_frequencies.size()); }
    uint32_t frequency(int symbol) const { return m_frequencies[std::size_t(symbol)]; }
    uint32_t start(int symbol) const { return m_starts[std::size_t(symbol)]; }
    /// The symbol whose range holds `slot` (0 <= slot < 2^precisionBits).
    int symbolAt(uint32_t slot) const {
        const Bucket &b = bucket(slot);
        return b.frequency != 0 ? int(b.symbol) : searchSymbol(slot);
    }
    /// The lookup bucket holding `slot` (0 <= slot < 2^precisionBits).
    const Bucket &bucket(uint32_t slot) const { return m_buckets[slot >> m_bucketShift]; }
    /// All buckets: bucket(slot) is buckets()[slot >> bucketShift()].
    const Bucket *buckets() const { return m_buckets.data(); }
    int bucketShift() const { return m_bucketShift; }
    /// The symbol whose range holds `slot`, searched from the first symbol of its bucket.
    int searchSymbol(uint32_t slot) const;
    /// Ideal code length of `symbol` in bits under this table.
    double bits(int symbol) const;

private:
    int m_precisionBits = 16;
    std::vector<uint32_t> m_frequencies;
    std::vector<uint32_t> m_starts;
    int m_bucketShift = 0;
    std::vector<Bucket> m_buckets;
};

} // namespace nwc
