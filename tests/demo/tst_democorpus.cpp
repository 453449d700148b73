// DemoCorpus: determinism, split disjointness, and the correctness of every worked answer.
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
                 QStringLiteral("Question: Maya has 6 balls. Nora has 27 balls. How many balls do "
                                "they have together?\nAnswer: Maya has 6 and Nora has 27. "
                                "6 + 27 = 33. The answer is 33."));
        QCOMPARE(digest(DemoCorpus::joinDocuments(documents)),
                 QByteArray("c3d95dd663303c7dc75cc22204e16e7d6e373df3f6ef37774d2507a006aac578"));
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
        static const QRegularExpression equation(QStringLiteral("(\\d+) ([+-]) (\\d+) = (\\d+)"));
        int problems = 0;
        int twoStep = 0;
        QStringList documents = splits.train + splits.heldout;
        for (const ArithmeticProblem &item : splits.qa)
            documents.append(item.document());
        for (const QString &document : documents) {
            if (!document.startsWith(QLatin1String("Question: ")))
                continue;
            ++problems;
            const QRegularExpressionMatch match = shape.match(document);
            QVERIFY2(match.hasMatch(), qPrintable(document));
            bool ok = false;
            const int expected = answerFromQuestion(match.captured(1), &ok);
            QVERIFY2(ok, qPrintable(document));
            QCOMPARE(match.captured(3).toInt(), expected);
            QVERIFY(expected >= 0);
            QRegularExpressionMatchIterator it = equation.globalMatch(match.captured(2));
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
