// Group quantization shared by RTN and GPTQ: b-bit packing is bit-exact and little-endian,
// group parameters are what the decoder sees, decoding follows (code - zero) * scale, and
// inconsistent tensors are refused with the tensor's name in the message.
#include "codec/compressedtensor.h"
#include "codec/groupquantization.h"
#include "io/dtype.h"
#include "jobs/error.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace nwc;

namespace {

std::vector<uint8_t> randomCodes(int64_t count, int bits, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> distribution(0, maxGroupCode(bits));
    std::vector<uint8_t> codes(static_cast<size_t>(count));
    for (uint8_t &code : codes)
        code = uint8_t(distribution(rng));
    return codes;
}

QByteArray bytes(std::initializer_list<int> values) {
    QByteArray result;
    for (int value : values)
        result.append(char(value));
    return result;
}

/// A consistent 2 x 3 tensor, 4 bits, groups of 2 columns (the second group has one column).
CompressedTensor smallTensor() {
    CompressedTensor tensor;
    tensor.name = QStringLiteral("model.layers.0.mlp.up_proj.weight");
    tensor.method = CompressionMethod::Rtn;
    tensor.rows = 2;
    tensor.columns = 3;
    tensor.bits = 4;
    tensor.groupSize = 2;
    tensor.packedCodes = packCodes({0, 3, 15, 7, 8, 1}, 4);
    // [row 0: group 0, group 1, row 1: group 0, group 1]
    for (float scale : {0.5f, 0.25f, 2.0f, 1.0f})
        tensor.groupScales.push_back(floatToHalf(scale));
    for (float zero : {0.0f, 15.0f, 8.0f, 0.0f})
        tensor.groupZeros.push_back(floatToHalf(zero));
    return tensor;
}

} // namespace

class TestGroupQuantization : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void packRoundTrip_data();
    void packRoundTrip();
    void packBitOrder_data();
    void packBitOrder();
    void packRefusesOversizedCode();
    void parameters_data();
    void parameters();
    void parametersRoundScaleUp();
    void parametersDegenerateRanges();
    void quantizeRoundsTiesToEven();
    void dequantizeKnownTensor();
    void countedBytes();
    void refusesInconsistentTensor_data();
    void refusesInconsistentTensor();
};

void TestGroupQuantization::packRoundTrip_data() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<qint64>("count");
    for (int bits = kMinGroupBits; bits <= kMaxGroupBits; ++bits) {
        for (qint64 count : {0, 1, 3, 7, 8, 13, 1001, 4099})
            QTest::addRow("%d bits, %lld codes", bits, count) << bits << count;
    }
}

void TestGroupQuantization::packRoundTrip() {
    QFETCH(int, bits);
    QFETCH(qint64, count);
    const std::vector<uint8_t> codes = randomCodes(count, bits, uint64_t(bits * 10007 + count));
    const QByteArray packed = packCodes(codes, bits);
    QCOMPARE(qint64(packed.size()), (count * bits + 7) / 8);
    QCOMPARE(qint64(packed.size()), packedCodeBytes(count, bits));
    QCOMPARE(unpackCodes(packed, count, bits), codes);
    // The unused high bits of the last byte stay zero.
    const int padding = int(packed.size() * 8 - count * bits);
    if (padding > 0)
        QCOMPARE(uint8_t(packed.back()) >> (8 - padding), 0);
}

void TestGroupQuantization::packBitOrder_data() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<QVector<int>>("codes");
    QTest::addColumn<QByteArray>("expected");
    // Code i occupies stream bits [i*bits, (i+1)*bits), bit k in byte k/8 at position k%8.
    // 1 | 2<<3 | 3<<6 ... = 0x1f58d1
    QTest::newRow("3 bits") << 3 << QVector<int>{1, 2, 3, 4, 5, 6, 7, 0}
                            << bytes({0xd1, 0x58, 0x1f});
    // 1 | 2<<5 | 3<<10 = 0x0c41: a code straddles the byte boundary.
    QTest::newRow("5 bits") << 5 << QVector<int>{1, 2, 3} << bytes({0x41, 0x0c});
    QTest::newRow("4 bits") << 4 << QVector<int>{0, 3, 8, 15} << bytes({0x30, 0xf8});
    QTest::newRow("2 bits") << 2 << QVector<int>{3, 0, 1, 2, 1} << bytes({0x93, 0x01});
    QTest::newRow("8 bits") << 8 << QVector<int>{0, 255, 17} << bytes({0x00, 0xff, 0x11});
}

void TestGroupQuantization::packBitOrder() {
    QFETCH(int, bits);
    QFETCH(QVector<int>, codes);
    QFETCH(QByteArray, expected);
    std::vector<uint8_t> values(codes.begin(), codes.end());
    QCOMPARE(packCodes(values, bits), expected);
    QCOMPARE(unpackCodes(expected, int64_t(values.size()), bits), values);
}

void TestGroupQuantization::packRefusesOversizedCode() {
    QVERIFY_THROWS_EXCEPTION(Error, packCodes({1, 4}, 2));
    QVERIFY_THROWS_EXCEPTION(Error, packCodes({1}, 9));
    QVERIFY_THROWS_EXCEPTION(Error, unpackCodes(bytes({0x12}), 3, 4));
}

