#pragma once
// Interleaved rANS streams of the .nwc format v2 (docs/formats.md, "Lane streams"): 32 coder
// states per stream, so that a SIMD register or a GPU warp decodes 32 symbols per round
// instead of one dependent chain. Torch-free header.
//
// Layout of one stream (all little-endian):
//   u32 escapeCount
//   u32 state[32]                the lanes' states at the start of decoding
//   u16 words[]                  renormalization words in decoding order
//   u32 escapes[escapeCount]     escape payloads, in symbol order
// Symbol n is coded in lane n mod 32 under its own 16-bit frequency table. A state lies in
// [2^16, 2^32); a decoding step is x' = f · (x >> 16) + (x & 0xffff) − start, after which a lane
// whose state fell below 2^16 reads one word (x' << 16 | word). Within a round of 32 symbols the
// lanes read in lane order. The encoder starts every lane at 2^16, so a complete, undamaged
// stream ends with every lane back at 2^16 and every word used. Escape payloads (the value of a
// symbol outside its table's range) are stored raw: they cost 32 bits either way.

#include "codec/frequencytable.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

/// Lanes (independent rANS states) per stream.
constexpr int kRansLanes = 32;
/// Bytes of a stream that are not words or escapes: escape count and the lanes' states.
constexpr int64_t kLaneStreamHeaderBytes = 4 + 4 * kRansLanes;

/// Bytes of a tensor's bitstream of `streamCount` streams in `streamFormat`
/// (CompressedTensor::kLaneStreams or kSingleStateStreams) that hold no coded symbols: the lane
/// streams' headers. Counted toward the rate, but not part of the entropy model's estimate.
inline int64_t streamHeaderBytes(int32_t streamFormat, int64_t streamCount) {
    return streamFormat == 2 ? streamCount * kLaneStreamHeaderBytes : 0;
}

/// Encodes `symbols[n]` under `*tables[n]` (16-bit precision each) and appends `escapes` (raw
/// payloads, in order). Throws nwc::Error for a symbol its table cannot code or a table of
/// another precision.
QByteArray encodeLaneStream(const std::vector<int32_t> &symbols,
                            const std::vector<const FrequencyTable *> &tables,
                            const std::vector<uint32_t> &escapes);

/// A set of 16-bit frequency tables laid out for lane decoding, in two layouts.
///
/// *Entries* (the CUDA decoder, and the CPU decoders without packed symbols): each table's 2^11
/// lookup buckets in one array (two u32 per entry: frequency, start | symbol << 16), and for a
/// bucket shared by several symbols one entry per slot after them (the bucket's frequency is 0 and
/// its second word the index of those entries). One gather per word and lane resolves any slot.
///
/// *Packed symbols* (the CPU decoders): one u64 per bucket, start | (frequency − 1) << 16 |
/// symbol << 32 | next << 48, for the symbol holding the bucket's first slot, where `next` is the
/// frequency − 1 of symbol + 1 when that symbol is coded and its frequency − 1 is below 2^15, and
/// 0xffff otherwise; and start | (frequency − 1) << 16 | symbol << 32 for every symbol of every
/// table at table · symbolStride() + symbol (a symbol of frequency 0 holds the next coded
/// symbol's). A slot in the bucket's second symbol is resolved from the bucket's u64 alone; one
/// further on (well under 1 % of the slots) walks on through the symbols. A third of the memory of
/// the entries layout and one 64-bit gather per lane instead of two 32-bit ones.
class LaneDecodeTables {
public:
    /// Throws nwc::Error unless every table has 16-bit precision and at most 65536 symbols.
    /// `packedSymbols` false leaves the packed-symbol layout out (benchmarks and tests of the
    /// entries layout).
    explicit LaneDecodeTables(const std::vector<const FrequencyTable *> &tables,
                              bool packedSymbols = true);

    int tableCount() const { return m_tableCount; }
    /// Entries as u32 pairs: entry e is entries()[2e], entries()[2e + 1].
    const uint32_t *entries() const { return m_entries.data(); }
    size_t entryCount() const { return m_entries.size() / 2; }
    /// Entry index of table `table`'s first bucket.
    static uint32_t tableBase(int table) { return uint32_t(table) << FrequencyTable::kBucketBits; }

    /// Whether the packed-symbol layout exists: not when tableCount() · symbolStride() exceeds
    /// 2^24 (then the entries layout decodes).
    bool hasPackedSymbols() const { return !m_bucketSymbols.empty(); }
    /// Packed symbol of each table's buckets: bucket b of table t at (t << 11) + b.
    const uint64_t *bucketSymbols() const { return m_bucketSymbols.data(); }
    /// Packed symbols: symbol s of table t at t · symbolStride() + s.
    const uint64_t *packedSymbols() const { return m_packedSymbols.data(); }
    /// Largest symbol count of the tables, plus one.
    uint32_t symbolStride() const { return m_symbolStride; }

private:
    void buildPackedSymbols(const std::vector<const FrequencyTable *> &tables);

    int m_tableCount = 0;
    std::vector<uint32_t> m_entries;
    std::vector<uint64_t> m_bucketSymbols;
    std::vector<uint64_t> m_packedSymbols;
    uint32_t m_symbolStride = 0;
};

/// Which decoder runs: the portable one, or a SIMD one the CPU supports.
enum class LaneDecoderKind { Scalar, Avx2, Avx512 };

