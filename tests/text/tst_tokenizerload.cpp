// Tokenizer::load: format detection, vocabulary facts, errors, fingerprints, added tokens and
// the speed on a 1 MB text.

#include "jobs/error.h"
#include "text/tokenizer.h"
#include "textvectors.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace nwc;
using namespace nwc::testing;

namespace {

bool writeFile(const QString &path, const QByteArray &contents) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(contents) == contents.size();
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// GPT-2's vocab.json + merges.txt rewritten as one tokenizer.json with ["a", "b"] merges.
QByteArray gpt2TokenizerJson() {
    const QJsonObject vocab =
        QJsonDocument::fromJson(
            readFile(externalPath(QStringLiteral("ortx-tokenizers/gpt2/vocab.json"))))
            .object();
    QJsonArray merges;
    const QList<QByteArray> lines =
        readFile(externalPath(QStringLiteral("ortx-tokenizers/gpt2/merges.txt"))).split('\n');
    for (const QByteArray &line : lines) {
        if (line.isEmpty() || line.startsWith("#version"))
            continue;
        const QList<QByteArray> parts = line.split(' ');
        merges.append(QJsonArray{QString::fromUtf8(parts[0]), QString::fromUtf8(parts[1])});
    }
    const QJsonObject byteLevel{{QStringLiteral("type"), QStringLiteral("ByteLevel")},
                                {QStringLiteral("add_prefix_space"), false},
                                {QStringLiteral("use_regex"), true}};
    const QJsonObject root{
        {QStringLiteral("added_tokens"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), 50256},
                                {QStringLiteral("content"), QStringLiteral("<|endoftext|>")},
                                {QStringLiteral("special"), true}}}},
        {QStringLiteral("pre_tokenizer"), byteLevel},
        {QStringLiteral("decoder"), byteLevel},
        {QStringLiteral("post_processor"), byteLevel},
        {QStringLiteral("model"), QJsonObject{{QStringLiteral("type"), QStringLiteral("BPE")},
                                              {QStringLiteral("vocab"), vocab},
                                              {QStringLiteral("merges"), merges}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

} // namespace

class TestTokenizerLoad : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formats_data();
    void formats();
    void errors_data();
    void errors();
    void fingerprints();
    void addedTokens_data();
    void addedTokens();
    void largeText_data();
    void largeText();
};

void TestTokenizerLoad::formats_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("vocabSize");
    QTest::addColumn<int>("bos");
    QTest::addColumn<int>("eos");
    QTest::addColumn<QString>("piece");
    QTest::addColumn<int>("pieceId");
    const auto row = [](const char *name, const char *path, const char *hint, const char *kind,
                        int vocab, int bos, int eos, const QString &piece, int id) {
        QTest::newRow(name) << QString::fromLatin1(path) << QString::fromLatin1(hint)
                            << QString::fromLatin1(kind) << vocab << bos << eos << piece << id;
    };
    const QString space = QStringLiteral("\u0120the"); // "Ġthe"
    row("gpt2 vocab.json", "ortx-tokenizers/gpt2/vocab.json", "", "bpe-bytelevel", 50257, 50256,
        50256, space, 262);
    row("gpt2 merges.txt", "ortx-tokenizers/gpt2/merges.txt", "", "bpe-bytelevel", 50257, 50256,
        50256, space, 262);
    row("phi-2 folder", "ortx-tokenizers/phi-2", "", "bpe-bytelevel", 50295, 50256, 50256,
        QStringLiteral("  "), 50286);
    row("llama2 folder", "ortx-tokenizers/llama2", "", "bpe-sentencepiece", 32000, 1, 2,
        QStringLiteral("\u2581Hello"), 15043);
    row("phi-3 tokenizer.json", "ortx-tokenizers/phi-3-mini/tokenizer.json", "",
        "bpe-sentencepiece", 32011, 1, 32000, QStringLiteral("<|user|>"), 32010);
    row("llama2 sentencepiece folder", "llama2-tokenizer-karpathy", "", "sentencepiece", 32000, 1,
        2, QStringLiteral("<0x0A>"), 13);
    row("llama2 tokenizer.bin", "llama2-tokenizer-karpathy/tokenizer.bin", "", "llama2c", 32000, 1,
        2, QStringLiteral(" Hello"), 15043);
    row("stories260K folder", "llama2c-stories260K", "", "llama2c", 512, 1, 2,
        QStringLiteral(" the"), 265);
    row("llama3.2 folder", "ollama-testdata/llama3.2", "llama3", "bpe-bytelevel", 128256, 128000,
        128001, QStringLiteral("<|eot_id|>"), 128009);
    row("llama3 tiktoken", "llama3-tokenizer/tokenizer.model", "", "bpe-bytelevel", 128256, 128000,
        128001, QStringLiteral("<|reserved_special_token_247|>"), 128255);
}

