// Element types: names, sizes, f16/bf16 conversions against known bit patterns (round to
// nearest even), and bulk conversion of every dtype to float32.

#include "io/dtype.h"

#include <QTest>
#include <QtEndian>
#include <cmath>
#include <cstring>
#include <limits>

using namespace nwc;

namespace {

float fromBits(quint32 bits) {
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
}

quint32 toBits(float value) {
    quint32 bits;
    std::memcpy(&bits, &value, 4);
    return bits;
}

} // namespace

class TestDType : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void names_data();
    void names();
    void unknownNames();
    void halfToFloatKnown_data();
    void halfToFloatKnown();
    void floatToHalfRounding_data();
    void floatToHalfRounding();
    void halfRoundTripAllPatterns();
    void halfNaN();
    void bf16Known_data();
    void bf16Known();
    void bf16RoundTripAllPatterns();
    void convert_data();
    void convert();
};

void TestDType::names_data() {
    QTest::addColumn<DType>("type");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("isFloat");
    QTest::newRow("F64") << DType::F64 << QStringLiteral("F64") << 8 << true;
    QTest::newRow("F32") << DType::F32 << QStringLiteral("F32") << 4 << true;
    QTest::newRow("F16") << DType::F16 << QStringLiteral("F16") << 2 << true;
    QTest::newRow("BF16") << DType::BF16 << QStringLiteral("BF16") << 2 << true;
    QTest::newRow("I64") << DType::I64 << QStringLiteral("I64") << 8 << false;
    QTest::newRow("I32") << DType::I32 << QStringLiteral("I32") << 4 << false;
    QTest::newRow("I16") << DType::I16 << QStringLiteral("I16") << 2 << false;
    QTest::newRow("I8") << DType::I8 << QStringLiteral("I8") << 1 << false;
    QTest::newRow("U8") << DType::U8 << QStringLiteral("U8") << 1 << false;
    QTest::newRow("BOOL") << DType::Bool << QStringLiteral("BOOL") << 1 << false;
}

void TestDType::names() {
    QFETCH(DType, type);
    QFETCH(QString, name);
    QFETCH(int, size);
    QFETCH(bool, isFloat);
    QCOMPARE(dtypeName(type), name);
    QCOMPARE(dtypeSize(type), size);
    QCOMPARE(dtypeIsFloat(type), isFloat);
    DType parsed = type == DType::F32 ? DType::I8 : DType::F32;
    QVERIFY(dtypeFromName(name, &parsed));
    QCOMPARE(parsed, type);
}

void TestDType::unknownNames() {
    DType parsed = DType::F32;
    for (const char *name : {"F8_E4M3", "f32", "", "U16", "C64"})
        QVERIFY2(!dtypeFromName(QLatin1String(name), &parsed), name);
    QCOMPARE(parsed, DType::F32);
}

void TestDType::halfToFloatKnown_data() {
    QTest::addColumn<quint16>("half");
    QTest::addColumn<float>("value");
    QTest::newRow("zero") << quint16(0x0000) << 0.0f;
    QTest::newRow("one") << quint16(0x3c00) << 1.0f;
    QTest::newRow("minus two") << quint16(0xc000) << -2.0f;
    QTest::newRow("max") << quint16(0x7bff) << 65504.0f;
    QTest::newRow("smallest normal") << quint16(0x0400) << std::ldexp(1.0f, -14);
    QTest::newRow("smallest subnormal") << quint16(0x0001) << std::ldexp(1.0f, -24);
    QTest::newRow("largest subnormal") << quint16(0x03ff) << 1023 * std::ldexp(1.0f, -24);
    QTest::newRow("one third") << quint16(0x3555) << 0.333251953125f;
    QTest::newRow("+inf") << quint16(0x7c00) << std::numeric_limits<float>::infinity();
    QTest::newRow("-inf") << quint16(0xfc00) << -std::numeric_limits<float>::infinity();
}

