// sampleToken: greedy, temperature, top-k, top-p and the seeded generator.
#include "jobs/error.h"
#include "lm/generator.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

using namespace nwc;

namespace {

SamplingSettings settingsWith(double temperature, int topK = 0, double topP = 1.0) {
    SamplingSettings settings;
    settings.temperature = temperature;
    settings.topK = topK;
    settings.topP = topP;
    return settings;
}

std::vector<double> softmax(const std::vector<float> &logits, double temperature) {
    double maxLogit = -std::numeric_limits<double>::infinity();
    for (float l : logits)
        maxLogit = std::max(maxLogit, double(l));
    std::vector<double> p;
    double sum = 0;
    for (float l : logits) {
        p.push_back(std::exp((double(l) - maxLogit) / temperature));
        sum += p.back();
    }
    for (double &v : p)
        v /= sum;
    return p;
}

/// Draw counts over `draws` samples.
std::vector<int> histogram(const std::vector<float> &logits, const SamplingSettings &settings,
                           int draws, uint64_t seed) {
    std::vector<int> counts(logits.size(), 0);
    uint64_t state = seed;
    for (int i = 0; i < draws; ++i)
        ++counts[size_t(sampleToken(logits.data(), int(logits.size()), settings, &state))];
    return counts;
}

/// Every observed frequency lies within 5 standard errors of its expected probability.
void verifyFrequencies(const std::vector<int> &counts, const std::vector<double> &expected,
                       int draws) {
    QCOMPARE(counts.size(), expected.size());
    for (size_t i = 0; i < counts.size(); ++i) {
        const double p = expected[i];
        const double frequency = double(counts[i]) / draws;
        const double sigma = std::sqrt(std::max(p * (1 - p), 1e-12) / draws);
        if (p == 0) {
            QVERIFY2(counts[i] == 0, qPrintable(QStringLiteral("token %1 drawn %2 times "
                                                               "although excluded")
                                                    .arg(i)
                                                    .arg(counts[i])));
            continue;
        }
        QVERIFY2(std::abs(frequency - p) < 5 * sigma,
                 qPrintable(QStringLiteral("token %1: frequency %2, expected %3 (sigma %4)")
                                .arg(i)
                                .arg(frequency)
                                .arg(p)
                                .arg(sigma)));
    }
}

} // namespace

