// The AVX2 round loop of the lane rANS decoder (laneransstream.h): four registers of 8 lanes,
// the packed symbols gathered 64 bits per lane (or, for tables without that layout, a gather per
// entry word with masked gathers for lanes in shared buckets), and the renormalization words
// moved into the lanes that need them with one lane permutation per 8 lanes.
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
inline __m256i finishStep(__m256i x, __m256i frequency, __m256i offset, __m256i symbol,
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
    *words += 2 * _mm_popcnt_u32(unsigned(mask));
    const __m256i read = _mm256_permutevar8x32_epi32(
        wide, _mm256_load_si256(reinterpret_cast<const __m256i *>(kWordPermutations.index[mask])));
    return _mm256_blendv_epi8(next, _mm256_or_si256(_mm256_slli_epi32(next, 16), read), low);
}

/// Two registers of 4 packed symbols (start | (frequency − 1) << 16 | symbol << 32) as 8 lanes
/// of start | (frequency − 1) << 16 and 8 lanes of symbols.
inline void unpackSymbols(__m256i first, __m256i second, __m256i *startFrequency, __m256i *symbol) {
    const __m256 low =
        _mm256_shuffle_ps(_mm256_castsi256_ps(first), _mm256_castsi256_ps(second), 0x88);
    const __m256 high =
        _mm256_shuffle_ps(_mm256_castsi256_ps(first), _mm256_castsi256_ps(second), 0xdd);
    *startFrequency = _mm256_permute4x64_epi64(_mm256_castps_si256(low), 0xd8);
    *symbol = _mm256_permute4x64_epi64(_mm256_castps_si256(high), 0xd8);
}

/// One register of 8 lanes with the packed-symbol layout: a 64-bit gather of each lane's
/// bucket symbol, then, while a lane's slot lies past its symbol's range, that lane moves on to
/// the next symbol of its table.
inline __m256i stepPacked(__m256i x, const uint16_t *tableOf, uint16_t *symbols,
                          const long long *bucketSymbols, const long long *packedSymbols,
                          int stride, const uint8_t **words) {
    const __m256i lowMask = _mm256_set1_epi32(0xffff);
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i slot = _mm256_and_si256(x, lowMask);
    const __m256i table =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(tableOf)));
    const __m256i bucket = _mm256_add_epi32(_mm256_slli_epi32(table, FrequencyTable::kBucketBits),
                                            _mm256_srli_epi32(slot, 5));
    __m256i first = _mm256_i32gather_epi64(bucketSymbols, _mm256_castsi256_si128(bucket), 8);
    __m256i second = _mm256_i32gather_epi64(bucketSymbols, _mm256_extracti128_si256(bucket, 1), 8);
    __m256i startFrequency, symbol;
    unpackSymbols(first, second, &startFrequency, &symbol);
    __m256i offset = _mm256_sub_epi32(slot, _mm256_and_si256(startFrequency, lowMask));
    __m256i frequencyLess1 = _mm256_srli_epi32(startFrequency, 16);
    // 0 ≤ offset < 2^16 (the walk starts at the symbol holding the bucket's first slot); the
    // slot lies past the symbol's range when offset > frequency − 1.
    __m256i past = _mm256_cmpgt_epi32(offset, frequencyLess1);
    if (!_mm256_testz_si256(past, past)) {
        const __m256i base = _mm256_mullo_epi32(table, _mm256_set1_epi32(stride));
        do {
            symbol = _mm256_sub_epi32(symbol, past);
            const __m256i index = _mm256_add_epi32(base, symbol);
            first =
                _mm256_mask_i32gather_epi64(first, packedSymbols, _mm256_castsi256_si128(index),
                                            _mm256_cvtepi32_epi64(_mm256_castsi256_si128(past)), 8);
            second = _mm256_mask_i32gather_epi64(
                second, packedSymbols, _mm256_extracti128_si256(index, 1),
                _mm256_cvtepi32_epi64(_mm256_extracti128_si256(past, 1)), 8);
            unpackSymbols(first, second, &startFrequency, &symbol);
            offset = _mm256_sub_epi32(slot, _mm256_and_si256(startFrequency, lowMask));
            frequencyLess1 = _mm256_srli_epi32(startFrequency, 16);
            past = _mm256_cmpgt_epi32(offset, frequencyLess1);
        } while (!_mm256_testz_si256(past, past));
    }
    return finishStep(x, _mm256_add_epi32(frequencyLess1, one), offset, symbol, symbols, words);
}

/// One register of 8 lanes with the entries layout: decodes its symbols and reads its words.
inline __m256i step(__m256i x, const uint16_t *tableOf, uint16_t *symbols, const int *entries,
                    const uint8_t **words) {
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
    // 16 bytes are loaded per 8 lanes: a margin of 2 · 32 words.
    if (tables.hasPackedSymbols()) {
        const auto *buckets = reinterpret_cast<const long long *>(tables.bucketSymbols());
        const auto *packed = reinterpret_cast<const long long *>(tables.packedSymbols());
        const int stride = int(tables.symbolStride());
        while (n + kRansLanes <= count && wordsEnd - words >= 4 * kRansLanes) {
            x0 = stepPacked(x0, tableOf + n, symbols + n, buckets, packed, stride, &words);
            x1 = stepPacked(x1, tableOf + n + 8, symbols + n + 8, buckets, packed, stride, &words);
            x2 =
                stepPacked(x2, tableOf + n + 16, symbols + n + 16, buckets, packed, stride, &words);
            x3 =
                stepPacked(x3, tableOf + n + 24, symbols + n + 24, buckets, packed, stride, &words);
            n += kRansLanes;
        }
    }
    while (n + kRansLanes <= count && wordsEnd - words >= 4 * kRansLanes) {
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
