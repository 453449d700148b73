// SafetensorsFile and SafetensorsWriter: bit-exact round trip, and every format rule violation
// refused with a message naming the file (and tensor) and saying it is corrupt or incomplete.

#include "io/safetensorsfile.h"
#include "io/safetensorswriter.h"
#include "jobs/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <cstring>
#include <optional>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/resource.h>
#endif

using namespace nwc;

namespace {

/// 8-byte little-endian length + header + data, written by hand.
QByteArray rawFile(const QByteArray &header, const QByteArray &data,
                   std::optional<quint64> claimedLength = std::nullopt) {
    char length[8];
    qToLittleEndian<quint64>(claimedLength.value_or(quint64(header.size())), length);
    return QByteArray(length, 8) + header + data;
}

QByteArray bytesOf(int count) {
    QByteArray bytes(count, '\0');
    for (int i = 0; i < count; ++i)
        bytes[i] = char(i * 13 + 1);
    return bytes;
}

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void roundTripFloat32Conversions();
    void emptyAndPaddedHeaders();
    void emptyTensorsReadAsFloat32();
    void violations_data();
    void violations();
    void writerRejects();
    void writerIsAtomic();

private:
    QTemporaryDir m_dir;
};

void TestSafetensors::roundTrip() {
    SafetensorsWriter writer;
    writer.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    writer.setMetadata(QStringLiteral("note"), QStringLiteral("quote \" backslash \\ tab\t é"));
    struct Case {
        const char *name;
        DType dtype;
        QVector<qint64> shape;
    };
    const Case cases[] = {
        {"z.last.inserted.first", DType::F32, {3, 5}},
        {"b16", DType::BF16, {7}},
        {"h16", DType::F16, {2, 3, 4}},
        {"double", DType::F64, {2}},
        {"ids", DType::I64, {4}},
        {"i32", DType::I32, {1, 1}},
        {"i16", DType::I16, {3}},
        {"i8", DType::I8, {5}},
        {"u8", DType::U8, {6}},
        {"mask", DType::Bool, {2, 2}},
        {"scalar", DType::F32, {}},
        {"empty", DType::F16, {0, 3}},
        {"name with \"quotes\" and ü", DType::U8, {1}},
    };
    QVector<QByteArray> payloads;
    for (const Case &c : cases) {
        TensorInfo info;
        info.shape = c.shape;
        payloads.append(bytesOf(int(info.elementCount()) * dtypeSize(c.dtype)));
        writer.addTensor(QString::fromUtf8(c.name), c.dtype, c.shape, payloads.last());
    }
    QCOMPARE(writer.tensorCount(), int(std::size(cases)));
    const QByteArray header = writer.header();
    QCOMPARE(header.size() % 8, 0);

    const QString path = m_dir.filePath(QStringLiteral("roundtrip.safetensors"));
    writer.write(path);
    const auto file = SafetensorsFile::open(path);
    QCOMPARE(file->path(), path);
    QCOMPARE(file->metadata().size(), 2);
    QCOMPARE(file->metadata().value(QStringLiteral("format")), QStringLiteral("pt"));
    QCOMPARE(file->metadata().value(QStringLiteral("note")),
             QStringLiteral("quote \" backslash \\ tab\t é"));
    // Zero-sized tensors sit at the same offset as their neighbour; everything else keeps
    // insertion order.
    QCOMPARE(file->tensors().size(), int(std::size(cases)));
    int position = 0;
    for (const TensorInfo &info : file->tensors()) {
        if (info.name == QLatin1String("empty"))
            continue;
        while (QString::fromUtf8(cases[position].name) == QLatin1String("empty"))
            ++position;
        QCOMPARE(info.name, QString::fromUtf8(cases[position].name));
        ++position;
    }
    for (int i = 0; i < int(std::size(cases)); ++i) {
        const QString name = QString::fromUtf8(cases[i].name);
        const TensorInfo *info = file->find(name);
        QVERIFY2(info, cases[i].name);
        QCOMPARE(info->dtype, cases[i].dtype);
        QCOMPARE(info->shape, cases[i].shape);
        QCOMPARE(info->byteSize, quint64(payloads[i].size()));
        QCOMPARE(file->raw(name), payloads[i]);
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(file->data(name)), payloads[i].size()),
                 payloads[i]);
    }
    QVERIFY(!file->find(QStringLiteral("absent")));

    // The whole file is exactly 8 + header + payloads, and the header ends in space padding.
    QFile raw(path);
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const QByteArray bytes = raw.readAll();
    qint64 payloadBytes = 0;
    for (const QByteArray &p : payloads)
        payloadBytes += p.size();
    QCOMPARE(qint64(bytes.size()), 8 + header.size() + payloadBytes);
    QCOMPARE(qFromLittleEndian<quint64>(bytes.constData()), quint64(header.size()));
    QCOMPARE(bytes.mid(8, header.size()), header);

    // Writing what was read gives the same bytes again.
    SafetensorsWriter copy;
    copy.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    copy.setMetadata(QStringLiteral("note"), file->metadata().value(QStringLiteral("note")));
    for (int i = 0; i < int(std::size(cases)); ++i) {
        const QString name = QString::fromUtf8(cases[i].name);
        const TensorInfo *info = file->find(name);
        copy.addTensor(name, info->dtype, info->shape, file->raw(name));
    }
    const QString copyPath = m_dir.filePath(QStringLiteral("copy.safetensors"));
    copy.write(copyPath);
    QFile copied(copyPath);
    QVERIFY(copied.open(QIODevice::ReadOnly));
    QCOMPARE(copied.readAll(), bytes);

    QString message;
    try {
        file->data(QStringLiteral("absent"));
    } catch (const Error &error) {
        message = error.message();
    }
    QVERIFY2(message.contains(QLatin1String("absent")) && message.contains(path),
             qPrintable(message));
}

