// The tokenizer.json text stages: pre-tokenizer regexes and split behaviours, normalizers and
// decoders. Expected splits follow the reference semantics (OpenAI / Meta regexes, Hugging Face
// tokenizers' SplitDelimiterBehavior).

#include "jobs/error.h"
#include "text/normalizer.h"
#include "text/pretokenizer.h"
#include "text/regexpattern.h"
#include "text/tokendecoder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace nwc;

namespace {

QJsonValue json(const char *text) {
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

QStringList split(const PreTokenizer &pre, const QString &text, bool atStart = true) {
    std::vector<QString> pieces;
    pre.split(text, atStart, pieces);
    return QStringList(pieces.begin(), pieces.end());
}

const char *splitJson(const char *behavior) {
    static QByteArray buffer;
    buffer = QByteArray("{\"type\":\"Split\",\"pattern\":{\"String\":\"-\"},\"behavior\":\"") +
             behavior + "\",\"invert\":false}";
    return buffer.constData();
}

} // namespace

class TestPreTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void builtinPatterns_data();
    void builtinPatterns();
    void behaviors_data();
    void behaviors();
    void fromJson_data();
    void fromJson();
    void unknownHint();
    void normalizer_data();
    void normalizer();
    void decoder_data();
    void decoder();
};

void TestPreTokenizer::builtinPatterns_data() {
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("pieces");
    const auto row = [](const char *name, const char *pattern, const QString &text,
                        const QStringList &pieces) {
        QTest::newRow(name) << QString::fromLatin1(pattern) << text << pieces;
    };
    row("gpt2 words", "gpt2", QStringLiteral("Hello world"),
        {QStringLiteral("Hello"), QStringLiteral(" world")});
    // \s+(?!\S) leaves the last space to the word that follows.
    row("gpt2 leading spaces", "gpt2", QStringLiteral("   leading space"),
        {QStringLiteral("  "), QStringLiteral(" leading"), QStringLiteral(" space")});
    row("gpt2 trailing spaces", "gpt2", QStringLiteral("trailing   "),
        {QStringLiteral("trailing"), QStringLiteral("   ")});
    row("gpt2 newline run", "gpt2", QStringLiteral("a\n\n b"),
        {QStringLiteral("a"), QStringLiteral("\n\n"), QStringLiteral(" b")});
    row("gpt2 contractions", "gpt2", QStringLiteral("I'll don't"),
        {QStringLiteral("I"), QStringLiteral("'ll"), QStringLiteral(" don"), QStringLiteral("'t")});
    // U+00A0 is \s only with Unicode classes (Oniguruma's default, PCRE2's UCP).
    row("gpt2 no-break spaces", "gpt2", QStringLiteral("you\u2026\u00a0\u00a0"),
        {QStringLiteral("you"), QStringLiteral("\u2026"), QStringLiteral("\u00a0\u00a0")});
    row("gpt2 digits", "gpt2", QStringLiteral("in 2016."),
        {QStringLiteral("in"), QStringLiteral(" 2016"), QStringLiteral(".")});
    row("llama3 digit triples", "llama3", QStringLiteral("1234567"),
        {QStringLiteral("123"), QStringLiteral("456"), QStringLiteral("7")});
    row("llama3 case-insensitive contraction", "llama3", QStringLiteral("HELLO'S"),
        {QStringLiteral("HELLO"), QStringLiteral("'S")});
    row("llama3 newlines", "llama3", QStringLiteral("\n\n\nx"),
        {QStringLiteral("\n\n\n"), QStringLiteral("x")});
    row("llama3 spaces before newlines", "llama3", QStringLiteral("a  \n\nb"),
        {QStringLiteral("a"), QStringLiteral("  \n\n"), QStringLiteral("b")});
    row("llama3 punctuation keeps newlines", "llama3", QStringLiteral(",,,\n\nx"),
        {QStringLiteral(",,,\n\n"), QStringLiteral("x")});
    row("llama3 emoji and CJK", "llama3", QStringLiteral("\U0001F601 ?\u6211"),
        {QStringLiteral("\U0001F601"), QStringLiteral(" ?"), QStringLiteral("\u6211")});
    row("llama3 punctuation before letters", "llama3", QStringLiteral("(normal)"),
        {QStringLiteral("(normal"), QStringLiteral(")")});
    row("qwen2 single digits", "qwen2", QStringLiteral("x1234"),
        {QStringLiteral("x"), QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
         QStringLiteral("4")});
}

