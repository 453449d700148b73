// CollaborativeDecoder on the built-in demo models: KV-cached decoding equals recomputing the
// whole sequence every step, the modes agree with generate(), the trace is consistent, and
// tokenizers that differ are refused.
#include "decode/collaborativedecoder.h"
#include "decode/modelsession.h"
#include "jobs/error.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QFile>
#include <QTest>

#include <cmath>

using namespace nwc;

namespace {

const QString kPrompt =
    QStringLiteral("Question: Mia has 48 shells. She finds 39 more and then gives 52 to Sara. How "
                   "many shells does Mia have now?\nAnswer:");

/// Next-token log-probabilities after `ids`, recomputed from scratch (no cache).
std::vector<double> fullLogProbabilities(const LanguageModel &model,
                                         const std::vector<int32_t> &ids, int vocabulary) {
    torch::NoGradGuard noGrad;
    std::vector<int64_t> wide(ids.begin(), ids.end());
    const torch::Tensor input = torch::tensor(wide, torch::kLong).view({1, int64_t(wide.size())});
    const torch::Tensor logits = model.runtime().module()->forward(input);
    const torch::Tensor last =
        logits[0][logits.size(1) - 1].narrow(0, 0, vocabulary).to(torch::kFloat).contiguous();
    return logSoftmax(last.data_ptr<float>(), vocabulary);
}

QString externalPath(const char *relative) {
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + QLatin1String(relative);
}

} // namespace

class TestCollaborativeDecoder : public QObject {
    Q_OBJECT

private:
    LanguageModelPtr m_student;
    LanguageModelPtr m_teacher;

    CollaborativeResult decode(const CollaborativeSettings &settings) {
        CollaborativeDecoder decoder(m_student, m_teacher, settings);
        return decoder.run(kPrompt);
    }

private Q_SLOTS:
    void initTestCase() {
        m_student = LanguageModel::load(QStringLiteral("demo:student"));
        m_teacher = LanguageModel::load(QStringLiteral("demo:teacher"));
    }

