// Decoding speed of the .nwc v1 rANS streams (one state per stream) against the v2 lane streams
// (32 states; portable, AVX2 and AVX-512 loops; AVX2 on both table layouts; AVX-512 one, two and
// four streams at a time; the fastest loop also as the tensor decoder calls it, into one reused
// buffer), on one core, and on a CUDA device when the build has the CUDA kernels and a device is
// present (all streams in one launch, kernel time only), with this machine's single-core memory
// read bandwidth measured in the same run for scale. Prints a Markdown table.
//
// Data: latent symbols as the NWC coder writes them: streams of 65536 symbols, symbol n coded
// with table n mod 16 (the 16 channels of one quality level), each table a quantized Gaussian
// whose spread gives 2.3 to 5.6 bits of entropy. `bench_lane_rans [streams]` (default 256: 16.8 M
// symbols, 33 MB of decoded 16-bit symbols, beyond the caches).
#include "codec/laneransstream.h"
#include "codec/ransstream.h"
#ifdef NWC_HAVE_CUDA_KERNELS
#include "cuda/cudakernels.h"
#endif

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace nwc;

namespace {

constexpr size_t kStreamSymbols = 65536;
constexpr int kTables = 16;

FrequencyTable gaussianTable(double sigma, std::vector<double> *probabilities) {
    const int half = int(std::ceil(8 * sigma));
    std::vector<uint64_t> counts;
    probabilities->clear();
    double total = 0.0;
    for (int s = -half; s <= half; ++s) {
        const double p = std::exp(-0.5 * s * s / (sigma * sigma));
        probabilities->push_back(p);
        total += p;
    }
    for (double &p : *probabilities) {
        p /= total;
        counts.push_back(std::max<uint64_t>(1, uint64_t(std::llround(p * 1099511627776.0))));
    }
    return FrequencyTable::fromCounts(counts, 16);
}

struct Data {
    std::vector<FrequencyTable> tables;
    std::vector<const FrequencyTable *> pointers;
    std::vector<std::vector<int32_t>> symbols; // per stream
    std::vector<QByteArray> v1;
    std::vector<QByteArray> v2;
    std::vector<uint16_t> tableOf;
    double entropy = 0.0;
};

Data makeData(size_t streams) {
    Data data;
    std::mt19937_64 rng(42);
    std::vector<std::discrete_distribution<int32_t>> draws;
    for (int t = 0; t < kTables; ++t) {
        std::vector<double> p;
        data.tables.push_back(gaussianTable(1.0 + 9.0 * t / (kTables - 1), &p));
        draws.emplace_back(p.begin(), p.end());
        for (double q : p)
            data.entropy -= q > 0 ? q * std::log2(q) / kTables : 0.0;
    }
    for (const FrequencyTable &table : data.tables)
        data.pointers.push_back(&table);
    for (size_t n = 0; n < kStreamSymbols; ++n)
        data.tableOf.push_back(uint16_t(n % kTables));
    std::vector<const FrequencyTable *> perSymbol(kStreamSymbols);
    for (size_t n = 0; n < kStreamSymbols; ++n)
        perSymbol[n] = data.pointers[n % kTables];
    for (size_t s = 0; s < streams; ++s) {
        std::vector<int32_t> symbols(kStreamSymbols);
        for (size_t n = 0; n < kStreamSymbols; ++n)
            symbols[n] = draws[n % kTables](rng);
        RansEncoder encoder;
        for (size_t n = kStreamSymbols; n-- > 0;)
            encoder.pushReverse(symbols[n], *perSymbol[n]);
        data.v1.push_back(encoder.finish());
        data.v2.push_back(encodeLaneStream(symbols, perSymbol, {}));
        data.symbols.push_back(std::move(symbols));
    }
    return data;
}

/// Single-core read bandwidth (GB/s): the best of 5 passes summing 256 MB of 64-bit words.
double readBandwidth() {
    std::vector<uint64_t> buffer(size_t(32) << 20, 1);
    double best = 0.0;
    volatile uint64_t sink = 0;
    for (int pass = 0; pass < 5; ++pass) {
        QElapsedTimer timer;
        timer.start();
        uint64_t sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
        for (size_t i = 0; i < buffer.size(); i += 4) {
            sum0 += buffer[i];
            sum1 += buffer[i + 1];
            sum2 += buffer[i + 2];
            sum3 += buffer[i + 3];
        }
        sink = sink + sum0 + sum1 + sum2 + sum3;
        best = std::max(best, double(buffer.size() * 8) / double(timer.nsecsElapsed()));
    }
    return best;
}

#if defined(__GNUC__) && defined(__x86_64__)
/// The gather benchmarks' tables: 16 tables of 2^11 64-bit entries (the packed-symbol layout's
/// bucket symbols, in the L1/L2 caches) and one 12-bit table of 32-bit entries (16 KB, in L1).
const std::vector<long long> &wideTable() {
    static const std::vector<long long> table = [] {
        std::vector<long long> values(size_t(16) << 11);
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = (long long)(i * 7);
        return values;
    }();
    return table;
}

const std::vector<int> &narrowTable() {
    static const std::vector<int> table = [] {
        std::vector<int> values(size_t(1) << 12);
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = int(i * 7);
        return values;
    }();
    return table;
}

/// `rounds` AVX2 gathers of 8 lanes' 64-bit entries (two 4-element gathers), as the
/// packed-symbol loop issues them; returns a sum of what was read.
__attribute__((target("avx2"))) long long gatherWide(long rounds) {
    const long long *table = wideTable().data();
    __m256i index = _mm256_setr_epi32(1, 100, 2000, 3000, 5000, 7000, 9000, 11000);
    __m256i sum = _mm256_setzero_si256();
    for (long i = 0; i < rounds; ++i) {
        const __m256i first = _mm256_i32gather_epi64(table, _mm256_castsi256_si128(index), 8);
        const __m256i second = _mm256_i32gather_epi64(table, _mm256_extracti128_si256(index, 1), 8);
        sum = _mm256_add_epi64(sum, _mm256_add_epi64(first, second));
        index = _mm256_and_si256(_mm256_add_epi32(index, _mm256_set1_epi32(1)),
                                 _mm256_set1_epi32(0x7fff));
    }
    return _mm256_extract_epi64(sum, 0);
}

/// `rounds` AVX-512 gathers of 16 lanes' 64-bit entries (two 8-element gathers) from the 16
/// tables of 2^11 entries (256 KB, as the packed-symbol loop reads them), per 8 symbols: half a
/// round. Returns a sum of what was read.
// GCC 12 warns about the undefined upper halves its own AVX-512 headers use.
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
__attribute__((target("avx512f"))) long long gatherWide512(long rounds) {
    const long long *table = wideTable().data();
    __m512i index = _mm512_setr_epi32(1, 100, 2000, 3000, 5000, 7000, 9000, 11000, 13000, 15000,
                                      17000, 19000, 21000, 23000, 25000, 27000);
    __m512i sum = _mm512_setzero_si512();
    for (long i = 0; i < rounds; i += 2) {
        const __m512i first = _mm512_i32gather_epi64(_mm512_castsi512_si256(index), table, 8);
        const __m512i second =
            _mm512_i32gather_epi64(_mm512_extracti64x4_epi64(index, 1), table, 8);
        sum = _mm512_add_epi64(sum, _mm512_add_epi64(first, second));
        index = _mm512_and_si512(_mm512_add_epi32(index, _mm512_set1_epi32(97)),
                                 _mm512_set1_epi32(0x7fff));
    }
    return _mm512_reduce_add_epi64(sum);
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// `rounds` AVX2 gathers of 8 lanes' 32-bit entries (one 8-element gather) from the 12-bit
/// table: what a layout of one u32 per slot would gather per 8 symbols.
__attribute__((target("avx2"))) long long gatherNarrow(long rounds) {
    const int *table = narrowTable().data();
    __m256i index = _mm256_setr_epi32(1, 300, 900, 1700, 2500, 3300, 3900, 4000);
    __m256i sum = _mm256_setzero_si256();
    for (long i = 0; i < rounds; ++i) {
        sum = _mm256_add_epi32(sum, _mm256_i32gather_epi32(table, index, 4));
        index = _mm256_and_si256(_mm256_add_epi32(index, _mm256_set1_epi32(97)),
                                 _mm256_set1_epi32(0xfff));
    }
    return _mm256_extract_epi32(sum, 0);
}

/// Nanoseconds per round of `gathers`, best of 5 (what the gathers alone cost per 8 symbols).
double gatherNanoseconds(long long (*gathers)(long rounds)) {
    const long rounds = 20000000;
    gathers(1000); // builds the table
    double best = 1e30;
    long long sink = 0;
    for (int pass = 0; pass < 5; ++pass) {
        QElapsedTimer timer;
        timer.start();
        sink += gathers(rounds);
        best = std::min(best, double(timer.nsecsElapsed()) / double(rounds));
    }
    return sink == 42 ? best + 1e-9 : best;
}
#endif

struct Row {
    QString name;
    double seconds = 1e30;
    bool exact = true;
};

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const size_t streams = argc > 1 ? size_t(std::max(1, atoi(argv[1]))) : 256;
    const Data data = makeData(streams);
    const double symbols = double(streams * kStreamSymbols);
    size_t v1Bytes = 0, v2Bytes = 0;
    for (size_t s = 0; s < streams; ++s) {
        v1Bytes += size_t(data.v1[s].size());
        v2Bytes += size_t(data.v2[s].size());
    }
    std::vector<uint16_t> out(streams * kStreamSymbols);
    std::vector<int32_t> out32(kStreamSymbols);
    const LaneDecodeTables laneTables(data.pointers);
    const LaneDecodeTables entriesOnly(data.pointers, false);

    std::vector<Row> rows;
    Row v1{QStringLiteral("v1: 1 state per stream (scalar)")};
    std::vector<Row> lanes;
    for (LaneDecoderKind kind :
         {LaneDecoderKind::Scalar, LaneDecoderKind::Avx2, LaneDecoderKind::Avx512}) {
        if (laneDecoderAvailable(kind))
            lanes.push_back(
                Row{QStringLiteral("v2: 32 lanes, ") + laneDecoderName(kind) +
                    (kind == LaneDecoderKind::Avx512
                         ? QStringLiteral(", %1 streams at a time").arg(kMaxLaneStreamsTogether)
                         : QString())});
    }
    const size_t avx512Row = lanes.size() - 1; // the last CPU row, when AVX-512 is available
    // The AVX2 loop on the entries layout (its loop before the packed-symbol layout).
    const bool avx2 = laneDecoderAvailable(LaneDecoderKind::Avx2);
    Row avx2Entries{QStringLiteral("v2: 32 lanes, avx2, entries layout")};
    // AVX-512 decodes several streams at once where it has several (decodeLaneStreams, as the
    // tensor decoder calls it); one and two at a time for comparison.
    const bool avx512 = laneDecoderAvailable(LaneDecoderKind::Avx512);
    Row avx512Single{QStringLiteral("v2: 32 lanes, avx512, one stream at a time")};
    Row avx512Pairs{QStringLiteral("v2: 32 lanes, avx512, two streams at a time")};
    std::vector<LaneStreamJob> jobs(streams);
    for (size_t s = 0; s < streams; ++s) {
        jobs[s].data = reinterpret_cast<const uint8_t *>(data.v2[s].constData());
        jobs[s].size = size_t(data.v2[s].size());
        jobs[s].tableOf = data.tableOf.data();
        jobs[s].count = kStreamSymbols;
        jobs[s].symbols = out.data() + s * kStreamSymbols;
    }
    // As the tensor decoder runs: the same streams, as many per call as the decoder takes at
    // once, into one reused buffer of that many streams' symbols (in the L2 cache), where the
    // rows above write every stream's symbols to their own place in memory (33 MB at 256
    // streams).
    const LaneDecoderKind best = bestLaneDecoder();
    const size_t together = size_t(laneStreamsDecodedTogether(best, laneTables));
    Row reused{QStringLiteral("v2: 32 lanes, %1, %2 streams per call into one reused buffer (as "
                              "the tensor decoder)")
                   .arg(laneDecoderName(best))
                   .arg(together)};
    std::vector<uint16_t> callBuffer(together * kStreamSymbols);
    std::vector<LaneStreamJob> reusedJobs = jobs;
    for (size_t s = 0; s < streams; ++s)
        reusedJobs[s].symbols = callBuffer.data() + (s % together) * kStreamSymbols;
    std::vector<uint16_t> expected;
    expected.reserve(out.size());
    for (const std::vector<int32_t> &stream : data.symbols)
        expected.insert(expected.end(), stream.begin(), stream.end());
    // Interleave the decoders' repetitions (the machine is shared): best of 5 each.
    for (int repeat = 0; repeat < 5; ++repeat) {
        QElapsedTimer timer;
        timer.start();
        for (size_t s = 0; s < streams; ++s) {
            RansDecoder decoder(reinterpret_cast<const uint8_t *>(data.v1[s].constData()),
                                size_t(data.v1[s].size()));
            for (size_t n = 0; n < kStreamSymbols; ++n)
                out32[n] = decoder.decode(*data.pointers[n % kTables]);
            decoder.finish();
            if (repeat == 0 && !std::equal(out32.begin(), out32.end(), data.symbols[s].begin()))
                v1.exact = false;
        }
        v1.seconds = std::min(v1.seconds, double(timer.nsecsElapsed()) * 1e-9);
        size_t index = 0;
        for (LaneDecoderKind kind :
             {LaneDecoderKind::Scalar, LaneDecoderKind::Avx2, LaneDecoderKind::Avx512}) {
            if (!laneDecoderAvailable(kind))
                continue;
            Row &row = lanes[index++];
            timer.restart();
            decodeLaneStreams(jobs.data(), jobs.size(), laneTables, kind);
            row.seconds = std::min(row.seconds, double(timer.nsecsElapsed()) * 1e-9);
            if (repeat == 0)
                row.exact = row.exact && out == expected;
        }
        {
            // Timed call by call; on the first repetition each call's symbols are checked
            // outside the timing.
            qint64 nanoseconds = 0;
            for (size_t s = 0; s < streams; s += together) {
                const size_t count = std::min(together, streams - s);
                timer.restart();
                decodeLaneStreams(reusedJobs.data() + s, count, laneTables, best);
                nanoseconds += timer.nsecsElapsed();
                if (repeat == 0)
                    reused.exact = reused.exact &&
                                   std::equal(callBuffer.begin(),
                                              callBuffer.begin() + int64_t(count * kStreamSymbols),
                                              expected.begin() + int64_t(s * kStreamSymbols));
            }
            reused.seconds = std::min(reused.seconds, double(nanoseconds) * 1e-9);
        }
        if (avx512) {
            timer.restart();
            for (size_t s = 0; s < streams; ++s)
                decodeLaneStream(reinterpret_cast<const uint8_t *>(data.v2[s].constData()),
                                 size_t(data.v2[s].size()), laneTables, data.tableOf.data(),
                                 kStreamSymbols, out.data() + s * kStreamSymbols,
                                 LaneDecoderKind::Avx512);
            avx512Single.seconds =
                std::min(avx512Single.seconds, double(timer.nsecsElapsed()) * 1e-9);
            if (repeat == 0)
                avx512Single.exact = out == expected;
            timer.restart();
            decodeLaneStreams(jobs.data(), jobs.size(), laneTables, LaneDecoderKind::Avx512, 2);
            avx512Pairs.seconds =
                std::min(avx512Pairs.seconds, double(timer.nsecsElapsed()) * 1e-9);
            if (repeat == 0)
                avx512Pairs.exact = out == expected;
        }
        if (avx2) {
            timer.restart();
            for (size_t s = 0; s < streams; ++s)
                decodeLaneStream(reinterpret_cast<const uint8_t *>(data.v2[s].constData()),
                                 size_t(data.v2[s].size()), entriesOnly, data.tableOf.data(),
                                 kStreamSymbols, out.data() + s * kStreamSymbols,
                                 LaneDecoderKind::Avx2);
            avx2Entries.seconds =
                std::min(avx2Entries.seconds, double(timer.nsecsElapsed()) * 1e-9);
            if (repeat == 0) {
                for (size_t s = 0; s < streams; ++s)
                    avx2Entries.exact = avx2Entries.exact &&
                                        std::equal(data.symbols[s].begin(), data.symbols[s].end(),
                                                   out.begin() + s * kStreamSymbols);
            }
        }
    }
    lanes.push_back(reused);
#ifdef NWC_HAVE_CUDA_KERNELS
    // The CUDA kernel: every stream in one batch, one warp per stream; kernel time of 20 launches.
    std::string why;
    if (cuda::deviceAvailable(&why)) {
        std::vector<uint8_t> bytes;
        std::vector<cuda::LaneStreamSpan> spans;
        std::vector<uint16_t> tableOf;
        for (size_t s = 0; s < streams; ++s) {
            cuda::LaneStreamSpan span;
            span.byteOffset = bytes.size();
            span.byteCount = uint64_t(data.v2[s].size());
            span.symbolOffset = tableOf.size();
            span.symbolCount = kStreamSymbols;
            bytes.insert(bytes.end(), data.v2[s].begin(), data.v2[s].end());
            tableOf.insert(tableOf.end(), data.tableOf.begin(), data.tableOf.end());
            spans.push_back(span);
        }
        std::vector<uint16_t> decoded;
        std::vector<int32_t> status;
        double seconds = 0.0;
        const std::string error = cuda::decodeLaneStreamsOnDevice(
            std::vector<uint32_t>(laneTables.entries(),
                                  laneTables.entries() + 2 * laneTables.entryCount()),
            uint32_t(laneTables.tableCount()), bytes, spans, tableOf, &decoded, &status, 20,
            &seconds);
        if (!error.empty()) {
            std::printf("CUDA decode failed: %s\n", error.c_str());
        } else {
            Row gpu{QStringLiteral("v2: 32 lanes, CUDA ") +
                    QString::fromStdString(cuda::deviceDescription(0))};
            gpu.seconds = seconds;
            for (size_t s = 0; s < streams; ++s)
                gpu.exact = gpu.exact && status[s] == cuda::kLaneStreamOk &&
                            std::equal(data.symbols[s].begin(), data.symbols[s].end(),
                                       decoded.begin() + int64_t(s * kStreamSymbols));
            lanes.push_back(gpu);
        }
    } else {
        std::printf("CUDA kernels built, but %s: no GPU row\n", why.c_str());
    }
#endif
    const double bandwidth = readBandwidth();
    std::printf("%zu streams × %zu symbols (%.1f M), 16 tables, %.2f bits of entropy per symbol; "
                "v1 %.3f, v2 %.3f bits per symbol coded\n",
                streams, kStreamSymbols, symbols / 1e6, data.entropy, 8.0 * v1Bytes / symbols,
                8.0 * v2Bytes / symbols);
    std::printf("single-core read bandwidth: %.1f GB/s\n", bandwidth);
#if defined(__GNUC__) && defined(__x86_64__)
    if (laneDecoderAvailable(LaneDecoderKind::Avx2)) {
        const double gather = gatherNanoseconds(gatherWide);
        std::printf("AVX2 gather of 8 lanes' 64-bit entries: %.2f ns (alone, a floor of %.0f M "
                    "symbols/s)\n",
                    gather, 8e3 / gather);
        if (laneDecoderAvailable(LaneDecoderKind::Avx512)) {
            const double gather512 = gatherNanoseconds(gatherWide512);
            std::printf("AVX-512 gathers of 16 lanes' 64-bit entries from the 256 KB tables: "
                        "%.2f ns per 8 symbols (alone, a floor of %.0f M symbols/s)\n",
                        gather512, 8e3 / gather512);
        }
        const double gather32 = gatherNanoseconds(gatherNarrow);
        std::printf("AVX2 gather of 8 lanes' 32-bit entries from one 16 KB table: %.2f ns (alone, "
                    "a floor of %.0f M symbols/s)\n",
                    gather32, 8e3 / gather32);
    }
#endif
    std::printf("\n");
    std::printf("| decoder | M symbols/s | ns/symbol | stream MB/s | × v1 | exact |\n");
    std::printf("|---|---:|---:|---:|---:|---|\n");
    rows.push_back(v1);
    if (avx512)
        lanes.insert(lanes.begin() + int64_t(avx512Row), {avx512Single, avx512Pairs});
    if (avx2)
        lanes.insert(lanes.begin() + 1, avx2Entries);
    rows.insert(rows.end(), lanes.begin(), lanes.end());
    for (const Row &row : rows) {
        const bool isV1 = &row == &rows.front();
        const double rate = symbols / row.seconds;
        std::printf("| %s | %.0f | %.2f | %.0f | %.2f | %s |\n", qPrintable(row.name), rate / 1e6,
                    1e9 / rate, double(isV1 ? v1Bytes : v2Bytes) / row.seconds / 1e6,
                    v1.seconds / row.seconds, row.exact ? "yes" : "NO");
    }
    return 0;
}