void TestTokenizerLoad::formats() {
    QFETCH(QString, path);
    QFETCH(QString, hint);
    QFETCH(QString, kind);
    QFETCH(int, vocabSize);
    QFETCH(int, bos);
    QFETCH(int, eos);
    QFETCH(QString, piece);
    QFETCH(int, pieceId);
    if (!QFileInfo::exists(externalPath(path)))
        QSKIP(qPrintable(path + QStringLiteral(" is not in NWC_EXTERNAL_DIR")));
    const Tokenizer *tokenizer = cachedTokenizer(path, hint);
    QCOMPARE(tokenizer->kind(), kind);
    QCOMPARE(tokenizer->vocabSize(), vocabSize);
    QCOMPARE(tokenizer->bosId(), bos);
    QCOMPARE(tokenizer->eosId(), eos);
    QCOMPARE(tokenizer->tokenText(pieceId), piece);
    QCOMPARE(tokenizer->tokenText(vocabSize), QString());
    QCOMPARE(tokenizer->fingerprint().size(), 32);
}

void TestTokenizerLoad::errors_data() {
    QTest::addColumn<QString>("file"); // written into a temporary folder ("" = the folder)
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QString>("message");
    const QByteArray bpeHead = "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},"
                               "\"merges\":[\"a b\"]},";
    QTest::newRow("missing file") << QStringLiteral("absent/tokenizer.json") << QByteArray()
                                  << QString() << QStringLiteral("no such file");
    QTest::newRow("empty folder") << QString() << QByteArray() << QString()
                                  << QStringLiteral("no tokenizer found");
    QTest::newRow("unknown hint") << QStringLiteral("tokenizer.json") << QByteArray("{}")
                                  << QStringLiteral("gpt5")
                                  << QStringLiteral("unknown pre-tokenizer");
    QTest::newRow("truncated json")
        << QStringLiteral("tokenizer.json") << QByteArray("{\"model\": {\"type\": \"BPE\", \"vo")
        << QString() << QStringLiteral("not valid JSON");
    QTest::newRow("special_tokens_map.json")
        << QStringLiteral("special_tokens_map.json") << QByteArray("{\"bos_token\": \"<s>\"}")
        << QString() << QStringLiteral("neither a tokenizer.json nor a vocab.json");
    QTest::newRow("tokenizer_config.json")
        << QStringLiteral("tokenizer_config.json")
        << QByteArray("{\"tokenizer_class\": \"LlamaTokenizer\", \"bos_token\": \"<s>\"}")
        << QString() << QStringLiteral("tokenizer.json beside it");
    QTest::newRow("wordpiece") << QStringLiteral("tokenizer.json")
                               << QByteArray("{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}")
                               << QString() << QStringLiteral("\"WordPiece\" is not supported");
    QTest::newRow("merge of unknown pieces")
        << QStringLiteral("tokenizer.json")
        << QByteArray("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a c\"]}}")
        << QString() << QStringLiteral("merge 0");
    QTest::newRow("unsupported pre-tokenizer")
        << QStringLiteral("tokenizer.json")
        << bpeHead + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}" << QString()
        << QStringLiteral("\"BertPreTokenizer\" is not supported");
    QTest::newRow("bad regex") << QStringLiteral("tokenizer.json")
                               << bpeHead + "\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":"
                                            "{\"Regex\":\"(\"},\"behavior\":\"Isolated\"}}"
                               << QString() << QStringLiteral("regular expression");
    QTest::newRow("vocab.json without merges")
        << QStringLiteral("vocab.json") << QByteArray("{\"a\": 0}") << QString()
        << QStringLiteral("no merges.txt or vocab.bpe");
    QTest::newRow("not a sentencepiece model")
        << QStringLiteral("tokenizer.model") << QByteArray("\x01\x02garbage", 9) << QString()
        << QStringLiteral("not a SentencePiece model");
    QTest::newRow("unknown format") << QStringLiteral("weights.dat") << QByteArray("\x00\x01", 2)
                                    << QString() << QStringLiteral("not a recognised tokenizer");
    // Found by fuzz_tokenizerjson (fuzz/corpus/tokenizerjson/): an id near 2^31 made the id
    // tables take 2 GB, and a negative post-processor id came out of encode().
    QTest::newRow("id far beyond the vocabulary")
        << QStringLiteral("tokenizer.json")
        << QByteArray("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":2080000000},"
                      "\"merges\":[]}}")
        << QString() << QStringLiteral("piece \"b\" has the id 2080000000");
    QTest::newRow("added token id beyond the vocabulary")
        << QStringLiteral("tokenizer.json")
        << bpeHead + "\"added_tokens\":[{\"id\":99999,\"content\":\"<s>\"}]}" << QString()
        << QStringLiteral("added token \"<s>\" has the id 99999");
    QTest::newRow("negative post-processor id")
        << QStringLiteral("tokenizer.json")
        << bpeHead + "\"post_processor\":{\"type\":\"RobertaProcessing\",\"cls\":[\"a\",0],"
                     "\"sep\":[\"b\",-2]}}"
        << QString() << QStringLiteral("post-processor adds the id -2");
}

