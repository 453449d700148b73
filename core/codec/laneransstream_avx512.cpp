// The AVX-512 round loop of the lane rANS decoder (laneransstream.h): two registers of 16
// lanes, a gather per entry word, masked gathers only for lanes in shared buckets, and the
// renormalization words expanded into the lanes that need them (AVX512-VBMI2).
#include "codec/laneransstream.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
// Every function below is compiled for the instruction set; callers check the CPU first.
#if defined(__clang__)
#pragma clang attribute push(                                                                      \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi2,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vbmi2,popcnt")
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace nwc::lanerans {

namespace {

/// The 16 entries (frequency, start | symbol << 16) at `index` as two 16-lane vectors: one
/// 64-bit gather per 8 lanes (half the loads of a gather per word), then the low and high words
/// separated. With `mask`, only those lanes are gathered; the others keep `frequency` and
/// `startSymbol`.
inline void gatherEntries(__m512i index, const long long *entries, __mmask16 mask,
                          __m512i *frequency, __m512i *startSymbol) {
    const __m256i low = _mm512_castsi512_si256(index);
    const __m256i high = _mm512_extracti64x4_epi64(index, 1);
    __m512i first, second;
    if (mask == 0xffff) {
        first = _mm512_i32gather_epi64(low, entries, 8);
        second = _mm512_i32gather_epi64(high, entries, 8);
    } else {
        // Previous values in the same 64-bit layout, so unmasked lanes stay as they were.
        const __m512i lowOrder =
            _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const __m512i highOrder =
            _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        first = _mm512_permutex2var_epi32(*frequency, lowOrder, *startSymbol);
        second = _mm512_permutex2var_epi32(*frequency, highOrder, *startSymbol);
        first = _mm512_mask_i32gather_epi64(first, __mmask8(mask), low, entries, 8);
        second = _mm512_mask_i32gather_epi64(second, __mmask8(mask >> 8), high, entries, 8);
    }
    const __m512i even =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd =
        _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *frequency = _mm512_permutex2var_epi32(first, even, second);
    *startSymbol = _mm512_permutex2var_epi32(first, odd, second);
}

/// One register of 16 lanes: decodes its symbols and reads its words from *words.
inline __m512i step(__m512i x, const uint16_t *tableOf, uint16_t *symbols, const long long *entries,
                    const uint8_t **words) {
    const __m512i lowMask = _mm512_set1_epi32(0xffff);
    const __m512i slot = _mm512_and_si512(x, lowMask);
    const __m512i table =
        _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(tableOf)));
    const __m512i entry = _mm512_add_epi32(_mm512_slli_epi32(table, FrequencyTable::kBucketBits),
                                           _mm512_srli_epi32(slot, 5));
    __m512i frequency = _mm512_setzero_si512();
    __m512i startSymbol = _mm512_setzero_si512();
    gatherEntries(entry, entries, 0xffff, &frequency, &startSymbol);
    const __mmask16 shared = _mm512_cmpeq_epi32_mask(frequency, _mm512_setzero_si512());
    if (shared) {
        const __m512i fine =
            _mm512_add_epi32(startSymbol, _mm512_and_si512(slot, _mm512_set1_epi32(31)));
        gatherEntries(fine, entries, shared, &frequency, &startSymbol);
    }
    __m512i next = _mm512_mullo_epi32(frequency, _mm512_srli_epi32(x, 16));
    next = _mm512_add_epi32(next, _mm512_sub_epi32(slot, _mm512_and_si512(startSymbol, lowMask)));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(symbols),
                        _mm512_cvtepi32_epi16(_mm512_srli_epi32(startSymbol, 16)));
    const __mmask16 low = _mm512_cmplt_epu32_mask(next, _mm512_set1_epi32(0x10000));
    const __m512i read = _mm512_cvtepu16_epi32(_mm256_maskz_expandloadu_epi16(low, *words));
    *words += 2 * _mm_popcnt_u32(low);
    return _mm512_mask_blend_epi32(low, next, _mm512_or_si512(_mm512_slli_epi32(next, 16), read));
}

} // namespace

void decodeRoundsAvx512(const LaneDecodeTables &tables, const uint16_t *tableOf, size_t count,
                        uint16_t *symbols, const uint8_t *wordsEnd, Progress *progress) {
    const auto *entries = reinterpret_cast<const long long *>(tables.entries());
    __m512i x0 = _mm512_loadu_si512(progress->states);
    __m512i x1 = _mm512_loadu_si512(progress->states + 16);
    const uint8_t *words = progress->words;
    size_t n = progress->symbolsDone;
    while (n + kRansLanes <= count && wordsEnd - words >= 2 * kRansLanes) {
        x0 = step(x0, tableOf + n, symbols + n, entries, &words);
        x1 = step(x1, tableOf + n + 16, symbols + n + 16, entries, &words);
        n += kRansLanes;
    }
    _mm512_storeu_si512(progress->states, x0);
    _mm512_storeu_si512(progress->states + 16, x1);
    progress->words = words;
    progress->symbolsDone = n;
}

bool avx512Compiled() {
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
void decodeRoundsAvx512(const LaneDecodeTables &, const uint16_t *, size_t, uint16_t *,
                        const uint8_t *, Progress *) {}
bool avx512Compiled() {
    return false;
}
} // namespace nwc::lanerans
#endif
