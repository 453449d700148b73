// The AVX2 round loop of the lane rANS decoder (laneransstream.h): four registers of 8 lanes,
// the packed symbols gathered 64 bits per lane, the bucket's second symbol resolved in
// registers and a walk for the rest (or, for tables without that layout, a gather per entry
// word with masked gathers for lanes in shared buckets), and the renormalization words moved
// into the lanes that need them with one lane permutation per 8 lanes.
#include "codec/laneransstream.h"

#include <algorithm>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
// Every function below is compiled for the instruction set; callers check the CPU first.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,popcnt")
#endif

// GCC does not always inline these at -O2 (measured 30 % slower then).
#define NWC_ALWAYS_INLINE inline __attribute__((always_inline))

namespace nwc::lanerans {

namespace {

/// For each 8-bit mask of lanes that read a word: the lane permutation that moves the next
/// words (in lane order) into those lanes.
struct WordPermutations {
    alignas(32) uint32_t index[256][8];
    WordPermutations() {
        for (int mask = 0; mask < 256; ++mask) {
            uint32_t next = 0;
            for (int lane = 0; lane < 8; ++lane)
                index[mask][lane] = (mask >> lane & 1) ? next++ : 0;
        }
    }
};

const WordPermutations kWordPermutations;

/// The next state of 8 lanes from their decoded (frequency, slot − start), the symbols
/// stored, and the renormalization words read from *words: the next 8 words widened to 32 bits
/// and permuted into the lanes that read one.
NWC_ALWAYS_INLINE __m256i finishStep(__m256i x, __m256i frequency, __m256i offset, __m256i symbol,
                                     uint16_t *symbols, const uint8_t **words) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i next =
        _mm256_add_epi32(_mm256_mullo_epi32(frequency, _mm256_srli_epi32(x, 16)), offset);
    _mm_storeu_si128(
        reinterpret_cast<__m128i *>(symbols),
        _mm_packus_epi32(_mm256_castsi256_si128(symbol), _mm256_extracti128_si256(symbol, 1)));
    const __m256i low = _mm256_cmpeq_epi32(_mm256_srli_epi32(next, 16), zero);
    const int mask = _mm256_movemask_ps(_mm256_castsi256_ps(low));
    const __m256i wide =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(*words)));
    *words += 2 * size_t(_mm_popcnt_u32(unsigned(mask)));
    const __m256i read = _mm256_permutevar8x32_epi32(
        wide, _mm256_load_si256(reinterpret_cast<const __m256i *>(kWordPermutations.index[mask])));
    return _mm256_blendv_epi8(next, _mm256_or_si256(_mm256_slli_epi32(next, 16), read), low);
}

/// Two registers of 4 packed symbols (start | (frequency − 1) << 16 | symbol << 32) as 8 lanes
/// of start | (frequency − 1) << 16 and 8 lanes of symbols.
NWC_ALWAYS_INLINE void unpackSymbols(__m256i first, __m256i second, __m256i *startFrequency,
                                     __m256i *symbol) {
    const __m256 low =
        _mm256_shuffle_ps(_mm256_castsi256_ps(first), _mm256_castsi256_ps(second), 0x88);
    const __m256 high =
        _mm256_shuffle_ps(_mm256_castsi256_ps(first), _mm256_castsi256_ps(second), 0xdd);
    *startFrequency = _mm256_permute4x64_epi64(_mm256_castps_si256(low), 0xd8);
    *symbol = _mm256_permute4x64_epi64(_mm256_castps_si256(high), 0xd8);
}

/// The two 64-bit gathers of a register of 8 lanes with the packed-symbol layout: each lane's
/// bucket symbol.
struct GatheredSymbols {
    __m256i first;  ///< lanes 0–3
    __m256i second; ///< lanes 4–7
};

NWC_ALWAYS_INLINE GatheredSymbols gatherBucketSymbols(__m256i x, const uint16_t *tableOf,
                                                      const long long *bucketSymbols) {
    const __m256i slot = _mm256_and_si256(x, _mm256_set1_epi32(0xffff));
    const __m256i table =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(tableOf)));
    const __m256i bucket = _mm256_add_epi32(_mm256_slli_epi32(table, FrequencyTable::kBucketBits),
                                            _mm256_srli_epi32(slot, 5));
    return {_mm256_i32gather_epi64(bucketSymbols, _mm256_castsi256_si128(bucket), 8),
            _mm256_i32gather_epi64(bucketSymbols, _mm256_extracti128_si256(bucket, 1), 8)};
}