void TestPreTokenizer::builtinPatterns() {
    QFETCH(QString, pattern);
    QFETCH(QString, text);
    QFETCH(QStringList, pieces);
    const PreTokenizer pre =
        PreTokenizer::byteLevelRegex(RegexPattern::builtin(pattern), QStringLiteral("test"));
    QCOMPARE(split(pre, text), pieces);
    QCOMPARE(split(pre, text).join(QString()), text);
}

void TestPreTokenizer::behaviors_data() {
    QTest::addColumn<QString>("behavior");
    QTest::addColumn<QStringList>("pieces");
    const auto list = [](std::initializer_list<const char *> items) {
        QStringList out;
        for (const char *item : items)
            out << QString::fromLatin1(item);
        return out;
    };
    QTest::newRow("Removed") << QStringLiteral("Removed") << list({"a", "b", "c"});
    QTest::newRow("Isolated") << QStringLiteral("Isolated") << list({"a", "-", "b", "-", "-", "c"});
    QTest::newRow("MergedWithPrevious")
        << QStringLiteral("MergedWithPrevious") << list({"a-", "b-", "-", "c"});
    QTest::newRow("MergedWithNext")
        << QStringLiteral("MergedWithNext") << list({"a", "-b", "-", "-c"});
    QTest::newRow("Contiguous") << QStringLiteral("Contiguous") << list({"a", "-", "b", "--", "c"});
}

void TestPreTokenizer::behaviors() {
    QFETCH(QString, behavior);
    QFETCH(QStringList, pieces);
    const PreTokenizer pre =
        PreTokenizer::fromJson(json(splitJson(qPrintable(behavior))), QStringLiteral("test"));
    QCOMPARE(split(pre, QStringLiteral("a-b--c")), pieces);
}

void TestPreTokenizer::fromJson_data() {
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("atStart");
    QTest::addColumn<QStringList>("pieces");
    const QString bar = QStringLiteral("\u2581");
    QTest::newRow("metaspace always")
        << QByteArray("{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                      "\"prepend_scheme\":\"always\",\"split\":true}")
        << QStringLiteral("Hello world") << false
        << QStringList{bar + QStringLiteral("Hello"), bar + QStringLiteral("world")};
    QTest::newRow("metaspace first, not at start")
        << QByteArray("{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                      "\"prepend_scheme\":\"first\",\"split\":true}")
        << QStringLiteral("x y") << false
        << QStringList{QStringLiteral("x"), bar + QStringLiteral("y")};
    QTest::newRow("metaspace first, at start")
        << QByteArray("{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                      "\"prepend_scheme\":\"first\",\"split\":true}")
        << QStringLiteral("x y") << true
        << QStringList{bar + QStringLiteral("x"), bar + QStringLiteral("y")};
    QTest::newRow("metaspace legacy add_prefix_space, no split")
        << QByteArray("{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                      "\"add_prefix_space\":false,\"split\":false}")
        << QStringLiteral("a b") << true
        << QStringList{QStringLiteral("a") + bar + QStringLiteral("b")};
    QTest::newRow("byte-level prefix space")
        << QByteArray("{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"use_regex\":true}")
        << QStringLiteral("hi there") << true
        << QStringList{QStringLiteral(" hi"), QStringLiteral(" there")};
    QTest::newRow("digits") << QByteArray("{\"type\":\"Digits\",\"individual_digits\":true}")
                            << QStringLiteral("a12") << true
                            << QStringList{QStringLiteral("a"), QStringLiteral("1"),
                                           QStringLiteral("2")};
    QTest::newRow("whitespace split")
        << QByteArray("{\"type\":\"WhitespaceSplit\"}") << QStringLiteral(" a  b\tc ") << true
        << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
    // Llama 3 / Qwen2 tokenizer.json: regex split, then byte-level without its own regex.
    QTest::newRow("split + byte-level sequence")
        << QByteArray("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\","
                      "\"pattern\":{\"Regex\":\"\\\\p{N}{1,3}| ?\\\\p{L}+|\\\\s+\"},"
                      "\"behavior\":\"Isolated\",\"invert\":false},{\"type\":\"ByteLevel\","
                      "\"add_prefix_space\":false,\"use_regex\":false}]}")
        << QStringLiteral("Hello world 12345") << true
        << QStringList{QStringLiteral("Hello"), QStringLiteral(" world"), QStringLiteral(" "),
                       QStringLiteral("123"), QStringLiteral("45")};
    QTest::newRow("null: one word") << QByteArray("null") << QStringLiteral("a b") << true
                                    << QStringList{QStringLiteral("a b")};
}

