// `nwc tokenize`, run as a separate process: golden ids on real tokenizer files (BOS exactly
// where evaluation adds it), the --ids / --pieces / --json shapes, and its errors.
//
// Golden ids, none produced by our code:
//  - Llama 2 (SentencePiece): llama.cpp's external/llamacpp-vocab/ggml-vocab-llama-spm.gguf.out,
//    case #11 "Hello world" -> 15043 3186 and case #16 "Hello, world!" -> 15043 29892 3186
//    29991 (no BOS there; BOS is 1). tests/text/tst_tokenizergolden.cpp checks these vectors
//    against tokenizer.model, tokenizer.bin and the tokenizer.json folder used below.
//  - Qwen3 (= Qwen2 vocabulary, bos_token null): ggml-vocab-qwen2.gguf.out, case #11
//    "Hello world" -> 9707 1879 and case #16 "Hello, world!" -> 9707 11 1879 0.
//  - stories260K's tok512.bin: tests/text/tst_llama2ctokenizer.cpp, "Zoo" -> 1 410 469 347
//    and its byte-fallback row (from a transcription of llama2.c's run.c encode()).
#include "clitesting.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = nwc::test::CliRun;
using nwc::test::runNwc;

QString external(const QString &relative) {
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + relative;
}

/// "nwc tokenize SOURCE OPTIONS -- WORDS".
QStringList tokenizeArgs(const QString &source, const QStringList &options,
                         const QStringList &words) {
    return QStringList{QStringLiteral("tokenize"), source} + options +
           QStringList{QStringLiteral("--")} + words;
}

/// Writes `bytes` into `dir`/name and returns the path.
QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write the test file");
    return path;
}

QJsonObject parseJson(const QString &text) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON: %s", qPrintable(text));
    return document.object();
}

QList<int> idsOf(const QJsonObject &json) {
    QList<int> ids;
    for (const QJsonValue &value : json.value(QLatin1String("ids")).toArray())
        ids << value.toInt();
    return ids;
}

QStringList piecesOf(const QJsonObject &json) {
    QStringList pieces;
    for (const QJsonValue &value : json.value(QLatin1String("pieces")).toArray())
        pieces << value.toString();
    return pieces;
}

/// The last line of stderr.
QString lastErrorLine(const Run &run) {
    return run.err.trimmed().split(QLatin1Char('\n')).last();
}

const QStringList kHelloWorld{QStringLiteral("Hello"), QStringLiteral("world")};
const QStringList kHelloCommaWorld{QStringLiteral("Hello,"), QStringLiteral("world!")};

} // namespace

class TestTokenize : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listedInHelp();
    void llamaStartsWithBos_data();
    void llamaStartsWithBos();
    void noBosSuppressesIt();
    void qwenHasNoBos_data();
    void qwenHasNoBos();
    void modelUsesTokenizerBesideIt();
    void tableShowsIdsAndQuotedPieces();
    void piecesEscapeBytes();
    void jsonShape();
    void jsonFileKeepsTable();
    void demoModel();
    void usageErrors_data();
    void usageErrors();
    void missingFiles_data();
    void missingFiles();
    void unreadableTokenizer();
};

