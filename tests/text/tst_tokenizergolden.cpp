// Golden token ids from llama.cpp's tokenizer tests and Meta's / ollama's Llama 3 tests,
// checked against every tokenizer file format that holds the same vocabulary.

#include "text/gpt2filesreader.h"
#include "textvectors.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace nwc;
using namespace nwc::testing;

namespace {

// A tokenizer file and the llama.cpp vector set generated for its vocabulary.
struct Config {
    const char *name;
    const char *vectors;
    const char *path;
    const char *hint;
    bool byteLevel;
};

const Config kConfigs[] = {
    {"gpt2 vocab.json", "gpt-2", "ortx-tokenizers/gpt2/vocab.json", "", true},
    {"llama2 tokenizer.json", "llama-spm", "ortx-tokenizers/llama2/tokenizer.json", "", false},
    {"llama2 tokenizer.model", "llama-spm", "llama2-tokenizer-karpathy/tokenizer.model", "", false},
    {"llama2 llama2.c tokenizer.bin", "llama-spm", "llama2-tokenizer-karpathy/tokenizer.bin", "",
     false},
    {"phi-3 tokenizer.json", "phi-3", "ortx-tokenizers/phi-3-mini/tokenizer.json", "", false},
    {"llama3.2 encoder.json", "llama-bpe", "ollama-testdata/llama3.2/encoder.json", "llama3", true},
    {"llama3 tiktoken tokenizer.model", "llama-bpe", "llama3-tokenizer/tokenizer.model", "llama3",
     true},
    // Built by the test from the llama3.2 files in the layout of Meta's tokenizer.json.
    {"llama3 tokenizer.json (rebuilt)", "llama-bpe", "", "", true},
};

const Config *findConfig(const QString &name) {
    for (const Config &config : kConfigs)
        if (name == QLatin1String(config.name))
            return &config;
    return nullptr;
}

const Tokenizer *rebuiltLlama3() {
    static QTemporaryDir dir;
    static std::unique_ptr<Tokenizer> tokenizer;
    static bool tried = false;
    if (!tried) {
        tried = true;
        const QByteArray json = llama3TokenizerJson(Gpt2FilesReader::llama3SpecialTokens());
        QFile file(dir.filePath(QStringLiteral("tokenizer.json")));
        if (!json.isEmpty() && file.open(QIODevice::WriteOnly) && file.write(json) == json.size()) {
            file.close();
            tokenizer = Tokenizer::load(file.fileName());
        }
    }
    return tokenizer.get();
}

const Tokenizer *tokenizerFor(const QString &name) {
    const Config *config = findConfig(name);
    if (!*config->path)
        return rebuiltLlama3();
    return cachedTokenizer(QLatin1String(config->path), QLatin1String(config->hint));
}

/// The tokenizer for a vector row, or null with `*skip` saying why the row cannot run (the
/// vector file or the tokenizer file is not in NWC_EXTERNAL_DIR).
const Tokenizer *vectorRowTokenizer(const QString &config, bool available, QString *skip) {
    if (!available) {
        *skip = QStringLiteral("llama.cpp vector files are not in NWC_EXTERNAL_DIR/llamacpp-vocab");
        return nullptr;
    }
    const Tokenizer *tokenizer = tokenizerFor(config);
    if (!tokenizer)
        *skip = QStringLiteral("tokenizer file for %1 is not in NWC_EXTERNAL_DIR").arg(config);
    return tokenizer;
}

// Rows "<config> #<case>" over the llama.cpp inputs; a row with an empty case list marks a
// missing vector file.
void addVocabRows(bool byteLevelOnly) {
    QTest::addColumn<QString>("config");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<int>>("expected");
    QTest::addColumn<bool>("available");
    for (const Config &config : kConfigs) {
        if (byteLevelOnly && !config.byteLevel)
            continue;
        const QList<VocabCase> cases = readLlamaCppVectors(QLatin1String(config.vectors));
        if (cases.isEmpty()) {
            QTest::addRow("%s (vectors missing)", config.name)
                << QString::fromLatin1(config.name) << QByteArray() << QList<int>() << false;
            continue;
        }
        for (qsizetype i = 0; i < cases.size(); ++i)
            QTest::addRow("%s #%d", config.name, int(i))
                << QString::fromLatin1(config.name) << cases[i].input << cases[i].ids << true;
    }
}

} // namespace

class TestTokenizerGolden : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void vectorFilesHold46Cases_data();
    void vectorFilesHold46Cases();
    void llamaCppVectors_data();
    void llamaCppVectors();
    void roundTrip_data();
    void roundTrip();
    void llama3Vectors_data();
    void llama3Vectors();
};

