// MappedFile: real memory map for plain files, read fallback for compressed Qt resources.

#include "io/mappedfile.h"
#include "jobs/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <type_traits>

using namespace nwc;

static_assert(!std::is_copy_constructible_v<MappedFile>, "MappedFile must not be copyable");
static_assert(!std::is_copy_assignable_v<MappedFile>, "MappedFile must not be copyable");

class TestMappedFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mapsPlainFile();
    void emptyFile();
    void compressedResource();
    void unmappableFileIsRead();
    void errors_data();
    void errors();
};

void TestMappedFile::mapsPlainFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("data.bin"));
    QByteArray bytes;
    for (int i = 0; i < 100000; ++i)
        bytes.append(char(i * 7));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
    const MappedFile mapped(path);
    QVERIFY(mapped.isMapped());
    QCOMPARE(mapped.size(), qint64(bytes.size()));
    QCOMPARE(mapped.path(), path);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(mapped.data()), bytes.size()), bytes);
}

void TestMappedFile::emptyFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("empty"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const MappedFile mapped(path);
    QCOMPARE(mapped.size(), qint64(0));
    QVERIFY(mapped.data() != nullptr);
}

void TestMappedFile::compressedResource() {
    QString expected;
    for (int i = 0; i < 200; ++i)
        expected += QStringLiteral("line %1: the quick brown fox jumps over the lazy dog\n")
                        .arg(i % 10, 4, 10, QLatin1Char('0'));
    const QString path = QStringLiteral(":/fixtures/compressible.txt");
    QVERIFY(QFile::exists(path));
    // Whether Qt maps a compressed resource (Qt 6 decompresses it for map()) or MappedFile
    // falls back to reading it, the caller sees the uncompressed bytes.
    const MappedFile mapped(path);
    QCOMPARE(mapped.size(), qint64(expected.size()));
    QCOMPARE(QString::fromLatin1(reinterpret_cast<const char *>(mapped.data()), mapped.size()),
             expected);
}

void TestMappedFile::unmappableFileIsRead() {
    // Pseudo-files report size 0 and cannot be mapped: the fallback reads them.
    const QString path = QStringLiteral("/proc/self/cmdline");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        QSKIP("no /proc on this system");
    const QByteArray expected = file.readAll();
    QVERIFY(!expected.isEmpty());
    const MappedFile mapped(path);
    QVERIFY(!mapped.isMapped());
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(mapped.data()), mapped.size()), expected);
}

void TestMappedFile::errors_data() {
    QTest::addColumn<QString>("relative");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << QStringLiteral("missing.bin") << QStringLiteral("cannot open");
    QTest::newRow("directory") << QString() << QStringLiteral("is a directory");
}

void TestMappedFile::errors() {
    QFETCH(QString, relative);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = relative.isEmpty() ? dir.path() : dir.filePath(relative);
    try {
        MappedFile mapped(path);
        QFAIL("no error thrown");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(TestMappedFile)
#include "tst_mappedfile.moc"
