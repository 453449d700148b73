// DemoCorpus: determinism, split disjointness, and the correctness of every worked answer.
#include "lm/qaformat.h"
#include "text/democorpus.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace nwc;

namespace {

/// Recomputes a problem's answer from the question text alone (independent of the solution).
int answerFromQuestion(const QString &question, bool *ok) {
    static const QRegularExpression numberPattern(QStringLiteral("\\d+"));
    QVector<int> numbers;
    QRegularExpressionMatchIterator it = numberPattern.globalMatch(question);
    while (it.hasNext())
        numbers.append(it.next().captured(0).toInt());
    *ok = true;
    if (question.contains(QLatin1String(" more and then gives ")) && numbers.size() == 3)
        return numbers[0] + numbers[1] - numbers[2];
    if ((question.contains(QLatin1String(" more. ")) ||
         question.contains(QLatin1String("together?"))) &&
        numbers.size() == 2)
        return numbers[0] + numbers[1];
    if ((question.contains(QLatin1String(" gives ")) ||
         question.contains(QLatin1String(" loses ")) ||
         question.contains(QLatin1String(" sells "))) &&
        numbers.size() == 2)
        return numbers[0] - numbers[1];
    *ok = false;
    return 0;
}

QByteArray digest(const QByteArray &bytes) {
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestDemoCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedGivesIdenticalBytes() {
        const DemoSplits a = DemoCorpus::makeSplits(7, 800, 60, 30);
        const DemoSplits b = DemoCorpus::makeSplits(7, 800, 60, 30);
        QCOMPARE(DemoCorpus::joinDocuments(a.train), DemoCorpus::joinDocuments(b.train));
        QCOMPARE(DemoCorpus::joinDocuments(a.heldout), DemoCorpus::joinDocuments(b.heldout));
        QCOMPARE(DemoCorpus::qaJsonLines(a.qa), DemoCorpus::qaJsonLines(b.qa));
        QCOMPARE(a.train.size(), 800);
        QCOMPARE(a.heldout.size(), 60);
        QCOMPARE(a.qa.size(), 30);
    }

    void bytesAreTheSameOnEveryPlatform() {
        // The generator uses only std::mt19937_64 (fully specified by the standard) and our own
        // distributions, so these digests must hold on every compiler and library.
        DemoCorpus corpus(12345);
        QStringList documents;
        for (int i = 0; i < 50; ++i)
            documents.append(corpus.document());
        QCOMPARE(documents.first(),
                 QStringLiteral("Question: Max has 22 shells. He buys 16 more and then gives 16 "
                                "to Ivy. How many shells does Max have now?\nAnswer: Max starts "
                                "with 22 shells. 22 + 16 = 38. Then 38 - 16 = 22. The answer is "
                                "22."));
        QCOMPARE(digest(DemoCorpus::joinDocuments(documents)),
                 QByteArray("0c0ebef409549f8ac3f70787c16f5d311e16ee240d71b80213d3331d60a7e5a9"));
    }

    void differentSeedsDiffer() {
        const DemoSplits a = DemoCorpus::makeSplits(7, 200, 20, 10);
        const DemoSplits b = DemoCorpus::makeSplits(8, 200, 20, 10);
        QVERIFY(DemoCorpus::joinDocuments(a.train) != DemoCorpus::joinDocuments(b.train));
        QVERIFY(DemoCorpus::joinDocuments(a.heldout) != DemoCorpus::joinDocuments(b.heldout));
        QVERIFY(DemoCorpus::qaJsonLines(a.qa) != DemoCorpus::qaJsonLines(b.qa));
        // The three streams of one seed differ from each other too.
        QVERIFY(a.train.mid(0, 20) != a.heldout);
    }

    void heldoutAndQaAreDisjointFromTrain() {
        const DemoSplits splits = DemoCorpus::makeSplits(3, 20000, 300, 100);
        const QSet<QString> train(splits.train.cbegin(), splits.train.cend());
        QSet<QString> heldout;
        for (const QString &document : splits.heldout) {
            QVERIFY2(!train.contains(document), qPrintable(document));
            QVERIFY2(!heldout.contains(document), qPrintable(document));
            heldout.insert(document);
        }
        QSet<QString> trainQuestions;
        for (const QString &document : splits.train) {
            if (document.startsWith(QLatin1String("Question: ")))
                trainQuestions.insert(document.mid(10).section(QLatin1Char('\n'), 0, 0));
        }
        QVERIFY(trainQuestions.size() > 10000);
        QSet<QString> qaQuestions;
        for (const ArithmeticProblem &item : splits.qa) {
            QVERIFY2(!trainQuestions.contains(item.question), qPrintable(item.question));
            QVERIFY(!qaQuestions.contains(item.question));
            qaQuestions.insert(item.question);
        }
    }

    void calibrationStreamIsOutsideTrainAndHeldout() {
        const DemoSplits splits = DemoCorpus::makeSplits(3, 20000, 300, 0);
        QSet<QString> used(splits.train.cbegin(), splits.train.cend());
        for (const QString &document : splits.heldout)
            used.insert(document);
        const QStringList calibration = DemoCorpus::calibrationDocuments(3, 20000, 300, 400);
        QCOMPARE(calibration.size(), 400);
        QSet<QString> seen;
        for (const QString &document : calibration) {
            QVERIFY2(!used.contains(document), qPrintable(document));
            QVERIFY2(!seen.contains(document), qPrintable(document));
            seen.insert(document);
        }
        // Prefix-stable: asking for fewer documents gives the first ones.
        QCOMPARE(DemoCorpus::calibrationDocuments(3, 20000, 300, 50), calibration.mid(0, 50));
        // A stream of its own: not the held-out stream.
        QVERIFY(calibration.mid(0, 20) != splits.heldout.mid(0, 20));
    }

    void everyArithmeticAnswerIsCorrect() {
        const DemoSplits splits = DemoCorpus::makeSplits(11, 5000, 200, 200);
        static const QRegularExpression shape(
            QStringLiteral("^Question: ([^\\n]+)\\nAnswer: (.+) The answer is (\\d+)\\.$"));
        // Short answer first: "Short answer: N. " and the working, without "The answer is".
        static const QRegularExpression shortShape(
            QStringLiteral("^Question: ([^\\n]+)\\nShort answer: (\\d+)\\. (.+)$"));
        static const QRegularExpression equation(QStringLiteral("(\\d+) ([+-]) (\\d+) = (\\d+)"));
        int problems = 0;
        int twoStep = 0;
        int shortAnswers = 0;
        QStringList documents = splits.train + splits.heldout;
        for (const ArithmeticProblem &item : splits.qa)
            documents.append(item.document());
        for (const QString &document : documents) {
            if (!document.startsWith(QLatin1String("Question: ")))
                continue;
            ++problems;
            QRegularExpressionMatch match = shape.match(document);
            int statedGroup = 3;
            int workingGroup = 2;
            const bool shortAnswer = !match.hasMatch();
            if (shortAnswer) {
                match = shortShape.match(document);
                statedGroup = 2;
                workingGroup = 3;
                ++shortAnswers;
                QVERIFY2(!document.contains(QLatin1String("The answer is")), qPrintable(document));
            }
            QVERIFY2(match.hasMatch(), qPrintable(document));
            bool ok = false;
            const int expected = answerFromQuestion(match.captured(1), &ok);
            QVERIFY2(ok, qPrintable(document));
            QCOMPARE(match.captured(statedGroup).toInt(), expected);
            QVERIFY(expected >= 0);
            QRegularExpressionMatchIterator it = equation.globalMatch(match.captured(workingGroup));
            int steps = 0;
            while (it.hasNext()) {
                const QRegularExpressionMatch step = it.next();
                const int left = step.captured(1).toInt();
                const int right = step.captured(3).toInt();
                const int value =
                    step.captured(2) == QLatin1String("+") ? left + right : left - right;
                QCOMPARE(step.captured(4).toInt(), value);
                ++steps;
            }
            QVERIFY(steps == 1 || steps == 2);
            QVERIFY2(!shortAnswer || steps == 1, qPrintable(document)); // one-step only
            twoStep += steps == 2 ? 1 : 0;
            int checked = -1;
            QVERIFY(DemoCorpus::checkProblemDocument(document, &checked));
            QCOMPARE(checked, expected);
        }
        for (const ArithmeticProblem &item : splits.qa) {
            bool ok = false;
            QCOMPARE(item.answer, answerFromQuestion(item.question, &ok));
            QVERIFY(ok);
        }
        // Roughly the configured mix, with all kinds of problem present.
        const double fraction = double(problems - splits.qa.size()) / (5000 + 200);
        QVERIFY2(qAbs(fraction - DemoCorpus::kDefaultProblemFraction) < 0.03,
                 qPrintable(QString::number(fraction)));
        QVERIFY(twoStep > problems / 10);
        const double shortFraction = double(shortAnswers) / (problems - splits.qa.size());
        QVERIFY2(qAbs(shortFraction - DemoCorpus::kShortAnswerFraction) < 0.03,
                 qPrintable(QString::number(shortFraction)));
    }

    void checkRejectsWrongAnswers() {
        const QString good = QStringLiteral(
            "Question: Tom has 3 apples. He buys 4 more. How many apples does Tom have now?\n"
            "Answer: Tom starts with 3 apples. 3 + 4 = 7. The answer is 7.");
        QVERIFY(DemoCorpus::checkProblemDocument(good));
        QString wrongFinal = good;
        wrongFinal.replace(QLatin1String("answer is 7"), QLatin1String("answer is 8"));
        QVERIFY(!DemoCorpus::checkProblemDocument(wrongFinal));
        QString wrongSum = good;
        wrongSum.replace(QLatin1String("3 + 4 = 7. The answer is 7"),
                         QLatin1String("3 + 4 = 8. The answer is 8"));
        QVERIFY(!DemoCorpus::checkProblemDocument(wrongSum));
        QVERIFY(!DemoCorpus::checkProblemDocument(QStringLiteral("Once upon a time, a fox.")));

        const QString shortFirst = QStringLiteral(
            "Question: Tom has 3 apples. He buys 4 more. How many apples does Tom have now?\n"
            "Short answer: 7. Tom starts with 3 apples. 3 + 4 = 7.");
        int answer = 0;
        QVERIFY(DemoCorpus::checkProblemDocument(shortFirst, &answer));
        QCOMPARE(answer, 7);
        QString wrongShort = shortFirst;
        wrongShort.replace(QLatin1String("Short answer: 7"), QLatin1String("Short answer: 6"));
        QVERIFY(!DemoCorpus::checkProblemDocument(wrongShort));
        QString wrongWorking = shortFirst;
        wrongWorking.replace(QLatin1String("3 + 4 = 7."), QLatin1String("3 + 4 = 8."));
        QVERIFY(!DemoCorpus::checkProblemDocument(wrongWorking));
    }

    void shortAnswerDocumentPutsTheResultFirst() {
        DemoCorpus corpus(5);
        for (int i = 0; i < 300; ++i) {
            const ArithmeticProblem item = corpus.problem(true);
            QVERIFY(!item.working.contains(QLatin1String("Then"))); // one step
            const QString document = item.shortAnswerDocument();
            QVERIFY2(document.startsWith(QStringLiteral("Question: ") + item.question +
                                         QStringLiteral("\nShort answer: ") +
                                         QString::number(item.answer) + QStringLiteral(". ")),
                     qPrintable(document));
            QVERIFY(document.endsWith(item.working));
            QCOMPARE(item.solution, item.working + QStringLiteral(" The answer is ") +
                                        QString::number(item.answer) + QStringLiteral("."));
            // The set's answer rule reads the short answer from a completion of its prompt.
            const QString completion = document.section(QStringLiteral("Short answer:"), 1);
            QCOMPARE(extractAnswer(completion, DemoCorpus::shortAnswerPattern()),
                     QString::number(item.answer));
        }
    }

    void storiesLookLikeStories() {
        DemoCorpus corpus(99);
        for (int i = 0; i < 200; ++i) {
            const QString story = corpus.story();
            QVERIFY(story.size() > 150);
            QVERIFY(story.endsWith(QLatin1Char('.')));
            QVERIFY(!story.contains(QLatin1String("  ")));
            QVERIFY(!story.contains(QLatin1Char('\n')));
            QVERIFY(story.at(0).isUpper());
        }
    }
};

QTEST_GUILESS_MAIN(TestDemoCorpus)
#include "tst_democorpus.moc"
