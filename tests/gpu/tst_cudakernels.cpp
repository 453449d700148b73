// The CUDA kernels (core/cuda/cudakernels.h) against the CPU code they replace: lane rANS
// streams decode to the portable decoder's symbols bit for bit in one batch of streams of
// different tables and lengths, damaged streams get the status the CPU decoder's error
// names, and RTN/GPTQ dequantisation equals dequantizeGroups exactly. Skipped with a message
// when no CUDA device is present (label gpu).
#include "codec/compressedtensor.h"
#include "codec/groupquantization.h"
#include "codec/laneransstream.h"
#include "cuda/cudakernels.h"
#include "jobs/error.h"

#include "peakedtables.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <memory>
#include <random>

using namespace nwc;

namespace {

/// A batch of streams over shared tables, encoded on the CPU, with the CPU's decoded symbols.
struct Batch {
    std::vector<std::unique_ptr<FrequencyTable>> tables;
    std::vector<const FrequencyTable *> tablePointers;
    std::vector<uint8_t> bytes;
    std::vector<cuda::LaneStreamSpan> spans;
    std::vector<uint16_t> tableOf;
    std::vector<uint16_t> cpuSymbols;
};

Batch makeBatch(const std::vector<size_t> &lengths, int tableCount, uint64_t seed) {
    Batch b;
    std::mt19937_64 rng(seed);
    b.tables = testing::randomPeakedTables(tableCount, rng);
    for (const auto &table : b.tables)
        b.tablePointers.push_back(table.get());
    const LaneDecodeTables decodeTables(b.tablePointers);
    for (size_t length : lengths) {
        std::vector<int32_t> symbols;
        std::vector<const FrequencyTable *> symbolTables;
        std::vector<uint16_t> tableOf;
        const size_t run = 1 + rng() % 200;
        for (size_t n = 0; n < length; ++n) {
            const int t = int((n / run) % size_t(tableCount));
            tableOf.push_back(uint16_t(t));
            symbols.push_back(b.tablePointers[size_t(t)]->symbolAt(uint32_t(rng() & 0xffff)));
            symbolTables.push_back(b.tablePointers[size_t(t)]);
        }
        std::vector<uint32_t> escapes(rng() % 5);
        for (uint32_t &e : escapes)
            e = uint32_t(rng());
        const QByteArray stream = encodeLaneStream(symbols, symbolTables, escapes);
        cuda::LaneStreamSpan span;
        span.byteOffset = b.bytes.size() + 1; // odd offsets: the kernel reads bytes
        span.byteCount = uint64_t(stream.size());
        span.symbolOffset = b.tableOf.size();
        span.symbolCount = length;
        b.bytes.push_back(0xA5);
        b.bytes.insert(b.bytes.end(), stream.begin(), stream.end());
        b.spans.push_back(span);
        b.tableOf.insert(b.tableOf.end(), tableOf.begin(), tableOf.end());
        std::vector<uint16_t> decoded(length);
        decodeLaneStream(reinterpret_cast<const uint8_t *>(stream.constData()),
                         size_t(stream.size()), decodeTables, tableOf.data(), length,
                         decoded.data(), LaneDecoderKind::Scalar);
        if (!std::equal(decoded.begin(), decoded.end(), symbols.begin()))
            qFatal("the CPU decoder does not reproduce the encoded symbols");
        b.cpuSymbols.insert(b.cpuSymbols.end(), decoded.begin(), decoded.end());
    }
    return b;
}

std::vector<uint32_t> entriesOf(const Batch &b) {
    const LaneDecodeTables tables(b.tablePointers);
    return std::vector<uint32_t>(tables.entries(), tables.entries() + 2 * tables.entryCount());
}

/// What the device decoder gave for a batch: its symbols, a status per stream, and an error
/// message (empty unless the decoder could not run at all).
struct DeviceDecode {
    std::vector<uint16_t> symbols;
    std::vector<int32_t> status;
    std::string error;
};

/// Decodes every stream of `b` in one call of the device decoder.
DeviceDecode decodeOnDevice(const Batch &b) {
    DeviceDecode result;
    result.error =
        cuda::decodeLaneStreamsOnDevice(entriesOf(b), uint32_t(b.tablePointers.size()), b.bytes,
                                        b.spans, b.tableOf, &result.symbols, &result.status);
    return result;
}

/// Skips the calling test function (QSKIP returns from it) when no CUDA device is present.
#define REQUIRE_CUDA_DEVICE()                                                                      \
    do {                                                                                           \
        std::string why;                                                                           \
        if (!cuda::deviceAvailable(&why))                                                          \
            QSKIP(qPrintable(                                                                      \
                QStringLiteral("needs a CUDA device: %1").arg(QString::fromStdString(why))));      \
    } while (false)

} // namespace

