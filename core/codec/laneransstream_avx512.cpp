// The AVX-512 round loops of the lane rANS decoder (laneransstream.h): two registers of 16
// lanes per stream, the packed symbols gathered 64 bits per lane (the bucket's second symbol
// resolved in registers, a walk for the rest), or for tables without that layout a 64-bit
// gather per entry with masked gathers for lanes in shared buckets; the renormalization words
// expanded into the lanes that need them (AVX512-VBMI2). One loop decodes two to four streams at
// once.
#include "codec/laneransstream.h"

#include <algorithm>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
// Every function below is compiled for the instruction set; callers check the CPU first.
#if defined(__clang__)
#pragma clang attribute push(                                                                      \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi2,popcnt,sse4.1"))),                \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vbmi2,popcnt,sse4.1")
// GCC 12 warns about the undefined upper halves its own AVX-512 headers use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

// GCC does not always inline these at -O2.
#define NWC_ALWAYS_INLINE inline __attribute__((always_inline))

namespace nwc::lanerans {

namespace {

/// The 16 entries (frequency, start | symbol << 16) at `index` as two 16-lane vectors: one
/// 64-bit gather per 8 lanes (half the loads of a gather per word), then the low and high words
/// separated. With `mask`, only those lanes are gathered; the others keep `frequency` and
/// `startSymbol`.
NWC_ALWAYS_INLINE void gatherEntries(__m512i index, const long long *entries, __mmask16 mask,
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

/// The renormalization of 16 lanes after a step to `next`: the lanes whose state fell below
/// 2^16 take the next words in lane order.
NWC_ALWAYS_INLINE __m512i renormalize(__m512i next, const uint8_t **words) {
    const __mmask16 low = _mm512_cmplt_epu32_mask(next, _mm512_set1_epi32(0x10000));
    const __m512i read = _mm512_cvtepu16_epi32(_mm256_maskz_expandloadu_epi16(low, *words));
    *words += 2 * size_t(_mm_popcnt_u32(low));
    return _mm512_mask_blend_epi32(low, next, _mm512_or_si512(_mm512_slli_epi32(next, 16), read));
}

/// Asks for the words a stream will read some 30 rounds from now.
NWC_ALWAYS_INLINE void prefetchWords(const uint8_t *words) {
    _mm_prefetch(reinterpret_cast<const char *>(words) + kWordPrefetchBytes, _MM_HINT_T0);
}

/// One register of 16 lanes: decodes its symbols and reads its words from *words.
NWC_ALWAYS_INLINE __m512i step(__m512i x, const uint16_t *tableOf, uint16_t *symbols,
                               const long long *entries, const uint8_t **words) {
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
    return renormalize(next, words);
}

/// The two 64-bit gathers of a register of 16 lanes with the packed-symbol layout.
struct GatheredSymbols {
    __m512i first;  ///< lanes 0–7
    __m512i second; ///< lanes 8–15
};

NWC_ALWAYS_INLINE GatheredSymbols gatherBucketSymbols(__m512i x, const uint16_t *tableOf,
                                                      const long long *bucketSymbols) {
    const __m512i table =
        _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(tableOf)));
    // table << 11 | slot >> 5, the slot's 11 high bits shifted in from x << 16.
    static_assert(FrequencyTable::kBucketBits == 11, "bucket index");
    const __m512i bucket = _mm512_shldi_epi32(table, _mm512_slli_epi32(x, 16), 11);
    return {_mm512_i32gather_epi64(_mm512_castsi512_si256(bucket), bucketSymbols, 8),
            _mm512_i32gather_epi64(_mm512_extracti64x4_epi64(bucket, 1), bucketSymbols, 8)};
}

/// The low and the high 32-bit halves of 16 gathered u64.
NWC_ALWAYS_INLINE void splitHalves(__m512i first, __m512i second, __m512i *low, __m512i *high) {
    const __m512i even =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd =
        _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *low = _mm512_permutex2var_epi32(first, even, second);
    *high = _mm512_permutex2var_epi32(first, odd, second);
}

/// The lanes `walk` whose slot lies past their bucket's second symbol (about 1 % of the
/// registers have one): from symbol + 1 on through the table's packed symbols until the slot's
/// symbol. `symbol` holds garbage above its low 16 bits.
NWC_ALWAYS_INLINE void walkOn(__mmask16 walk, __m512i slot, const uint16_t *tableOf,
                              const long long *packedSymbols, int stride, __m512i *offset,
                              __m512i *frequency, __m512i *symbol) {
    const __m512i lowMask = _mm512_set1_epi32(0xffff);
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i table =
        _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(tableOf)));
    const __m512i base = _mm512_mullo_epi32(table, _mm512_set1_epi32(stride));
    __m512i first = _mm512_setzero_si512();
    __m512i second = _mm512_setzero_si512();
    *symbol = _mm512_and_si512(*symbol, lowMask);
    do {
        const __m512i index = _mm512_add_epi32(base, *symbol);
        first = _mm512_mask_i32gather_epi64(first, __mmask8(walk), _mm512_castsi512_si256(index),
                                            packedSymbols, 8);
        second = _mm512_mask_i32gather_epi64(second, __mmask8(walk >> 8),
                                             _mm512_extracti64x4_epi64(index, 1), packedSymbols, 8);
        __m512i walked, walkedSymbol;
        splitHalves(first, second, &walked, &walkedSymbol);
        *offset = _mm512_mask_sub_epi32(*offset, walk, slot, _mm512_and_si512(walked, lowMask));
        *frequency = _mm512_mask_add_epi32(*frequency, walk, _mm512_srli_epi32(walked, 16), one);
        *symbol = _mm512_mask_mov_epi32(*symbol, walk, walkedSymbol);
        walk = _mm512_mask_cmpge_epu32_mask(walk, *offset, *frequency);
        *symbol = _mm512_mask_add_epi32(*symbol, walk, *symbol, one);
    } while (walk);
}