/// "scalar", "avx2", "avx512".
QString laneDecoderName(LaneDecoderKind kind);
/// Whether this CPU (and build) can run `kind`.
bool laneDecoderAvailable(LaneDecoderKind kind);
/// The fastest available decoder, or the one named by the environment variable NWC_SIMD
/// (scalar, avx2, avx512) when it is set and available.
LaneDecoderKind bestLaneDecoder();

/// Where a decoded stream's escape payloads are.
struct LaneEscapes {
    const uint8_t *data = nullptr; ///< escapeCount little-endian u32 values
    uint32_t count = 0;
    uint32_t at(uint32_t i) const {
        return uint32_t(data[4 * i]) | uint32_t(data[4 * i + 1]) << 8 |
               uint32_t(data[4 * i + 2]) << 16 | uint32_t(data[4 * i + 3]) << 24;
    }
};

/// One stream for decodeLaneStreams: what decodeLaneStream takes; `escapes` is set on return.
struct LaneStreamJob {
    const uint8_t *data = nullptr;
    size_t size = 0;
    const uint16_t *tableOf = nullptr;
    size_t count = 0;
    uint16_t *symbols = nullptr;
    LaneEscapes escapes;
};

/// Most streams the AVX-512 decoder interleaves in one loop.
constexpr int kMaxLaneStreamsTogether = 4;

/// How many streams decodeLaneStreams() decodes at once with `kind` and `tables`
/// (kMaxLaneStreamsTogether for AVX-512 on the packed-symbol layout, else 1): callers that
/// split a tensor's streams among threads hand each call that many.
int laneStreamsDecodedTogether(LaneDecoderKind kind, const LaneDecodeTables &tables);

/// Decodes every job as decodeLaneStream does, up to `together` streams at a time (at most
/// laneStreamsDecodedTogether()) where the decoder interleaves several (AVX-512: one stream's
/// 32 lanes leave the core waiting on its gathers; independent streams keep more in flight).
/// Throws nwc::Error for the first job that is corrupt, naming nothing but the fault (callers
/// name the tensor and stream).
void decodeLaneStreams(LaneStreamJob *jobs, size_t count, const LaneDecodeTables &tables,
                       LaneDecoderKind kind = bestLaneDecoder(),
                       int together = kMaxLaneStreamsTogether);

/// Decodes the `count` symbols of one stream of `size` bytes: symbol n under table
/// `tableOf[n]` of `tables`, into `symbols[n]`. Returns where the escape payloads are. Throws
/// nwc::Error when the stream is truncated or corrupt (words left over or missing, a lane not
/// back at its initial state, an escape count the stream cannot hold) or a table index is out of
/// range. Every decoder kind gives the same symbols.
LaneEscapes decodeLaneStream(const uint8_t *data, size_t size, const LaneDecodeTables &tables,
                             const uint16_t *tableOf, size_t count, uint16_t *symbols,
                             LaneDecoderKind kind = bestLaneDecoder());

namespace lanerans {
/// Internal: how far ahead of the next word the SIMD loops prefetch a stream's words, in bytes
/// (about 30 rounds at 4 bits per symbol). The word reads lie on each lane's dependency chain,
/// and the hardware prefetchers alone left them waiting on memory: the AVX-512 loops measured
/// 1.13–1.16 × faster with the prefetch on Zen 5 (streams read from memory); the AVX2 loop, the
/// same speed.
constexpr int kWordPrefetchBytes = 512;
/// Internal: the state after the rounds a SIMD decoder completed.
struct Progress {
    uint32_t states[kRansLanes];
    const uint8_t *words; ///< next word to read
    size_t symbolsDone;   ///< whole rounds decoded (a multiple of kRansLanes)
};
/// Internal: SIMD round loops. Starting from `progress`, they decode whole rounds while a round
/// remains and at least kRansLanes words remain before `wordsEnd`; the scalar loop finishes the
/// stream. Table indices were checked by the caller.
void decodeRoundsAvx2(const LaneDecodeTables &tables, const uint16_t *tableOf, size_t count,
                      uint16_t *symbols, const uint8_t *wordsEnd, Progress *progress);
void decodeRoundsAvx512(const LaneDecodeTables &tables, const uint16_t *tableOf, size_t count,
                        uint16_t *symbols, const uint8_t *wordsEnd, Progress *progress);
/// Internal: where one stream stands, for the multi-stream loop.
struct StreamCursor {
    const uint16_t *tableOf;
    size_t count;
    uint16_t *symbols;
    const uint8_t *wordsEnd;
    Progress *progress;
};
/// Internal: decodes whole rounds of `count` (2 to kMaxLaneStreamsTogether) streams at once
/// while every one has a round and enough words left (packed-symbol layout only); the
/// single-stream loop goes on from there.
void decodeRoundGroupAvx512(const LaneDecodeTables &tables, const StreamCursor *cursors, int count);
/// Internal: the largest of `count` table indices (AVX2).
uint16_t largestTableIndexAvx2(const uint16_t *tableOf, size_t count);
/// Internal: the same with AVX-512 (AVX512-BW).
uint16_t largestTableIndexAvx512(const uint16_t *tableOf, size_t count);
bool avx2Compiled();
bool avx512Compiled();
} // namespace lanerans

} // namespace nwc