void TestTokenizerLoad::errors() {
    QFETCH(QString, file);
    QFETCH(QByteArray, contents);
    QFETCH(QString, hint);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = dir.path();
    if (!file.isEmpty()) {
        path = dir.filePath(file);
        if (!contents.isEmpty())
            QVERIFY(writeFile(path, contents));
    }
    try {
        Tokenizer::load(path, hint);
        QFAIL("the broken tokenizer was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
        QVERIFY2(error.message().contains(message), qPrintable(error.message()));
    }
}

void TestTokenizerLoad::fingerprints() {
    const QString gpt2Path = externalPath(QStringLiteral("ortx-tokenizers/gpt2/vocab.json"));
    const QString phi2Path = externalPath(QStringLiteral("ortx-tokenizers/phi-2"));
    const QString llama2Path =
        externalPath(QStringLiteral("ortx-tokenizers/llama2/tokenizer.json"));
    const QString phi3Path =
        externalPath(QStringLiteral("ortx-tokenizers/phi-3-mini/tokenizer.json"));
    for (const QString &path : {gpt2Path, phi2Path, llama2Path, phi3Path})
        if (!QFileInfo::exists(path))
            QSKIP(qPrintable(path + QStringLiteral(" is missing")));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString jsonPath = dir.filePath(QStringLiteral("tokenizer.json"));
    QVERIFY(writeFile(jsonPath, gpt2TokenizerJson()));

    const Tokenizer *gpt2 = cachedTokenizer(QStringLiteral("ortx-tokenizers/gpt2/vocab.json"));
    const auto rebuilt = Tokenizer::load(jsonPath);
    // Same vocabulary and merges, written as "a b" lines or as ["a", "b"] pairs.
    QCOMPARE(rebuilt->fingerprint(), gpt2->fingerprint());
    QCOMPARE(Tokenizer::load(gpt2Path)->fingerprint(), gpt2->fingerprint());
    const QList<VocabCase> cases = readLlamaCppVectors(QStringLiteral("gpt-2"));
    for (const VocabCase &c : cases) {
        QCOMPARE(rebuilt->encode(c.input), gpt2->encode(c.input));
        QCOMPARE(rebuilt->decodeBytes(rebuilt->encode(c.input)), c.input);
    }
    // Phi-2 adds whitespace tokens to GPT-2's vocabulary; Phi-3 adds chat tokens to Llama 2's.
    const auto fingerprint = [](const char *path) {
        return cachedTokenizer(QLatin1String(path))->fingerprint();
    };
    QVERIFY(fingerprint("ortx-tokenizers/phi-2") != gpt2->fingerprint());
    QVERIFY(fingerprint("ortx-tokenizers/phi-3-mini/tokenizer.json") !=
            fingerprint("ortx-tokenizers/llama2"));
}

void TestTokenizerLoad::addedTokens_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("parseSpecial");
    QTest::addColumn<QList<int>>("ids");
    // Non-special added tokens (Phi-2's whitespace runs) are matched even without
    // parseSpecial, longest first: 8 spaces are id 50280, 2 tabs 50294.
    QTest::newRow("phi-2 spaces") << QStringLiteral("ortx-tokenizers/phi-2") << QString()
                                  << QByteArray("x        y") << false << QList<int>{87, 50280, 88};
    QTest::newRow("phi-2 tabs") << QStringLiteral("ortx-tokenizers/phi-2") << QString()
                                << QByteArray("\t\tif") << false << QList<int>{50294, 361};
    // The same text through plain GPT-2.
    QTest::newRow("gpt2 spaces") << QStringLiteral("ortx-tokenizers/gpt2/vocab.json") << QString()
                                 << QByteArray("x        y") << false
                                 << QList<int>{87, 220, 220, 220, 220, 220, 220, 220, 331};
    QTest::newRow("gpt2 endoftext parsed")
        << QStringLiteral("ortx-tokenizers/gpt2/vocab.json") << QString()
        << QByteArray("a<|endoftext|>b") << true << QList<int>{64, 50256, 65};
    QTest::newRow("gpt2 endoftext as text") << QStringLiteral("ortx-tokenizers/gpt2/vocab.json")
                                            << QString() << QByteArray("a<|endoftext|>b") << false
                                            << QList<int>{64, 27, 91, 437, 1659, 5239, 91, 29, 65};
    // Phi-3's <|user|> has rstrip: the newline after it is swallowed, and "Hi" starts a new
    // normalized segment ("▁Hi").
    QTest::newRow("phi-3 rstrip") << QStringLiteral("ortx-tokenizers/phi-3-mini/tokenizer.json")
                                  << QString() << QByteArray("<|user|>\nHi<|end|>") << true
                                  << QList<int>{32010, 6324, 32007};
}

