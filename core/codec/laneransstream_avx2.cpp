// The AVX2 round loop of the lane rANS decoder (laneransstream.h): four registers of 8 lanes,
// a gather per entry word, masked gathers only for lanes in shared buckets, and the
// renormalization words moved into the lanes that need them with a byte shuffle per 4 lanes.
#include "codec/laneransstream.h"

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

/// For each 4-bit mask of lanes that read a word: the byte shuffle that puts the next words
/// (in lane order) into those lanes' low 16 bits and zeros elsewhere.
struct ShuffleTable {
    alignas(16) uint8_t control[16][16];
    ShuffleTable() {
        for (int mask = 0; mask < 16; ++mask) {
            int next = 0;
            for (int lane = 0; lane < 4; ++lane) {
                uint8_t *c = control[mask] + 4 * lane;
                if (mask & (1 << lane)) {
                    c[0] = uint8_t(2 * next);
                    c[1] = uint8_t(2 * next + 1);
                    ++next;
                } else {
                    c[0] = c[1] = 0x80;
                }
                c[2] = c[3] = 0x80;
            }
        }
    }
};

const ShuffleTable kShuffles;

inline __m128i readWords(int mask, const uint8_t **words) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i *>(*words));
    *words += 2 * _mm_popcnt_u32(unsigned(mask));
    return _mm_shuffle_epi8(
        raw, _mm_load_si128(reinterpret_cast<const __m128i *>(kShuffles.control[mask])));
}

/// One register of 8 lanes: decodes its symbols and reads its words from *words.
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
    __m256i next = _mm256_mullo_epi32(frequency, _mm256_srli_epi32(x, 16));
    next = _mm256_add_epi32(next, _mm256_sub_epi32(slot, _mm256_and_si256(startSymbol, lowMask)));
    const __m256i symbol = _mm256_srli_epi32(startSymbol, 16);
    _mm_storeu_si128(
        reinterpret_cast<__m128i *>(symbols),
        _mm_packus_epi32(_mm256_castsi256_si128(symbol), _mm256_extracti128_si256(symbol, 1)));
    const __m256i low = _mm256_cmpeq_epi32(_mm256_srli_epi32(next, 16), zero);
    const int mask = _mm256_movemask_ps(_mm256_castsi256_ps(low));
    const __m128i first = readWords(mask & 15, words);
    const __m128i second = readWords(mask >> 4, words);
    const __m256i read = _mm256_set_m128i(second, first);
    return _mm256_blendv_epi8(next, _mm256_or_si256(_mm256_slli_epi32(next, 16), read), low);
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
    // 16 bytes are loaded per 4 lanes, of which at most 8 are used: 2 · 32 words of margin.
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
bool avx2Compiled() {
    return false;
}
} // namespace nwc::lanerans
#endif
