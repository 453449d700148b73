// Golden vectors from huggingface/swift-transformers (ids produced by Hugging Face
// transformers with add_special_tokens=True): a French paragraph per tokenizer, 18 short
// edge cases per tokenizer, and 83 multilingual inputs (PR #360 baselines).

#include "textvectors.h"

#include <QtTest>

using namespace nwc;
using namespace nwc::testing;

namespace {

const char kDir[] = "swift-transformers-tokenizer-vectors/";

struct Format {
    const char *name;
    const char *path;
    const char *hint;
};

// The tokenizer files that hold each model's vocabulary.
const Format kGpt2[] = {{"gpt2 vocab.json", "ortx-tokenizers/gpt2/vocab.json", ""}};
const Format kLlama2[] = {
    {"llama2 tokenizer.json", "ortx-tokenizers/llama2/tokenizer.json", ""},
    {"llama2 tokenizer.model", "llama2-tokenizer-karpathy/tokenizer.model", ""},
    {"llama2 llama2.c tokenizer.bin", "llama2-tokenizer-karpathy/tokenizer.bin", ""},
};
const Format kLlama3[] = {
    {"llama3.2 encoder.json", "ollama-testdata/llama3.2/encoder.json", "llama3"},
    {"llama3 tiktoken tokenizer.model", "llama3-tokenizer/tokenizer.model", "llama3"},
};

struct Model {
    const char *key; // in tokenizer_tests.json
    const char *paragraph;
    const char *multilingual; // baseline file, or null
    const Format *formats;
    int formatCount;
};

const Model kModels[] = {
    {"distilgpt2", "gpt2_encoded_tokens.json", "gpt2_multilingual.json", kGpt2, 1},
    {"coreml-projects/Llama-2-7b-chat-coreml", "llama_encoded.json", "tinyllama_multilingual.json",
     kLlama2, 3},
    {"pcuenq/Llama-3.2-1B-Instruct-tokenizer", "llama_3.2_encoded.json", nullptr, kLlama3, 2},
};

// onnxruntime-extensions' Llama 2 tokenizer.json stores the four vocabulary pieces made of
// U+00A0 (ids 8655, 17891, 20246, 30081) with U+0020 instead, so text with no-break spaces
// falls back to bytes there. tokenizer.model and tokenizer.bin hold the real pieces.
bool nbspDefect(const QString &format, const QString &text) {
    return format == QLatin1String("llama2 tokenizer.json") && text.contains(QChar(0x00A0));
}

void addColumns() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("ids");
    QTest::addColumn<QStringList>("tokens");
    QTest::addColumn<QString>("decoded");
}

// A row whose ids are {-1} marks a missing vector file.
void addMissingRow(const char *what) {
    QTest::addRow("%s (missing)", what) << QString() << QString() << QString() << QString()
                                        << QList<int>{-1} << QStringList() << QString();
}

void addRow(const Format &format, const QString &label, const QString &text, const QList<int> &ids,
            const QStringList &tokens, const QString &decoded) {
    QTest::addRow("%s %s", format.name, qPrintable(label))
        << QString::fromLatin1(format.name) << QString::fromLatin1(format.path)
        << QString::fromLatin1(format.hint) << text << ids << tokens << decoded;
}

QStringList toStrings(const QJsonValue &value) {
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out;
}

const Tokenizer *fetchTokenizer(const QString &path, const QString &hint) {
    return cachedTokenizer(path, hint);
}

} // namespace

class TestSwiftTransformers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void paragraph_data();
    void paragraph();
    void edgeCases_data();
    void edgeCases();
    void multilingual_data();
    void multilingual();

private:
    void check(bool checkDecoded);
};