void TestDType::halfToFloatKnown() {
    QFETCH(quint16, half);
    QFETCH(float, value);
    QCOMPARE(toBits(halfToFloat(half)), toBits(value));
    QCOMPARE(floatToHalf(value), half);
    QCOMPARE(toBits(halfToFloat(0x8000)), 0x80000000u); // negative zero keeps its sign
}

void TestDType::floatToHalfRounding_data() {
    QTest::addColumn<float>("value");
    QTest::addColumn<quint16>("half");
    const float ulp1 = std::ldexp(1.0f, -10); // half ulp spacing at 1.0
    QTest::newRow("tie to even (down)") << 1.0f + ulp1 / 2 << quint16(0x3c00);
    QTest::newRow("tie to even (up)") << 1.0f + 3 * ulp1 / 2 << quint16(0x3c02);
    QTest::newRow("above tie") << 1.0f + ulp1 / 2 + std::ldexp(1.0f, -20) << quint16(0x3c01);
    QTest::newRow("0.1") << 0.1f << quint16(0x2e66);
    QTest::newRow("65519 stays finite") << 65519.0f << quint16(0x7bff);
    QTest::newRow("65520 overflows") << 65520.0f << quint16(0x7c00);
    QTest::newRow("1e6 overflows") << -1e6f << quint16(0xfc00);
    QTest::newRow("2^-25 ties to zero") << std::ldexp(1.0f, -25) << quint16(0x0000);
    QTest::newRow("above 2^-25") << std::ldexp(1.0f, -25) * 1.0001f << quint16(0x0001);
    QTest::newRow("3 x 2^-25 ties to 2") << 3 * std::ldexp(1.0f, -25) << quint16(0x0002);
    QTest::newRow("tiny") << 1e-9f << quint16(0x0000);
    QTest::newRow("negative tiny") << -1e-9f << quint16(0x8000);
    QTest::newRow("subnormal to normal")
        << std::ldexp(1.0f, -14) * (1 - std::ldexp(1.0f, -12)) << quint16(0x0400);
}

void TestDType::floatToHalfRounding() {
    QFETCH(float, value);
    QFETCH(quint16, half);
    QCOMPARE(floatToHalf(value), half);
}

void TestDType::halfRoundTripAllPatterns() {
    for (quint32 bits = 0; bits <= 0xffff; ++bits) {
        const auto half = static_cast<quint16>(bits);
        if ((half & 0x7c00) == 0x7c00 && (half & 0x3ff))
            continue; // NaN
        QCOMPARE(floatToHalf(halfToFloat(half)), half);
    }
    // Midpoints between neighbours round to the even one.
    for (quint16 half = 0x0400; half < 0x7bff; half += 37) {
        const double mid = (double(halfToFloat(half)) + double(halfToFloat(half + 1))) / 2;
        const quint16 even = (half & 1) ? quint16(half + 1) : half;
        QCOMPARE(floatToHalf(float(mid)), even);
    }
}

void TestDType::halfNaN() {
    const quint16 nan = floatToHalf(std::numeric_limits<float>::quiet_NaN());
    QCOMPARE(nan & 0x7c00, 0x7c00);
    QVERIFY(nan & 0x3ff);
    QVERIFY(std::isnan(halfToFloat(0x7e00)));
    QVERIFY(std::isnan(halfToFloat(0xfc01)));
}

void TestDType::bf16Known_data() {
    QTest::addColumn<float>("value");
    QTest::addColumn<quint16>("bf16");
    QTest::newRow("one") << 1.0f << quint16(0x3f80);
    QTest::newRow("minus two") << -2.0f << quint16(0xc000);
    QTest::newRow("pi") << fromBits(0x40490fdb) << quint16(0x4049);
    QTest::newRow("tie to even (down)") << fromBits(0x3f808000) << quint16(0x3f80);
    QTest::newRow("tie to even (up)") << fromBits(0x3f818000) << quint16(0x3f82);
    QTest::newRow("above tie") << fromBits(0x3f808001) << quint16(0x3f81);
    QTest::newRow("float max overflows") << std::numeric_limits<float>::max() << quint16(0x7f80);
    QTest::newRow("-inf") << -std::numeric_limits<float>::infinity() << quint16(0xff80);
    QTest::newRow("subnormal") << fromBits(0x00018000) << quint16(0x0002);
}

