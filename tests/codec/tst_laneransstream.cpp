// Lane (interleaved) rANS streams of .nwc v2: every decoder (portable, AVX2, AVX-512 where the
// CPU has them) reproduces the encoded symbols bit for bit, the size stays at the ideal code
// length plus the lanes' header, and truncated or damaged streams are refused.
#include "codec/laneransstream.h"
#include "jobs/error.h"

#include "peakedtables.h"

#include <QtTest>

#include <cmath>
#include <memory>
#include <random>

using namespace nwc;

namespace {

struct Case {
    std::vector<std::unique_ptr<FrequencyTable>> tables;
    std::vector<const FrequencyTable *> tablePointers;
    std::vector<uint16_t> tableOf;
    std::vector<int32_t> symbols;
    std::vector<const FrequencyTable *> symbolTables;
    std::vector<uint32_t> escapes;
};

/// `count` peaked tables whose symbols 0, 1 and every third one have frequency 0 (symbols a
/// decoder's lookup must step over), the last few too.
std::vector<std::unique_ptr<FrequencyTable>> tablesWithUnusedSymbols(int count,
                                                                     std::mt19937_64 &rng) {
    std::vector<std::unique_ptr<FrequencyTable>> tables;
    for (int t = 0; t < count; ++t) {
        const int alphabet = 12 + int(rng() % 400);
        const double spread = 0.5 + double(rng() % 2000) / 100.0;
        std::vector<uint64_t> counts(size_t(alphabet), 0);
        for (int s = 2; s < alphabet - 3; ++s) {
            if (s % 3 != 0)
                counts[size_t(s)] =
                    1 + uint64_t(1e9 * std::exp(-std::abs(s - alphabet / 2) / spread));
        }
        tables.push_back(std::make_unique<FrequencyTable>(FrequencyTable::fromCounts(counts, 16)));
    }
    return tables;
}

/// `count` symbols; symbol n uses table (n / run) mod tables, drawn from that table's own
/// distribution (the slot of a uniform draw), so shared buckets and rare symbols occur.
Case makeCase(size_t count, int tableCount, size_t run, uint64_t seed, bool unusedSymbols = false) {
    Case c;
    std::mt19937_64 rng(seed);
    c.tables = unusedSymbols ? tablesWithUnusedSymbols(tableCount, rng)
                             : testing::randomPeakedTables(tableCount, rng);
    for (const auto &table : c.tables)
        c.tablePointers.push_back(table.get());
    for (size_t n = 0; n < count; ++n) {
        const int t = int((n / run) % size_t(tableCount));
        const FrequencyTable &table = *c.tablePointers[size_t(t)];
        c.tableOf.push_back(uint16_t(t));
        c.symbols.push_back(table.symbolAt(uint32_t(rng() & 0xffff)));
        c.symbolTables.push_back(&table);
    }
    for (int i = 0; i < int(rng() % 7); ++i)
        c.escapes.push_back(uint32_t(rng()));
    return c;
}

std::vector<LaneDecoderKind> availableDecoders() {
    std::vector<LaneDecoderKind> kinds;
    for (LaneDecoderKind kind :
         {LaneDecoderKind::Scalar, LaneDecoderKind::Avx2, LaneDecoderKind::Avx512}) {
        if (laneDecoderAvailable(kind))
            kinds.push_back(kind);
    }
    return kinds;
}

std::vector<uint16_t> decodeWith(const QByteArray &stream, const Case &c, LaneDecoderKind kind,
                                 LaneEscapes *escapes = nullptr, bool packedSymbols = true) {
    const LaneDecodeTables tables(c.tablePointers, packedSymbols);
    std::vector<uint16_t> decoded(c.symbols.size());
    const LaneEscapes found = decodeLaneStream(
        reinterpret_cast<const uint8_t *>(stream.constData()), size_t(stream.size()), tables,
        c.tableOf.data(), c.symbols.size(), decoded.data(), kind);
    if (escapes)
        *escapes = found;
    return decoded;
}

} // namespace

class TestLaneRansStream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripEveryDecoder_data();
    void roundTripEveryDecoder();
    void sizeIsIdealLengthPlusHeader();
    void refusesTruncatedStreams();
    void refusesDamagedHeaderAndWords();
    void refusesBadInput();
    void decodesStreamsInGroups();
    void groupsRefuseADamagedStream();
};

