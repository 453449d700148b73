// Interleaved rANS streams: encoder, decode tables, the portable decoder and the choice of
// decoder (laneransstream.h).
#include "codec/laneransstream.h"

#include "jobs/error.h"

#include <QByteArrayView>
#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace nwc {

namespace {

constexpr uint32_t kLower = uint32_t(1) << 16;
constexpr int kPrecision = FrequencyTable::kMaxPrecisionBits;
constexpr uint32_t kBucketShift = kPrecision - FrequencyTable::kBucketBits;
constexpr uint32_t kBucketSlots = uint32_t(1) << kBucketShift;

void putU32(uint8_t *out, uint32_t value) {
    for (int i = 0; i < 4; ++i)
        out[i] = uint8_t(value >> (8 * i));
}

uint32_t getU32(const uint8_t *in) {
    return uint32_t(in[0]) | uint32_t(in[1]) << 8 | uint32_t(in[2]) << 16 | uint32_t(in[3]) << 24;
}

void checkTable(const FrequencyTable &table) {
    if (table.precisionBits() != kPrecision || table.bucketShift() != int(kBucketShift))
        throw Error(QStringLiteral("lane rANS needs %1-bit frequency tables, got %2 bits")
                        .arg(kPrecision)
                        .arg(table.precisionBits()));
    if (table.symbolCount() > 65536)
        throw Error(QStringLiteral("lane rANS tables hold at most 65536 symbols, got %1")
                        .arg(table.symbolCount()));
}

} // namespace

QByteArray encodeLaneStream(const std::vector<int32_t> &symbols,
                            const std::vector<const FrequencyTable *> &tables,
                            const std::vector<uint32_t> &escapes) {
    if (symbols.size() != tables.size())
        throw Error(QStringLiteral("lane rANS: %1 symbols but %2 tables")
                        .arg(symbols.size())
                        .arg(tables.size()));
    uint32_t states[kRansLanes];
    std::fill(std::begin(states), std::end(states), kLower);
    std::vector<uint16_t> reversed; // words in reverse decoding order
    reversed.reserve(symbols.size() / 2 + 16);
    const FrequencyTable *checked = nullptr;
    for (size_t n = symbols.size(); n-- > 0;) {
        const FrequencyTable &table = *tables[n];
        if (&table != checked) {
            checkTable(table);
            checked = &table;
        }
        const int32_t symbol = symbols[n];
        if (symbol < 0 || symbol >= table.symbolCount() || table.frequency(symbol) == 0)
            throw Error(
                QStringLiteral("lane rANS: symbol %1 has no frequency in its table").arg(symbol));
        const uint32_t frequency = table.frequency(symbol);
        uint32_t &x = states[n % kRansLanes];
        // The decoder reads a word after this symbol exactly when the encoder writes one here:
        // with 16-bit precision and states in [2^16, 2^32) one word always suffices.
        if (uint64_t(x) >= uint64_t(frequency) << 16) {
            reversed.push_back(uint16_t(x & 0xffff));
            x >>= 16;
        }
        x = ((x / frequency) << kPrecision) + (x % frequency) + table.start(symbol);
    }
    const size_t size = size_t(kLaneStreamHeaderBytes) + 2 * reversed.size() + 4 * escapes.size();
    QByteArray stream(qsizetype(size), Qt::Uninitialized);
    auto *out = reinterpret_cast<uint8_t *>(stream.data());
    putU32(out, uint32_t(escapes.size()));
    for (int lane = 0; lane < kRansLanes; ++lane)
        putU32(out + 4 + 4 * lane, states[lane]);
    uint8_t *word = out + kLaneStreamHeaderBytes;
    for (size_t i = reversed.size(); i-- > 0; word += 2) {
        word[0] = uint8_t(reversed[i]);
        word[1] = uint8_t(reversed[i] >> 8);
    }
    for (uint32_t payload : escapes) {
        putU32(word, payload);
        word += 4;
    }
    return stream;
}