    void cachedEqualsRecomputed_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<double>("alpha");
        QTest::addColumn<int>("steered");
        QTest::addColumn<double>("tau");
        QTest::newRow("fixed 2, N 4") << int(CollaborativeMode::FixedAlpha) << 2.0 << 4 << 0.0;
        QTest::newRow("fixed -1, N 2") << int(CollaborativeMode::FixedAlpha) << -1.0 << 2 << 0.0;
        QTest::newRow("gated 1, tau 0.5") << int(CollaborativeMode::GatedAlpha) << 1.0 << 6 << 0.5;
        QTest::newRow("teacher") << int(CollaborativeMode::TeacherOnly) << 1.0 << 0 << 0.0;
    }

    /// The rule run by recomputing both models on the full sequence at every step gives the same
    /// tokens, probabilities, entropies and KL as the KV-cached decoder.
    void cachedEqualsRecomputed() {
        QFETCH(int, mode);
        QFETCH(double, alpha);
        QFETCH(int, steered);
        QFETCH(double, tau);
        CollaborativeSettings settings;
        settings.mode = CollaborativeMode(mode);
        settings.alpha = alpha;
        settings.steeredTokens = steered;
        settings.tau = tau;
        settings.maxTokens = 14;
        const CollaborativeResult result = decode(settings);
        QVERIFY(!result.steps.empty());
        const int vocabulary = sharedVocabulary(*m_student, m_teacher.get());
        std::vector<int32_t> ids = result.promptIds;
        for (const StepTrace &step : result.steps) {
            const std::vector<double> logS = fullLogProbabilities(*m_student, ids, vocabulary);
            const std::vector<double> pS = exponentiate(logS);
            QVERIFY(std::abs(entropy(pS) - step.studentEntropy) < 1e-5);
            QCOMPARE(step.studentChoice, argmaxLowest(pS));
            for (const TokenProbability &entry : step.studentTop)
                QVERIFY(std::abs(pS[size_t(entry.id)] - entry.value) < 1e-5);
            int32_t expected = argmaxLowest(pS);
            const bool steeredStep = settings.mode == CollaborativeMode::TeacherOnly ||
                                     step.index < settings.steeredTokens;
            QCOMPARE(step.teacherRan, steeredStep);
            if (steeredStep) {
                const std::vector<double> logT = fullLogProbabilities(*m_teacher, ids, vocabulary);
                const std::vector<double> pT = exponentiate(logT);
                QVERIFY(std::abs(entropy(pT) - step.teacherEntropy) < 1e-5);
                QVERIFY(std::abs(klDivergence(logT, logS) - step.klTeacherStudent) < 1e-5);
                for (const TokenProbability &entry : step.teacherTop)
                    QVERIFY(std::abs(pT[size_t(entry.id)] - entry.value) < 1e-5);
                double alphaEff = settings.mode == CollaborativeMode::TeacherOnly ? 1.0 : alpha;
                if (settings.mode == CollaborativeMode::GatedAlpha && entropy(pS) < tau)
                    alphaEff = 0;
                QCOMPARE(step.alphaEffective, alphaEff);
                const std::vector<double> mixed = mixDistributions(pS, pT, alphaEff);
                for (const TokenProbability &entry : step.mixedTop)
                    QVERIFY(std::abs(mixed[size_t(entry.id)] - entry.value) < 1e-5);
                expected = argmaxLowest(mixed);
                QCOMPARE(step.flipped, expected != step.studentChoice);
            } else {
                QCOMPARE(step.source, TokenSource::StudentAfterN);
                QVERIFY(!step.flipped);
            }
            QCOMPARE(step.tokenId, expected);
            ids.push_back(step.tokenId);
        }
    }

    /// Student-only and alpha 0 are the student's greedy generation; teacher-only and alpha 1
    /// for every token are the teacher's.
    void modesMatchGenerate() {
        SamplingSettings greedy = greedySampling();
        greedy.maxTokens = 24;
        const GenerationResult student = generate(*m_student, kPrompt, greedy);
        const GenerationResult teacher = generate(*m_teacher, kPrompt, greedy);

        CollaborativeSettings settings;
        settings.maxTokens = 24;
        settings.mode = CollaborativeMode::StudentOnly;
        CollaborativeResult result = decode(settings);
        QCOMPARE(result.generatedIds, student.generatedIds);
        QCOMPARE(result.completion, student.completion);
        QCOMPARE(result.teacherSteps(), 0);

        settings.mode = CollaborativeMode::FixedAlpha;
        settings.alpha = 0;
        settings.steeredTokens = 5;
        result = decode(settings);
        QCOMPARE(result.generatedIds, student.generatedIds);
        QCOMPARE(result.flippedCount(), 0);
        QCOMPARE(result.teacherSteps(), 5);

        settings.mode = CollaborativeMode::TeacherOnly;
        result = decode(settings);
        QCOMPARE(result.generatedIds, teacher.generatedIds);
        QCOMPARE(result.completion, teacher.completion);

        settings.mode = CollaborativeMode::FixedAlpha;
        settings.alpha = 1;
        settings.steeredTokens = 24;
        result = decode(settings);
        QCOMPARE(result.generatedIds, teacher.generatedIds);

        // A gate above any entropy never lets the teacher in.
        settings.mode = CollaborativeMode::GatedAlpha;
        settings.tau = 100;
        result = decode(settings);
        QCOMPARE(result.generatedIds, student.generatedIds);
        for (const StepTrace &step : result.steps) {
            QCOMPARE(step.alphaEffective, 0.0);
            QCOMPARE(step.source, TokenSource::Student);
        }
    }

    /// step() streams pieces that add up to the completion; sampling after N is seeded.
    void streamingAndSampling() {
        CollaborativeSettings settings;
        settings.alpha = 1.5;
        settings.steeredTokens = 2;
        settings.maxTokens = 20;
        settings.sampling.temperature = 0.9;
        settings.sampling.seed = 7;
        CollaborativeDecoder decoder(m_student, m_teacher, settings);
        QVERIFY(decoder.finished());
        QVERIFY_THROWS_EXCEPTION(Error, decoder.step());
        decoder.start(kPrompt);
        QString text;
        std::vector<StepTrace> steps;
        while (!decoder.finished()) {
            steps.push_back(decoder.step());
            text += steps.back().piece;
        }
        const CollaborativeResult result = decoder.result();
        QCOMPARE(text, result.completion);
        QCOMPARE(int(steps.size()), int(result.generatedIds.size()));
        QCOMPARE(steps[0].source, TokenSource::TeacherSteered);
        QCOMPARE(steps[2].source, TokenSource::StudentAfterN);
        // The same seed gives the same continuation.
        CollaborativeDecoder again(m_student, m_teacher, settings);
        QCOMPARE(again.run(kPrompt).generatedIds, result.generatedIds);
    }

    void refusesOtherTokenizer() {
        const QString checkpoint = externalPath("llama2c-stories260K/stories260K.bin");
        if (!QFile::exists(checkpoint))
            QSKIP("external/llama2c-stories260K is not available");
        const LanguageModelPtr other =
            LanguageModel::load(checkpoint, externalPath("llama2c-stories260K/tok512.bin"));
        CollaborativeSettings settings;
        try {
            CollaborativeDecoder decoder(m_student, other, settings);
            QFAIL("a teacher with another tokenizer was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("tokenizers differ")),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("kind")) ||
                         error.message().contains(QStringLiteral("vocabulary size")),
                     qPrintable(error.message()));
        }
    }

    void rejectsInvalidSettings() {
        CollaborativeSettings settings;
        settings.alpha = std::nan("");
        QVERIFY_THROWS_EXCEPTION(Error, CollaborativeDecoder(m_student, m_teacher, settings));
        settings.alpha = 1;
        QVERIFY_THROWS_EXCEPTION(Error, CollaborativeDecoder(m_student, nullptr, settings));
        settings.mode = CollaborativeMode::StudentOnly;
        CollaborativeDecoder alone(m_student, nullptr, settings);
        QVERIFY(!alone.run(kPrompt).completion.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCollaborativeDecoder)
#include "tst_collaborativedecoder.moc"
