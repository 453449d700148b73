// Perplexity windows, bits per byte and the reference comparison, checked against values
// computed by hand for a model whose next-token distribution depends only on the current token.
#include "bytetokenizer.h"
#include "memorycheckpoint.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/evaluator.h"
#include "lm/languagemodel.h"

#include <QTest>

#include <cmath>
#include <numeric>

using namespace nwc;
using namespace nwc::test;

namespace {

constexpr int Hidden = 8;
constexpr int Vocab = 256 + ByteTokenizer::Offset;
constexpr double Eps = 1e-5;

/// Deterministic values in [-scale, scale).
std::vector<float> pseudoRandom(size_t count, uint64_t seed, double scale) {
    std::vector<float> values(count);
    uint64_t state = seed;
    for (float &v : values) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        v = float((double(state >> 11) / 9007199254740992.0 * 2 - 1) * scale);
    }
    return values;
}

/// A one-layer Llama whose attention and MLP weights are zero: logits = lm_head · rmsnorm(e_t).
/// With `uniform` the lm_head is zero too, so every distribution is uniform.
struct BigramModel {
    ModelConfig config;
    std::vector<float> embedding;
    std::vector<float> head;
    std::shared_ptr<MemoryCheckpoint> checkpoint;

    explicit BigramModel(bool uniform, uint64_t seed = 1) {
        config = ModelConfig::withShape({Hidden, 16, 1, 2, 2, Vocab, 64});
        config.rmsNormEps = Eps;
        config.bosTokenId = 1;
        config.eosTokenId = 2;
        embedding = pseudoRandom(size_t(Vocab * Hidden), seed, 1.0);
        head = uniform ? std::vector<float>(size_t(Vocab * Hidden), 0.0f)
                       : pseudoRandom(size_t(Vocab * Hidden), seed + 100, 1.5);
        checkpoint = std::make_shared<MemoryCheckpoint>(config);
        const auto zeros = [](qint64 n) { return std::vector<float>(size_t(n), 0.0f); };
        const auto ones = [](qint64 n) { return std::vector<float>(size_t(n), 1.0f); };
        checkpoint->add(QStringLiteral("model.embed_tokens.weight"), {Vocab, Hidden}, embedding);
        const QString p = QStringLiteral("model.layers.0.");
        checkpoint->add(p + QStringLiteral("input_layernorm.weight"), {Hidden}, ones(Hidden));
        for (const char *name : {"q_proj", "k_proj", "v_proj", "o_proj"})
            checkpoint->add(p + QStringLiteral("self_attn.") + QLatin1String(name) +
                                QStringLiteral(".weight"),
                            {Hidden, Hidden}, zeros(Hidden * Hidden));
        checkpoint->add(p + QStringLiteral("post_attention_layernorm.weight"), {Hidden},
                        ones(Hidden));
        checkpoint->add(p + QStringLiteral("mlp.gate_proj.weight"), {16, Hidden},
                        zeros(16 * Hidden));
        checkpoint->add(p + QStringLiteral("mlp.up_proj.weight"), {16, Hidden}, zeros(16 * Hidden));
        checkpoint->add(p + QStringLiteral("mlp.down_proj.weight"), {Hidden, 16},
                        zeros(16 * Hidden));
        checkpoint->add(QStringLiteral("model.norm.weight"), {Hidden}, ones(Hidden));
        checkpoint->add(QStringLiteral("lm_head.weight"), {Vocab, Hidden}, head);
    }

    /// log p(next | current), computed in double.
    std::vector<double> logProbabilities(int32_t current) const {
        const float *e = embedding.data() + size_t(current) * Hidden;
        double meanSquare = 0;
        for (int d = 0; d < Hidden; ++d)
            meanSquare += double(e[d]) * e[d];
        meanSquare /= Hidden;
        const double scale = 1.0 / std::sqrt(meanSquare + Eps);
        std::vector<double> logits(Vocab);
        double maxLogit = -1e300;
        for (int v = 0; v < Vocab; ++v) {
            double sum = 0;
            for (int d = 0; d < Hidden; ++d)
                sum += double(head[size_t(v) * Hidden + d]) * e[d] * scale;
            logits[size_t(v)] = sum;
            maxLogit = std::max(maxLogit, sum);
        }
        double total = 0;
        for (double l : logits)
            total += std::exp(l - maxLogit);
        const double logTotal = maxLogit + std::log(total);
        for (double &l : logits)
            l -= logTotal;
        return logits;
    }

