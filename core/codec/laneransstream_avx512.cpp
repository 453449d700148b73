// The AVX-512 round loop of the lane rANS decoder (laneransstream.h): two registers of 16
// lanes, a gather per entry word, masked gathers only for lanes in shared buckets, and the
// renormalization words expanded into the lanes that need them (AVX512-VBMI2).
#include "codec/laneransstream.h"

#if defined(__GNUC__) && defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vbmi2,popcnt")
// GCC 12 warns about the placeholder operands inside its own AVX-512 headers (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

namespace nwc::lanerans {

namespace {

/// One register of 16 lanes: decodes its symbols and reads its words from *words.
inline __m512i step(__m512i x, const uint16_t *tableOf, uint16_t *symbols, const int *entries,
                    const uint8_t **words) {
    const __m512i lowMask = _mm512_set1_epi32(0xffff);
    const __m512i slot = _mm512_and_si512(x, lowMask);
    const __m512i table =
        _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(tableOf)));
    const __m512i entry = _mm512_add_epi32(_mm512_slli_epi32(table, FrequencyTable::kBucketBits),
                                           _mm512_srli_epi32(slot, 5));
    __m512i index = _mm512_add_epi32(entry, entry);
    __m512i frequency = _mm512_i32gather_epi32(index, entries, 4);
    __m512i startSymbol = _mm512_i32gather_epi32(index, entries + 1, 4);
    const __mmask16 shared = _mm512_cmpeq_epi32_mask(frequency, _mm512_setzero_si512());
    if (shared) {
        const __m512i fine =
            _mm512_add_epi32(startSymbol, _mm512_and_si512(slot, _mm512_set1_epi32(31)));
        index = _mm512_add_epi32(fine, fine);
        frequency = _mm512_mask_i32gather_epi32(frequency, shared, index, entries, 4);
        startSymbol = _mm512_mask_i32gather_epi32(startSymbol, shared, index, entries + 1, 4);
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
    const int *entries = reinterpret_cast<const int *>(tables.entries());
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

#pragma GCC pop_options
#else
namespace nwc::lanerans {
void decodeRoundsAvx512(const LaneDecodeTables &, const uint16_t *, size_t, uint16_t *,
                        const uint8_t *, Progress *) {}
bool avx512Compiled() {
    return false;
}
} // namespace nwc::lanerans
#endif
