// BOS / EOS decided as transformers decides them, on the real Qwen3 tokenizer files and on small
// crafted folders; and a raw U+FEFF piece (Gemma 3's merge "▁" + U+FEFF) survives JSON parsing.
#include "text/jsonfile.h"
#include "text/tokenizer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace nwc;

namespace {

const QString kQwenDir = QStringLiteral(NWC_EXTERNAL_DIR "/qwen3-tokenizer");

void writeFile(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

/// A byte-level-free BPE tokenizer.json with pieces a, b, ab, <s> (a plain piece), and the
/// added tokens given.
QByteArray smallTokenizerJson(const QJsonArray &added, const QJsonValue &postProcessor) {
    QJsonObject vocab{{QStringLiteral("a"), 0},     {QStringLiteral("b"), 1},
                      {QStringLiteral("ab"), 2},    {QStringLiteral("<s>"), 3},
                      {QStringLiteral("<bos>"), 4}, {QStringLiteral("<eos>"), 5}};
    QJsonObject model{{QStringLiteral("type"), QStringLiteral("BPE")},
                      {QStringLiteral("vocab"), vocab},
                      {QStringLiteral("merges"), QJsonArray{QStringLiteral("a b")}}};
    QJsonObject root{{QStringLiteral("model"), model},
                     {QStringLiteral("added_tokens"), added},
                     {QStringLiteral("post_processor"), postProcessor}};
    return QJsonDocument(root).toJson();
}

QJsonObject addedToken(const QString &content, int id) {
    return QJsonObject{{QStringLiteral("content"), content},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("special"), true}};
}

/// Writes the small tokenizer.json with the added tokens <|x|> (id 6) and <|y|> (id 7) and no
/// post-processor into `dir`; returns its path.
QString writeXyTokenizer(const QTemporaryDir &dir) {
    const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
    const QJsonArray added{addedToken(QStringLiteral("<|x|>"), 6),
                           addedToken(QStringLiteral("<|y|>"), 7)};
    writeFile(path, smallTokenizerJson(added, QJsonValue::Null));
    return path;
}

/// Skips the calling test function (QSKIP returns from it) without the Qwen3 tokenizer files.
#define REQUIRE_QWEN_TOKENIZER()                                                                   \
    do {                                                                                           \
        if (!QFileInfo::exists(kQwenDir + QStringLiteral("/tokenizer.json")))                      \
            QSKIP("external/qwen3-tokenizer is not available");                                    \
    } while (false)

} // namespace

class TestSpecialTokens : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void qwenHasNoBos();
    void qwenWithoutConfigTakesNoPlainPiece();
    void configIdsBesideTheTokenizer();
    void tokenizerConfigNamesWin();
    void byteOrderMarkPieceSurvives();
};

void TestSpecialTokens::qwenHasNoBos() {
    REQUIRE_QWEN_TOKENIZER();
    const auto tokenizer = Tokenizer::load(kQwenDir + QStringLiteral("/tokenizer.json"));
    // tokenizer_config.json: "bos_token": null, "eos_token": "<|im_end|>".
    QCOMPARE(tokenizer->bosId(), -1);
    QCOMPARE(tokenizer->eosId(), 151645);
    QCOMPARE(tokenizer->encode(QByteArray("Hello"), true).size(), size_t(1));
}

void TestSpecialTokens::qwenWithoutConfigTakesNoPlainPiece() {
    REQUIRE_QWEN_TOKENIZER();
    QTemporaryDir dir;
    QVERIFY(QFile::copy(kQwenDir + QStringLiteral("/tokenizer.json"),
                        dir.filePath(QStringLiteral("tokenizer.json"))));
    const auto tokenizer = Tokenizer::load(dir.filePath(QStringLiteral("tokenizer.json")));
    // "<s>" is the plain piece 128245 in Qwen's vocabulary, not a BOS token; the added token
    // <|endoftext|> is the conventional fallback.
    QVERIFY(tokenizer->bosId() != 128245);
    QCOMPARE(tokenizer->bosId(), 151643);
}