LaneDecodeTables::LaneDecodeTables(const std::vector<const FrequencyTable *> &tables,
                                   bool packedSymbols) {
    m_tableCount = int(tables.size());
    const size_t buckets = size_t(1) << FrequencyTable::kBucketBits;
    m_entries.assign(2 * buckets * tables.size(), 0);
    for (size_t t = 0; t < tables.size(); ++t) {
        const FrequencyTable &table = *tables[t];
        checkTable(table);
        for (size_t b = 0; b < buckets; ++b) {
            const FrequencyTable::Bucket &bucket = table.buckets()[b];
            const size_t entry = t * buckets + b;
            if (bucket.frequency != 0) {
                m_entries[2 * entry] = bucket.frequency;
                m_entries[2 * entry + 1] = uint32_t(bucket.start) | uint32_t(bucket.symbol) << 16;
                continue;
            }
            // Shared by several symbols: one entry per slot, appended.
            const uint32_t fine = uint32_t(m_entries.size() / 2);
            m_entries[2 * entry] = 0;
            m_entries[2 * entry + 1] = fine; // index of the bucket's first slot entry
            for (uint32_t slot = uint32_t(b) * kBucketSlots; slot < (b + 1) * kBucketSlots;
                 ++slot) {
                const int symbol = table.symbolAt(slot);
                m_entries.push_back(table.frequency(symbol));
                m_entries.push_back(table.start(symbol) | uint32_t(symbol) << 16);
            }
        }
    }
    if (packedSymbols)
        buildPackedSymbols(tables);
}

void LaneDecodeTables::buildPackedSymbols(const std::vector<const FrequencyTable *> &tables) {
    uint32_t stride = 0;
    for (const FrequencyTable *table : tables)
        stride = std::max(stride, uint32_t(table->symbolCount()) + 1);
    if (uint64_t(stride) * tables.size() > (uint64_t(1) << 24))
        return;
    m_symbolStride = stride;
    m_packedSymbols.assign(size_t(stride) * tables.size(), 0);
    const size_t buckets = size_t(1) << FrequencyTable::kBucketBits;
    m_bucketSymbols.resize(buckets * tables.size());
    for (size_t t = 0; t < tables.size(); ++t) {
        const FrequencyTable &table = *tables[t];
        uint64_t *packed = m_packedSymbols.data() + t * stride;
        // A symbol of frequency 0 holds the next coded symbol's value, so that a walk lands on
        // a symbol with slots; those after the last coded symbol are never reached.
        uint64_t next = 0;
        for (int symbol = table.symbolCount(); symbol-- > 0;) {
            const uint32_t frequency = table.frequency(symbol);
            if (frequency != 0)
                next = uint64_t(table.start(symbol)) | uint64_t(frequency - 1) << 16 |
                       uint64_t(symbol) << 32;
            packed[symbol] = next;
        }
        for (size_t b = 0; b < buckets; ++b) {
            const int symbol = table.symbolAt(uint32_t(b << kBucketShift));
            // The second symbol's frequency − 1, read as a signed 16-bit number by the
            // decoders: 0xffff (−1) sends every lane past the first symbol to the walk.
            uint64_t second = 0xffff;
            if (symbol + 1 < table.symbolCount() && table.frequency(symbol + 1) != 0 &&
                table.frequency(symbol + 1) - 1 < 0x8000)
                second = table.frequency(symbol + 1) - 1;
            m_bucketSymbols[t * buckets + b] = packed[symbol] | second << 48;
        }
    }
}

QString laneDecoderName(LaneDecoderKind kind) {
    switch (kind) {
    case LaneDecoderKind::Scalar:
        return QStringLiteral("scalar");
    case LaneDecoderKind::Avx2:
        return QStringLiteral("avx2");
    case LaneDecoderKind::Avx512:
        return QStringLiteral("avx512");
    }
    return QString();
}

bool laneDecoderAvailable(LaneDecoderKind kind) {
    switch (kind) {
    case LaneDecoderKind::Scalar:
        return true;
    case LaneDecoderKind::Avx2:
#if defined(__GNUC__) && defined(__x86_64__)
        return lanerans::avx2Compiled() && __builtin_cpu_supports("avx2");
#else
        return false;
#endif
    case LaneDecoderKind::Avx512:
#if defined(__GNUC__) && defined(__x86_64__)
        return lanerans::avx512Compiled() && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512vbmi2");
#else
        return false;
#endif
    }
    return false;
}