void TestLaneRansStream::roundTripEveryDecoder_data() {
    QTest::addColumn<qlonglong>("count");
    QTest::addColumn<int>("tableCount");
    QTest::addColumn<qlonglong>("run");
    QTest::addColumn<bool>("unusedSymbols");
    QTest::newRow("empty") << 0LL << 1 << 1LL << false;
    QTest::newRow("fewer symbols than lanes") << 17LL << 2 << 1LL << false;
    QTest::newRow("one round") << 32LL << 3 << 5LL << false;
    QTest::newRow("ragged tail, one table") << 4099LL << 1 << 1LL << false;
    QTest::newRow("16 channels in columns") << 65536LL << 16 << 1LL << false;
    QTest::newRow("64 tables, runs of 896") << 70000LL << 64 << 896LL << false;
    QTest::newRow("alternating 5 tables") << 50001LL << 5 << 3LL << false;
    QTest::newRow("unused symbols, 16 tables") << 65536LL << 16 << 1LL << true;
}

void TestLaneRansStream::roundTripEveryDecoder() {
    QFETCH(qlonglong, count);
    QFETCH(int, tableCount);
    QFETCH(qlonglong, run);
    QFETCH(bool, unusedSymbols);
    const Case c =
        makeCase(size_t(count), tableCount, size_t(run), uint64_t(count) * 31 + 7, unusedSymbols);
    // Both table layouts are built (the AVX2 decoder reads the packed symbols).
    QVERIFY(LaneDecodeTables(c.tablePointers).hasPackedSymbols());
    const QByteArray stream = encodeLaneStream(c.symbols, c.symbolTables, c.escapes);
    const std::vector<LaneDecoderKind> kinds = availableDecoders();
    qInfo("decoders on this CPU: %d (best: %s)", int(kinds.size()),
          qPrintable(laneDecoderName(bestLaneDecoder())));
    for (LaneDecoderKind kind : kinds) {
        // Both layouts (the AVX2 decoder has a loop for each).
        for (bool packed : {true, false}) {
            LaneEscapes escapes;
            const std::vector<uint16_t> decoded = decodeWith(stream, c, kind, &escapes, packed);
            for (size_t n = 0; n < c.symbols.size(); ++n) {
                if (decoded[n] != c.symbols[n])
                    QFAIL(qPrintable(
                        QStringLiteral("%1 (%2 layout): symbol %3 decoded as %4, encoded %5")
                            .arg(laneDecoderName(kind),
                                 packed ? QStringLiteral("packed") : QStringLiteral("entries"))
                            .arg(n)
                            .arg(decoded[n])
                            .arg(c.symbols[n])));
            }
            QCOMPARE(escapes.count, uint32_t(c.escapes.size()));
            for (uint32_t i = 0; i < escapes.count; ++i)
                QCOMPARE(escapes.at(i), c.escapes[i]);
        }
    }
}

void TestLaneRansStream::sizeIsIdealLengthPlusHeader() {
    const Case c = makeCase(200000, 16, 1, 99);
    const QByteArray stream = encodeLaneStream(c.symbols, c.symbolTables, {});
    double ideal = 0.0;
    for (size_t n = 0; n < c.symbols.size(); ++n)
        ideal += c.symbolTables[n]->bits(c.symbols[n]);
    const double payloadBits = 8.0 * double(stream.size() - kLaneStreamHeaderBytes);
    qInfo("ideal %.0f bits, coded %.0f bits (+%.3f %%)", ideal, payloadBits,
          100.0 * (payloadBits / ideal - 1.0));
    // rANS with 32-bit states and 16-bit words loses a fraction of a percent at most; each lane
    // ends with up to 16 bits of unused state (header).
    QVERIFY(payloadBits <= ideal * 1.003 + 16.0 * kRansLanes);
    QVERIFY(payloadBits >= ideal * 0.99 - 32.0 * kRansLanes);
}

void TestLaneRansStream::refusesTruncatedStreams() {
    const Case c = makeCase(3000, 4, 2, 5);
    const QByteArray stream = encodeLaneStream(c.symbols, c.symbolTables, {});
    for (LaneDecoderKind kind : availableDecoders()) {
        for (qsizetype size = 0; size < stream.size(); size += (size < 200 ? 1 : 37)) {
            bool refused = false;
            try {
                decodeWith(stream.left(size), c, kind);
            } catch (const Error &) {
                refused = true;
            }
            if (!refused)
                QFAIL(qPrintable(QStringLiteral("%1: a stream cut to %2 of %3 bytes was accepted")
                                     .arg(laneDecoderName(kind))
                                     .arg(size)
                                     .arg(stream.size())));
        }
    }
}

