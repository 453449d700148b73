// Golden tests with Karpathy's trained stories260K (llama2.c format) and its tok512 tokenizer:
// greedy generation equals upstream run.c's output, and perplexity on TinyStories equals an
// independent measurement.
#include "jobs/error.h"
#include "lm/evaluator.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"

#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <cmath>

using namespace nwc;

namespace {

QString externalPath(const char *relative) {
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + QLatin1String(relative);
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

/// run.c's -n N counts positions, BOS and prompt tokens included: it runs the model on
/// positions 0..N-1 and prints the token produced at each, so N - promptTokens + 1 tokens are
/// generated.
int generatedTokensForSteps(int steps, size_t promptTokens) {
    return steps - int(promptTokens) + 1;
}

} // namespace

class TestStories260k : public QObject {
    Q_OBJECT

private:
    LanguageModelPtr m_model;

private Q_SLOTS:
    void initTestCase() {
        const QString checkpoint = externalPath("llama2c-stories260K/stories260K.bin");
        if (!QFileInfo::exists(checkpoint))
            QSKIP("external/llama2c-stories260K is not available");
        m_model = LanguageModel::load(checkpoint, externalPath("llama2c-stories260K/tok512.bin"));
        QCOMPARE(m_model->config().vocabSize, 512);
        QCOMPARE(m_model->tokenizer().vocabSize(), 512);
        QVERIFY(m_model->addsBos());
        QCOMPARE(m_model->tokenizer().bosId(), 1);
    }

    void greedyMatchesRunC() {
        const QByteArray expected =
            readFile(externalPath("llama2c-stories260K/expected_greedy_t0_n200.txt"));
        QVERIFY(!expected.isEmpty());
        SamplingSettings settings;
        settings.temperature = 0;
        settings.maxTokens = generatedTokensForSteps(200, 1);
        QString streamed;
        const GenerationResult result = generate(*m_model, QString(), settings,
                                                 [&](const QString &piece) { streamed += piece; });
        QCOMPARE(result.promptIds, (std::vector<int32_t>{1}));
        QVERIFY(!result.stoppedAtEos);
        QCOMPARE(int(result.generatedIds.size()), 200);
        QCOMPARE(result.completion.toUtf8(), expected);
        QCOMPARE(streamed, result.completion);
        QVERIFY(result.prefillSeconds > 0 && result.decodeSeconds > 0);
    }

    void zooPromptMatchesPublishedOutput() {
        // ./run stories260K.bin -z tok512.bin -t 0 -i "Zoo" -n 60 (ytmytm/llama2.c64 README)
        const QString expected = QStringLiteral(
            "Zoo was a little girl named Lily. She loved to play outside in the park. One day, "
            "she saw a big, red ball. She wanted to play with it, but she didn't want to play "
            "with");
        const QString prompt = QStringLiteral("Zoo");
        const std::vector<int32_t> promptTokens = m_model->tokenizer().encode(prompt);
        SamplingSettings settings;
        settings.temperature = 0;
        settings.maxTokens = generatedTokensForSteps(60, promptTokens.size() + 1);
        QString streamed;
        const GenerationResult result =
            generate(*m_model, prompt, settings, [&](const QString &piece) { streamed += piece; });
        QCOMPARE(result.promptIds.size(), promptTokens.size() + 1);
        QCOMPARE(result.promptIds.front(), 1);
        QCOMPARE(prompt + result.completion, expected);
        QCOMPARE(streamed, result.completion);
    }

    void perplexityOnTinyStories() {
        const QByteArray text =
            readFile(externalPath("corpus-tinystories-val/tinystories_val.txt"));
        if (text.isEmpty())
            QSKIP("external/corpus-tinystories-val is not available");
        PerplexitySettings settings;
        settings.contextLength = 256;
        settings.stride = 255;
        settings.addBos = true;
        settings.maxBytes = 60000;
        const PerplexityResult result = evaluatePerplexity(*m_model, text, settings);
        qInfo("stories260K on the first 60,000 bytes of TinyStories val: perplexity %.5f, "
              "%.5f bits/byte, %lld tokens in %lld windows, %.2f s",
              result.perplexity, result.bitsPerByte, result.tokensScored, result.windows,
              result.seconds);
        QCOMPARE(result.bytes, qint64(60000));
        QCOMPARE(result.windows, (result.tokensScored + 254) / 255);
        QVERIFY2(std::abs(result.perplexity - 4.6548) <= 0.001,
                 qPrintable(QString::number(result.perplexity, 'f', 5)));
    }

    void promptBeyondContextIsRefused() {
        SamplingSettings settings;
        settings.maxTokens = 1;
        const QString longPrompt = QStringLiteral("Once upon a time ").repeated(200);
        QVERIFY_THROWS_EXCEPTION(Error, generate(*m_model, longPrompt, settings));
    }
};

QTEST_GUILESS_MAIN(TestStories260k)
#include "tst_stories260k.moc"