void TestGroupQuantization::parameters_data() {
    QTest::addColumn<float>("minimum");
    QTest::addColumn<float>("maximum");
    QTest::addColumn<int>("bits");
    QTest::addColumn<float>("scale");
    QTest::addColumn<float>("zero");
    // scale = (max - min) / (2^b - 1), zero = round(-min / scale); the range always holds 0.
    QTest::newRow("straddles 0") << -1.0f << 2.0f << 2 << 1.0f << 1.0f;
    QTest::newRow("4 bits") << -3.0f << 4.5f << 4 << 0.5f << 6.0f;
    QTest::newRow("positive only: min becomes 0") << 0.5f << 3.0f << 2 << 1.0f << 0.0f;
    QTest::newRow("negative only: max becomes 0") << -3.0f << -1.0f << 2 << 1.0f << 3.0f;
    QTest::newRow("8 bits") << -2.0f << 0.55f << 8 << 0.01f << 200.0f;
    QTest::newRow("zero rounds to nearest") << -0.75f << 2.25f << 2 << 1.0f << 1.0f;
}

void TestGroupQuantization::parameters() {
    QFETCH(float, minimum);
    QFETCH(float, maximum);
    QFETCH(int, bits);
    QFETCH(float, scale);
    QFETCH(float, zero);
    const GroupParameters parameters = groupParameters(minimum, maximum, bits);
    // The stored scale is the exact one rounded up to fp16.
    const double exact = double(scale);
    QVERIFY(double(parameters.scale) >= exact);
    QVERIFY(double(halfToFloat(uint16_t(parameters.scaleBits - 1))) < exact);
    QCOMPARE(parameters.scale, halfToFloat(parameters.scaleBits));
    QCOMPARE(parameters.zero, zero);
    QCOMPARE(parameters.zeroBits, floatToHalf(zero));
}

void TestGroupQuantization::parametersRoundScaleUp() {
    // 1/3 is not an fp16 value: the stored scale is the next half above it, so the grid
    // (code - 0) * scale reaches past the maximum and 1.0 is coded within scale / 2.
    const GroupParameters parameters = groupParameters(0.0f, 1.0f, 2);
    QVERIFY(parameters.scale > 1.0f / 3.0f);
    QVERIFY(halfToFloat(uint16_t(parameters.scaleBits - 1)) < 1.0f / 3.0f);
    QCOMPARE(parameters.zero, 0.0f);
    const uint8_t code = quantizeToCode(1.0f, parameters, 2);
    QCOMPARE(code, uint8_t(3));
    QVERIFY(std::abs(dequantizeCode(code, parameters) - 1.0f) <= parameters.scale / 2);
}

void TestGroupQuantization::parametersDegenerateRanges() {
    // An all-zero group codes 0 exactly.
    const GroupParameters zeros = groupParameters(0.0f, 0.0f, 4);
    QVERIFY(zeros.scale > 0.0f);
    QCOMPARE(dequantizeCode(quantizeToCode(0.0f, zeros, 4), zeros), 0.0f);
    // A range below fp16's resolution still gets a positive (subnormal) scale.
    const GroupParameters tiny = groupParameters(0.0f, 1e-12f, 4);
    QVERIFY(tiny.scale > 0.0f);
    QVERIFY(std::isfinite(tiny.scale));
    // A range beyond fp16 cannot be stored: the caller sees a non-finite scale.
    QVERIFY(!std::isfinite(groupParameters(-1e9f, 1e9f, 2).scale));
    QVERIFY(!std::isfinite(groupParameters(0.0f, std::nanf(""), 4).scale));
}

void TestGroupQuantization::quantizeRoundsTiesToEven() {
    const GroupParameters parameters = groupParameters(-1.0f, 2.0f, 2); // scale 1, zero 1
    QCOMPARE(quantizeToCode(0.5f, parameters, 2), uint8_t(1));          // round(0.5) = 0, + 1
    QCOMPARE(quantizeToCode(1.5f, parameters, 2), uint8_t(3));          // round(1.5) = 2, + 1
    QCOMPARE(quantizeToCode(-0.5f, parameters, 2), uint8_t(1));         // round(-0.5) = -0, + 1
    QCOMPARE(quantizeToCode(7.0f, parameters, 2), uint8_t(3));          // clamped
    QCOMPARE(quantizeToCode(-7.0f, parameters, 2), uint8_t(0));         // clamped
    QCOMPARE(dequantizeCode(0, parameters), -1.0f);
    QCOMPARE(dequantizeCode(3, parameters), 2.0f);
}

void TestGroupQuantization::dequantizeKnownTensor() {
    const std::vector<float> values = dequantizeGroups(smallTensor());
    // Row 0: (0-0)*0.5, (3-0)*0.5 | (15-15)*0.25; row 1: (7-8)*2, (8-8)*2 | (1-0)*1.
    const std::vector<float> expected{0.0f, 1.5f, 0.0f, -2.0f, 0.0f, 1.0f};
    QCOMPARE(values, expected);

    CompressedTensor empty = smallTensor();
    empty.rows = 0;
    empty.packedCodes.clear();
    empty.groupScales.clear();
    empty.groupZeros.clear();
    QVERIFY(dequantizeGroups(empty).empty());
}