void TestLaneRansStream::refusesDamagedHeaderAndWords() {
    // A damaged state or escape count is always caught by the end-state check or the layout;
    // a damaged word may decode to other symbols of the same length (the container's checksum
    // catches those), so for words only "refused or different" is required.
    const Case c = makeCase(5000, 6, 16, 11);
    const QByteArray stream = encodeLaneStream(c.symbols, c.symbolTables, {7u});
    for (LaneDecoderKind kind : availableDecoders()) {
        int refused = 0;
        for (qsizetype byte = 0; byte < kLaneStreamHeaderBytes; ++byte) {
            QByteArray damaged = stream;
            damaged[byte] = char(damaged[byte] ^ 0x10);
            try {
                decodeWith(damaged, c, kind);
            } catch (const Error &) {
                ++refused;
            }
        }
        // A flip in a state's top byte can leave a state the decoder still brings back to
        // 2^16 only by chance; in practice every header flip is refused.
        QCOMPARE(refused, int(kLaneStreamHeaderBytes));
        int silent = 0;
        for (qsizetype byte = kLaneStreamHeaderBytes; byte < stream.size() - 4; byte += 13) {
            QByteArray damaged = stream;
            damaged[byte] = char(damaged[byte] ^ 0x01);
            try {
                const std::vector<uint16_t> decoded = decodeWith(damaged, c, kind);
                if (std::equal(decoded.begin(), decoded.end(), c.symbols.begin()))
                    ++silent;
            } catch (const Error &) {
            }
        }
        QCOMPARE(silent, 0);
    }
}

void TestLaneRansStream::refusesBadInput() {
    const Case c = makeCase(100, 2, 1, 3);
    std::vector<int32_t> symbols = c.symbols;
    const FrequencyTable sparse = FrequencyTable::fromCounts({4, 0, 4}, 16);
    std::vector<const FrequencyTable *> tables(symbols.size(), &sparse);
    std::fill(symbols.begin(), symbols.end(), 1);
    QVERIFY_THROWS_EXCEPTION(Error, encodeLaneStream(symbols, tables, {}));
    const FrequencyTable coarse = FrequencyTable::fromCounts({4, 4}, 12);
    std::fill(symbols.begin(), symbols.end(), 0);
    std::fill(tables.begin(), tables.end(), &coarse);
    QVERIFY_THROWS_EXCEPTION(Error, encodeLaneStream(symbols, tables, {}));
    QVERIFY_THROWS_EXCEPTION(Error, LaneDecodeTables({&coarse}));
    // A table index beyond the set.
    const QByteArray stream = encodeLaneStream(c.symbols, c.symbolTables, {});
    const LaneDecodeTables decodeTables({c.tablePointers[0]});
    std::vector<uint16_t> decoded(c.symbols.size());
    QVERIFY_THROWS_EXCEPTION(Error,
                             decodeLaneStream(reinterpret_cast<const uint8_t *>(stream.constData()),
                                              size_t(stream.size()), decodeTables, c.tableOf.data(),
                                              c.symbols.size(), decoded.data()));
    // ... also when it is the last index only (the SIMD scans' tails), on every decoder.
    for (size_t count : {size_t(1), size_t(31), size_t(33), size_t(100), size_t(4099)}) {
        std::vector<uint16_t> tableOf(count - 1, 0);
        tableOf.push_back(1);
        std::vector<int32_t> zeros(count, 0);
        const FrequencyTable &first = *c.tablePointers[0];
        const int32_t symbol = first.symbolAt(0);
        std::fill(zeros.begin(), zeros.end(), symbol);
        const QByteArray one =
            encodeLaneStream(zeros, std::vector<const FrequencyTable *>(count, &first), {});
        std::vector<uint16_t> out(count);
        for (LaneDecoderKind kind : availableDecoders())
            QVERIFY_THROWS_EXCEPTION(
                Error, decodeLaneStream(reinterpret_cast<const uint8_t *>(one.constData()),
                                        size_t(one.size()), decodeTables, tableOf.data(), count,
                                        out.data(), kind));
    }
}

namespace {

/// Streams of different lengths over one table set (as a tensor's streams share its tables),
/// for decodeLaneStreams: the two-stream loop stops when the shorter stream runs out, and an
/// odd stream is decoded alone.
struct StreamSet {
    Case c; ///< tables, and the symbols of all streams one after another
    std::vector<size_t> begins;
    std::vector<QByteArray> streams;
};

StreamSet makeStreamSet(const std::vector<size_t> &counts, uint64_t seed) {
    StreamSet set;
    size_t total = 0;
    for (size_t count : counts) {
        set.begins.push_back(total);
        total += count;
    }
    set.c = makeCase(total, 24, 3, seed, seed % 2 == 1);
    for (size_t i = 0; i < counts.size(); ++i) {
        const auto first = ptrdiff_t(set.begins[i]);
        const auto last = first + ptrdiff_t(counts[i]);
        set.streams.push_back(encodeLaneStream(
            std::vector<int32_t>(set.c.symbols.begin() + first, set.c.symbols.begin() + last),
            std::vector<const FrequencyTable *>(set.c.symbolTables.begin() + first,
                                                set.c.symbolTables.begin() + last),
            {uint32_t(i), uint32_t(seed)}));
    }
    return set;
}

std::vector<LaneStreamJob> jobsOf(const StreamSet &set, std::vector<uint16_t> *decoded) {
    decoded->assign(set.c.symbols.size(), 0xffff);
    std::vector<LaneStreamJob> jobs(set.streams.size());
    for (size_t i = 0; i < jobs.size(); ++i) {
        jobs[i].data = reinterpret_cast<const uint8_t *>(set.streams[i].constData());
        jobs[i].size = size_t(set.streams[i].size());
        jobs[i].tableOf = set.c.tableOf.data() + set.begins[i];
        jobs[i].count =
            (i + 1 < jobs.size() ? set.begins[i + 1] : set.c.symbols.size()) - set.begins[i];
        jobs[i].symbols = decoded->data() + set.begins[i];
    }
    return jobs;
}

} // namespace

