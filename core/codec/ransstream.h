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
///
/// A decoding step is state' = frequency · (state >> bits) + slot − start, followed by reading
/// the bytes that bring state' back to [2^23, 2^31). One stream is one chain of dependent steps,
/// so the speed is the latency of that chain: the fast path (a lookup bucket owned by one symbol
/// whose frequency is at least 2^(bits − 8), so at most one byte follows) computes both
/// candidate states in parallel and picks one with a conditional move instead of a branch (how
/// many bytes a symbol takes is unpredictable); everything else goes through slowStep.
class RansDecoder {
public:
    /// `data` must stay valid while decoding. Throws nwc::Error when shorter than 4 bytes.
    RansDecoder(const uint8_t *data, size_t size)
        : m_data(data)
        , m_size(size) {
        if (size < 4)
            throw Error(QStringLiteral("rANS stream of %1 bytes is truncated (at least 4 needed)")
                            .arg(size));
        for (int i = 0; i < 4; ++i)
            m_state |= uint32_t(m_data[m_position++]) << (8 * i);
    }
    /// The next symbol under `table`. Throws nwc::Error when the stream runs out.
    int32_t decode(const FrequencyTable &table) {
        const int bits = table.precisionBits();
        const uint32_t slot = m_state & ((uint32_t(1) << bits) - 1);
        const uint32_t high = m_state >> bits;
        const FrequencyTable::Bucket &bucket = table.bucket(slot);
        if (__builtin_expect(bucket.frequency < oneByteFrequency(bits) || m_position >= m_size,
                             0)) {
            const SlowStep next = slowStep(table, m_data, m_size, m_state, m_position);
            m_state = next.state;
            m_position = next.position;
            return next.symbol;
        }
        const uint32_t offset = slot - bucket.start;
        const uint32_t none = bucket.frequency * high + offset;
        const uint32_t one = bucket.frequency * (high << 8) + ((offset << 8) | m_data[m_position]);
        m_position += size_t(none < kLowerBound);
        m_state = select(none, one);
        return int32_t(bucket.symbol);
    }
    /// Decodes the next `count` symbols, all under `table`, into `symbols`: the same as `count`
    /// calls of decode(table), faster. Throws nwc::Error when the stream runs out.
    void decode(const FrequencyTable &table, int32_t *symbols, size_t count) {
        if (table.precisionBits() == FrequencyTable::kMaxPrecisionBits)
            decodeAll<FrequencyTable::kMaxPrecisionBits>(table, symbols, count);
        else
            decodeAll<0>(table, symbols, count);
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
    static constexpr uint32_t kLowerBound = RansEncoder::kLowerBound;

    struct SlowStep {
        int32_t symbol;
        uint32_t state;
        size_t position;
    };
    // The general step (rans.cpp): buckets shared by several symbols, rare symbols that may need
    // two bytes, the end of the stream. Takes and returns values so that the decoder's state
    // can stay in registers.
    static SlowStep slowStep(const FrequencyTable &table, const uint8_t *data, size_t size,
                             uint32_t state, size_t position);

    // The smallest frequency after which one byte always restores the state: state >= 2^23
    // gives state' >= frequency · 2^(23 − bits) >= 2^15.
    static constexpr uint32_t oneByteFrequency(int bits) {
        return bits > 8 ? uint32_t(1) << (bits - 8) : 1;
    }

    // none < 2^23 ? one : none (the state after reading no byte or one), with a conditional
    // move: GCC turns the portable form into a branch, which mispredicts about every other
    // symbol.
    static uint32_t select(uint32_t none, uint32_t one) {
#if defined(__GNUC__) && defined(__x86_64__)
        uint32_t result = none;
        asm("cmpl %[lower], %[none]\n\t"
            "cmovb %[one], %[result]"
            : [result] "+&r"(result)
            : [none] "r"(none), [one] "r"(one), [lower] "i"(kLowerBound)
            : "cc");
        return result;
#else
        return none < kLowerBound ? one : none;
#endif
    }
    // The same, also choosing between noneIndex and oneIndex into *index.
    static uint32_t select(uint32_t none, uint32_t one, uint32_t noneIndex, uint32_t oneIndex,
                           uint32_t *index) {
#if defined(__GNUC__) && defined(__x86_64__)
        uint32_t result = none;
        uint32_t chosen = noneIndex;
        asm("cmpl %[lower], %[none]\n\t"
            "cmovb %[one], %[result]\n\t"
            "cmovb %[oneIndex], %[chosen]"
            : [result] "+&r"(result), [chosen] "+&r"(chosen)
            : [none] "r"(none), [one] "r"(one), [oneIndex] "r"(oneIndex), [lower] "i"(kLowerBound)
            : "cc");
        *index = chosen;
        return result;
#else
        *index = none < kLowerBound ? oneIndex : noneIndex;
        return none < kLowerBound ? one : none;
#endif
    }

    // decode(table, symbols, count) with the precision known at compile time (kBits > 0: shifts
    // by constants) or not (0). The bucket index of the next step is computed for both
    // candidate states and selected along with the state, which takes it off the chain.
    template <int kBits>
    void decodeAll(const FrequencyTable &table, int32_t *symbols, size_t count) {
        const FrequencyTable::Bucket *buckets = table.buckets();
        const int bits = kBits ? kBits : table.precisionBits();
        const int shift = kBits ? kBits - FrequencyTable::kBucketBits : table.bucketShift();
        const uint32_t mask = (uint32_t(1) << bits) - 1;
        const uint32_t minimumFrequency = oneByteFrequency(bits);
        const uint8_t *data = m_data;
        const size_t size = m_size;
        uint32_t state = m_state;
        size_t position = m_position;
        uint32_t index = (state & mask) >> shift;
        for (size_t i = 0; i < count; ++i) {
            const uint32_t slot = state & mask;
            const uint32_t high = state >> bits;
            const FrequencyTable::Bucket &bucket = buckets[index];
            if (__builtin_expect(bucket.frequency < minimumFrequency || position >= size, 0)) {
                const SlowStep next = slowStep(table, data, size, state, position);
                state = next.state;
                position = next.position;
                index = (state & mask) >> shift;
                symbols[i] = next.symbol;
                continue;
            }
            const uint32_t offset = slot - bucket.start;
            const uint32_t none = bucket.frequency * high + offset;
            const uint32_t one = bucket.frequency * (high << 8) + ((offset << 8) | data[position]);
            position += size_t(none < kLowerBound);
            state = select(none, one, (none & mask) >> shift, (one & mask) >> shift, &index);
            symbols[i] = int32_t(bucket.symbol);
        }
        m_state = state;
        m_position = position;
    }

    const uint8_t *m_data;
    size_t m_size;
    size_t m_position = 0;
    uint32_t m_state = 0;
};

} // namespace nwc
