#pragma once
// Coding tables of one codec at one latent quantization step: for every latent channel the
// range of symbols it codes directly, each symbol's code length under the learned density, and
// the 16-bit frequency tables (plus an escape symbol for values outside the range, whose
// offset follows as two uniformly coded 16-bit halves).

#include "codec/factorizeddensity.h"
#include "codec/frequencytable.h"
#include "codec/laneransstream.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace nwc {

class SymbolTables {
public:
    /// Frequency-table precision (bits).
    static constexpr int kPrecision = 16;
    /// Bits an escaped value costs on top of the escape symbol.
    static constexpr int kEscapePayloadBits = 32;

    /// Builds the tables of every channel of `density` at quantization step `step` (> 0).
    /// With `withFrequencies` false only the code lengths are computed (for rate estimates).
    /// `rateWeight` k ≥ 0 makes quantize() rate–distortion optimised: it picks the symbol s among
    /// the two neighbours of value/step minimising (value/step − s)² + k · bits(s) (k = 0: plain
    /// rounding). The decoder does not need k.
    SymbolTables(const FactorizedDensity &density, double step, bool withFrequencies,
                 double rateWeight = 0.0);

    double step() const { return m_step; }
    int channels() const { return int(m_channels.size()); }
    double median(int channel) const { return m_channels[size_t(channel)].median; }
    double rateWeight() const { return m_rateWeight; }
    /// The integer symbol of latent value `value` in `channel`: round((value - median) / step),
    /// or with a rate weight k the neighbour with the lower (scaled error)² + k · bits.
    int64_t quantize(int channel, float value) const;
    /// The latent value symbol `symbol` stands for.
    float dequantize(int channel, int64_t symbol) const;
    /// Model code length of `symbol` in bits (escape symbol + payload for out-of-range ones).
    double bits(int channel, int64_t symbol) const;

    /// Appends the rANS symbols (table index, value) coding `symbol` in `channel`, in coding
    /// order: the range index or the escape index, then two 16-bit halves when escaped.
    /// `tables` receives the table to use for each pushed symbol.
    void appendSymbols(int channel, int64_t symbol, std::vector<int32_t> *values,
                       std::vector<const FrequencyTable *> *tables) const;
    /// Decodes one latent symbol of `channel` with `decode(table)` returning the next rANS
    /// symbol coded with that table.
    template <typename Decode> int64_t decodeSymbol(int channel, Decode &&decode) const {
        const Channel &c = m_channels[size_t(channel)];
        const int32_t index = decode(*c.table);
        if (index < c.count)
            return c.minimum + index;
        const uint32_t high = uint32_t(decode(uniform16()));
        const uint32_t low = uint32_t(decode(uniform16()));
        return escapedSymbol(channel, (high << 16) | low);
    }

    /// A latent symbol as a lane stream (.nwc v2) codes it: its index in the channel's table,
    /// or the escape index with the payload stored raw beside the stream.
    struct LaneSymbol {
        int32_t index = 0;
        bool escaped = false;
        uint32_t payload = 0; ///< zig-zag offset beyond the coded range, when escaped
    };
    LaneSymbol laneSymbol(int channel, int64_t symbol) const;
    /// The frequency table of `channel` (tables built with frequencies only).
    const FrequencyTable &table(int channel) const { return *m_channels[size_t(channel)].table; }
    /// Whether table index `index` of `channel` is its escape.
    bool isEscape(int channel, int32_t index) const {
        return index >= m_channels[size_t(channel)].count;
    }
    /// The latent symbol of table index `index` (not the escape) of `channel`.
    int64_t indexedSymbol(int channel, int32_t index) const {
        return m_channels[size_t(channel)].minimum + index;
    }
    /// The latent symbol of an escape of `channel` with payload `zigzag`.
    int64_t escapedSymbol(int channel, uint32_t zigzag) const {
        const Channel &c = m_channels[size_t(channel)];
        const int64_t offset = int64_t(zigzag >> 1) ^ -int64_t(zigzag & 1);
        return offset >= 0 ? c.minimum + c.count + offset : c.minimum + offset;
    }
    /// Every channel's table laid out for lane decoding (table index = channel), built on first
    /// use (thread-safe). Tables built with frequencies only.
    const LaneDecodeTables &laneTables() const;
    /// Fewest bits a latent of `channel` can take in a rANS stream: the code length of its most
    /// frequent table entry (0 without frequency tables).
    double cheapestBits(int channel) const;
    /// Hash of all frequency tables (FNV-1a, 32 bits) to detect encoder/decoder table mismatch.
    uint32_t checksum() const { return m_checksum; }

    /// The uniform table over 65536 symbols used for escape payloads.
    static const FrequencyTable &uniform16();

private:
    struct Channel {
        double median = 0.0;
        int64_t minimum = 0;
        int32_t count = 0;
        std::vector<double> bits; // count entries + escape
        std::shared_ptr<FrequencyTable> table;
    };
    double m_step = 1.0;
    double m_rateWeight = 0.0;
    std::vector<Channel> m_channels;
    uint32_t m_checksum = 0;
    struct LaneCache {
        std::once_flag once;
        std::unique_ptr<LaneDecodeTables> tables;
    };
    std::shared_ptr<LaneCache> m_lane = std::make_shared<LaneCache>();
};

// Inline: the per-weight loops of rate and error measurement call these for every latent.
inline int64_t SymbolTables::quantize(int channel, float value) const {
    const double scaled = (double(value) - m_channels[size_t(channel)].median) / m_step;
    const double limit = double(std::numeric_limits<int32_t>::max() / 4);
    const double clamped = std::clamp(scaled, -limit, limit);
    const int64_t nearest = int64_t(std::nearbyint(clamped));
    if (m_rateWeight == 0.0)
        return nearest;
    const int64_t other = clamped >= double(nearest) ? nearest + 1 : nearest - 1;
    const auto cost = [&](int64_t symbol) {
        const double error = clamped - double(symbol);
        return error * error + m_rateWeight * bits(channel, symbol);
    };
    return cost(other) < cost(nearest) ? other : nearest;
}

inline float SymbolTables::dequantize(int channel, int64_t symbol) const {
    return float(m_channels[size_t(channel)].median + double(symbol) * m_step);
}

inline double SymbolTables::bits(int channel, int64_t symbol) const {
    const Channel &c = m_channels[size_t(channel)];
    const int64_t index = symbol - c.minimum;
    if (index >= 0 && index < c.count)
        return c.bits[size_t(index)];
    return c.bits.back();
}

} // namespace nwc