void TestTokenizerGolden::vectorFilesHold46Cases_data() {
    QTest::addColumn<QString>("vectors");
    for (const char *name : {"gpt-2", "llama-spm", "phi-3", "llama-bpe"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestTokenizerGolden::vectorFilesHold46Cases() {
    QFETCH(QString, vectors);
    const QList<VocabCase> cases = readLlamaCppVectors(vectors);
    if (cases.isEmpty())
        QSKIP("llama.cpp vector files are not in NWC_EXTERNAL_DIR/llamacpp-vocab");
    QCOMPARE(cases.size(), 46);
    QCOMPARE(cases[7].input, QByteArray("\n"));
    QVERIFY(cases[2].input.isEmpty());
}

void TestTokenizerGolden::llamaCppVectors_data() {
    addVocabRows(false);
}

// llama.cpp writes the .out files with Hugging Face tokenizers (no BOS, special tokens not
// parsed). Every case matches for every format; no case is exempt.
void TestTokenizerGolden::llamaCppVectors() {
    QFETCH(QString, config);
    QFETCH(QByteArray, input);
    QFETCH(QList<int>, expected);
    QFETCH(bool, available);
    QString skip;
    const Tokenizer *tokenizer = vectorRowTokenizer(config, available, &skip);
    if (!tokenizer)
        QSKIP(qPrintable(skip));
    QCOMPARE(toList(tokenizer->encode(input, false, false)), expected);
}

void TestTokenizerGolden::roundTrip_data() {
    addVocabRows(false);
}

// decode(encode(s)) == s. Byte-level BPE is lossless by construction; the SentencePiece-style
// formats are too for these inputs (byte fallback, no <unk>), given BOS so that the
// dummy-prefix space is stripped.
void TestTokenizerGolden::roundTrip() {
    QFETCH(QString, config);
    QFETCH(QByteArray, input);
    QFETCH(bool, available);
    QString skip;
    const Tokenizer *tokenizer = vectorRowTokenizer(config, available, &skip);
    if (!tokenizer)
        QSKIP(qPrintable(skip));
    const std::vector<int32_t> ids = tokenizer->encode(input, true, false);
    QCOMPARE(tokenizer->decodeBytes(ids, true), input);
    if (findConfig(config)->byteLevel)
        QCOMPARE(tokenizer->decodeBytes(tokenizer->encode(input), false), input);
}

void TestTokenizerGolden::llama3Vectors_data() {
    QTest::addColumn<QString>("config");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("bos");
    QTest::addColumn<bool>("eos");
    QTest::addColumn<bool>("parseSpecial");
    QTest::addColumn<QList<int>>("ids");
    const QJsonObject root =
        readExternalJson(QStringLiteral("llama3-tokenizer/test_vectors.json")).object();
    const QJsonArray encode = root.value(QLatin1String("encode")).toArray();
    const QJsonArray specials = root.value(QLatin1String("encode_with_specials_in_text")).toArray();
    const QJsonArray chat = root.value(QLatin1String("chat_format")).toArray();
    for (const char *config : {"llama3.2 encoder.json", "llama3 tiktoken tokenizer.model",
                               "llama3 tokenizer.json (rebuilt)"}) {
        if (encode.isEmpty()) {
            QTest::addRow("%s (vectors missing)", config)
                << QString::fromLatin1(config) << QByteArray() << false << false << false
                << QList<int>{-1};
            continue;
        }
        int row = 0;
        for (const QJsonValue &v : encode) {
            const QJsonObject o = v.toObject();
            QTest::addRow("%s encode #%d", config, row++)
                << QString::fromLatin1(config) << o.value(QLatin1String("text")).toString().toUtf8()
                << o.value(QLatin1String("bos")).toBool() << o.value(QLatin1String("eos")).toBool()
                << false << toIds(o.value(QLatin1String("ids")));
        }
        row = 0;
        for (const QJsonValue &v : specials) {
            const QJsonObject o = v.toObject();
            QTest::addRow("%s specials in text #%d", config, row++)
                << QString::fromLatin1(config) << o.value(QLatin1String("text")).toString().toUtf8()
                << false << false << true << toIds(o.value(QLatin1String("ids")));
        }
        // Meta's chat format, written out as text with the special tokens in it.
        const QByteArray user = "<|start_header_id|>user<|end_header_id|>\n\n"
                                "This is a test sentence.<|eot_id|>";
        const QByteArray dialog = "<|begin_of_text|>"
                                  "<|start_header_id|>system<|end_header_id|>\n\n"
                                  "This is a test sentence.<|eot_id|>"
                                  "<|start_header_id|>user<|end_header_id|>\n\n"
                                  "This is a response.<|eot_id|>"
                                  "<|start_header_id|>assistant<|end_header_id|>\n\n";
        if (chat.size() == 2) {
            QTest::addRow("%s chat message", config)
                << QString::fromLatin1(config) << user << false << false << true
                << toIds(chat.at(0).toObject().value(QLatin1String("ids")));
            QTest::addRow("%s chat dialog", config)
                << QString::fromLatin1(config) << dialog << false << false << true
                << toIds(chat.at(1).toObject().value(QLatin1String("ids")));
        }
    }
}

void TestTokenizerGolden::llama3Vectors() {
    QFETCH(QString, config);
    QFETCH(QByteArray, text);
    QFETCH(bool, bos);
    QFETCH(bool, eos);
    QFETCH(bool, parseSpecial);
    QFETCH(QList<int>, ids);
    if (ids == QList<int>{-1})
        QSKIP("llama3-tokenizer/test_vectors.json is not in NWC_EXTERNAL_DIR");
    const Tokenizer *tokenizer = tokenizerFor(config);
    if (!tokenizer)
        QSKIP(qPrintable(
            QStringLiteral("tokenizer file for %1 is not in NWC_EXTERNAL_DIR").arg(config)));
    std::vector<int32_t> got = tokenizer->encode(text, bos, parseSpecial);
    if (eos)
        got.push_back(tokenizer->eosId());
    QCOMPARE(toList(got), ids);
    // Special tokens decode to their names; without parseSpecial they are plain text.
    QCOMPARE(tokenizer->decodeBytes(got),
             bos ? "<|begin_of_text|>" + text + (eos ? "<|end_of_text|>" : "") : text);
    if (parseSpecial)
        QVERIFY(toList(tokenizer->encode(text, false, false)) != ids);
}

QTEST_GUILESS_MAIN(TestTokenizerGolden)
#include "tst_tokenizergolden.moc"