void TestTokenize::listedInHelp() {
    const Run run = runNwc({QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains(QLatin1String("tokenize")));
    const Run help = runNwc({QStringLiteral("tokenize"), QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    for (const char *option :
         {"nwc tokenize", "--text", "--ids", "--pieces", "--json", "--no-bos", "--tokenizer"})
        QVERIFY2(help.out.contains(QLatin1String(option)), option);
}

void TestTokenize::llamaStartsWithBos_data() {
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<QStringList>("words");
    QTest::addColumn<QString>("ids");
    for (const char *path : {"llama2-tokenizer-karpathy/tokenizer.model",
                             "llama2-tokenizer-karpathy/tokenizer.bin", "ortx-tokenizers/llama2"}) {
        QTest::addRow("%s hello world", path)
            << QString::fromLatin1(path) << kHelloWorld << QStringLiteral("1 15043 3186");
        QTest::addRow("%s hello, world!", path) << QString::fromLatin1(path) << kHelloCommaWorld
                                                << QStringLiteral("1 15043 29892 3186 29991");
    }
}

// The Llama 2 tokenizer has BOS 1, so evaluation starts with it: so does tokenize.
void TestTokenize::llamaStartsWithBos() {
    QFETCH(QString, tokenizer);
    QFETCH(QStringList, words);
    QFETCH(QString, ids);
    const QString path = external(tokenizer);
    if (!QFileInfo::exists(path))
        QSKIP("the Llama 2 tokenizer files are not in NWC_EXTERNAL_DIR");
    const Run run = runNwc(tokenizeArgs(path, {QStringLiteral("--ids")}, words));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QString(ids + QLatin1Char('\n')));
}

void TestTokenize::noBosSuppressesIt() {
    const QString path = external(QStringLiteral("llama2-tokenizer-karpathy/tokenizer.model"));
    if (!QFileInfo::exists(path))
        QSKIP("llama2-tokenizer-karpathy is not in NWC_EXTERNAL_DIR");
    const Run run = runNwc(
        tokenizeArgs(path, {QStringLiteral("--ids"), QStringLiteral("--no-bos")}, kHelloWorld));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QStringLiteral("15043 3186\n"));
}

void TestTokenize::qwenHasNoBos_data() {
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<QStringList>("words");
    QTest::addColumn<QString>("ids");
    for (const char *path : {"qwen3-tokenizer", "qwen3-tokenizer/tokenizer.json"}) {
        QTest::addRow("%s hello world", path)
            << QString::fromLatin1(path) << kHelloWorld << QStringLiteral("9707 1879");
        QTest::addRow("%s hello, world!", path)
            << QString::fromLatin1(path) << kHelloCommaWorld << QStringLiteral("9707 11 1879 0");
    }
}

// tokenizer_config.json says bos_token null: the first id is the text's first token.
void TestTokenize::qwenHasNoBos() {
    QFETCH(QString, tokenizer);
    QFETCH(QStringList, words);
    QFETCH(QString, ids);
    const QString path = external(tokenizer);
    if (!QFileInfo::exists(path))
        QSKIP("qwen3-tokenizer is not in NWC_EXTERNAL_DIR");
    const Run run = runNwc(tokenizeArgs(path, {QStringLiteral("--ids")}, words));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QString(ids + QLatin1Char('\n')));
    const Run json = runNwc(tokenizeArgs(path, {QStringLiteral("--json")}, words));
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(parseJson(json.out).value(QLatin1String("bos_added")).toBool(), false);
}

// A llama2.c checkpoint: its tok512.bin is found beside it, as nwc eval finds it.
void TestTokenize::modelUsesTokenizerBesideIt() {
    const QString model = external(QStringLiteral("llama2c-stories260K/stories260K.bin"));
    if (!QFileInfo::exists(model))
        QSKIP("llama2c-stories260K is not in NWC_EXTERNAL_DIR");
    QTemporaryDir dir;
    const QString text = writeFile(dir, QStringLiteral("zoo.txt"), "Zoo");
    const Run run = runNwc({QStringLiteral("tokenize"), model, QStringLiteral("--text"), text,
                            QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject json = parseJson(run.out);
    QCOMPARE(idsOf(json), (QList<int>{1, 410, 469, 347}));
    QVERIFY2(
        json.value(QLatin1String("tokenizer")).toString().endsWith(QLatin1String("tok512.bin")),
        qPrintable(run.out));
    QCOMPARE(json.value(QLatin1String("kind")).toString(), QStringLiteral("llama2c"));
    // The tokenizer file itself gives the same ids.
    const Run direct = runNwc({QStringLiteral("tokenize"),
                               external(QStringLiteral("llama2c-stories260K/tok512.bin")),
                               QStringLiteral("--text"), text, QStringLiteral("--ids")});
    QCOMPARE(direct.exitCode, 0);
    QCOMPARE(direct.out, QStringLiteral("1 410 469 347\n"));
}

// One line per token, id TAB 'piece'; SentencePiece pieces keep their leading space as
// llama.cpp's llama-tokenize shows them; the count goes to stderr.
void TestTokenize::tableShowsIdsAndQuotedPieces() {
    const QString path = external(QStringLiteral("ortx-tokenizers/llama2"));
    if (!QFileInfo::exists(path))
        QSKIP("ortx-tokenizers/llama2 is not in NWC_EXTERNAL_DIR");
    const Run run = runNwc(tokenizeArgs(path, {}, kHelloWorld));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QStringLiteral("1\t'<s>'\n15043\t' Hello'\n3186\t' world'\n"));
    QVERIFY2(lastErrorLine(run).startsWith(QLatin1String("[3 tokens, BOS 1 first")),
             qPrintable(run.err));
    const QString spm = external(QStringLiteral("llama2-tokenizer-karpathy/tokenizer.model"));
    if (!QFileInfo::exists(spm))
        QSKIP("llama2-tokenizer-karpathy is not in NWC_EXTERNAL_DIR");
    const Run model = runNwc(tokenizeArgs(spm, {QStringLiteral("--pieces")}, kHelloWorld));
    QCOMPARE(model.exitCode, 0);
    QCOMPARE(model.out, QStringLiteral("<s>\n Hello\n world\n"));
}

// Byte-fallback tokens show their byte; control characters are escaped.
void TestTokenize::piecesEscapeBytes() {
    const QString path = external(QStringLiteral("llama2c-stories260K/tok512.bin"));
    if (!QFileInfo::exists(path))
        QSKIP("llama2c-stories260K is not in NWC_EXTERNAL_DIR");
    QTemporaryDir dir;
    const QString text =
        writeFile(dir, QStringLiteral("bytes.txt"), "Hello w\xc3\xb6rld \xf0\x9f\xa6\x99!");
    const Run ids = runNwc({QStringLiteral("tokenize"), path, QStringLiteral("--text"), text,
                            QStringLiteral("--ids")});
    QCOMPARE(ids.exitCode, 0);
    QCOMPARE(ids.out,
             QStringLiteral("1 346 306 414 263 198 185 420 341 410 243 162 169 156 443\n"));
    const Run run = runNwc({QStringLiteral("tokenize"), path, QStringLiteral("--text"), text,
                            QStringLiteral("--pieces")});
    QCOMPARE(run.exitCode, 0);
    const QStringList lines = run.out.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 16); // 15 pieces and the empty rest after the last newline
    // tok512's BOS piece is "\n<s>\n" (tests/text/tst_llama2ctokenizer.cpp).
    QCOMPARE(lines[0], QStringLiteral("\\n<s>\\n"));
    // 198 and 185 are the bytes of ö (3 + 0xc3, 3 + 0xb6), 243..156 those of the emoji.
    QCOMPARE(lines[5], QStringLiteral("\\xc3"));
    QCOMPARE(lines[6], QStringLiteral("\\xb6"));
    QCOMPARE(lines.mid(10, 4), (QStringList{QStringLiteral("\\xf0"), QStringLiteral("\\x9f"),
                                            QStringLiteral("\\xa6"), QStringLiteral("\\x99")}));
}