void TestSafetensors::roundTripFloat32Conversions() {
    const std::vector<float> values = {1.0f, -2.5f, 0.1f, 65504.0f, 3.0e-5f, 1e-8f};
    SafetensorsWriter writer;
    writer.addFloat32(QStringLiteral("f32"), {2, 3}, values);
    writer.addFloat32(QStringLiteral("f16"), {6}, values, DType::F16);
    writer.addFloat32(QStringLiteral("bf16"), {6}, values, DType::BF16);
    const QString path = m_dir.filePath(QStringLiteral("floats.safetensors"));
    writer.write(path);
    const auto file = SafetensorsFile::open(path);
    QCOMPARE(file->readFloat32(QStringLiteral("f32")), values);
    const std::vector<float> half = file->readFloat32(QStringLiteral("f16"));
    const std::vector<float> brain = file->readFloat32(QStringLiteral("bf16"));
    for (std::size_t i = 0; i < values.size(); ++i) {
        QCOMPARE(half[i], halfToFloat(floatToHalf(values[i])));
        QCOMPARE(brain[i], bf16ToFloat(floatToBf16(values[i])));
    }
    QCOMPARE(half[0], 1.0f);
    QCOMPARE(half[3], 65504.0f);
    QCOMPARE(brain[1], -2.5f);
}

void TestSafetensors::emptyAndPaddedHeaders() {
    const QString path = m_dir.filePath(QStringLiteral("empty.safetensors"));
    SafetensorsWriter().write(path);
    QCOMPARE(QFileInfo(path).size(), qint64(16)); // 8 + "{}" padded to 8
    QVERIFY(SafetensorsFile::open(path)->tensors().isEmpty());

    // Headers written by other tools may carry trailing spaces and any key order.
    const QByteArray header = "{\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]},"
                              "\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}   ";
    const QString padded = m_dir.filePath(QStringLiteral("padded.safetensors"));
    QFile out(padded);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(rawFile(header, "abcd"));
    out.close();
    const auto file = SafetensorsFile::open(padded);
    QCOMPARE(file->tensors().size(), 2);
    QCOMPARE(file->tensors().at(0).name, QStringLiteral("a")); // file order = data order
    QCOMPARE(file->raw(QStringLiteral("b")), QByteArray("cd"));
}

void TestSafetensors::emptyTensorsReadAsFloat32() {
    // Found by fuzz_safetensors (fuzz/corpus/safetensors/): an empty F32 tensor passed null
    // pointers to memcpy (undefined behaviour, reported by UBSan).
    const QByteArray header =
        "{\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
        "\"one\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    const QString path = m_dir.filePath(QStringLiteral("empty-tensor.safetensors"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(rawFile(header, QByteArray("\0\0\x80?", 4)));
    out.close();
    const auto file = SafetensorsFile::open(path);
    QVERIFY(file->readFloat32(QStringLiteral("empty")).empty());
    QVERIFY(file->raw(QStringLiteral("empty")).isEmpty());
    QCOMPARE(file->readFloat32(QStringLiteral("one")), std::vector<float>{1.0f});
}