class TestSampler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void greedyTakesLowestIndexOnTies() {
        const std::vector<float> logits{1.0f, 3.0f, -2.0f, 3.0f, 2.5f};
        uint64_t state = 7;
        QCOMPARE(sampleToken(logits.data(), 5, settingsWith(0.0), &state), 1);
        QCOMPARE(state, uint64_t(7)); // greedy draws nothing
        const std::vector<float> allEqual(6, 0.25f);
        QCOMPARE(sampleToken(allEqual.data(), 6, settingsWith(0.0), &state), 0);
        const std::vector<float> withNan{std::numeric_limits<float>::quiet_NaN(), -1.0f, 4.0f};
        QCOMPARE(sampleToken(withNan.data(), 3, settingsWith(0.0), &state), 2);
    }

    void topKOneEqualsGreedy() {
        uint64_t generator = 12345;
        for (int trial = 0; trial < 200; ++trial) {
            std::vector<float> logits(50);
            for (float &l : logits)
                l = float(double(generator = generator * 6364136223846793005ull + 1) /
                          double(std::numeric_limits<uint64_t>::max()) * 8.0);
            uint64_t state = uint64_t(trial) + 1;
            const int32_t greedy = sampleToken(logits.data(), 50, settingsWith(0.0), &state);
            QCOMPARE(sampleToken(logits.data(), 50, settingsWith(1.0, 1), &state), greedy);
            QCOMPARE(sampleToken(logits.data(), 50, settingsWith(5.0, 1), &state), greedy);
        }
    }

    void tinyTopPKeepsOnlyTheMax() {
        const std::vector<float> logits{0.1f, 0.4f, 0.39f, -1.0f, 0.0f};
        uint64_t state = 99;
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(sampleToken(logits.data(), 5, settingsWith(1.0, 0, 1e-9), &state), 1);
    }

    void sameSeedSameTokens() {
        const std::vector<float> logits{0.5f, 0.2f, 0.1f, 0.0f, -0.3f, 0.4f, 0.45f};
        for (const SamplingSettings &settings :
             {settingsWith(1.0), settingsWith(0.7, 3), settingsWith(1.3, 0, 0.8)}) {
            uint64_t first = 2024;
            uint64_t second = 2024;
            for (int i = 0; i < 500; ++i)
                QCOMPARE(sampleToken(logits.data(), 7, settings, &first),
                         sampleToken(logits.data(), 7, settings, &second));
            QCOMPARE(first, second);
        }
    }

    void differentSeedsDiffer() {
        const std::vector<float> logits(10, 0.0f); // uniform over 10 tokens
        uint64_t a = 1;
        uint64_t b = 2;
        int differences = 0;
        for (int i = 0; i < 1000; ++i) {
            if (sampleToken(logits.data(), 10, settingsWith(1.0), &a) !=
                sampleToken(logits.data(), 10, settingsWith(1.0), &b))
                ++differences;
        }
        // Independent streams agree about 10 % of the time.
        QVERIFY2(differences > 800 && differences < 980, qPrintable(QString::number(differences)));
    }

    void knownSequenceIsPlatformIndependent() {
        // splitmix64 from seed 0: the first output is 0xE220A8397B1DCDAF, i.e. u = 0.88331...
        const std::vector<float> logits(100, 0.0f);
        uint64_t state = 0;
        QCOMPARE(sampleToken(logits.data(), 100, settingsWith(1.0), &state), 88);
    }

    void frequenciesMatchSoftmax_data() {
        QTest::addColumn<double>("temperature");
        QTest::newRow("T=1") << 1.0;
        QTest::newRow("T=0.5") << 0.5;
        QTest::newRow("T=2") << 2.0;
    }

    void frequenciesMatchSoftmax() {
        QFETCH(double, temperature);
        const std::vector<float> logits{1.0f, 0.0f, -1.0f, 2.0f, 0.5f, -3.0f};
        const int draws = 200000;
        const auto counts = histogram(logits, settingsWith(temperature), draws, 77);
        verifyFrequencies(counts, softmax(logits, temperature), draws);
    }

    void topKRenormalizes() {
        const std::vector<float> logits{1.0f, 0.0f, -1.0f, 2.0f, 0.5f, -3.0f};
        const int draws = 100000;
        const auto counts = histogram(logits, settingsWith(1.0, 3), draws, 5);
        std::vector<double> expected = softmax(logits, 1.0);
        // Keeps tokens 3, 0 and 4.
        const double kept = expected[3] + expected[0] + expected[4];
        for (size_t i = 0; i < expected.size(); ++i)
            expected[i] = (i == 3 || i == 0 || i == 4) ? expected[i] / kept : 0.0;
        verifyFrequencies(counts, expected, draws);
    }

    void topPKeepsTheNucleus() {
        const std::vector<float> logits{1.0f, 0.0f, -1.0f, 2.0f, 0.5f, -3.0f};
        std::vector<double> p = softmax(logits, 1.0);
        // Sorted: 3 (0.524), 0 (0.193), 4 (0.117), 1 (0.071), ... top-p 0.7 keeps {3, 0}.
        QVERIFY(p[3] < 0.7 && p[3] + p[0] >= 0.7);
        const int draws = 100000;
        const auto counts = histogram(logits, settingsWith(1.0, 0, 0.7), draws, 11);
        const double kept = p[3] + p[0];
        for (size_t i = 0; i < p.size(); ++i)
            p[i] = (i == 3 || i == 0) ? p[i] / kept : 0.0;
        verifyFrequencies(counts, p, draws);
    }

    void topKThenTopP() {
        const std::vector<float> logits{1.0f, 0.0f, -1.0f, 2.0f, 0.5f, -3.0f};
        // Top-2 renormalized: 3 -> 0.731, 0 -> 0.269; top-p 0.9 keeps both, 0.7 only token 3.
        uint64_t state = 3;
        for (int i = 0; i < 500; ++i)
            QCOMPARE(sampleToken(logits.data(), 6, settingsWith(1.0, 2, 0.7), &state), 3);
        const auto counts = histogram(logits, settingsWith(1.0, 2, 0.9), 20000, 8);
        QVERIFY(counts[0] > 0 && counts[3] > 0);
        QCOMPARE(counts[0] + counts[3], 20000);
    }

    void emptyDistributionIsAnError() {
        uint64_t state = 1;
        QVERIFY_THROWS_EXCEPTION(Error, sampleToken(nullptr, 0, settingsWith(1.0), &state));
    }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