/// Finishes a register of 8 lanes from its gathered bucket symbols: a lane whose slot lies
/// past the bucket's first symbol takes the second one from the same u64; a lane past that
/// walks on through its table's packed symbols. Then the step and the renormalization.
NWC_ALWAYS_INLINE __m256i finishPacked(__m256i x, GatheredSymbols gathered, const uint16_t *tableOf,
                                       uint16_t *symbols, const long long *packedSymbols,
                                       int stride, const uint8_t **words) {
    const __m256i lowMask = _mm256_set1_epi32(0xffff);
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i slot = _mm256_and_si256(x, lowMask);
    __m256i startFrequency, symbolNext;
    unpackSymbols(gathered.first, gathered.second, &startFrequency, &symbolNext);
    __m256i offset = _mm256_sub_epi32(slot, _mm256_and_si256(startFrequency, lowMask));
    __m256i frequencyLess1 = _mm256_srli_epi32(startFrequency, 16);
    __m256i symbol = _mm256_and_si256(symbolNext, lowMask);
    // 0 ≤ offset < 2^16; past the first symbol when offset > frequency − 1. The second symbol
    // starts where the first ends; its frequency − 1 is signed (−1: walk).
    const __m256i past = _mm256_cmpgt_epi32(offset, frequencyLess1);
    offset =
        _mm256_sub_epi32(offset, _mm256_and_si256(past, _mm256_add_epi32(frequencyLess1, one)));
    frequencyLess1 = _mm256_blendv_epi8(frequencyLess1, _mm256_srai_epi32(symbolNext, 16), past);
    symbol = _mm256_sub_epi32(symbol, past);
    __m256i walk = _mm256_and_si256(past, _mm256_cmpgt_epi32(offset, frequencyLess1));
    if (!_mm256_testz_si256(walk, walk)) {
        const __m256i table =
            _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(tableOf)));
        const __m256i base = _mm256_mullo_epi32(table, _mm256_set1_epi32(stride));
        __m256i first = gathered.first;
        __m256i second = gathered.second;
        // The walking lanes start at symbol + 1 (or the coded symbol after it).
        do {
            const __m256i index = _mm256_add_epi32(base, symbol);
            first =
                _mm256_mask_i32gather_epi64(first, packedSymbols, _mm256_castsi256_si128(index),
                                            _mm256_cvtepi32_epi64(_mm256_castsi256_si128(walk)), 8);
            second = _mm256_mask_i32gather_epi64(
                second, packedSymbols, _mm256_extracti128_si256(index, 1),
                _mm256_cvtepi32_epi64(_mm256_extracti128_si256(walk, 1)), 8);
            __m256i walked, walkedSymbol;
            unpackSymbols(first, second, &walked, &walkedSymbol);
            offset = _mm256_blendv_epi8(
                offset, _mm256_sub_epi32(slot, _mm256_and_si256(walked, lowMask)), walk);
            frequencyLess1 =
                _mm256_blendv_epi8(frequencyLess1, _mm256_srli_epi32(walked, 16), walk);
            symbol = _mm256_blendv_epi8(symbol, walkedSymbol, walk);
            walk = _mm256_and_si256(walk, _mm256_cmpgt_epi32(offset, frequencyLess1));
            symbol = _mm256_sub_epi32(symbol, walk);
        } while (!_mm256_testz_si256(walk, walk));
    }
    return finishStep(x, _mm256_add_epi32(frequencyLess1, one), offset, symbol, symbols, words);
}

/// One register of 8 lanes with the entries layout: decodes its symbols and reads its words.
NWC_ALWAYS_INLINE __m256i step(__m256i x, const uint16_t *tableOf, uint16_t *symbols,
                               const int *entries, const uint8_t **words) {
    const __m256i lowMask = _mm256_set1_epi32(0xffff);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i slot = _mm256_and_si256(x, lowMask);
    const __m256i table =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(tableOf)));
    const __m256i entry = _mm256_add_epi32(_mm256_slli_epi32(table, FrequencyTable::kBucketBits),
                                           _mm256_srli_epi32(slot, 5));
    __m256i index = _mm256_add_epi32(entry, entry);
    __m256i frequency = _mm256_i32gather_epi32(entries, index, 4);
    __m256i startSymbol = _mm256_i32gather_epi32(entries + 1, index, 4);
    const __m256i shared = _mm256_cmpeq_epi32(frequency, zero);
    if (!_mm256_testz_si256(shared, shared)) {
        const __m256i fine =
            _mm256_add_epi32(startSymbol, _mm256_and_si256(slot, _mm256_set1_epi32(31)));
        index = _mm256_add_epi32(fine, fine);
        frequency = _mm256_mask_i32gather_epi32(frequency, entries, index, shared, 4);
        startSymbol = _mm256_mask_i32gather_epi32(startSymbol, entries + 1, index, shared, 4);
    }
    return finishStep(x, frequency, _mm256_sub_epi32(slot, _mm256_and_si256(startSymbol, lowMask)),
                      _mm256_srli_epi32(startSymbol, 16), symbols, words);
}

/// Rounds that can be decoded without another check: whole rounds of symbols left, and for
/// each 64 bytes of words (the most a round takes) beyond a margin of 64 bytes (the registers
/// load 16 bytes wherever they stand).
NWC_ALWAYS_INLINE size_t roundsLeft(size_t n, size_t count, const uint8_t *words,
                                    const uint8_t *wordsEnd) {
    const size_t bytes = size_t(wordsEnd - words);
    return bytes < 4 * kRansLanes
               ? 0
               : std::min((count - n) / kRansLanes, (bytes - 2 * kRansLanes) / (2 * kRansLanes));
}

} // namespace

