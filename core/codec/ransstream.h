#pragma once
// Streaming rANS coder for symbols that each use their own frequency table (the table may be
// chosen from symbols decoded earlier, e.g. after an escape). Same stream format as ransEncode:
// 32-bit state in [2^23, 2^31), byte-wise renormalization, final state stored first.

#include "codec/frequencytable.h"
#include "jobs/error.h"

#include <QByteArray>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace nwc {

/// Encodes symbols pushed in *reverse* order (last symbol first).
class RansEncoder {
public:
    static constexpr uint32_t kLowerBound = uint32_t(1) << 23;

    /// Pushes the symbol that comes before all symbols pushed so far.
    void pushReverse(int32_t symbol, const FrequencyTable &table) {
        if (symbol < 0 || symbol >= table.symbolCount() || table.frequency(symbol) == 0)
            throw Error(
                QStringLiteral("rANS: symbol %1 has no frequency in the table").arg(symbol));
        const int bits = table.precisionBits();
        const uint32_t frequency = table.frequency(symbol);
        const uint32_t limit = ((kLowerBound >> bits) << 8) * frequency;
        while (m_state >= limit) {
            m_reversed.push_back(uint8_t(m_state & 0xff));
            m_state >>= 8;
        }
        m_state = ((m_state / frequency) << bits) + (m_state % frequency) + table.start(symbol);
    }
    /// The finished stream (the encoder is reset).
    QByteArray finish() {
        for (int shift = 24; shift >= 0; shift -= 8)
            m_reversed.push_back(uint8_t(m_state >> shift));
        QByteArray stream(qsizetype(m_reversed.size()), Qt::Uninitialized);
        std::reverse_copy(m_reversed.begin(), m_reversed.end(),
                          reinterpret_cast<uint8_t *>(stream.data()));
        m_reversed.clear();
        m_state = kLowerBound;
        return stream;
    }

private:
    std::vector<uint8_t> m_reversed;
    uint32_t m_state = kLowerBound;
};

/// Decodes symbols in order from a stream made by RansEncoder / ransEncode.
class RansDecoder {
public:
    /// `data` must stay valid while decoding. Throws nwc::Error when shorter than 4 bytes.
    RansDecoder(const uint8_t *data, size_t size)
        : m_data(data)
        , m_size(size) {
        if (size < 4)
            throw Error(
                QStringLiteral("rANS stream of %1 bytes is truncated (at least 4 needed)").arg(size));
        for (int i = 0; i < 4; ++i)
            m_state |= uint32_t(m_data[m_position++]) << (8 * i);
    }
    /// The next symbol under `table`. Throws nwc::Error when the stream runs out.
    int32_t decode(const FrequencyTable &table) {
        const int bits = table.precisionBits();
        const uint32_t slot = m_state & ((uint32_t(1) << bits) - 1);
        const int32_t symbol = table.symbolAt(slot);
        m_state = table.frequency(symbol) * (m_state >> bits) + slot - table.start(symbol);
        while (m_state < RansEncoder::kLowerBound) {
            if (m_position >= m_size)
                throw Error(QStringLiteral("rANS stream is truncated"));
            m_state = (m_state << 8) | m_data[m_position++];
        }
        return symbol;
    }
    /// Throws nwc::Error unless every byte was used and the state is the encoder's initial one
    /// (catches corrupt streams).
    void finish() const {
        if (m_position != m_size || m_state != RansEncoder::kLowerBound)
            throw Error(QStringLiteral("rANS stream is corrupt: %1 of %2 bytes used, final state "
                                       "does not match the encoder's")
                            .arg(m_position)
                            .arg(m_size));
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_position = 0;
    uint32_t m_state = 0;
};

} // namespace nwc