void TestSafetensors::violations_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("tensor"); ///< must be named in the message (empty: none)
    QTest::addColumn<QString>("expected");

    auto entry = [](const char *name, const char *dtype, const char *shape,
                    const char *offsets) -> QByteArray {
        return QByteArray("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
               ",\"data_offsets\":" + offsets + "}";
    };
    const QByteArray a04 = entry("a", "F32", "[1]", "[0,4]");

    QTest::newRow("shorter than the length field")
        << QByteArray("\x10\0\0", 3) << QString() << QStringLiteral("too short");
    QTest::newRow("header too big")
        << rawFile("{}", QByteArray(64, ' '), 100'000'001) << QString() << QStringLiteral("100 MB");
    QTest::newRow("header length near 2^64")
        << rawFile("{}", {}, ~quint64(0) - 1) << QString() << QStringLiteral("100 MB");
    QTest::newRow("truncated header")
        << rawFile("{\"a\":{\"dtype\"", {}, 1000) << QString() << QStringLiteral("truncated");
    QTest::newRow("bad json") << rawFile("{\"a\": ", {}) << QString()
                              << QStringLiteral("not valid JSON");
    QTest::newRow("not an object")
        << rawFile("[1, 2, 3]", {}) << QString() << QStringLiteral("not a JSON object");
    QTest::newRow("invalid utf-8")
        << rawFile("{\"\xff\xfe\":{}}", {}) << QString() << QStringLiteral("UTF-8");
    QTest::newRow("duplicate names")
        << rawFile("{" + a04 + "," + entry("a", "F32", "[1]", "[4,8]") + "}", bytesOf(8))
        << QStringLiteral("a") << QStringLiteral("more than once");
    QTest::newRow("duplicate names, escaped")
        << rawFile("{" + a04 + "," + entry("\\u0061", "F32", "[1]", "[4,8]") + "}", bytesOf(8))
        << QStringLiteral("a") << QStringLiteral("more than once");
    QTest::newRow("duplicate key inside an entry")
        << rawFile("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],"
                   "\"data_offsets\":[0,4]}}",
                   bytesOf(4))
        << QStringLiteral("a") << QStringLiteral("'dtype' appears more than once");
    QTest::newRow("overlapping ranges") << rawFile("{" + entry("a", "F32", "[2]", "[0,8]") + "," +
                                                       entry("b", "F32", "[2]", "[4,12]") + "}",
                                                   bytesOf(12))
                                        << QStringLiteral("b") << QStringLiteral("overlaps");
    QTest::newRow("gap") << rawFile("{" + a04 + "," + entry("b", "F32", "[1]", "[8,12]") + "}",
                                    bytesOf(12))
                         << QStringLiteral("b") << QStringLiteral("gap");
    QTest::newRow("not starting at zero")
        << rawFile("{" + entry("a", "F32", "[1]", "[4,8]") + "}", bytesOf(8)) << QStringLiteral("a")
        << QStringLiteral("gap");
    QTest::newRow("trailing bytes")
        << rawFile("{" + a04 + "}", bytesOf(8)) << QString() << QStringLiteral("4 trailing bytes");
    QTest::newRow("data but no tensors")
        << rawFile("{}", bytesOf(8)) << QString() << QStringLiteral("trailing bytes");
    QTest::newRow("shape/bytes mismatch")
        << rawFile("{" + entry("a", "F32", "[3]", "[0,8]") + "}", bytesOf(8)) << QStringLiteral("a")
        << QStringLiteral("needs 12 bytes");
    QTest::newRow("offset past end")
        << rawFile("{" + entry("a", "F32", "[2]", "[0,8]") + "}", bytesOf(4)) << QStringLiteral("a")
        << QStringLiteral("past the end");
    QTest::newRow("end before begin")
        << rawFile("{" + entry("a", "U8", "[0]", "[4,0]") + "}", bytesOf(4)) << QStringLiteral("a")
        << QStringLiteral("end before they begin");
    QTest::newRow("unknown dtype")
        << rawFile("{" + entry("a", "F8_E4M3", "[4]", "[0,4]") + "}", bytesOf(4))
        << QStringLiteral("a") << QStringLiteral("F8_E4M3");
    QTest::newRow("negative dimension")
        << rawFile("{" + entry("a", "U8", "[-1]", "[0,0]") + "}", {}) << QStringLiteral("a")
        << QStringLiteral("non-negative");
    QTest::newRow("fractional dimension")
        << rawFile("{" + entry("a", "U8", "[1.5]", "[0,1]") + "}", bytesOf(1))
        << QStringLiteral("a") << QStringLiteral("non-negative integers");
    QTest::newRow("overflowing shape")
        << rawFile("{" + entry("a", "F32", "[4294967296,4294967296,16]", "[0,4]") + "}", bytesOf(4))
        << QStringLiteral("a") << QStringLiteral("overflows");
    QTest::newRow("missing data_offsets")
        << rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", bytesOf(4)) << QStringLiteral("a")
        << QStringLiteral("data_offsets");
    QTest::newRow("three offsets")
        << rawFile("{" + entry("a", "F32", "[1]", "[0,4,8]") + "}", bytesOf(4))
        << QStringLiteral("a") << QStringLiteral("data_offsets");
    QTest::newRow("missing shape")
        << rawFile("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", bytesOf(4))
        << QStringLiteral("a") << QStringLiteral("shape");
    QTest::newRow("entry not an object") << rawFile("{\"a\":[1,2]}", {}) << QStringLiteral("a")
                                         << QStringLiteral("not a JSON object");
    QTest::newRow("metadata value not a string")
        << rawFile("{\"__metadata__\":{\"k\":1}}", {}) << QString()
        << QStringLiteral("__metadata__ entry 'k'");
    QTest::newRow("duplicate metadata key")
        << rawFile("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", {}) << QString()
        << QStringLiteral("__metadata__ has the key 'k' more than once");
    QTest::newRow("metadata not an object")
        << rawFile("{\"__metadata__\":\"x\"}", {}) << QString() << QStringLiteral("__metadata__");
}

