// QA data formats and answer rules: the built-in JSONL, GSM8K-style answers ("#### N"), other
// field names, regular-expression extractors and answer matching, and the errors for bad input.
#include "jobs/error.h"
#include "lm/qaformat.h"

#include <QTemporaryDir>
#include <QTest>

using namespace nwc;

namespace {

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

/// Writes `content` as a QA file into a temporary folder and loads it with the default format.
QVector<QaItem> loadQaText(const QByteArray &content) {
    QTemporaryDir dir;
    return loadQaSet(writeFile(dir, QStringLiteral("qa.jsonl"), content));
}

} // namespace

class TestQaFormat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtInFormat() {
        const QVector<QaItem> items =
            loadQaText("{\"question\": \"What is 2 + 3?\", \"answer\": \"5\"}\n\n"
                       "{\"question\": \"Half of 9?\", \"answer\": 4.5}\n");
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[0].question, QStringLiteral("What is 2 + 3?"));
        QCOMPARE(items[0].answer, QStringLiteral("5"));
        QCOMPARE(items[1].answer, QStringLiteral("4.5"));
    }

    /// GSM8K's test.jsonl: the answer field is the worked solution ending in "#### N".
    void gsm8kAnswers() {
        const QVector<QaItem> items = loadQaText(
            "{\"question\": \"Janet's ducks lay 16 eggs per day. She eats three for breakfast "
            "every morning and bakes muffins for her friends every day with four. She sells the "
            "remainder at the farmers' market daily for $2 per fresh duck egg. How much in "
            "dollars does she make every day at the farmers' market?\", \"answer\": \"Janet "
            "sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\\nShe makes 9 * 2 = $<<9*2=18>>18 "
            "every day at the farmer's market.\\n#### 18\"}\n"
            "{\"question\": \"How many cents?\", "
            "\"answer\": \"It is 1,200 cents.\\n#### 1,200\"}\n");
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[0].answer, QStringLiteral("18"));
        QCOMPARE(items[1].answer, QStringLiteral("1,200"));
        QCOMPARE(referenceAnswer(QStringLiteral("no marker ")), QStringLiteral("no marker"));
        // A model answering in GSM8K's own style is read by the built-in rule.
        QCOMPARE(extractAnswer(QStringLiteral("She makes 9 * 2 = 18.\n#### 18")),
                 QStringLiteral("18"));
        QVERIFY(answersMatch(extractAnswer(QStringLiteral("So 1,200 in all. #### 1200")),
                             items[1].answer));
    }

    void otherFieldNames() {
        QTemporaryDir dir;
        const QString path =
            writeFile(dir, QStringLiteral("custom.jsonl"),
                      "{\"problem\": \"Capital of France?\", \"solution\": \"Paris\"}\n");
        QaFormat format;
        format.questionField = QStringLiteral("problem");
        format.answerField = QStringLiteral("solution");
        const QVector<QaItem> items = loadQaSet(path, format);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0].question, QStringLiteral("Capital of France?"));
        QCOMPARE(items[0].answer, QStringLiteral("Paris"));
        // With the default fields the same file is refused, naming the file, line and fields.
        try {
            loadQaSet(path);
            QFAIL("a file without the question field was read");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(path + QStringLiteral(":1")) &&
                         error.message().contains(QStringLiteral("\"question\"")) &&
                         error.message().contains(QStringLiteral("--question-field")),
                     qPrintable(error.message()));
        }
    }

    void badFiles() {
        QTemporaryDir dir;
        const QString broken =
            writeFile(dir, QStringLiteral("broken.jsonl"),
                      "{\"question\": \"a\", \"answer\": \"1\"}\n{\"question\": \"b\", \n");
        try {
            loadQaSet(broken);
            QFAIL("a broken line was read");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(broken + QStringLiteral(":2")),
                     qPrintable(error.message()));
        }
        const QString empty = writeFile(dir, QStringLiteral("empty.jsonl"), "\n\n");
        QVERIFY_THROWS_EXCEPTION(Error, loadQaSet(empty));
        QVERIFY_THROWS_EXCEPTION(Error, loadQaSet(dir.filePath(QStringLiteral("missing.jsonl"))));
    }

    void builtInRule() {
        QCOMPARE(extractAnswer(QStringLiteral("3 + 4 = 7. The answer is 7.")), QStringLiteral("7"));
        QCOMPARE(extractAnswer(QStringLiteral("We have 12 and then 15")), QStringLiteral("15"));
        QCOMPARE(extractAnswer(QStringLiteral("The answer is $1,250.")), QStringLiteral("1250"));
        QCOMPARE(extractAnswer(QStringLiteral("no digits here")), QString());
    }

    void regexRule() {
        const QString pattern = QStringLiteral("Final: (\\S+)");
        QCOMPARE(extractAnswer(QStringLiteral("Final: 3 ... Final: 42"), pattern),
                 QStringLiteral("42"));
        // No capture group: the whole match.
        QCOMPARE(extractAnswer(QStringLiteral("the colour is blue, not red"),
                               QStringLiteral("blue|red")),
                 QStringLiteral("red"));
        QCOMPARE(extractAnswer(QStringLiteral("nothing"), pattern), QString());
        QVERIFY_THROWS_EXCEPTION(Error, checkAnswerPattern(QStringLiteral("(unclosed"),
                                                           QStringLiteral("--answer-regex")));
        try {
            checkAnswerPattern(QStringLiteral("(a)(b)"), QStringLiteral("--answer-regex"));
            QFAIL("two capture groups were accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("--answer-regex")),
                     qPrintable(error.message()));
        }
        checkAnswerPattern(QString(), QStringLiteral("--answer-regex")); // empty: built-in rule
    }

    void matching() {
        QVERIFY(answersMatch(QStringLiteral("72"), QStringLiteral("72")));
        QVERIFY(answersMatch(QStringLiteral("72.0"), QStringLiteral("72")));
        QVERIFY(answersMatch(QStringLiteral("$1,000."), QStringLiteral("1000")));
        QVERIFY(answersMatch(QStringLiteral(" Paris "), QStringLiteral("Paris")));
        QVERIFY(!answersMatch(QStringLiteral("71"), QStringLiteral("72")));
        QVERIFY(!answersMatch(QString(), QStringLiteral("72")));
        QVERIFY(!answersMatch(QStringLiteral("paris"), QStringLiteral("Paris")));
        QVERIFY(!answersMatch(QStringLiteral("1,5"), QStringLiteral("15")));
    }
};

QTEST_GUILESS_MAIN(TestQaFormat)
#include "tst_qaformat.moc"