    std::shared_ptr<LanguageModel> load(QByteArray fingerprint = QByteArrayLiteral("bytes")) const {
        return LanguageModel::fromParts(checkpoint, std::make_shared<ByteTokenizer>(fingerprint));
    }
};

const QByteArray &sampleText() {
    static const QByteArray text =
        QByteArrayLiteral("The quick brown fox jumps over the lazy dog. Pack my box with five "
                          "dozen liquor jugs! How vexingly quick daft zebras jump.");
    return text;
}

} // namespace

class TestEvaluator : public QObject {
    Q_OBJECT

private:
    BigramModel m_bigram{false};
    std::shared_ptr<LanguageModel> m_model;

private Q_SLOTS:
    void initTestCase() { m_model = m_bigram.load(); }

    void uniformLogits() {
        const BigramModel uniform(true);
        const auto model = uniform.load();
        PerplexitySettings settings;
        settings.contextLength = 32;
        const PerplexityResult result = evaluatePerplexity(*model, sampleText(), settings);
        QCOMPARE(result.tokensScored, qint64(sampleText().size()));
        QVERIFY(std::abs(result.perplexity - Vocab) < 1e-4 * Vocab);
        QVERIFY(std::abs(result.meanNll - std::log(double(Vocab))) < 1e-6);
        // One token per byte, every byte scored: log2(V) bits per byte.
        QVERIFY(std::abs(result.bitsPerByte - std::log2(double(Vocab))) < 1e-6);
        QCOMPARE(result.bytes, qint64(sampleText().size()));
    }

    void windowsScoreEveryTokenOnce_data() {
        QTest::addColumn<int>("context");
        QTest::addColumn<int>("stride");
        QTest::addColumn<bool>("bos");
        QTest::newRow("bos ctx16 non-overlapping") << 16 << 0 << true;
        QTest::newRow("bos ctx16 stride15") << 16 << 15 << true;
        QTest::newRow("bos ctx16 stride5") << 16 << 5 << true;
        QTest::newRow("bos ctx16 stride1") << 16 << 1 << true;
        QTest::newRow("bos ctx2") << 2 << 0 << true;
        QTest::newRow("bos ctx64 whole text") << 64 << 0 << true;
        QTest::newRow("no-bos ctx16 stride8") << 16 << 8 << false;
        QTest::newRow("no-bos ctx16 non-overlapping") << 16 << 0 << false;
        QTest::newRow("no-bos ctx7 stride6") << 7 << 6 << false;
        QTest::newRow("no-bos ctx2 stride1") << 2 << 1 << false;
    }

    void windowsScoreEveryTokenOnce() {
        QFETCH(int, context);
        QFETCH(int, stride);
        QFETCH(bool, bos);
        const QByteArray &text = sampleText();
        const std::vector<int32_t> tokens = m_model->tokenizer().encode(text);
        const int64_t n = int64_t(tokens.size());
        const int64_t capacity = bos ? context - 1 : context;
        const int64_t step = stride > 0 ? stride : capacity;

        // Independent bookkeeping: who predicts token i, and how many windows there are.
        double expectedNll = 0;
        int64_t expectedScored = 0;
        int64_t expectedWindows = 0;
        std::vector<int> timesScored(size_t(n), 0);
        for (int64_t start = 0;; start += step) {
            ++expectedWindows;
            const int64_t end = std::min(start + capacity, n);
            for (int64_t i = start; i < end; ++i) {
                const bool alreadyScored = timesScored[size_t(i)] > 0;
                const bool predictable = bos || i > start;
                if (alreadyScored || !predictable)
                    continue;
                ++timesScored[size_t(i)];
                const int32_t previous = i == start ? 1 : tokens[size_t(i - 1)];
                expectedNll -= m_bigram.logProbabilities(previous)[size_t(tokens[size_t(i)])];
                ++expectedScored;
            }
            if (end >= n)
                break;
        }
        for (int64_t i = 0; i < n; ++i) {
            const bool mayBeUnscored = !bos && (i == 0 || stride == 0);
            if (!mayBeUnscored)
                QCOMPARE(timesScored[size_t(i)], 1);
        }

        PerplexitySettings settings;
        settings.contextLength = context;
        settings.stride = stride;
        settings.addBos = bos;
        const PerplexityResult result = evaluatePerplexity(*m_model, text, settings);
        QCOMPARE(result.tokensScored, expectedScored);
        QCOMPARE(result.windows, expectedWindows);
        QCOMPARE(result.addBos, bos);
        QCOMPARE(result.contextLength, context);
        QCOMPARE(result.stride, int(step));
        const double nll = result.meanNll * double(result.tokensScored);
        QVERIFY2(std::abs(nll - expectedNll) < 1e-4 * expectedNll,
                 qPrintable(QStringLiteral("total NLL %1, by hand %2").arg(nll).arg(expectedNll)));
        QVERIFY(std::abs(result.perplexity - std::exp(expectedNll / double(expectedScored))) <
                1e-4 * result.perplexity);
        QVERIFY(std::abs(result.bitsPerByte - expectedNll / std::log(2.0) / double(text.size())) <
                1e-4 * result.bitsPerByte);
        if (bos)
            QCOMPARE(expectedScored, n);
    }