void TestTokenize::jsonShape() {
    const QString path = external(QStringLiteral("llama2-tokenizer-karpathy/tokenizer.model"));
    if (!QFileInfo::exists(path))
        QSKIP("llama2-tokenizer-karpathy is not in NWC_EXTERNAL_DIR");
    const Run run = runNwc(tokenizeArgs(path, {QStringLiteral("--json")}, kHelloWorld));
    QCOMPARE(run.exitCode, 0);
    const QJsonObject json = parseJson(run.out);
    QCOMPARE(json.value(QLatin1String("tokenizer")).toString(), path);
    QCOMPARE(json.value(QLatin1String("kind")).toString(), QStringLiteral("sentencepiece"));
    QCOMPARE(json.value(QLatin1String("bos_added")).toBool(), true);
    QCOMPARE(json.value(QLatin1String("count")).toInt(), 3);
    QCOMPARE(idsOf(json), (QList<int>{1, 15043, 3186}));
    QCOMPARE(piecesOf(json), (QStringList{QStringLiteral("<s>"), QStringLiteral(" Hello"),
                                          QStringLiteral(" world")}));
    // JSON replaces the text on stdout: nothing else there, no count on stderr.
    QVERIFY(run.out.trimmed().startsWith(QLatin1Char('{')));
    QVERIFY(run.out.trimmed().endsWith(QLatin1Char('}')));
}

void TestTokenize::jsonFileKeepsTable() {
    const QString path = external(QStringLiteral("llama2-tokenizer-karpathy/tokenizer.model"));
    if (!QFileInfo::exists(path))
        QSKIP("llama2-tokenizer-karpathy is not in NWC_EXTERNAL_DIR");
    QTemporaryDir dir;
    const QString jsonPath = dir.filePath(QStringLiteral("tokens.json"));
    const Run run = runNwc(tokenizeArgs(
        path, {QStringLiteral("--ids"), QStringLiteral("--json=") + jsonPath}, kHelloWorld));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QStringLiteral("1 15043 3186\n"));
    QFile file(jsonPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = parseJson(QString::fromUtf8(file.readAll()));
    QCOMPARE(idsOf(json), (QList<int>{1, 15043, 3186}));
    QCOMPARE(json.value(QLatin1String("count")).toInt(), 3);
}