void TestSwiftTransformers::check(bool checkDecoded) {
    QFETCH(QString, format);
    QFETCH(QString, path);
    QFETCH(QString, hint);
    QFETCH(QString, text);
    QFETCH(QList<int>, ids);
    QFETCH(QStringList, tokens);
    QFETCH(QString, decoded);
    if (ids == QList<int>{-1})
        QSKIP("swift-transformers vectors are not in NWC_EXTERNAL_DIR");
    const Tokenizer *tokenizer = fetchTokenizer(path, hint);
    if (!tokenizer)
        QSKIP(qPrintable(QStringLiteral("%1 is not in NWC_EXTERNAL_DIR").arg(path)));

    const std::vector<int32_t> got = tokenizer->encode(text, true, false);
    if (nbspDefect(format, text))
        QEXPECT_FAIL("", "this tokenizer.json has U+0020 where Llama 2 has U+00A0 pieces", Abort);
    QCOMPARE(toList(got), ids);
    if (!tokens.isEmpty()) {
        QStringList pieces;
        for (const int32_t id : got)
            pieces << tokenizer->tokenText(id);
        if (tokens.size() + 1 == pieces.size())
            pieces.removeFirst(); // the paragraph files list no piece for BOS
        if (tokenizer->kind() == QLatin1String("llama2c")) {
            // llama2.c's export writes "▁" as a space and BOS as "\n<s>\n".
            for (QString &token : tokens)
                token.replace(QChar(0x2581), QLatin1Char(' '));
            if (tokens.value(0) == QLatin1String("<s>")) {
                tokens.removeFirst();
                pieces.removeFirst();
            }
        }
        QCOMPARE(pieces, tokens);
    }
    // llama2.c renders BOS as its piece "\n<s>\n", not as "<s>".
    if (checkDecoded && tokenizer->kind() != QLatin1String("llama2c"))
        QCOMPARE(tokenizer->decode(got, false), decoded);
    // Without special tokens every format gives back the input exactly.
    QCOMPARE(tokenizer->decode(got, true), text);
}

void TestSwiftTransformers::paragraph_data() {
    addColumns();
    for (const Model &model : kModels) {
        const QJsonObject o =
            readExternalJson(QLatin1String(kDir) + QLatin1String(model.paragraph)).object();
        if (o.isEmpty()) {
            addMissingRow(model.paragraph);
            continue;
        }
        for (int f = 0; f < model.formatCount; ++f)
            addRow(model.formats[f], QStringLiteral("paragraph"),
                   o.value(QLatin1String("text")).toString(),
                   toIds(o.value(QLatin1String("token_ids"))),
                   toStrings(o.value(QLatin1String("bpe_tokens"))),
                   o.value(QLatin1String("decoded_text")).toString());
    }
}

void TestSwiftTransformers::paragraph() {
    check(true);
}

void TestSwiftTransformers::edgeCases_data() {
    addColumns();
    const QJsonObject root =
        readExternalJson(QLatin1String(kDir) + QLatin1String("tokenizer_tests.json")).object();
    for (const Model &model : kModels) {
        const QJsonArray cases = root.value(QLatin1String(model.key)).toArray();
        if (cases.isEmpty()) {
            addMissingRow(model.key);
            continue;
        }
        for (int f = 0; f < model.formatCount; ++f)
            for (int i = 0; i < cases.size(); ++i) {
                const QJsonObject c = cases.at(i).toObject();
                addRow(model.formats[f], QStringLiteral("#%1").arg(i),
                       c.value(QLatin1String("input")).toString(),
                       toIds(c.value(QLatin1String("encoded"))
                                 .toObject()
                                 .value(QLatin1String("input_ids"))),
                       QStringList(), QString());
            }
    }
}

// decoded_with_special / decoded_without_special there went through transformers'
// clean_up_tokenization_spaces ("A\n'll !!to" -> "A\n'll!!to"), which is not part of the
// tokenizer; the check compares the decoded text with the input instead.
void TestSwiftTransformers::edgeCases() {
    check(false);
}

void TestSwiftTransformers::multilingual_data() {
    addColumns();
    const QJsonArray inputs =
        readExternalJson(QLatin1String(kDir) + QLatin1String("multilingual-pr360/inputs.json"))
            .array();
    for (const Model &model : kModels) {
        if (!model.multilingual)
            continue;
        const QJsonObject baseline =
            readExternalJson(QLatin1String(kDir) + QLatin1String("multilingual-pr360/baselines/") +
                             QLatin1String(model.multilingual))
                .object();
        const QJsonArray entries = baseline.value(QLatin1String("entries")).toArray();
        if (entries.isEmpty() || inputs.size() != entries.size()) {
            addMissingRow(model.multilingual);
            continue;
        }
        for (int f = 0; f < model.formatCount; ++f)
            for (int i = 0; i < entries.size(); ++i) {
                const QJsonObject e = entries.at(i).toObject();
                const QJsonObject in = inputs.at(i).toObject();
                QCOMPARE(e.value(QLatin1String("id")), in.value(QLatin1String("id")));
                addRow(model.formats[f], e.value(QLatin1String("id")).toString(),
                       in.value(QLatin1String("text")).toString(),
                       toIds(e.value(QLatin1String("input_ids"))),
                       toStrings(e.value(QLatin1String("tokens"))),
                       e.value(QLatin1String("decoded_with_special")).toString());
            }
    }
}

void TestSwiftTransformers::multilingual() {
    check(true);
}

QTEST_GUILESS_MAIN(TestSwiftTransformers)
#include "tst_swifttransformers.moc"