LaneDecoderKind bestLaneDecoder() {
    static const LaneDecoderKind best = [] {
        const QByteArray wanted = qgetenv("NWC_SIMD");
        for (LaneDecoderKind kind :
             {LaneDecoderKind::Scalar, LaneDecoderKind::Avx2, LaneDecoderKind::Avx512}) {
            if (!wanted.isEmpty() && wanted == laneDecoderName(kind).toLatin1() &&
                laneDecoderAvailable(kind))
                return kind;
        }
        if (laneDecoderAvailable(LaneDecoderKind::Avx512))
            return LaneDecoderKind::Avx512;
        if (laneDecoderAvailable(LaneDecoderKind::Avx2))
            return LaneDecoderKind::Avx2;
        return LaneDecoderKind::Scalar;
    }();
    return best;
}

namespace {

/// A stream's checked layout and where its decoding stands.
struct StreamState {
    lanerans::Progress progress;
    const uint8_t *wordsEnd = nullptr;
    uint32_t escapeCount = 0;
};

/// Reads the header of `job`'s stream and checks its layout and table indices.
StreamState startStream(const LaneStreamJob &job, const LaneDecodeTables &tables) {
    if (job.size < size_t(kLaneStreamHeaderBytes))
        throw Error(QStringLiteral("lane rANS stream of %1 bytes is truncated (at least %2 needed)")
                        .arg(job.size)
                        .arg(kLaneStreamHeaderBytes));
    StreamState state;
    state.escapeCount = getU32(job.data);
    const size_t payload = job.size - size_t(kLaneStreamHeaderBytes);
    if (uint64_t(state.escapeCount) * 4 > payload ||
        (payload - size_t(state.escapeCount) * 4) % 2 != 0)
        throw Error(
            QStringLiteral("lane rANS stream is corrupt: %1 escapes do not fit its %2 bytes")
                .arg(state.escapeCount)
                .arg(job.size));
    uint16_t largest = 0;
    if (laneDecoderAvailable(LaneDecoderKind::Avx512)) {
        largest = lanerans::largestTableIndexAvx512(job.tableOf, job.count);
    } else if (laneDecoderAvailable(LaneDecoderKind::Avx2)) {
        largest = lanerans::largestTableIndexAvx2(job.tableOf, job.count);
    } else {
        for (size_t n = 0; n < job.count; ++n)
            largest = std::max(largest, job.tableOf[n]);
    }
    if (job.count > 0 && int(largest) >= tables.tableCount())
        throw Error(QStringLiteral("lane rANS: table %1 of %2 requested")
                        .arg(largest)
                        .arg(tables.tableCount()));
    state.wordsEnd = job.data + (job.size - size_t(state.escapeCount) * 4);
    for (int lane = 0; lane < kRansLanes; ++lane)
        state.progress.states[lane] = getU32(job.data + 4 + 4 * lane);
    state.progress.words = job.data + kLaneStreamHeaderBytes;
    state.progress.symbolsDone = 0;
    return state;
}

/// The SIMD loop of `kind` on one stream, from where it stands.
void decodeRounds(LaneDecoderKind kind, const LaneStreamJob &job, const LaneDecodeTables &tables,
                  StreamState &state) {
    if (kind == LaneDecoderKind::Avx512 && laneDecoderAvailable(kind))
        lanerans::decodeRoundsAvx512(tables, job.tableOf, job.count, job.symbols, state.wordsEnd,
                                     &state.progress);
    else if (kind == LaneDecoderKind::Avx2 && laneDecoderAvailable(kind))
        lanerans::decodeRoundsAvx2(tables, job.tableOf, job.count, job.symbols, state.wordsEnd,
                                   &state.progress);
}

/// The portable loop over what the SIMD loops left (or the whole stream), then the checks that
/// the stream ended where its encoder started. Returns where the escape payloads are.
LaneEscapes finishStream(const LaneStreamJob &job, const LaneDecodeTables &tables,
                         StreamState &state) {
    const uint32_t *entries = tables.entries();
    const uint64_t *buckets = tables.bucketSymbols();
    const uint64_t *packed = tables.packedSymbols();
    const bool packedLayout = tables.hasPackedSymbols();
    const uint8_t *word = state.progress.words;
    for (size_t n = state.progress.symbolsDone; n < job.count; ++n) {
        uint32_t &x = state.progress.states[n % kRansLanes];
        const uint32_t slot = x & 0xffff;
        uint32_t frequency, offset, symbol;
        if (packedLayout) {
            // The layout the SIMD loops read (its cache lines are warm after them).
            const uint32_t table = job.tableOf[n];
            uint64_t e = buckets[LaneDecodeTables::tableBase(int(table)) + (slot >> kBucketShift)];
            frequency = uint32_t(e >> 16 & 0xffff) + 1;
            offset = slot - uint32_t(e & 0xffff);
            symbol = uint32_t(e >> 32 & 0xffff);
            if (offset >= frequency) {
                offset -= frequency;
                ++symbol;
                const int32_t secondLess1 = int16_t(uint16_t(e >> 48));
                if (secondLess1 >= 0 && offset <= uint32_t(secondLess1)) {
                    frequency = uint32_t(secondLess1) + 1;
                } else {
                    for (;; ++symbol) {
                        e = packed[size_t(table) * tables.symbolStride() + symbol];
                        frequency = uint32_t(e >> 16 & 0xffff) + 1;
                        offset = slot - uint32_t(e & 0xffff);
                        symbol = uint32_t(e >> 32 & 0xffff);
                        if (offset < frequency)
                            break;
                    }
                }
            }
        } else {
            uint32_t entry = LaneDecodeTables::tableBase(job.tableOf[n]) + (slot >> kBucketShift);
            if (entries[2 * entry] == 0)
                entry = entries[2 * entry + 1] + (slot & (kBucketSlots - 1));
            frequency = entries[2 * entry];
            offset = slot - (entries[2 * entry + 1] & 0xffff);
            symbol = entries[2 * entry + 1] >> 16;
        }
        x = frequency * (x >> 16) + offset;
        job.symbols[n] = uint16_t(symbol);
        if (x < kLower) {
            if (word + 2 > state.wordsEnd)
                throw Error(QStringLiteral("lane rANS stream is truncated"));
            x = (x << 16) | uint32_t(word[0]) | uint32_t(word[1]) << 8;
            word += 2;
        }
    }
    if (word != state.wordsEnd)
        throw Error(QStringLiteral("lane rANS stream is corrupt: %1 of %2 word bytes used")
                        .arg(word - (job.data + kLaneStreamHeaderBytes))
                        .arg(state.wordsEnd - (job.data + kLaneStreamHeaderBytes)));
    for (uint32_t x : state.progress.states) {
        if (x != kLower)
            throw Error(QStringLiteral("lane rANS stream is corrupt: a lane does not end in the "
                                       "encoder's initial state"));
    }
    return LaneEscapes{state.wordsEnd, state.escapeCount};
}

} // namespace