// The built-in demo tokenizer: BOS <|bos|> first (tokenizer_config.json), byte-level pieces
// that spell the text.
void TestTokenize::demoModel() {
    const QString text = QStringLiteral("Once upon a time");
    const Run run = runNwc(tokenizeArgs(QStringLiteral("demo:student"), {QStringLiteral("--json")},
                                        text.split(QLatin1Char(' '))));
    QCOMPARE(run.exitCode, 0);
    const QJsonObject json = parseJson(run.out);
    QCOMPARE(json.value(QLatin1String("bos_added")).toBool(), true);
    QCOMPARE(json.value(QLatin1String("kind")).toString(), QStringLiteral("bpe-bytelevel"));
    const QStringList pieces = piecesOf(json);
    QVERIFY(pieces.size() >= 2);
    QCOMPARE(pieces.first(), QStringLiteral("<|bos|>"));
    QCOMPARE(pieces.mid(1).join(QString()), text);
    QCOMPARE(json.value(QLatin1String("count")).toInt(), int(pieces.size()));
}

void TestTokenize::usageErrors_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    const QString tokenizer = QStringLiteral("demo:student");
    QTest::newRow("no text") << QStringList{QStringLiteral("tokenize"), tokenizer}
                             << QStringLiteral("--text FILE or -- TEXT");
    QTest::newRow("nothing after --")
        << QStringList{QStringLiteral("tokenize"), tokenizer, QStringLiteral("--")}
        << QStringLiteral("no text after --");
    QTest::newRow("both texts") << QStringList{QStringLiteral("tokenize"), tokenizer,
                                               QStringLiteral("--text"),   QStringLiteral("a.txt"),
                                               QStringLiteral("--"),       QStringLiteral("b")}
                                << QStringLiteral("not both");
    QTest::newRow("text without --")
        << QStringList{QStringLiteral("tokenize"), tokenizer, QStringLiteral("hello")}
        << QStringLiteral("after --");
    QTest::newRow("no source") << QStringList{QStringLiteral("tokenize"), QStringLiteral("--"),
                                              QStringLiteral("hello")}
                               << QStringLiteral("one MODEL or TOKENIZER");
    QTest::newRow("--ids and --pieces")
        << tokenizeArgs(tokenizer, {QStringLiteral("--ids"), QStringLiteral("--pieces")},
                        {QStringLiteral("x")})
        << QStringLiteral("--ids and --pieces");
    QTest::newRow("--ids with --json")
        << tokenizeArgs(tokenizer, {QStringLiteral("--ids"), QStringLiteral("--json")},
                        {QStringLiteral("x")})
        << QStringLiteral("--json=FILE");
}

void TestTokenize::usageErrors() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const Run run = runNwc(arguments);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.out, QString());
    const QString line = lastErrorLine(run);
    QVERIFY2(line.startsWith(QLatin1String("nwc: error: ")), qPrintable(run.err));
    QVERIFY2(line.contains(mentions), qPrintable(line));
}

void TestTokenize::missingFiles_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("missing tokenizer")
        << tokenizeArgs(QStringLiteral("/nonexistent/tokenizer.json"), {}, {QStringLiteral("x")})
        << QStringLiteral("/nonexistent/tokenizer.json");
    QTest::newRow("missing model")
        << tokenizeArgs(QStringLiteral("/nonexistent/model.bin"), {}, {QStringLiteral("x")})
        << QStringLiteral("/nonexistent/model.bin");
    QTest::newRow("missing text file")
        << QStringList{QStringLiteral("tokenize"), QStringLiteral("demo:student"),
                       QStringLiteral("--text"), QStringLiteral("/nonexistent/text.txt")}
        << QStringLiteral("/nonexistent/text.txt");
}

// One line "nwc: error: ..." naming the file, exit 1.
void TestTokenize::missingFiles() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const Run run = runNwc(arguments);
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.out, QString());
    QCOMPARE(run.err.trimmed().count(QLatin1Char('\n')), 0);
    const QString line = lastErrorLine(run);
    QVERIFY2(line.startsWith(QLatin1String("nwc: error: ")), qPrintable(run.err));
    QVERIFY2(line.contains(mentions), qPrintable(line));
}

void TestTokenize::unreadableTokenizer() {
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("notes.txt"), "not a tokenizer\n");
    const Run run = runNwc(tokenizeArgs(path, {}, {QStringLiteral("x")}));
    QCOMPARE(run.exitCode, 1);
    const QString line = lastErrorLine(run);
    QVERIFY2(line.startsWith(QLatin1String("nwc: error: ")) && line.contains(path),
             qPrintable(run.err));
    QVERIFY2(line.contains(QLatin1String("tokenizer.json")), qPrintable(line));
}

QTEST_GUILESS_MAIN(TestTokenize)
#include "tst_tokenize.moc"