void TestSafetensors::violations() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, tensor);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QStringLiteral("bad-%1.safetensors")
                                            .arg(QString::fromLatin1(QTest::currentDataTag())
                                                     .replace(QLatin1Char('/'), QLatin1Char('-'))));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
    file.close();
    QString message;
    try {
        SafetensorsFile::open(path);
    } catch (const Error &error) {
        message = error.message();
    }
    QVERIFY2(!message.isEmpty(), "the file was accepted");
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("corrupt or incomplete")), qPrintable(message));
    if (!tensor.isEmpty())
        QVERIFY2(message.contains(QStringLiteral("tensor '%1'").arg(tensor)), qPrintable(message));
}

void TestSafetensors::writerRejects() {
    SafetensorsWriter writer;
    writer.addTensor(QStringLiteral("a"), DType::F32, {2}, QByteArray(8, '\0'));
    auto messageOf = [&](const std::function<void()> &action) {
        try {
            action();
        } catch (const Error &error) {
            return error.message();
        }
        return QString();
    };
    QVERIFY(messageOf([&] {
                writer.addTensor(QStringLiteral("a"), DType::F32, {2}, QByteArray(8, '\0'));
            }).contains(QLatin1String("added twice")));
    QVERIFY(messageOf([&] {
                writer.addTensor(QStringLiteral("b"), DType::F32, {3}, QByteArray(8, '\0'));
            }).contains(QLatin1String("needs 12 bytes")));
    QVERIFY(messageOf([&] {
                writer.addTensor(QStringLiteral("c"), DType::F32, {-1}, QByteArray());
            }).contains(QLatin1String("invalid shape")));
    QVERIFY(messageOf([&] {
                writer.addTensor(QStringLiteral("__metadata__"), DType::U8, {0}, QByteArray());
            }).contains(QLatin1String("cannot be used")));
    QVERIFY(messageOf([&] {
                writer.addFloat32(QStringLiteral("d"), {1}, {1.0f}, DType::I32);
            }).contains(QLatin1String("F32, F16 or BF16")));
    QCOMPARE(writer.tensorCount(), 1);
}

void TestSafetensors::writerIsAtomic() {
    // A failed write neither creates the target nor replaces an existing file.
    SafetensorsWriter writer;
    writer.addFloat32(QStringLiteral("x"), {1}, {1.0f});
    const QString missingDir = m_dir.filePath(QStringLiteral("no/such/dir/model.safetensors"));
    QString message;
    try {
        writer.write(missingDir);
    } catch (const Error &error) {
        message = error.message();
    }
    QVERIFY2(message.contains(missingDir), qPrintable(message));
    QVERIFY(!QFileInfo::exists(missingDir));

#ifdef Q_OS_UNIX
    // Make the write itself fail half-way (file size limit): the existing file must survive
    // and no temporary file may be left behind. RLIMIT_FSIZE applies to root as well.
    const QString folder = m_dir.filePath(QStringLiteral("atomic"));
    QVERIFY(QDir().mkpath(folder));
    const QString existing = folder + QStringLiteral("/model.safetensors");
    SafetensorsWriter original;
    original.addFloat32(QStringLiteral("kept"), {1}, {7.0f});
    original.write(existing);
    SafetensorsWriter big;
    big.addTensor(QStringLiteral("big"), DType::U8, {1 << 20}, QByteArray(1 << 20, '\1'));

    rlimit saved;
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit limited = saved;
    limited.rlim_cur = 64 * 1024;
    const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
    message.clear();
    try {
        big.write(existing);
    } catch (const Error &error) {
        message = error.message();
    }
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);
    QVERIFY2(message.contains(existing) && message.contains(QLatin1String("nothing was written")),
             qPrintable(message));
    const auto kept = SafetensorsFile::open(existing);
    QVERIFY(kept->find(QStringLiteral("kept")));
    QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden).size(), 1);
#endif
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