class TestCudaKernels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        std::string why;
        if (cuda::deviceAvailable(&why))
            qInfo("device: %s", cuda::deviceDescription(0).c_str());
    }

    void laneDecodeMatchesScalarDecoder() {
        REQUIRE_CUDA_DEVICE();
        const Batch b = makeBatch({0, 1, 31, 32, 33, 1000, 65536, 70001, 5, 4096}, 16, 7);
        const auto [symbols, status, error] = decodeOnDevice(b);
        QVERIFY2(error.empty(), error.c_str());
        for (size_t s = 0; s < status.size(); ++s)
            QCOMPARE(QString::fromLatin1(cuda::laneStreamStatusName(status[s])),
                     QStringLiteral("ok"));
        QCOMPARE(symbols.size(), b.cpuSymbols.size());
        QVERIFY(symbols == b.cpuSymbols);
    }

    void damagedStreamsAreReported() {
        REQUIRE_CUDA_DEVICE();
        Batch b = makeBatch({5000, 5000, 5000, 5000}, 8, 11);
        // Stream 0: a flipped word bit (the lanes do not return home or words are left over).
        b.bytes[b.spans[0].byteOffset + 200] ^= 0x10;
        // Stream 1: cut short by two words.
        b.spans[1].byteCount -= 4;
        // Stream 2: a table index out of range.
        b.tableOf[b.spans[2].symbolOffset + 17] = 200;
        const auto [symbols, status, error] = decodeOnDevice(b);
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY(status[0] == cuda::kLaneStreamCorrupt || status[0] == cuda::kLaneStreamTruncated);
        QVERIFY(status[1] != cuda::kLaneStreamOk);
        QCOMPARE(status[2], int32_t(cuda::kLaneStreamBadTable));
        QCOMPARE(status[3], int32_t(cuda::kLaneStreamOk));
        QVERIFY(std::equal(symbols.begin() + int64_t(b.spans[3].symbolOffset), symbols.end(),
                           b.cpuSymbols.begin() + int64_t(b.spans[3].symbolOffset)));
    }

    void groupDequantizeMatchesCpu_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("groupSize");
        QTest::newRow("3 bits, groups of 128") << 3 << 128;
        QTest::newRow("4 bits, groups of 64") << 4 << 64;
        QTest::newRow("5 bits, groups of 100") << 5 << 100;
        QTest::newRow("8 bits, groups of 7") << 8 << 7;
    }

    void groupDequantizeMatchesCpu() {
        REQUIRE_CUDA_DEVICE();
        QFETCH(int, bits);
        QFETCH(int, groupSize);
        const int64_t rows = 37, columns = 515;
        std::mt19937 rng(uint32_t(bits * 1000 + groupSize));
        std::vector<uint8_t> codes(size_t(rows * columns));
        for (uint8_t &c : codes)
            c = uint8_t(rng() % uint32_t(maxGroupCode(bits) + 1));
        std::vector<GroupParameters> parameters;
        std::uniform_real_distribution<float> range(0.01f, 2.0f);
        for (int64_t i = 0; i < rows * groupCount(columns, groupSize); ++i)
            parameters.push_back(groupParameters(-range(rng), range(rng), bits));
        const CompressedTensor t =
            makeGroupQuantized(QStringLiteral("w"), CompressionMethod::Rtn, rows, columns, bits,
                               groupSize, codes, parameters);
        const std::vector<float> cpu = dequantizeGroups(t);
        std::vector<float> gpu;
        const std::string error = cuda::dequantizeGroupsOnDevice(
            std::vector<uint8_t>(t.packedCodes.begin(), t.packedCodes.end()), bits, rows, columns,
            groupSize, t.groupScales, t.groupZeros, &gpu);
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(gpu.size(), cpu.size());
        QCOMPARE(std::memcmp(gpu.data(), cpu.data(), cpu.size() * sizeof(float)), 0);
    }
};

QTEST_GUILESS_MAIN(TestCudaKernels)
#include "tst_cudakernels.moc"
