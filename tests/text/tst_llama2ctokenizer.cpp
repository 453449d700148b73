// llama2.c tokenizer files: Karpathy's tok512.bin (stories260K) and error handling.

#include "jobs/error.h"
#include "text/llama2ctokenizer.h"
#include "textvectors.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace nwc;
using namespace nwc::testing;

namespace {

QString tok512Path() {
    return externalPath(QStringLiteral("llama2c-stories260K/tok512.bin"));
}

} // namespace

class TestLlama2cTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fileContents();
    void encode_data();
    void encode();
    void roundTrip_data();
    void roundTrip();
    void decodeFollowsRunC();
    void corruptFiles_data();
    void corruptFiles();

private:
    std::unique_ptr<Llama2cTokenizer> m_tokenizer;
};

void TestLlama2cTokenizer::initTestCase() {
    if (QFileInfo::exists(tok512Path()))
        m_tokenizer = std::make_unique<Llama2cTokenizer>(tok512Path());
}

void TestLlama2cTokenizer::fileContents() {
    if (!m_tokenizer)
        QSKIP("llama2c-stories260K/tok512.bin is not in NWC_EXTERNAL_DIR");
    QCOMPARE(m_tokenizer->vocabSize(), 512);
    QCOMPARE(m_tokenizer->kind(), QStringLiteral("llama2c"));
    QCOMPARE(m_tokenizer->bosId(), 1);
    QCOMPARE(m_tokenizer->eosId(), 2);
    QCOMPARE(m_tokenizer->tokenText(1), QStringLiteral("\n<s>\n"));
    QCOMPARE(m_tokenizer->tokenText(3), QStringLiteral("<0x00>"));
    QCOMPARE(m_tokenizer->tokenText(258), QStringLiteral("<0xFF>"));
    QCOMPARE(m_tokenizer->score(260), -1.0f);
    QCOMPARE(m_tokenizer->fingerprint().size(), 32);
    // Loading through the factory gives the same tokenizer.
    QCOMPARE(Tokenizer::load(tok512Path())->fingerprint(), m_tokenizer->fingerprint());
}

void TestLlama2cTokenizer::encode_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<int>>("ids");
    // Expected ids computed with a line-by-line Python transcription of run.c's encode()
    // (O(n^2) scan for the best-scoring pair, leftmost on ties) on tok512.bin.
    QTest::newRow("Zoo") << QByteArray("Zoo") << QList<int>{1, 410, 469, 347};
    QTest::newRow("story") << QByteArray("Once upon a time, there was a little girl named Lily.")
                           << QList<int>{1,   403, 407, 261, 378, 432, 383, 286,
                                         261, 376, 298, 315, 421, 395, 317, 426};
    // ö and the emoji are not pieces: their bytes are ids 3 + byte.
    QTest::newRow("byte fallback")
        << QByteArray("Hello w\xc3\xb6rld \xf0\x9f\xa6\x99!")
        << QList<int>{1, 346, 306, 414, 263, 198, 185, 420, 341, 410, 243, 162, 169, 156, 443};
    QTest::newRow("empty: no dummy prefix") << QByteArray() << QList<int>{1};
    QTest::newRow("leading space")
        << QByteArray(" leading") << QList<int>{1, 410, 278, 411, 380, 299};
    QTest::newRow("newline") << QByteArray("a\nb") << QList<int>{1, 261, 13, 430};
}

void TestLlama2cTokenizer::encode() {
    if (!m_tokenizer)
        QSKIP("llama2c-stories260K/tok512.bin is not in NWC_EXTERNAL_DIR");
    QFETCH(QByteArray, text);
    QFETCH(QList<int>, ids);
    QCOMPARE(toList(m_tokenizer->encode(text, true)), ids);
    // Without BOS the same pieces follow; parseSpecial changes nothing.
    const QList<int> plain = ids.mid(1);
    QCOMPARE(toList(m_tokenizer->encode(text, false, true)), plain);
    QCOMPARE(m_tokenizer->decodeBytes(toVector(ids), true), text);
}

void TestLlama2cTokenizer::roundTrip_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("Zoo") << QByteArray("Zoo");
    QTest::newRow("dialogue") << QByteArray("\"Can I play?\" asked Tim. Mom said, \"Yes!\"\n");
    QTest::newRow("spaces") << QByteArray("  two  spaces   and three ");
    QTest::newRow("unicode") << QByteArray("Caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x9a\x80");
    QTest::newRow("control bytes") << QByteArray("tab\there\r\nnul-free \x01\x7f");
    QTest::newRow("digits") << QByteArray("3 33 333 3.14");
}

// decode(encode(s)) == s when BOS leads (run.c strips the dummy-prefix space after BOS).
void TestLlama2cTokenizer::roundTrip() {
    if (!m_tokenizer)
        QSKIP("llama2c-stories260K/tok512.bin is not in NWC_EXTERNAL_DIR");
    QFETCH(QByteArray, text);
    const std::vector<int32_t> ids = m_tokenizer->encode(text, true);
    QCOMPARE(m_tokenizer->decodeBytes(ids, true), text);
    for (const int32_t id : ids)
        QVERIFY(id >= 0 && id < m_tokenizer->vocabSize());
}

void TestLlama2cTokenizer::decodeFollowsRunC() {
    if (!m_tokenizer)
        QSKIP("llama2c-stories260K/tok512.bin is not in NWC_EXTERNAL_DIR");
    // Without BOS the dummy-prefix space stays, as run.c prints it.
    QCOMPARE(m_tokenizer->decodeBytes({410, 469, 347}), QByteArray(" Zoo"));
    // BOS and EOS are their pieces unless skipped.
    QCOMPARE(m_tokenizer->decodeBytes({1, 410, 469, 347, 2}), QByteArray("\n<s>\nZoo\n</s>\n"));
    QCOMPARE(m_tokenizer->decodeBytes({1, 410, 469, 347, 2}, true), QByteArray("Zoo"));
    // Ids outside the vocabulary decode to nothing.
    QCOMPARE(m_tokenizer->decodeBytes({-5, 469, 512, 347}), QByteArray("Zoo"));
}

void TestLlama2cTokenizer::corruptFiles_data() {
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("4-byte header");
    QByteArray header(4, 0);
    header[0] = 7;
    QTest::newRow("no tokens") << header << QStringLiteral("fewer than 3 tokens");
    QByteArray badLength = header + QByteArray(4, 0) + QByteArray("\x10\x00\x00\x00", 4) + "abc";
    QTest::newRow("length past max_token_length") << badLength << QStringLiteral("length 16");
    QByteArray cut = header + QByteArray(4, 0) + QByteArray("\x03\x00\x00\x00", 4) + "ab";
    QTest::newRow("truncated piece") << cut << QStringLiteral("2 bytes left");
    QByteArray negative(4, '\xff');
    QTest::newRow("negative max length") << negative << QStringLiteral("implausible");
}

void TestLlama2cTokenizer::corruptFiles() {
    QFETCH(QByteArray, contents);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("tok.bin"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(contents);
    file.close();
    try {
        Llama2cTokenizer tokenizer(path);
        QFAIL("a damaged file was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
        QVERIFY2(error.message().contains(message), qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(TestLlama2cTokenizer)
#include "tst_llama2ctokenizer.moc"