void TestPreTokenizer::fromJson() {
    QFETCH(QByteArray, config);
    QFETCH(QString, text);
    QFETCH(bool, atStart);
    QFETCH(QStringList, pieces);
    const QJsonValue value = config == "null" ? QJsonValue() : json(config.constData());
    const PreTokenizer pre = PreTokenizer::fromJson(value, QStringLiteral("test"));
    QCOMPARE(split(pre, text, atStart), pieces);
    QVERIFY(split(pre, QString()).isEmpty());
}

void TestPreTokenizer::unknownHint() {
    QVERIFY(RegexPattern::builtin(QStringLiteral("gpt5")).isEmpty());
    QVERIFY_THROWS_EXCEPTION(Error,
                             RegexPattern::compile(QStringLiteral("(a"), QStringLiteral("test")));
}

void TestPreTokenizer::normalizer_data() {
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("normalized");
    const QByteArray llama2 = "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\","
                              "\"prepend\":\"\u2581\"},{\"type\":\"Replace\",\"pattern\":"
                              "{\"String\":\" \"},\"content\":\"\u2581\"}]}";
    QTest::newRow("llama2") << llama2 << QStringLiteral("Hi there")
                            << QStringLiteral("\u2581Hi\u2581there");
    QTest::newRow("llama2 empty stays empty") << llama2 << QString() << QString();
    QTest::newRow("nfc") << QByteArray("{\"type\":\"NFC\"}") << QStringLiteral("e\u0301")
                         << QStringLiteral("\u00e9");
    QTest::newRow("lowercase") << QByteArray("{\"type\":\"Lowercase\"}")
                               << QStringLiteral("ABC\u00c9") << QStringLiteral("abc\u00e9");
    QTest::newRow("strip") << QByteArray("{\"type\":\"Strip\",\"strip_left\":true,"
                                         "\"strip_right\":false}")
                           << QStringLiteral("  a ") << QStringLiteral("a ");
    QTest::newRow("regex replace") << QByteArray("{\"type\":\"Replace\",\"pattern\":{\"Regex\":"
                                                 "\" {2,}\"},\"content\":\" \"}")
                                   << QStringLiteral("a   b  c") << QStringLiteral("a b c");
}

void TestPreTokenizer::normalizer() {
    QFETCH(QByteArray, config);
    QFETCH(QString, text);
    QFETCH(QString, normalized);
    const Normalizer n = Normalizer::fromJson(json(config.constData()), QStringLiteral("test"));
    QCOMPARE(n.apply(text), normalized);
}

void TestPreTokenizer::decoder_data() {
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<QByteArray>("text");
    const QByteArray llama2 =
        "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":"
        "\"\u2581\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},"
        "{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]}";
    const QByteArray bar = "\xe2\x96\x81";
    QTest::newRow("llama2") << llama2 << QList<QByteArray>{bar + "Hello", bar,      "<0xE4>",
                                                           "<0xBD>",      "<0xA0>", bar + "world"}
                            << QByteArray("Hello \xe4\xbd\xa0 world");
    QTest::newRow("llama2 after BOS")
        << llama2 << QList<QByteArray>{"<s>", bar + "Hi"} << QByteArray("<s> Hi");
    QTest::newRow("llama2 strips one space")
        << llama2 << QList<QByteArray>{bar + bar + "x"} << QByteArray(" x");
    QTest::newRow("byte fallback lowercase hex, invalid kept")
        << QByteArray("{\"type\":\"ByteFallback\"}") << QList<QByteArray>{"<0x0a>", "<0xZZ>"}
        << QByteArray("\n<0xZZ>");
    QTest::newRow("metaspace") << QByteArray("{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                                             "\"prepend_scheme\":\"always\"}")
                               << QList<QByteArray>{bar + "Hey", bar + "friend"}
                               << QByteArray("Hey friend");
    QTest::newRow("byte-level pieces are raw bytes")
        << QByteArray("{\"type\":\"ByteLevel\"}") << QList<QByteArray>{"a", " b"}
        << QByteArray("a b");
}

void TestPreTokenizer::decoder() {
    QFETCH(QByteArray, config);
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(QByteArray, text);
    const TokenDecoder d = TokenDecoder::fromJson(json(config.constData()), QStringLiteral("test"));
    QCOMPARE(d.decode(std::vector<QByteArray>(pieces.begin(), pieces.end())), text);
}

QTEST_GUILESS_MAIN(TestPreTokenizer)
#include "tst_pretokenizer.moc"
