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
    for (size_t i = 0; i < count; ++i)
        symbols[i] = decoder.decode(table);
    decoder.finish();
    return symbols;
}

} // namespace nwc
