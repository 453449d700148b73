#include "codec/rans.h"

#include "jobs/error.h"

#include <algorithm>

namespace nwc {
namespace {

constexpr uint32_t kLowerBound = uint32_t(1) << 23; // state stays in [L, 256 L)

} // namespace

QByteArray ransEncode(const std::vector<int32_t> &symbols, const FrequencyTable &table) {
    const int bits = table.precisionBits();
    std::vector<uint8_t> reversed;
    reversed.reserve(symbols.size() / 2 + 8);
    uint32_t state = kLowerBound;
    for (auto it = symbols.rbegin(); it != symbols.rend(); ++it) {
        const int32_t symbol = *it;
        if (symbol < 0 || symbol >= table.symbolCount() || table.frequency(symbol) == 0)
            throw Error(
                QStringLiteral("rANS: symbol %1 has no frequency in the table").arg(symbol));
        const uint32_t frequency = table.frequency(symbol);
        const uint32_t limit = ((kLowerBound >> bits) << 8) * frequency;
        while (state >= limit) {
            reversed.push_back(uint8_t(state & 0xff));
            state >>= 8;
        }
        state = ((state / frequency) << bits) + (state % frequency) + table.start(symbol);
    }
    for (int shift = 24; shift >= 0; shift -= 8)
        reversed.push_back(uint8_t(state >> shift));
    QByteArray stream(qsizetype(reversed.size()), Qt::Uninitialized);
    std::reverse_copy(reversed.begin(), reversed.end(), reinterpret_cast<uint8_t *>(stream.data()));
    return stream;
}

std::vector<int32_t> ransDecode(const QByteArray &stream, size_t count,
                                const FrequencyTable &table) {
    const auto *bytes = reinterpret_cast<const uint8_t *>(stream.constData());
    const size_t size = size_t(stream.size());
    if (size < 4)
        throw Error(
            QStringLiteral("rANS stream of %1 bytes is truncated (at least 4 needed)").arg(size));
    size_t position = 0;
    uint32_t state = 0;
    for (int i = 0; i < 4; ++i)
        state |= uint32_t(bytes[position++]) << (8 * i);
    const int bits = table.precisionBits();
    const uint32_t mask = (uint32_t(1) << bits) - 1;
    std::vector<int32_t> symbols(count);
    for (size_t i = 0; i < count; ++i) {
        const uint32_t slot = state & mask;
        const int32_t symbol = table.symbolAt(slot);
        symbols[i] = symbol;
        state = table.frequency(symbol) * (state >> bits) + slot - table.start(symbol);
        while (state < kLowerBound) {
            if (position >= size)
                throw Error(QStringLiteral("rANS stream is truncated: it ended after %1 of %2 "
                                           "symbols")
                                .arg(i + 1)
                                .arg(count));
            state = (state << 8) | bytes[position++];
        }
    }
    if (position != size || state != kLowerBound)
        throw Error(QStringLiteral("rANS stream is corrupt: %1 of %2 bytes used, final state "
                                   "does not match the encoder's")
                        .arg(position)
                        .arg(size));
    return symbols;
}

} // namespace nwc