void TestTokenizerLoad::addedTokens() {
    QFETCH(QString, path);
    QFETCH(QString, hint);
    QFETCH(QByteArray, text);
    QFETCH(bool, parseSpecial);
    QFETCH(QList<int>, ids);
    const Tokenizer *tokenizer = cachedTokenizer(path, hint);
    if (!tokenizer)
        QSKIP(qPrintable(path + QStringLiteral(" is not in NWC_EXTERNAL_DIR")));
    QCOMPARE(toList(tokenizer->encode(text, false, parseSpecial)), ids);
}

void TestTokenizerLoad::largeText_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("hint");
    QTest::newRow("gpt2 vocab.json")
        << QStringLiteral("ortx-tokenizers/gpt2/vocab.json") << QString();
    QTest::newRow("llama2 tokenizer.json") << QStringLiteral("ortx-tokenizers/llama2") << QString();
    QTest::newRow("llama3.2 encoder.json")
        << QStringLiteral("ollama-testdata/llama3.2") << QStringLiteral("llama3");
    QTest::newRow("llama2c tokenizer.bin")
        << QStringLiteral("llama2-tokenizer-karpathy/tokenizer.bin") << QString();
}

// 1 MB of Shakespeare: encodes in well under a few seconds and decodes back exactly. The
// bound only catches quadratic behaviour; the timing is printed. (libsentencepiece's own
// speed, about 2 s here, is not ours to test.)
void TestTokenizerLoad::largeText() {
    QFETCH(QString, path);
    QFETCH(QString, hint);
    const QByteArray text =
        readFile(externalPath(QStringLiteral("corpus-tinyshakespeare/input.txt"))).left(1 << 20);
    if (text.isEmpty())
        QSKIP("corpus-tinyshakespeare/input.txt is not in NWC_EXTERNAL_DIR");
    const Tokenizer *tokenizer = cachedTokenizer(path, hint);
    if (!tokenizer)
        QSKIP(qPrintable(path + QStringLiteral(" is not in NWC_EXTERNAL_DIR")));
    QElapsedTimer timer;
    timer.start();
    const std::vector<int32_t> ids = tokenizer->encode(text, true);
    const qint64 encodeMs = timer.restart();
    const QByteArray decoded = tokenizer->decodeBytes(ids, true);
    const qint64 decodeMs = timer.elapsed();
    qInfo("%s: %zu tokens, encode %lld ms, decode %lld ms", QTest::currentDataTag(), ids.size(),
          encodeMs, decodeMs);
    QCOMPARE(decoded.size(), text.size());
    QVERIFY(decoded == text);
    QVERIFY2(encodeMs < 15000, "encoding 1 MB took more than 15 s");
}

QTEST_GUILESS_MAIN(TestTokenizerLoad)
#include "tst_tokenizerload.moc"
