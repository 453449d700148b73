#pragma once
// Quantized symbol frequencies for the rANS coder: integer frequencies summing to exactly
// 2^precisionBits, every symbol that occurs getting at least 1.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nwc {

/// Frequencies, cumulative starts and a slot -> symbol lookup for symbols 0..size-1.
class FrequencyTable {
public:
    /// Scales `counts` to a total of 2^precisionBits (1..16). Symbols with a zero count get a
    /// zero frequency and cannot be coded. Throws nwc::Error if no symbol occurs or more
    /// symbols occur than the precision has slots.
    static FrequencyTable fromCounts(const std::vector<uint64_t> &counts, int precisionBits = 16);

    int precisionBits() const { return m_precisionBits; }
    int symbolCount() const { return int(m_frequencies.size()); }
    uint32_t frequency(int symbol) const { return m_frequencies[std::size_t(symbol)]; }
    uint32_t start(int symbol) const { return m_starts[std::size_t(symbol)]; }
    /// The symbol whose range holds `slot` (0 <= slot < 2^precisionBits).
    int symbolAt(uint32_t slot) const { return m_slotSymbols[slot]; }
    /// Ideal code length of `symbol` in bits under this table.
    double bits(int symbol) const;

private:
    int m_precisionBits = 16;
    std::vector<uint32_t> m_frequencies;
    std::vector<uint32_t> m_starts;
    std::vector<int32_t> m_slotSymbols;
};

} // namespace nwc
