// rANS coder: encode -> decode is bit-exact for any input, the coded size is close to the
// ideal code length, and damaged streams are refused.
#include "codec/rans.h"
#include "codec/ransstream.h"
#include "jobs/error.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace nwc;

namespace {

/// Draws `count` symbols from `weights` with a seeded generator.
std::vector<int32_t> drawSymbols(const std::vector<double> &weights, size_t count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::discrete_distribution<int32_t> distribution(weights.begin(), weights.end());
    std::vector<int32_t> symbols(count);
    for (int32_t &symbol : symbols)
        symbol = distribution(rng);
    return symbols;
}

std::vector<uint64_t> histogram(const std::vector<int32_t> &symbols, int alphabet) {
    std::vector<uint64_t> counts(size_t(alphabet), 0);
    for (int32_t symbol : symbols)
        ++counts[size_t(symbol)];
    return counts;
}

} // namespace

class TestRans : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tableSumsToPrecision_data();
    void tableSumsToPrecision();
    void roundTripIsExact_data();
    void roundTripIsExact();
    void sizeIsCloseToIdealLength();
    void emptyInput();
    void refusesUncodableSymbol();
    void refusesDamagedStreams();
    void refusesBadTables();
    void streamingDecodersAgreeAtEveryPrecision_data();
    void streamingDecodersAgreeAtEveryPrecision();
};

void TestRans::tableSumsToPrecision_data() {
    QTest::addColumn<int>("alphabet");
    QTest::addColumn<int>("precision");
    QTest::newRow("binary 16") << 2 << 16;
    QTest::newRow("256 at 12") << 256 << 12;
    QTest::newRow("full 65536 at 16") << 65536 << 16;
    QTest::newRow("4096 at 12") << 4096 << 12;
}

void TestRans::tableSumsToPrecision() {
    QFETCH(int, alphabet);
    QFETCH(int, precision);
    // Geometric counts spanning many orders of magnitude: rare symbols must keep frequency 1.
    std::vector<uint64_t> counts(static_cast<size_t>(alphabet));
    for (int s = 0; s < alphabet; ++s)
        counts[size_t(s)] = uint64_t(1) + (uint64_t(1) << (40 * (alphabet - s) / alphabet));
    const FrequencyTable table = FrequencyTable::fromCounts(counts, precision);
    uint64_t total = 0;
    for (int s = 0; s < alphabet; ++s) {
        QVERIFY(table.frequency(s) >= 1);
        QCOMPARE(table.start(s), uint32_t(total));
        total += table.frequency(s);
    }
    QCOMPARE(total, uint64_t(1) << precision);
    QCOMPARE(table.symbolAt(0), 0);
    QCOMPARE(table.symbolAt((uint32_t(1) << precision) - 1), alphabet - 1);
}

void TestRans::roundTripIsExact_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("alphabet");
    for (const char *kind : {"uniform", "geometric", "one-symbol", "extreme-skew", "sparse"}) {
        for (int alphabet : {2, 17, 256, 4096}) {
            if (QByteArray(kind) == "one-symbol" && alphabet != 2)
                continue;
            QTest::addRow("%s/%d", kind, alphabet) << QString::fromLatin1(kind) << alphabet;
        }
    }
}

void TestRans::roundTripIsExact() {
    QFETCH(QString, kind);
    QFETCH(int, alphabet);
    for (uint64_t seed = 1; seed <= 25; ++seed) {
        std::vector<double> weights(size_t(alphabet), 1.0);
        if (kind == QLatin1String("geometric"))
            for (int s = 0; s < alphabet; ++s)
                weights[size_t(s)] = std::pow(0.6, s);
        if (kind == QLatin1String("one-symbol"))
            weights = {1.0, 0.0};
        if (kind == QLatin1String("extreme-skew"))
            for (int s = 1; s < alphabet; ++s)
                weights[size_t(s)] = 1e-6;
        if (kind == QLatin1String("sparse"))
            for (int s = 0; s < alphabet; ++s)
                weights[size_t(s)] = (s % 7 == 0) ? 1.0 : 0.0;
        const size_t count = size_t(1 + (seed * 7919) % 20000);
        const std::vector<int32_t> symbols = drawSymbols(weights, count, seed);
        const FrequencyTable table =
            FrequencyTable::fromCounts(histogram(symbols, alphabet), seed % 2 ? 16 : 12);
        const QByteArray stream = ransEncode(symbols, table);
        const std::vector<int32_t> decoded = ransDecode(stream, symbols.size(), table);
        QVERIFY2(decoded == symbols, qPrintable(QStringLiteral("seed %1").arg(seed)));
    }
}

void TestRans::sizeIsCloseToIdealLength() {
    // 200,000 symbols from a peaked distribution: the stream may exceed the ideal length under
    // the quantized table by the 4-byte final state and at most 0.1 % coding loss.
    std::vector<double> weights(64);
    for (int s = 0; s < 64; ++s)
        weights[size_t(s)] = std::exp(-0.25 * s);
    const std::vector<int32_t> symbols = drawSymbols(weights, 200000, 7);
    const FrequencyTable table = FrequencyTable::fromCounts(histogram(symbols, 64));
    double idealBits = 0;
    for (int32_t symbol : symbols)
        idealBits += table.bits(symbol);
    const QByteArray stream = ransEncode(symbols, table);
    const double actualBits = 8.0 * stream.size();
    qInfo("ideal %.0f bits, coded %.0f bits", idealBits, actualBits);
    QVERIFY(actualBits >= idealBits);
    QVERIFY2(actualBits <= idealBits * 1.001 + 32,
             qPrintable(QString::number(actualBits / idealBits)));
}