void TestDType::bf16Known() {
    QFETCH(float, value);
    QFETCH(quint16, bf16);
    QCOMPARE(floatToBf16(value), bf16);
    QCOMPARE(toBits(bf16ToFloat(0x3f80)), toBits(1.0f));
    const quint16 nan = floatToBf16(fromBits(0x7f800001)); // NaN whose payload is in the low bits
    QCOMPARE(nan & 0x7f80, 0x7f80);
    QVERIFY(nan & 0x7f);
}

void TestDType::bf16RoundTripAllPatterns() {
    for (quint32 bits = 0; bits <= 0xffff; ++bits) {
        const auto value = static_cast<quint16>(bits);
        if ((value & 0x7f80) == 0x7f80 && (value & 0x7f))
            continue; // NaN
        QCOMPARE(floatToBf16(bf16ToFloat(value)), value);
        QCOMPARE(toBits(bf16ToFloat(value)), quint32(value) << 16);
    }
}

void TestDType::convert_data() {
    QTest::addColumn<DType>("type");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QVector<float>>("expected");
    auto le = [](auto... values) {
        QByteArray out;
        (
            [&](auto v) {
                char buffer[sizeof v];
                qToLittleEndian(v, buffer);
                out.append(buffer, sizeof v);
            }(values),
            ...);
        return out;
    };
    QTest::newRow("F32") << DType::F32 << le(toBits(1.5f), toBits(-2.25f))
                         << QVector<float>{1.5f, -2.25f};
    quint64 d1;
    quint64 d2;
    const double a = 0.5;
    const double b = -1e300;
    std::memcpy(&d1, &a, 8);
    std::memcpy(&d2, &b, 8);
    QTest::newRow("F64") << DType::F64 << le(d1, d2)
                         << QVector<float>{0.5f, -std::numeric_limits<float>::infinity()};
    QTest::newRow("F16") << DType::F16 << le(quint16(0x3c00), quint16(0xc100))
                         << QVector<float>{1.0f, -2.5f};
    QTest::newRow("BF16") << DType::BF16 << le(quint16(0x3f80), quint16(0xc020))
                          << QVector<float>{1.0f, -2.5f};
    QTest::newRow("I64") << DType::I64 << le(qint64(-3), qint64(1) << 40)
                         << QVector<float>{-3.0f, 1099511627776.0f};
    QTest::newRow("I32") << DType::I32 << le(qint32(-7), qint32(123456))
                         << QVector<float>{-7.0f, 123456.0f};
    QTest::newRow("I16") << DType::I16 << le(qint16(-300), qint16(32767))
                         << QVector<float>{-300.0f, 32767.0f};
    QTest::newRow("I8") << DType::I8 << QByteArray("\xff\x7f", 2) << QVector<float>{-1.0f, 127.0f};
    QTest::newRow("U8") << DType::U8 << QByteArray("\xff\x07", 2) << QVector<float>{255.0f, 7.0f};
    QTest::newRow("BOOL") << DType::Bool << QByteArray("\x00\x01", 2) << QVector<float>{0.0f, 1.0f};
}

void TestDType::convert() {
    QFETCH(DType, type);
    QFETCH(QByteArray, bytes);
    QFETCH(QVector<float>, expected);
    QCOMPARE(bytes.size(), expected.size() * dtypeSize(type));
    // Source deliberately misaligned by one byte.
    const QByteArray shifted = QByteArray(1, '\0') + bytes;
    QVector<float> out(expected.size(), 99.0f);
    convertToFloat32(shifted.constData() + 1, type, std::size_t(expected.size()), out.data());
    QCOMPARE(out, expected);
}

QTEST_GUILESS_MAIN(TestDType)
#include "tst_dtype.moc"
