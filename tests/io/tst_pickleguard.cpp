// The pickle check decides by structure: zip and pickle signatures are refused, llama2.c headers
// whose first byte happens to be 0x80 (dim 128, 384, 640, 896 …) are not, and the real dim-128
// BabyLlama checkpoint opens.
#include "io/checkpoint.h"
#include "io/pickleguard.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

using namespace nwc;

namespace {

/// The 28-byte legacy llama2.c header.
QByteArray llama2cHeader(qint32 dim, qint32 hidden, qint32 layers, qint32 heads, qint32 kvHeads,
                         qint32 vocab, qint32 seqLen) {
    QByteArray bytes(28, '\0');
    const qint32 fields[] = {dim, hidden, layers, heads, kvHeads, vocab, seqLen};
    for (int i = 0; i < 7; ++i)
        qToLittleEndian<qint32>(fields[i], bytes.data() + 4 * i);
    return bytes;
}

} // namespace

class TestPickleGuard : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void signatures_data();
    void signatures();
    void llama2cHeaderFileIsNotPickle();
    void babyLlamaOpens();
};

void TestPickleGuard::signatures_data() {
    QTest::addColumn<QByteArray>("start");
    QTest::addColumn<bool>("pickle");
    QTest::newRow("zip (torch.save >= 1.6)") << QByteArray("PK\x03\x04", 4) << true;
    QTest::newRow("legacy torch.save magic") << QByteArray("\x80\x02\x8a\x0a", 4) << true;
    QTest::newRow("protocol 4 frame") << QByteArray("\x80\x04\x95\x10", 4) << true;
    QTest::newRow("protocol 2 dict") << QByteArray("\x80\x02}q", 4) << true;
    QTest::newRow("protocol 3 global") << QByteArray("\x80\x03" "cc", 4) << true;
    QTest::newRow("llama2.c dim 128") << llama2cHeader(128, 352, 5, 8, 4, 105, 256).left(4) << false;
    QTest::newRow("llama2.c dim 384") << llama2cHeader(384, 1024, 6, 6, 6, 32000, 256).left(4)
                                      << false;
    QTest::newRow("llama2.c dim 640") << llama2cHeader(640, 1728, 8, 10, 10, 512, 256).left(4)
                                      << false;
    QTest::newRow("llama2.c dim 896") << llama2cHeader(896, 2432, 8, 14, 2, 512, 256).left(4)
                                      << false;
    QTest::newRow("llama2.c version 1 magic") << QByteArray("\x32\x34\x6b\x61", 4) << false;
    QTest::newRow("protocol 1 is not torch.save") << QByteArray("\x80\x01}q", 4) << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void TestPickleGuard::signatures() {
    QFETCH(QByteArray, start);
    QFETCH(bool, pickle);
    QCOMPARE(hasPickleSignature(start), pickle);
}

void TestPickleGuard::llama2cHeaderFileIsNotPickle() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.bin"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(llama2cHeader(640, 1728, 1, 10, 10, 32, 16));
    file.close();
    QVERIFY(!isPickleCheckpoint(path));
    // Opened as llama2.c: the header's sizes are checked against the file and found short.
    try {
        Checkpoint::open(path);
        QFAIL("a truncated llama2.c file was accepted");
    } catch (const std::exception &error) {
        const QString message = QString::fromUtf8(error.what());
        QVERIFY2(message.contains(QLatin1String("llama2.c")), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1String("PyTorch pickle")), qPrintable(message));
    }
}

void TestPickleGuard::babyLlamaOpens() {
    const QString path =
        QStringLiteral(NWC_EXTERNAL_DIR "/llama2c-babyllama-tok105/model5000.bin");
    if (!QFileInfo::exists(path))
        QSKIP("external/llama2c-babyllama-tok105 is not available");
    QVERIFY(!isPickleCheckpoint(path));
    const CheckpointPtr checkpoint = Checkpoint::open(path);
    QCOMPARE(checkpoint->config().hiddenSize, 128);
    QCOMPARE(checkpoint->config().numLayers, 5);
    QCOMPARE(checkpoint->config().vocabSize, 105);
}

QTEST_GUILESS_MAIN(TestPickleGuard)
#include "tst_pickleguard.moc"