void TestRans::emptyInput() {
    const FrequencyTable table = FrequencyTable::fromCounts({3, 1});
    const QByteArray stream = ransEncode({}, table);
    QCOMPARE(stream.size(), 4);
    QVERIFY(ransDecode(stream, 0, table).empty());
}

void TestRans::refusesUncodableSymbol() {
    const FrequencyTable table = FrequencyTable::fromCounts({3, 0, 1});
    QVERIFY_THROWS_EXCEPTION(Error, ransEncode({0, 1, 2}, table));
    QVERIFY_THROWS_EXCEPTION(Error, ransEncode({0, 3}, table));
    QVERIFY_THROWS_EXCEPTION(Error, ransEncode({-1}, table));
}

void TestRans::refusesDamagedStreams() {
    const std::vector<int32_t> symbols = drawSymbols({5, 3, 1, 1}, 5000, 3);
    const FrequencyTable table = FrequencyTable::fromCounts(histogram(symbols, 4));
    const QByteArray stream = ransEncode(symbols, table);
    QVERIFY_THROWS_EXCEPTION(Error,
                             ransDecode(stream.left(stream.size() / 2), symbols.size(), table));
    QVERIFY_THROWS_EXCEPTION(Error, ransDecode(stream.left(3), symbols.size(), table));
    QVERIFY_THROWS_EXCEPTION(Error, ransDecode(stream + QByteArray(1, 'x'), symbols.size(), table));
    // Asking for fewer symbols than were coded leaves bytes and state unmatched.
    QVERIFY_THROWS_EXCEPTION(Error, ransDecode(stream, symbols.size() - 10, table));
    // Any single flipped byte is noticed or changes the output; never a silent identical decode
    // of a different stream.
    int detected = 0;
    for (int i = 0; i < stream.size(); i += 37) {
        QByteArray damaged = stream;
        damaged[i] = char(damaged[i] ^ 0x5a);
        try {
            if (ransDecode(damaged, symbols.size(), table) != symbols)
                ++detected;
        } catch (const Error &) {
            ++detected;
        }
    }
    QCOMPARE(detected, (int(stream.size()) + 36) / 37);
}

void TestRans::refusesBadTables() {
    QVERIFY_THROWS_EXCEPTION(Error, FrequencyTable::fromCounts({0, 0, 0}));
    QVERIFY_THROWS_EXCEPTION(Error, FrequencyTable::fromCounts(std::vector<uint64_t>(5, 1), 2));
    QVERIFY_THROWS_EXCEPTION(Error, FrequencyTable::fromCounts({1, 1}, 17));
}

void TestRans::streamingDecodersAgreeAtEveryPrecision_data() {
    QTest::addColumn<int>("precision");
    for (int precision = 1; precision <= 16; ++precision)
        QTest::newRow(qPrintable(QStringLiteral("%1 bits").arg(precision))) << precision;
}

void TestRans::streamingDecodersAgreeAtEveryPrecision() {
    // Several random tables (with absent symbols and symbols of frequency 1) used in turn; the
    // bulk decoder, the per-symbol decoder and a mix of both must all return the input.
    QFETCH(int, precision);
    std::mt19937_64 rng(uint64_t(precision) * 7919);
    std::vector<FrequencyTable> tables;
    for (int t = 0; t < 5; ++t) {
        const int alphabet = 1 + int(rng() % uint64_t(std::min(300, 1 << precision)));
        std::vector<uint64_t> counts(static_cast<size_t>(alphabet));
        for (uint64_t &count : counts)
            count = rng() % 4 == 0 ? 0 : uint64_t(1) << (rng() % 20);
        counts[rng() % counts.size()] = 1 + rng() % 1000; // at least one present symbol
        tables.push_back(FrequencyTable::fromCounts(counts, precision));
    }
    const auto drawFrom = [&](const FrequencyTable &table) {
        while (true) {
            const int32_t symbol = int32_t(rng() % uint64_t(table.symbolCount()));
            if (table.frequency(symbol) > 0)
                return symbol;
        }
    };
    // Runs of 1000 symbols per table, so the bulk decoder sees long runs too.
    std::vector<int32_t> symbols;
    std::vector<size_t> tableOf;
    for (size_t run = 0; run < 20; ++run)
        for (int i = 0; i < 1000; ++i) {
            tableOf.push_back(run % tables.size());
            symbols.push_back(drawFrom(tables[tableOf.back()]));
        }
    RansEncoder encoder;
    for (size_t i = symbols.size(); i-- > 0;)
        encoder.pushReverse(symbols[i], tables[tableOf[i]]);
    const QByteArray stream = encoder.finish();
    const auto *bytes = reinterpret_cast<const uint8_t *>(stream.constData());
    for (int mode = 0; mode < 3; ++mode) {
        RansDecoder decoder(bytes, size_t(stream.size()));
        std::vector<int32_t> decoded(symbols.size());
        for (size_t run = 0; run < 20; ++run) {
            int32_t *out = decoded.data() + run * 1000;
            const FrequencyTable &table = tables[run % tables.size()];
            if (mode == 0 || (mode == 2 && run % 2 == 0)) {
                decoder.decode(table, out, 1000);
            } else {
                for (int i = 0; i < 1000; ++i)
                    out[i] = decoder.decode(table);
            }
        }
        decoder.finish();
        QCOMPARE(decoded, symbols);
    }
}

QTEST_GUILESS_MAIN(TestRans)
#include "tst_rans.moc"