void decodeRoundsAvx2(const LaneDecodeTables &tables, const uint16_t *tableOf, size_t count,
                      uint16_t *symbols, const uint8_t *wordsEnd, Progress *progress) {
    const int *entries = reinterpret_cast<const int *>(tables.entries());
    auto *states = reinterpret_cast<__m256i *>(progress->states);
    __m256i x0 = _mm256_loadu_si256(states);
    __m256i x1 = _mm256_loadu_si256(states + 1);
    __m256i x2 = _mm256_loadu_si256(states + 2);
    __m256i x3 = _mm256_loadu_si256(states + 3);
    const uint8_t *words = progress->words;
    size_t n = progress->symbolsDone;
    if (tables.hasPackedSymbols()) {
        const auto *buckets = reinterpret_cast<const long long *>(tables.bucketSymbols());
        const auto *packed = reinterpret_cast<const long long *>(tables.packedSymbols());
        const int stride = int(tables.symbolStride());
        // All four registers' gathers are issued before the first register is finished: with
        // each register's step in turn, the instructions waiting on one register's gathers
        // filled the scheduler before the next register's gathers were issued (measured
        // 1.4–1.6 × slower on Zen 3).
        // Rounds in chunks that need no check: a round takes at most 64 bytes of words and
        // the last register loads 16 bytes past what it takes.
        for (size_t rounds; (rounds = roundsLeft(n, count, words, wordsEnd)) > 0;) {
            for (const size_t end = n + rounds * kRansLanes; n < end; n += kRansLanes) {
                // The words some 30 rounds ahead (as the AVX-512 loops; no gain measured here).
                _mm_prefetch(reinterpret_cast<const char *>(words) + kWordPrefetchBytes,
                             _MM_HINT_T0);
                const GatheredSymbols g0 = gatherBucketSymbols(x0, tableOf + n, buckets);
                const GatheredSymbols g1 = gatherBucketSymbols(x1, tableOf + n + 8, buckets);
                const GatheredSymbols g2 = gatherBucketSymbols(x2, tableOf + n + 16, buckets);
                const GatheredSymbols g3 = gatherBucketSymbols(x3, tableOf + n + 24, buckets);
                x0 = finishPacked(x0, g0, tableOf + n, symbols + n, packed, stride, &words);
                x1 = finishPacked(x1, g1, tableOf + n + 8, symbols + n + 8, packed, stride, &words);
                x2 = finishPacked(x2, g2, tableOf + n + 16, symbols + n + 16, packed, stride,
                                  &words);
                x3 = finishPacked(x3, g3, tableOf + n + 24, symbols + n + 24, packed, stride,
                                  &words);
            }
        }
    }
    while (roundsLeft(n, count, words, wordsEnd) > 0) {
        _mm_prefetch(reinterpret_cast<const char *>(words) + kWordPrefetchBytes, _MM_HINT_T0);
        x0 = step(x0, tableOf + n, symbols + n, entries, &words);
        x1 = step(x1, tableOf + n + 8, symbols + n + 8, entries, &words);
        x2 = step(x2, tableOf + n + 16, symbols + n + 16, entries, &words);
        x3 = step(x3, tableOf + n + 24, symbols + n + 24, entries, &words);
        n += kRansLanes;
    }
    _mm256_storeu_si256(states, x0);
    _mm256_storeu_si256(states + 1, x1);
    _mm256_storeu_si256(states + 2, x2);
    _mm256_storeu_si256(states + 3, x3);
    progress->words = words;
    progress->symbolsDone = n;
}

uint16_t largestTableIndexAvx2(const uint16_t *tableOf, size_t count) {
    __m256i largest = _mm256_setzero_si256();
    size_t n = 0;
    for (; n + 16 <= count; n += 16)
        largest = _mm256_max_epu16(
            largest, _mm256_loadu_si256(reinterpret_cast<const __m256i *>(tableOf + n)));
    __m128i half =
        _mm_max_epu16(_mm256_castsi256_si128(largest), _mm256_extracti128_si256(largest, 1));
    half = _mm_max_epu16(half, _mm_srli_si128(half, 8));
    half = _mm_max_epu16(half, _mm_srli_si128(half, 4));
    half = _mm_max_epu16(half, _mm_srli_si128(half, 2));
    uint16_t result = uint16_t(_mm_extract_epi16(half, 0));
    for (; n < count; ++n)
        result = std::max(result, tableOf[n]);
    return result;
}

bool avx2Compiled() {
    return true;
}

} // namespace nwc::lanerans

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
namespace nwc::lanerans {
void decodeRoundsAvx2(const LaneDecodeTables &, const uint16_t *, size_t, uint16_t *,
                      const uint8_t *, Progress *) {}
uint16_t largestTableIndexAvx2(const uint16_t *, size_t) {
    return 0;
}
bool avx2Compiled() {
    return false;
}
} // namespace nwc::lanerans
#endif