void TestSpecialTokens::configIdsBesideTheTokenizer() {
    QTemporaryDir dir;
    const QString tokenizerJson = writeXyTokenizer(dir);
    writeFile(dir.filePath(QStringLiteral("config.json")),
              QByteArray(R"({"bos_token_id": 6, "eos_token_id": [7, 5]})"));
    auto tokenizer = Tokenizer::load(tokenizerJson);
    QCOMPARE(tokenizer->bosId(), 6);
    QCOMPARE(tokenizer->eosId(), 7);
    // generation_config.json comes before config.json.
    writeFile(dir.filePath(QStringLiteral("generation_config.json")),
              QByteArray(R"({"bos_token_id": 7, "eos_token_id": 6})"));
    tokenizer = Tokenizer::load(tokenizerJson);
    QCOMPARE(tokenizer->bosId(), 7);
    QCOMPARE(tokenizer->eosId(), 6);
    // Neither config nor added tokens with conventional names: plain pieces are not taken.
    QFile::remove(dir.filePath(QStringLiteral("generation_config.json")));
    QFile::remove(dir.filePath(QStringLiteral("config.json")));
    tokenizer = Tokenizer::load(tokenizerJson);
    QCOMPARE(tokenizer->bosId(), -1);
    QCOMPARE(tokenizer->eosId(), -1);
}

void TestSpecialTokens::tokenizerConfigNamesWin() {
    QTemporaryDir dir;
    const QString tokenizerJson = writeXyTokenizer(dir);
    writeFile(dir.filePath(QStringLiteral("config.json")),
              QByteArray(R"({"bos_token_id": 6, "eos_token_id": 7})"));
    writeFile(dir.filePath(QStringLiteral("tokenizer_config.json")),
              QByteArray(R"({"bos_token": {"content": "<|y|>"}, "eos_token": null})"));
    const auto tokenizer = Tokenizer::load(tokenizerJson);
    QCOMPARE(tokenizer->bosId(), 7);
    QCOMPARE(tokenizer->eosId(), -1); // explicitly none, config.json is not asked
}

void TestSpecialTokens::byteOrderMarkPieceSurvives() {
    // The raw bytes EF BB BF inside strings, as in Gemma 3's tokenizer.json.
    const QByteArray bom("\xef\xbb\xbf");
    const QByteArray json =
        bom + QByteArray(R"({"model": {"type": "BPE", "vocab": {"\xe2\x96\x81": 0, ")") + bom +
        QByteArray(R"(": 1, "\xe2\x96\x81)") + bom +
        QByteArray(R"(": 2}, "merges": [["\xe2\x96\x81", ")") + bom + QByteArray(R"("]]}})");
    const QJsonObject root = JsonFile::parseObject(json, QStringLiteral("gemma-like.json"));
    const QJsonObject vocab =
        root.value(QStringLiteral("model")).toObject().value(QStringLiteral("vocab")).toObject();
    QCOMPARE(vocab.size(), 3);
    QVERIFY(vocab.contains(QString(QChar(0xfeff))));
    const QJsonArray merge = root.value(QStringLiteral("model"))
                                 .toObject()
                                 .value(QStringLiteral("merges"))
                                 .toArray()
                                 .first()
                                 .toArray();
    QCOMPARE(merge.at(1).toString(), QString(QChar(0xfeff)));

    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("tokenizer.json")), json);
    const auto tokenizer = Tokenizer::load(dir.filePath(QStringLiteral("tokenizer.json")));
    QCOMPARE(tokenizer->vocabSize(), 3);
    QCOMPARE(tokenizer->tokenText(1), QString(QChar(0xfeff)));
}

QTEST_GUILESS_MAIN(TestSpecialTokens)
#include "tst_specialtokens.moc"