/// A register of 16 lanes between its lookup and its state update: each lane's slot − start,
/// frequency and symbol (garbage above the low 16 bits), and the lanes that must still walk.
struct Resolved {
    __m512i offset;
    __m512i frequency;
    __m512i symbol;
    __mmask16 walk;
};

/// Resolves a register's symbols from its gathered bucket symbols: a lane whose slot lies past
/// the bucket's first symbol takes the second one from the same u64; `walk` marks the lanes
/// past that (walkOn finishes them).
NWC_ALWAYS_INLINE Resolved resolveSymbols(__m512i x, GatheredSymbols gathered) {
    const __m512i lowMask = _mm512_set1_epi32(0xffff);
    const __m512i one = _mm512_set1_epi32(1);
    // startFrequency: start | (frequency − 1) << 16; symbol: the symbol in its low 16 bits and
    // the second symbol's frequency − 1 (signed, −1: walk) above, which the 16-bit store drops.
    __m512i startFrequency;
    Resolved r;
    splitHalves(gathered.first, gathered.second, &startFrequency, &r.symbol);
    const __m512i frequencyLess1 = _mm512_srli_epi32(startFrequency, 16);
    // slot − start (≥ 0: the bucket's first symbol starts at or before the slot) is the low
    // half of x − startFrequency.
    r.offset = _mm512_and_si512(_mm512_sub_epi32(x, startFrequency), lowMask);
    r.frequency = _mm512_add_epi32(frequencyLess1, one);
    // Past the first symbol when offset ≥ frequency; the second starts where the first ends.
    const __mmask16 past = _mm512_cmpgt_epi32_mask(r.offset, frequencyLess1);
    r.offset = _mm512_mask_sub_epi32(r.offset, past, r.offset, r.frequency);
    const __m512i secondLess1 = _mm512_srai_epi32(r.symbol, 16);
    r.frequency = _mm512_mask_add_epi32(r.frequency, past, secondLess1, one);
    r.symbol = _mm512_mask_add_epi32(r.symbol, past, r.symbol, one);
    r.walk = _mm512_mask_cmpgt_epi32_mask(past, r.offset, secondLess1);
    return r;
}

