#include "codec/frequencytable.h"

#include "jobs/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>
#include <tuple>

namespace nwc {

FrequencyTable FrequencyTable::fromCounts(const std::vector<uint64_t> &counts, int precisionBits) {
    if (precisionBits < 1 || precisionBits > 16)
        throw Error(
            QStringLiteral("rANS precision must be 1 to 16 bits, got %1").arg(precisionBits));
    const uint64_t total = std::accumulate(counts.begin(), counts.end(), uint64_t(0));
    const uint32_t target = uint32_t(1) << precisionBits;
    const auto present =
        uint64_t(std::count_if(counts.begin(), counts.end(), [](uint64_t c) { return c > 0; }));
    if (total == 0)
        throw Error(QStringLiteral("cannot build a frequency table: no symbol occurs"));
    if (present > target)
        throw Error(QStringLiteral("%1 distinct symbols do not fit a %2-bit frequency table")
                        .arg(present)
                        .arg(precisionBits));

    FrequencyTable table;
    table.m_precisionBits = precisionBits;
    table.m_frequencies.assign(counts.size(), 0);
    // Proportional share, at least 1 for every symbol that occurs.
    int64_t assigned = 0;
    for (size_t s = 0; s < counts.size(); ++s) {
        if (counts[s] == 0)
            continue;
        const double share = double(counts[s]) * double(target) / double(total);
        table.m_frequencies[s] = std::max<uint32_t>(1, uint32_t(std::llround(share)));
        assigned += table.m_frequencies[s];
    }
    // Fix the total one slot at a time where it changes the expected code length the least,
    // never taking a symbol below 1 (a heap with lazy invalidation keeps this O(n log n)).
    const bool add = assigned < int64_t(target);
    const auto gain = [&](size_t s) {
        const double f = table.m_frequencies[s];
        return add ? double(counts[s]) * std::log2((f + 1) / f)
                   : -double(counts[s]) * std::log2(f / (f - 1));
    };
    using Entry = std::tuple<double, size_t, uint32_t>; // gain, symbol, frequency when queued
    std::priority_queue<Entry> heap;
    for (size_t s = 0; s < counts.size(); ++s) {
        if (counts[s] > 0 && (add || table.m_frequencies[s] > 1))
            heap.emplace(gain(s), s, table.m_frequencies[s]);
    }
    while (assigned != int64_t(target)) {
        const auto [unused, s, queuedFrequency] = heap.top();
        heap.pop();
        if (queuedFrequency != table.m_frequencies[s])
            continue; // stale entry
        table.m_frequencies[s] += add ? 1 : uint32_t(-1);
        assigned += add ? 1 : -1;
        if (add || table.m_frequencies[s] > 1)
            heap.emplace(gain(s), s, table.m_frequencies[s]);
    }
    table.m_starts.assign(counts.size(), 0);
    uint32_t cumulative = 0;
    for (size_t s = 0; s < counts.size(); ++s) {
        table.m_starts[s] = cumulative;
        cumulative += table.m_frequencies[s];
    }
    // Buckets: the symbol holding the bucket's first slot, if it also holds the last one.
    table.m_bucketShift = precisionBits - std::min(precisionBits, int(kBucketBits));
    const uint32_t bucketSize = uint32_t(1) << table.m_bucketShift;
    table.m_buckets.assign(size_t(target >> table.m_bucketShift), Bucket{0, 0, 0});
    size_t symbol = 0;
    for (size_t b = 0; b < table.m_buckets.size(); ++b) {
        const uint32_t first = uint32_t(b) * bucketSize;
        while (table.m_starts[symbol] + table.m_frequencies[symbol] <= first)
            ++symbol;
        const uint32_t end = table.m_starts[symbol] + table.m_frequencies[symbol];
        if (symbol > 0xffff)
            continue;
        if (end >= first + bucketSize)
            table.m_buckets[b] = Bucket{table.m_frequencies[symbol],
                                        uint16_t(table.m_starts[symbol]), uint16_t(symbol)};
        else
            table.m_buckets[b].symbol = uint16_t(symbol);
    }
    return table;
}

int FrequencyTable::searchSymbol(uint32_t slot) const {
    // The last symbol starting at or before `slot` (symbols without frequency share the start of
    // the next one and come before it). A shared bucket usually holds two or three symbols:
    // look at a few after its first one before searching all.
    const size_t first = m_buckets[slot >> m_bucketShift].symbol;
    const size_t end = std::min(m_starts.size(), first + 4);
    for (size_t s = first; s + 1 < end; ++s) {
        if (m_starts[s + 1] > slot)
            return int(s);
    }
    const auto it = std::upper_bound(m_starts.begin() + (end - 1), m_starts.end(), slot);
    return int(it - m_starts.begin()) - 1;
}

double FrequencyTable::bits(int symbol) const {
    return double(m_precisionBits) - std::log2(double(frequency(symbol)));
}

} // namespace nwc