void TestGroupQuantization::countedBytes() {
    // 4 bits, groups of 128, 256 x 256: codes 256*256*4/8 = 32768 bytes, two groups per row with
    // an fp16 scale and zero each: 256*2*2*2 = 2048 bytes, plus the 32-byte header.
    const int64_t rows = 256;
    const int64_t columns = 256;
    const std::vector<uint8_t> codes = randomCodes(rows * columns, 4, 1);
    std::vector<GroupParameters> parameters(size_t(rows * 2), groupParameters(-1.0f, 1.0f, 4));
    const CompressedTensor tensor = makeGroupQuantized(QStringLiteral("w"), CompressionMethod::Rtn,
                                                       rows, columns, 4, 128, codes, parameters);
    QCOMPARE(tensor.packedCodes.size(), 32768);
    QCOMPARE(tensor.countedBytes(), int64_t(32768 + 2048 + 32));
    QCOMPARE(tensor.bitsPerWeight(), 8.0 * 34848.0 / 65536.0); // 4.25390625
    QCOMPARE(unpackCodes(tensor.packedCodes, rows * columns, 4), codes);

    // 3 bits, groups of 64, 100 x 100: ceil(30000 / 8) = 3750 code bytes, 2 groups per row
    // (64 + 36 columns): 100*2*2*2 = 800 bytes.
    const std::vector<uint8_t> odd = randomCodes(100 * 100, 3, 2);
    std::vector<GroupParameters> oddParameters(200, groupParameters(-1.0f, 1.0f, 3));
    const CompressedTensor oddTensor = makeGroupQuantized(
        QStringLiteral("w"), CompressionMethod::Gptq, 100, 100, 3, 64, odd, oddParameters);
    QCOMPARE(oddTensor.countedBytes(), int64_t(3750 + 800 + 32));
}

void TestGroupQuantization::refusesInconsistentTensor_data() {
    QTest::addColumn<QString>("damage");
    for (const char *damage :
         {"codes one byte short", "codes one byte long", "bits 9", "bits 1", "group size 0",
          "negative rows", "one scale missing", "one zero missing", "padding bits set",
          "zero out of range", "fractional zero", "infinite scale", "negative scale", "nwc method",
          "huge shape"})
        QTest::newRow(damage) << QString::fromLatin1(damage);
}

void TestGroupQuantization::refusesInconsistentTensor() {
    QFETCH(QString, damage);
    CompressedTensor tensor = smallTensor();
    QVERIFY(!dequantizeGroups(tensor).empty());
    if (damage == QLatin1String("codes one byte short"))
        tensor.packedCodes.chop(1);
    else if (damage == QLatin1String("codes one byte long"))
        tensor.packedCodes.append('\0');
    else if (damage == QLatin1String("bits 9"))
        tensor.bits = 9;
    else if (damage == QLatin1String("bits 1"))
        tensor.bits = 1;
    else if (damage == QLatin1String("group size 0"))
        tensor.groupSize = 0;
    else if (damage == QLatin1String("negative rows"))
        tensor.rows = -2;
    else if (damage == QLatin1String("one scale missing"))
        tensor.groupScales.pop_back();
    else if (damage == QLatin1String("one zero missing"))
        tensor.groupZeros.pop_back();
    else if (damage == QLatin1String("padding bits set")) {
        // 1 x 5 codes of 4 bits fill 2.5 bytes; the sixth code's nibble is now padding.
        tensor.rows = 1;
        tensor.columns = 5;
        tensor.groupScales.resize(3);
        tensor.groupZeros.resize(3);
        CompressedTensor clean = tensor;
        clean.packedCodes[2] = char(uint8_t(clean.packedCodes[2]) & 0x0f);
        QCOMPARE(dequantizeGroups(clean), (std::vector<float>{0.0f, 1.5f, 0.0f, -2.0f, 0.0f}));
    } else if (damage == QLatin1String("zero out of range"))
        tensor.groupZeros[1] = floatToHalf(16.0f);
    else if (damage == QLatin1String("fractional zero"))
        tensor.groupZeros[1] = floatToHalf(2.5f);
    else if (damage == QLatin1String("infinite scale"))
        tensor.groupScales[2] = 0x7c00;
    else if (damage == QLatin1String("negative scale"))
        tensor.groupScales[2] = floatToHalf(-1.0f);
    else if (damage == QLatin1String("nwc method"))
        tensor.method = CompressionMethod::Nwc;
    else if (damage == QLatin1String("huge shape")) {
        tensor.rows = int64_t(1) << 40;
        tensor.columns = int64_t(1) << 40;
    }
    try {
        dequantizeGroups(tensor);
        QFAIL("inconsistent tensor accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(tensor.name), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("corrupt")), qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(TestGroupQuantization)
#include "tst_groupquantization.moc"
