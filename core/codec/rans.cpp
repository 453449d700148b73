#include "codec/rans.h"

#include "codec/ransstream.h"

namespace nwc {

QByteArray ransEncode(const std::vector<int32_t> &symbols, const FrequencyTable &table) {
    RansEncoder encoder;
    for (auto it = symbols.rbegin(); it != symbols.rend(); ++it)
        encoder.pushReverse(*it, table);
    return encoder.finish();
}

std::vector<int32_t> ransDecode(const QByteArray &stream, size_t count,
                                const FrequencyTable &table) {
    RansDecoder decoder(reinterpret_cast<const uint8_t *>(stream.constData()),
                        size_t(stream.size()));
    std::vector<int32_t> symbols(count);
    decoder.decode(table, symbols.data(), count);
    decoder.finish();
    return symbols;
}

RansDecoder::SlowStep RansDecoder::slowStep(const FrequencyTable &table, const uint8_t *data,
                                            size_t size, uint32_t state, size_t position) {
    const int bits = table.precisionBits();
    const uint32_t slot = state & ((uint32_t(1) << bits) - 1);
    const int32_t symbol = table.symbolAt(slot);
    state = table.frequency(symbol) * (state >> bits) + slot - table.start(symbol);
    while (state < kLowerBound) {
        if (position >= size)
            throw Error(QStringLiteral("rANS stream is truncated"));
        state = (state << 8) | data[position++];
    }
    return SlowStep{symbol, state, position};
}

} // namespace nwc
