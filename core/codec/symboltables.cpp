#include "codec/symboltables.h"

#include "jobs/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nwc {
namespace {

// Each side's tail beyond the coded range holds at most this much probability; it goes to the
// escape symbol.
constexpr double kTailMass = 1.0 / 16384.0;
// At most this many directly coded symbols per channel (the 16-bit table needs a slot each).
constexpr int64_t kMaxHalfRange = 4000;
// Probabilities are scaled to integer counts before quantizing to 16 bits.
constexpr double kCountScale = 1099511627776.0; // 2^40

double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

void fnv(uint32_t *hash, uint32_t value) {
    for (int i = 0; i < 4; ++i) {
        *hash ^= (value >> (8 * i)) & 0xff;
        *hash *= 16777619u;
    }
}

} // namespace

const FrequencyTable &SymbolTables::uniform16() {
    static const FrequencyTable table =
        FrequencyTable::fromCounts(std::vector<uint64_t>(65536, 1), kPrecision);
    return table;
}

SymbolTables::SymbolTables(const FactorizedDensity &density, double step, bool withFrequencies,
                           double rateWeight)
    : m_step(step)
    , m_rateWeight(rateWeight) {
    if (!(rateWeight >= 0.0) || !std::isfinite(rateWeight))
        throw Error(
            QStringLiteral("rate weight must be finite and non-negative, got %1").arg(rateWeight));
    if (!(step > 0.0) || !std::isfinite(step))
        throw Error(QStringLiteral("latent quantization step must be positive, got %1").arg(step));
    m_checksum = 2166136261u;
    m_channels.resize(size_t(density.channels()));
    for (int c = 0; c < density.channels(); ++c) {
        Channel &channel = m_channels[size_t(c)];
        channel.median = density.median(c);
        const auto edge = [&](int64_t k) { return channel.median + (double(k) + 0.5) * step; };
        // Upper end: smallest k whose upper tail is below kTailMass; lower end likewise.
        int64_t high = 0;
        while (high < kMaxHalfRange && sigmoid(-density.logit(c, edge(high))) > kTailMass)
            ++high;
        int64_t low = 0;
        while (low < kMaxHalfRange && sigmoid(density.logit(c, edge(-low - 1))) > kTailMass)
            ++low;
        channel.minimum = -low;
        channel.count = int32_t(low + high + 1);
        std::vector<double> probabilities(size_t(channel.count) + 1);
        double inside = 0.0;
        for (int32_t i = 0; i < channel.count; ++i) {
            const int64_t k = channel.minimum + i;
            probabilities[size_t(i)] = std::max(density.mass(c, edge(k - 1), edge(k)), 1e-12);
            inside += probabilities[size_t(i)];
        }
        probabilities.back() = std::max(1.0 - inside, 1e-9); // escape
        const double total = inside + probabilities.back();
        channel.bits.resize(probabilities.size());
        for (size_t i = 0; i < probabilities.size(); ++i)
            channel.bits[i] = -std::log2(probabilities[i] / total);
        channel.bits.back() += kEscapePayloadBits;
        fnv(&m_checksum, uint32_t(int32_t(channel.minimum)));
        fnv(&m_checksum, uint32_t(channel.count));
        if (withFrequencies) {
            std::vector<uint64_t> counts(probabilities.size());
            for (size_t i = 0; i < probabilities.size(); ++i)
                counts[i] = std::max<uint64_t>(
                    1, uint64_t(std::llround(probabilities[i] / total * kCountScale)));
            channel.table =
                std::make_shared<FrequencyTable>(FrequencyTable::fromCounts(counts, kPrecision));
            for (int i = 0; i < channel.table->symbolCount(); ++i)
                fnv(&m_checksum, channel.table->frequency(i));
        }
    }
}

double SymbolTables::cheapestBits(int channel) const {
    const Channel &c = m_channels[size_t(channel)];
    if (!c.table)
        return 0.0;
    uint32_t highest = 1;
    for (int i = 0; i < c.table->symbolCount(); ++i)
        highest = std::max(highest, c.table->frequency(i));
    return double(c.table->precisionBits()) - std::log2(double(highest));
}

void SymbolTables::appendSymbols(int channel, int64_t symbol, std::vector<int32_t> *values,
                                 std::vector<const FrequencyTable *> *tables) const {
    const Channel &c = m_channels[size_t(channel)];
    if (!c.table)
        throw Error(QStringLiteral("symbol tables were built without frequencies"));
    const int64_t index = symbol - c.minimum;
    if (index >= 0 && index < c.count) {
        values->push_back(int32_t(index));
        tables->push_back(c.table.get());
        return;
    }
    values->push_back(c.count);
    tables->push_back(c.table.get());
    const int64_t offset = index >= c.count ? index - c.count : index; // below: < 0
    // In unsigned arithmetic: shifting a negative offset left is undefined behaviour.
    const uint32_t zigzag = uint32_t((uint64_t(offset) << 1) ^ uint64_t(offset >> 63));
    values->push_back(int32_t(zigzag >> 16));
    tables->push_back(&uniform16());
    values->push_back(int32_t(zigzag & 0xffff));
    tables->push_back(&uniform16());
}

SymbolTables::LaneSymbol SymbolTables::laneSymbol(int channel, int64_t symbol) const {
    const Channel &c = m_channels[size_t(channel)];
    if (!c.table)
        throw Error(QStringLiteral("symbol tables were built without frequencies"));
    LaneSymbol coded;
    const int64_t index = symbol - c.minimum;
    if (index >= 0 && index < c.count) {
        coded.index = int32_t(index);
        return coded;
    }
    coded.index = c.count;
    coded.escaped = true;
    const int64_t offset = index >= c.count ? index - c.count : index; // below: < 0
    coded.payload = uint32_t((uint64_t(offset) << 1) ^ uint64_t(offset >> 63));
    return coded;
}

const LaneDecodeTables &SymbolTables::laneTables() const {
    std::call_once(m_lane->once, [&] {
        std::vector<const FrequencyTable *> tables;
        for (const Channel &c : m_channels) {
            if (!c.table)
                throw Error(QStringLiteral("symbol tables were built without frequencies"));
            tables.push_back(c.table.get());
        }
        m_lane->tables = std::make_unique<LaneDecodeTables>(tables);
    });
    return *m_lane->tables;
}

} // namespace nwc
