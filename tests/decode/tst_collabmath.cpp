// The probability arithmetic of collaborative decoding against hand-computed distributions
// (dyadic values, so every mixed score is exact), the tokenizer compatibility check and answer
// extraction.
#include "bytetokenizer.h"

#include "decode/collabmath.h"
#include "decode/tokenizercompatibility.h"
#include "jobs/error.h"
#include "lm/qabenchmark.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace nwc;

namespace {

/// A byte tokenizer whose vocabulary can be changed: one token renamed, or a different size.
class EditedTokenizer : public test::ByteTokenizer {
public:
    EditedTokenizer(int renamed, int extraTokens, int32_t eos = 2)
        : m_renamed(renamed)
        , m_extra(extraTokens)
        , m_eos(eos) {}
    int vocabSize() const override { return ByteTokenizer::vocabSize() + m_extra; }
    QString tokenText(int32_t id) const override {
        return id == m_renamed ? QStringLiteral("renamed") : ByteTokenizer::tokenText(id);
    }
    int32_t eosId() const override { return m_eos; }

private:
    int m_renamed;
    int m_extra;
    int32_t m_eos;
};

} // namespace

class TestCollabMath : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rule_data() {
        QTest::addColumn<std::vector<double>>("student");
        QTest::addColumn<std::vector<double>>("teacher");
        QTest::addColumn<double>("alpha");
        QTest::addColumn<std::vector<double>>("expected");
        QTest::addColumn<int>("token");
        const std::vector<double> s{0.5, 0.25, 0.25};
        const std::vector<double> t{0.125, 0.5, 0.375};
        QTest::newRow("alpha 0 = student") << s << t << 0.0 << s << 0;
        QTest::newRow("alpha 1 = teacher") << s << t << 1.0 << t << 1;
        QTest::newRow("alpha 0.5")
            << s << t << 0.5 << std::vector<double>{0.3125, 0.375, 0.3125} << 1;
        QTest::newRow("alpha 0.25")
            << s << t << 0.25 << std::vector<double>{0.40625, 0.3125, 0.28125} << 0;
        QTest::newRow("alpha 2 over-trusts")
            << s << t << 2.0 << std::vector<double>{-0.25, 0.75, 0.5} << 1;
        QTest::newRow("alpha -1 pushes away")
            << s << t << -1.0 << std::vector<double>{0.875, 0.0, 0.125} << 0;
        // Over-trust can pick a token that neither model ranks first.
        QTest::newRow("alpha 3 new winner")
            << std::vector<double>{0.5, 0.375, 0.125} << std::vector<double>{0.4375, 0.25, 0.3125}
            << 3.0 << std::vector<double>{0.3125, 0.0, 0.6875} << 2;
        QTest::newRow("tie -> lowest id")
            << std::vector<double>{0.5, 0.25, 0.25} << std::vector<double>{0.25, 0.5, 0.25} << 0.5
            << std::vector<double>{0.375, 0.375, 0.25} << 0;
        QTest::newRow("tie among later ids")
            << std::vector<double>{0.25, 0.375, 0.375} << std::vector<double>{0.25, 0.375, 0.375}
            << 1.0 << std::vector<double>{0.25, 0.375, 0.375} << 1;
    }

    void rule() {
        QFETCH(std::vector<double>, student);
        QFETCH(std::vector<double>, teacher);
        QFETCH(double, alpha);
        QFETCH(std::vector<double>, expected);
        QFETCH(int, token);
        const std::vector<double> mixed = mixDistributions(student, teacher, alpha);
        QCOMPARE(mixed, expected);
        QCOMPARE(argmaxLowest(mixed), token);
        QCOMPARE(steeredToken(student, teacher, alpha), token);
        double sum = 0;
        for (double value : mixed)
            sum += value;
        QCOMPARE(sum, 1.0);
    }

    void gate() {
        const std::vector<double> s{0.5, 0.25, 0.25};
        const std::vector<double> t{0.125, 0.5, 0.375};
        // H = 0.5 ln 2 + 2 * 0.25 ln 4 = 1.5 ln 2 = 1.0397 nats.
        const double h = entropy(s);
        QVERIFY(std::abs(h - 1.5 * std::log(2.0)) < 1e-12);
        // Gate closed (H < tau): alpha_eff = 0, the student's token.
        QCOMPARE(effectiveAlpha(2.0, true, h, 1.2), 0.0);
        QCOMPARE(steeredToken(s, t, effectiveAlpha(2.0, true, h, 1.2)), 0);
        // Gate open (H >= tau), and gating off: alpha itself.
        QCOMPARE(effectiveAlpha(2.0, true, h, 1.0), 2.0);
        QCOMPARE(effectiveAlpha(2.0, true, h, h), 2.0);
        QCOMPARE(effectiveAlpha(2.0, false, h, 1.2), 2.0);
        QCOMPARE(steeredToken(s, t, effectiveAlpha(2.0, true, h, 1.0)), 1);
        QCOMPARE(effectiveAlpha(-1.0, true, 0.0, 0.0), -1.0);
    }

    void entropyAndKl() {
        QVERIFY(std::abs(entropy({0.25, 0.25, 0.25, 0.25}) - std::log(4.0)) < 1e-12);
        QCOMPARE(entropy({1.0, 0.0, 0.0}), 0.0);
        // KL(p || q) with p = (1/2, 1/2), q = (1/4, 3/4): 1/2 ln 2 + 1/2 ln(2/3) = 1/2 ln(4/3).
        const std::vector<double> logP{std::log(0.5), std::log(0.5)};
        const std::vector<double> logQ{std::log(0.25), std::log(0.75)};
        QVERIFY(std::abs(klDivergence(logP, logQ) - 0.5 * std::log(4.0 / 3.0)) < 1e-12);
        // The other direction: 1/4 ln(1/2) + 3/4 ln(3/2).
        QVERIFY(std::abs(klDivergence(logQ, logP) - (0.25 * std::log(0.5) + 0.75 * std::log(1.5))) <
                1e-12);
        QCOMPARE(klDivergence(logP, logP), 0.0);
        const double minusInf = -std::numeric_limits<double>::infinity();
        QVERIFY(std::isinf(klDivergence(logP, {std::log(1.0), minusInf})));
        // p = 0 terms count 0.
        QCOMPARE(klDivergence({0.0, minusInf}, {std::log(0.5), std::log(0.5)}), std::log(2.0));
    }

    void softmaxAndTopK() {
        const float logits[] = {0.0f, float(std::log(3.0)), std::nanf("")};
        const std::vector<double> logP = logSoftmax(logits, 3);
        const std::vector<double> p = exponentiate(logP);
        QVERIFY(std::abs(p[0] - 0.25) < 1e-7);
        QVERIFY(std::abs(p[1] - 0.75) < 1e-7);
        QCOMPARE(p[2], 0.0);
        const std::vector<TokenScore> top = topK({0.1, 0.4, 0.4, 0.05, 0.05}, 4);
        QCOMPARE(top.size(), size_t(4));
        QCOMPARE(top[0].id, 1);
        QCOMPARE(top[1].id, 2);
        QCOMPARE(top[2].id, 0);
        QCOMPARE(top[3].id, 3);
        QCOMPARE(topK({0.5, 0.5}, 5).size(), size_t(2));
        QCOMPARE(argmaxLowest({std::nan(""), 0.1, 0.3, 0.3}), 2);
        QCOMPARE(argmaxLowest({}), -1);
        QVERIFY_THROWS_EXCEPTION(Error, mixDistributions({0.5, 0.5}, {1.0}, 0.5));
    }

    void tokenizerCompatibility_data() {
        QTest::addColumn<int>("renamed");
        QTest::addColumn<int>("extra");
        QTest::addColumn<int>("eos");
        QTest::addColumn<QByteArray>("seed");
        QTest::addColumn<QString>("expected");
        QTest::newRow("same") << -1 << 0 << 2 << QByteArray("bytes") << QString();
        QTest::newRow("size") << -1 << 5 << 2 << QByteArray("bytes")
                              << QStringLiteral("vocabulary size: 259 vs 264 tokens");
        QTest::newRow("token") << 70 << 0 << 2 << QByteArray("bytes")
                               << QStringLiteral("the token at index 70");
        QTest::newRow("special") << -1 << 0 << 0 << QByteArray("bytes")
                                 << QStringLiteral("special tokens");
        QTest::newRow("merges") << -1 << 0 << 2 << QByteArray("other merges")
                                << QStringLiteral("merges");
    }

    void tokenizerCompatibility() {
        QFETCH(int, renamed);
        QFETCH(int, extra);
        QFETCH(int, eos);
        QFETCH(QByteArray, seed);
        QFETCH(QString, expected);
        const EditedTokenizer student(-1, 0);
        EditedTokenizer teacher(renamed, extra, eos);
        // The fingerprint seed stands for different merges over the same vocabulary.
        const test::ByteTokenizer reference(seed);
        const Tokenizer &other = seed == "bytes" ? static_cast<const Tokenizer &>(teacher)
                                                 : static_cast<const Tokenizer &>(reference);
        const QString difference = tokenizerDifference(student, other);
        if (expected.isEmpty()) {
            QVERIFY2(difference.isEmpty(), qPrintable(difference));
            requireCompatibleTokenizers(student, other);
            return;
        }
        QVERIFY2(difference.startsWith(expected), qPrintable(difference));
        try {
            requireCompatibleTokenizers(student, other, QStringLiteral("s"), QStringLiteral("t"));
            QFAIL("incompatible tokenizers were accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
        }
    }

    void answerExtraction_data() {
        QTest::addColumn<QString>("completion");
        QTest::addColumn<QString>("answer");
        QTest::newRow("marker") << QStringLiteral(" Tom starts with 3. 3 + 4 = 7. The answer is 7.")
                                << QStringLiteral("7");
        QTest::newRow("last marker wins")
            << QStringLiteral("The answer is 5. No, The answer is 12.") << QStringLiteral("12");
        QTest::newRow("marker beats later number")
            << QStringLiteral("The answer is 9. Then 3 + 4 = 7") << QStringLiteral("9");
        QTest::newRow("last number")
            << QStringLiteral(" 48 + 39 = 87. Then 87 - 52 = 35") << QStringLiteral("35");
        QTest::newRow("negative") << QStringLiteral("The answer is -4.") << QStringLiteral("-4");
        QTest::newRow("thousands") << QStringLiteral("It is 1,234.") << QStringLiteral("1234");
        QTest::newRow("nothing") << QStringLiteral("no idea") << QString();
    }

    void answerExtraction() {
        QFETCH(QString, completion);
        QFETCH(QString, answer);
        QCOMPARE(extractAnswer(completion), answer);
    }
};

QTEST_GUILESS_MAIN(TestCollabMath)
#include "tst_collabmath.moc"