/// Walks on the lanes of `r` that need it (rare).
NWC_ALWAYS_INLINE void finishWalks(__m512i x, Resolved &r, const uint16_t *tableOf,
                                   const long long *packedSymbols, int stride) {
    if (r.walk)
        walkOn(r.walk, _mm512_and_si512(x, _mm512_set1_epi32(0xffff)), tableOf, packedSymbols,
               stride, &r.offset, &r.frequency, &r.symbol);
}

/// Stores a register's symbols and returns its next states, renormalized.
NWC_ALWAYS_INLINE __m512i updateStates(__m512i x, const Resolved &r, uint16_t *symbols,
                                       const uint8_t **words) {
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(symbols), _mm512_cvtepi32_epi16(r.symbol));
    const __m512i next =
        _mm512_add_epi32(_mm512_mullo_epi32(r.frequency, _mm512_srli_epi32(x, 16)), r.offset);
    return renormalize(next, words);
}

/// Rounds a stream can decode without another check: whole rounds of symbols left, and for
/// each 32 words (64 bytes, the most a round reads).
NWC_ALWAYS_INLINE size_t roundsLeft(size_t n, size_t count, const uint8_t *words,
                                    const uint8_t *wordsEnd) {
    return std::min((count - n) / kRansLanes, size_t(wordsEnd - words) / (2 * kRansLanes));
}

/// Decodes whole rounds of N streams at once (two registers each, 2N in all) while every one
/// has a round and enough words left. All registers' gathers are issued before any register is
/// finished, so that the instructions waiting on one register's gathers do not hold back the
/// next one's; fully unrolled, so that the states stay in registers.
template <int N>
void decodeRoundGroup(const LaneDecodeTables &tables, const StreamCursor *cursors) {
    const auto *buckets = reinterpret_cast<const long long *>(tables.bucketSymbols());
    const auto *packed = reinterpret_cast<const long long *>(tables.packedSymbols());
    const int stride = int(tables.symbolStride());
    // Locals, not the cursors' fields: the vector stores may alias anything, so fields would be
    // read again after every store.
    __m512i x[2 * N];
    const uint8_t *words[N];
    size_t n[N];
    const uint16_t *tableOf[N];
    uint16_t *symbols[N];
    size_t count[N];
    const uint8_t *wordsEnd[N];
#pragma GCC unroll 4
    for (int i = 0; i < N; ++i) {
        x[2 * i] = _mm512_loadu_si512(cursors[i].progress->states);
        x[2 * i + 1] = _mm512_loadu_si512(cursors[i].progress->states + 16);
        words[i] = cursors[i].progress->words;
        n[i] = cursors[i].progress->symbolsDone;
        tableOf[i] = cursors[i].tableOf;
        symbols[i] = cursors[i].symbols;
        count[i] = cursors[i].count;
        wordsEnd[i] = cursors[i].wordsEnd;
    }
    for (;;) {
        size_t rounds = roundsLeft(n[0], count[0], words[0], wordsEnd[0]);
#pragma GCC unroll 4
        for (int i = 1; i < N; ++i)
            rounds = std::min(rounds, roundsLeft(n[i], count[i], words[i], wordsEnd[i]));
        if (rounds == 0)
            break;
        for (size_t r = 0; r < rounds; ++r) {
            GatheredSymbols gathered[2 * N];
            Resolved resolved[2 * N];
#pragma GCC unroll 4
            for (int i = 0; i < N; ++i)
                prefetchWords(words[i]);
#pragma GCC unroll 8
            for (int k = 0; k < 2 * N; ++k)
                gathered[k] =
                    gatherBucketSymbols(x[k], tableOf[k / 2] + n[k / 2] + 16 * (k % 2), buckets);
            // One branch for all registers' walks (a register has one about 1 % of the time).
            __mmask16 walks = 0;
#pragma GCC unroll 8
            for (int k = 0; k < 2 * N; ++k) {
                resolved[k] = resolveSymbols(x[k], gathered[k]);
                walks = _kor_mask16(walks, resolved[k].walk);
            }
            if (__builtin_expect(walks != 0, 0)) {
#pragma GCC unroll 8
                for (int k = 0; k < 2 * N; ++k)
                    finishWalks(x[k], resolved[k], tableOf[k / 2] + n[k / 2] + 16 * (k % 2), packed,
                                stride);
            }
#pragma GCC unroll 8
            for (int k = 0; k < 2 * N; ++k)
                x[k] = updateStates(x[k], resolved[k], symbols[k / 2] + n[k / 2] + 16 * (k % 2),
                                    &words[k / 2]);
#pragma GCC unroll 4
            for (int i = 0; i < N; ++i)
                n[i] += kRansLanes;
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < N; ++i) {
        _mm512_storeu_si512(cursors[i].progress->states, x[2 * i]);
        _mm512_storeu_si512(cursors[i].progress->states + 16, x[2 * i + 1]);
        cursors[i].progress->words = words[i];
        cursors[i].progress->symbolsDone = n[i];
    }
}

} // namespace