    void overlappingWindowsSeeTheTruePredecessor() {
        // With overlap every token after the first is predicted from its real predecessor.
        const std::vector<int32_t> tokens = m_model->tokenizer().encode(sampleText());
        double expected = -m_bigram.logProbabilities(1)[size_t(tokens[0])];
        for (size_t i = 1; i < tokens.size(); ++i)
            expected -= m_bigram.logProbabilities(tokens[i - 1])[size_t(tokens[i])];
        PerplexitySettings settings;
        settings.contextLength = 10;
        settings.stride = 4;
        const PerplexityResult result = evaluatePerplexity(*m_model, sampleText(), settings);
        QVERIFY(std::abs(result.meanNll * double(result.tokensScored) - expected) <
                1e-4 * expected);
    }

    void maxBytesKeepsWholeCharacters() {
        const QByteArray text = QByteArrayLiteral("ab\xc3\xa9z"); // "abéz"
        PerplexitySettings settings;
        settings.contextLength = 8;
        settings.maxBytes = 3; // would split é
        QCOMPARE(evaluatePerplexity(*m_model, text, settings).bytes, qint64(2));
        settings.maxBytes = 4;
        QCOMPARE(evaluatePerplexity(*m_model, text, settings).bytes, qint64(4));
        settings.maxBytes = -1;
        QCOMPARE(evaluatePerplexity(*m_model, text, settings).tokensScored, qint64(5));
    }

    void badSettingsAreErrors() {
        PerplexitySettings settings;
        settings.contextLength = 8;
        QVERIFY_THROWS_EXCEPTION(Error, evaluatePerplexity(*m_model, QByteArray(), settings));
        settings.stride = 8; // a BOS window holds 7 text tokens
        QVERIFY_THROWS_EXCEPTION(Error, evaluatePerplexity(*m_model, sampleText(), settings));
        settings.stride = 0;
        settings.contextLength = 65; // beyond maxPositions
        QVERIFY_THROWS_EXCEPTION(Error, evaluatePerplexity(*m_model, sampleText(), settings));
    }