LaneEscapes decodeLaneStream(const uint8_t *data, size_t size, const LaneDecodeTables &tables,
                             const uint16_t *tableOf, size_t count, uint16_t *symbols,
                             LaneDecoderKind kind) {
    const LaneStreamJob job{data, size, tableOf, count, symbols, {}};
    StreamState state = startStream(job, tables);
    decodeRounds(kind, job, tables, state);
    return finishStream(job, tables, state);
}

int laneStreamsDecodedTogether(LaneDecoderKind kind, const LaneDecodeTables &tables) {
    return kind == LaneDecoderKind::Avx512 && laneDecoderAvailable(kind) &&
                   tables.hasPackedSymbols()
               ? kMaxLaneStreamsTogether
               : 1;
}

void decodeLaneStreams(LaneStreamJob *jobs, size_t count, const LaneDecodeTables &tables,
                       LaneDecoderKind kind, int together) {
    const size_t group = size_t(std::clamp(together, 1, laneStreamsDecodedTogether(kind, tables)));
    size_t i = 0;
    while (i < count) {
        const size_t size = std::min(group, count - i);
        if (size == 1) {
            LaneStreamJob &job = jobs[i++];
            job.escapes = decodeLaneStream(job.data, job.size, tables, job.tableOf, job.count,
                                           job.symbols, kind);
            continue;
        }
        StreamState states[kMaxLaneStreamsTogether];
        lanerans::StreamCursor cursors[kMaxLaneStreamsTogether];
        for (size_t k = 0; k < size; ++k) {
            const LaneStreamJob &job = jobs[i + k];
            states[k] = startStream(job, tables);
            cursors[k] = {job.tableOf, job.count, job.symbols, states[k].wordsEnd,
                          &states[k].progress};
        }
        lanerans::decodeRoundGroupAvx512(tables, cursors, int(size));
        // Each stream's last rounds alone, then its tail and checks, in job order.
        for (size_t k = 0; k < size; ++k) {
            LaneStreamJob &job = jobs[i + k];
            decodeRounds(kind, job, tables, states[k]);
            job.escapes = finishStream(job, tables, states[k]);
        }
        i += size;
    }
}

} // namespace nwc