void decodeRoundsAvx512(const LaneDecodeTables &tables, const uint16_t *tableOf, size_t count,
                        uint16_t *symbols, const uint8_t *wordsEnd, Progress *progress) {
    if (tables.hasPackedSymbols()) {
        const StreamCursor cursor{tableOf, count, symbols, wordsEnd, progress};
        decodeRoundGroup<1>(tables, &cursor);
        return;
    }
    __m512i x0 = _mm512_loadu_si512(progress->states);
    __m512i x1 = _mm512_loadu_si512(progress->states + 16);
    const uint8_t *words = progress->words;
    size_t n = progress->symbolsDone;
    const auto *entries = reinterpret_cast<const long long *>(tables.entries());
    while (roundsLeft(n, count, words, wordsEnd) > 0) {
        prefetchWords(words);
        x0 = step(x0, tableOf + n, symbols + n, entries, &words);
        x1 = step(x1, tableOf + n + 16, symbols + n + 16, entries, &words);
        n += kRansLanes;
    }
    _mm512_storeu_si512(progress->states, x0);
    _mm512_storeu_si512(progress->states + 16, x1);
    progress->words = words;
    progress->symbolsDone = n;
}

void decodeRoundGroupAvx512(const LaneDecodeTables &tables, const StreamCursor *cursors,
                            int count) {
    switch (count) {
    case 2:
        decodeRoundGroup<2>(tables, cursors);
        break;
    case 3:
        decodeRoundGroup<3>(tables, cursors);
        break;
    case 4:
        decodeRoundGroup<4>(tables, cursors);
        break;
    default:
        break;
    }
}

uint16_t largestTableIndexAvx512(const uint16_t *tableOf, size_t count) {
    __m512i largest = _mm512_setzero_si512();
    size_t n = 0;
    for (; n + 32 <= count; n += 32)
        largest = _mm512_max_epu16(largest, _mm512_loadu_si512(tableOf + n));
    if (n < count)
        largest = _mm512_max_epu16(
            largest,
            _mm512_maskz_loadu_epi16(__mmask32((uint64_t(1) << (count - n)) - 1), tableOf + n));
    __m256i half =
        _mm256_max_epu16(_mm512_castsi512_si256(largest), _mm512_extracti64x4_epi64(largest, 1));
    __m128i quarter =
        _mm_max_epu16(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
    // The largest of 8 u16 is 0xffff minus the smallest of their complements.
    quarter = _mm_minpos_epu16(_mm_xor_si128(quarter, _mm_set1_epi16(-1)));
    return uint16_t(0xffff - _mm_extract_epi16(quarter, 0));
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
void decodeRoundGroupAvx512(const LaneDecodeTables &, const StreamCursor *, int) {}
bool avx512Compiled() {
    return false;
}
} // namespace nwc::lanerans
#endif