    void progressAndCancellation() {
        PerplexitySettings settings;
        settings.contextLength = 16;
        int reports = 0;
        CallbackProgress progress([&](double, const QString &) { ++reports; });
        const PerplexityResult result =
            evaluatePerplexity(*m_model, sampleText(), settings, &progress);
        QVERIFY(reports >= result.windows);
        CallbackProgress cancelled;
        cancelled.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 evaluatePerplexity(*m_model, sampleText(), settings, &cancelled));
        QVERIFY_THROWS_EXCEPTION(Cancelled, compareWithReference(*m_model, *m_model, sampleText(),
                                                                 settings, &cancelled));
    }

    void selfComparisonIsExact() {
        PerplexitySettings settings;
        settings.contextLength = 16;
        settings.stride = 5;
        const ReferenceComparison c =
            compareWithReference(*m_model, *m_model, sampleText(), settings);
        QCOMPARE(c.positions, qint64(sampleText().size()));
        QCOMPARE(c.meanKl, 0.0);
        QCOMPARE(c.medianKl, 0.0);
        QCOMPARE(c.p99Kl, 0.0);
        QCOMPARE(c.sameTopRate, 1.0);
        QCOMPARE(c.rmsDeltaP, 0.0);
        QCOMPARE(c.contextLength, 16);
        QCOMPARE(c.stride, 5);
    }

    void comparisonAgainstUniformByHand() {
        const BigramModel uniformModel(true);
        const auto uniform = uniformModel.load();
        const std::vector<int32_t> tokens = m_model->tokenizer().encode(sampleText());
        // Non-overlapping BOS windows of 7 text tokens: token i is predicted from
        // (i % 7 == 0 ? BOS : token i-1).
        std::vector<double> kls;
        double squares = 0;
        for (size_t i = 0; i < tokens.size(); ++i) {
            const int32_t previous = i % 7 == 0 ? 1 : tokens[i - 1];
            const std::vector<double> logP = m_bigram.logProbabilities(previous);
            double kl = 0;
            for (double lp : logP) {
                const double p = std::exp(lp);
                kl += p * (lp + std::log(double(Vocab)));
                squares += (1.0 / Vocab - p) * (1.0 / Vocab - p);
            }
            kls.push_back(kl);
        }
        PerplexitySettings settings;
        settings.contextLength = 8;
        const ReferenceComparison c =
            compareWithReference(*uniform, *m_model, sampleText(), settings);
        QCOMPARE(c.positions, qint64(tokens.size()));
        const double mean = std::accumulate(kls.begin(), kls.end(), 0.0) / double(kls.size());
        QVERIFY2(std::abs(c.meanKl - mean) < 1e-5 * mean,
                 qPrintable(QStringLiteral("%1 vs %2").arg(c.meanKl).arg(mean)));
        std::sort(kls.begin(), kls.end());
        const size_t n = kls.size();
        const double median = n % 2 ? kls[n / 2] : (kls[n / 2 - 1] + kls[n / 2]) / 2;
        QVERIFY(std::abs(c.medianKl - median) < 1e-5 * median);
        // p99 interpolates linearly between the two nearest ranks.
        const double rank = 0.99 * double(n - 1);
        const size_t below = size_t(rank);
        const double p99 =
            kls[below] + (kls[std::min(below + 1, n - 1)] - kls[below]) * (rank - double(below));
        QVERIFY2(std::abs(c.p99Kl - p99) < 1e-5 * p99,
                 qPrintable(QStringLiteral("%1 vs %2").arg(c.p99Kl).arg(p99)));
        QVERIFY(std::abs(c.rmsDeltaP - std::sqrt(squares / double(n))) < 1e-6);
    }

    // Logits computed a few positions at a time (memory bounded by chunk x vocabulary) give the
    // perplexity and the comparison of the whole window at once, up to float32 rounding: a GEMM
    // of one row sums in another order than one of many (measured 2e-9 relative; allowed 1e-6).
    void chunkedLogitsGiveSameResults() {
        PerplexitySettings whole;
        whole.contextLength = 32;
        whole.stride = 9;
        const PerplexityResult expected = evaluatePerplexity(*m_model, sampleText(), whole);
        const BigramModel uniformModel(true);
        const auto uniform = uniformModel.load();
        const ReferenceComparison expectedKl =
            compareWithReference(*uniform, *m_model, sampleText(), whole);
        for (int chunk : {1, 3, 7}) {
            PerplexitySettings chunked = whole;
            chunked.logitChunk = chunk;
            const PerplexityResult got = evaluatePerplexity(*m_model, sampleText(), chunked);
            QCOMPARE(got.tokensScored, expected.tokensScored);
            QVERIFY2(std::abs(got.meanNll - expected.meanNll) < 1e-6 * expected.meanNll,
                     qPrintable(QStringLiteral("chunk %1: %2 vs %3")
                                    .arg(chunk)
                                    .arg(got.meanNll, 0, 'g', 17)
                                    .arg(expected.meanNll, 0, 'g', 17)));
            const ReferenceComparison kl =
                compareWithReference(*uniform, *m_model, sampleText(), chunked);
            QCOMPARE(kl.positions, expectedKl.positions);
            QVERIFY(std::abs(kl.meanKl - expectedKl.meanKl) < 1e-6 * expectedKl.meanKl);
            QVERIFY(std::abs(kl.p99Kl - expectedKl.p99Kl) < 1e-6 * expectedKl.p99Kl);
        }
    }

    void differentTokenizersAreRefused() {
        const auto other = m_bigram.load(QByteArrayLiteral("other vocabulary"));
        PerplexitySettings settings;
        settings.contextLength = 16;
        QVERIFY_THROWS_EXCEPTION(Error,
                                 compareWithReference(*m_model, *other, sampleText(), settings));
    }
};

QTEST_GUILESS_MAIN(TestEvaluator)
#include "tst_evaluator.moc"