void TestLaneRansStream::decodesStreamsInGroups() {
    const StreamSet set = makeStreamSet({65536, 70000, 4099, 65536, 17, 0, 50001, 32, 131072}, 17);
    const LaneDecodeTables tables(set.c.tablePointers);
    for (LaneDecoderKind kind : availableDecoders()) {
        // One to four streams per loop (AVX-512; the other decoders take them one by one):
        // groups of different lengths, and a last group smaller than the others.
        for (int together = 1; together <= kMaxLaneStreamsTogether; ++together) {
            std::vector<uint16_t> decoded;
            std::vector<LaneStreamJob> jobs = jobsOf(set, &decoded);
            decodeLaneStreams(jobs.data(), jobs.size(), tables, kind, together);
            for (size_t n = 0; n < decoded.size(); ++n) {
                if (decoded[n] != set.c.symbols[n])
                    QFAIL(qPrintable(
                        QStringLiteral("%1, %2 together: symbol %3 decoded as %4, encoded %5")
                            .arg(laneDecoderName(kind))
                            .arg(together)
                            .arg(n)
                            .arg(decoded[n])
                            .arg(set.c.symbols[n])));
            }
            for (size_t i = 0; i < jobs.size(); ++i) {
                QCOMPARE(jobs[i].escapes.count, 2u);
                QCOMPARE(jobs[i].escapes.at(0), uint32_t(i));
                QCOMPARE(jobs[i].escapes.at(1), 17u);
            }
        }
    }
    QCOMPARE(laneStreamsDecodedTogether(LaneDecoderKind::Scalar, tables), 1);
    QCOMPARE(laneStreamsDecodedTogether(LaneDecoderKind::Avx2, tables), 1);
    if (laneDecoderAvailable(LaneDecoderKind::Avx512))
        QCOMPARE(laneStreamsDecodedTogether(LaneDecoderKind::Avx512, tables),
                 kMaxLaneStreamsTogether);
}

void TestLaneRansStream::groupsRefuseADamagedStream() {
    // The damaged stream (index 2) is the first of the second pair, the last of a group of
    // three and the third of a group of four: the multi-stream loop decodes it every time.
    StreamSet set = makeStreamSet({40000, 40000, 40000, 40000, 40000}, 22);
    const QByteArray intact = set.streams[2];
    QByteArray damaged = intact;
    const qsizetype flipped = kLaneStreamHeaderBytes + 5000;
    damaged[flipped] = char(damaged[flipped] ^ 0x40);
    const LaneDecodeTables tables(set.c.tablePointers);
    for (LaneDecoderKind kind : availableDecoders()) {
        for (int together = 2; together <= kMaxLaneStreamsTogether; ++together) {
            set.streams[2] = damaged;
            std::vector<uint16_t> decoded;
            std::vector<LaneStreamJob> jobs = jobsOf(set, &decoded);
            bool refused = false;
            try {
                decodeLaneStreams(jobs.data(), jobs.size(), tables, kind, together);
            } catch (const Error &) {
                refused = true;
            }
            // A flipped word is refused or decodes to other symbols (the container checksum
            // catches those); the streams before it decode exactly either way.
            QVERIFY(refused || !std::equal(decoded.begin() + 80000, decoded.begin() + 120000,
                                           set.c.symbols.begin() + 80000));
            QVERIFY(std::equal(decoded.begin(), decoded.begin() + 80000, set.c.symbols.begin()));
            // A stream cut short is always refused.
            set.streams[2].chop(40);
            jobs = jobsOf(set, &decoded);
            QVERIFY_THROWS_EXCEPTION(
                Error, decodeLaneStreams(jobs.data(), jobs.size(), tables, kind, together));
            set.streams[2] = intact;
        }
    }
}

QTEST_GUILESS_MAIN(TestLaneRansStream)
#include "tst_laneransstream.moc"
