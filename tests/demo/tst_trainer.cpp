// Trainer: a tiny model memorises a tiny repeated sequence; runs are deterministic; the schedule,
// cancellation, error handling and saving work.
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/trainer.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace nwc;

namespace {

ModelConfig tinyConfig() {
    // hidden 32, MLP 64, 2 layers, 2 heads, 1 KV head, vocabulary 16, 32 positions
    ModelConfig config = ModelConfig::withShape({32, 64, 2, 2, 1, 16, 32});
    config.tieWordEmbeddings = true;
    config.bosTokenId = 0;
    config.eosTokenId = 1;
    return config;
}

TrainerSettings tinySettings() {
    TrainerSettings settings;
    settings.steps = 120;
    settings.batchSize = 8;
    settings.sequenceLength = 16;
    settings.learningRate = 1e-2;
    settings.warmupSteps = 10;
    settings.evalInterval = 40;
    settings.evalWindows = 8;
    settings.seed = 3;
    return settings;
}

/// A fixed pseudo-random pattern of 11 tokens, repeated.
std::vector<int32_t> repeatedSequence(int repeats) {
    const std::vector<int32_t> pattern = {2, 7, 3, 3, 9, 15, 4, 12, 7, 5, 10};
    std::vector<int32_t> tokens;
    for (int i = 0; i < repeats; ++i)
        tokens.insert(tokens.end(), pattern.begin(), pattern.end());
    return tokens;
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void memorisesRepeatedSequence() {
        QElapsedTimer timer;
        timer.start();
        Trainer trainer(tinyConfig(), tinySettings());
        const std::vector<int32_t> tokens = repeatedSequence(100);
        const TrainingReport report = trainer.train(tokens, repeatedSequence(10));
        // Starts near ln(16) = 2.77 (uniform guess) and ends far below it.
        QVERIFY2(report.firstTrainLoss > 2.3, qPrintable(QString::number(report.firstTrainLoss)));
        QVERIFY2(report.finalTrainLoss < 0.15, qPrintable(QString::number(report.finalTrainLoss)));
        QVERIFY2(report.finalEvalLoss < 0.15, qPrintable(QString::number(report.finalEvalLoss)));
        QCOMPARE(trainer.evaluateLoss(repeatedSequence(10)), report.finalEvalLoss);
        QCOMPARE(report.steps, 120);
        QCOMPARE(report.tokens, qint64(120) * 8 * 16);
        QVERIFY(report.tokensPerSecond > 0);
        QCOMPARE(report.history.size(), 3);
        QCOMPARE(report.history.last().step, 120);
        QVERIFY(report.history.first().evalLoss > report.history.last().evalLoss);
        QVERIFY2(timer.elapsed() < 20000, "the tiny training run should take seconds");
    }

    void learningRateSchedule() {
        TrainerSettings settings = tinySettings();
        settings.steps = 40;
        settings.evalInterval = 1;
        settings.warmupSteps = 10;
        Trainer trainer(tinyConfig(), settings);
        const TrainingReport report = trainer.train(repeatedSequence(50), {});
        QCOMPARE(report.history.size(), 40);
        QCOMPARE(report.history[0].learningRate, 1e-3); // 1/10 of the peak during warmup
        QCOMPARE(report.history[9].learningRate, 1e-2); // peak
        QVERIFY(report.history[20].learningRate < report.history[10].learningRate);
        QVERIFY(qAbs(report.history[39].learningRate - 1e-3) < 1e-9); // cosine floor 10 %
        QCOMPARE(report.history[5].evalLoss, -1.0);                   // no held-out tokens
    }

    void deterministicForASeed() {
        TrainerSettings settings = tinySettings();
        settings.steps = 25;
        const std::vector<int32_t> tokens = repeatedSequence(60);
        Trainer a(tinyConfig(), settings);
        Trainer b(tinyConfig(), settings);
        const TrainingReport ra = a.train(tokens, tokens);
        const TrainingReport rb = b.train(tokens, tokens);
        QCOMPARE(ra.finalTrainLoss, rb.finalTrainLoss);
        QCOMPARE(ra.finalEvalLoss, rb.finalEvalLoss);
        settings.seed = 4;
        Trainer c(tinyConfig(), settings);
        QVERIFY(c.train(tokens, tokens).finalEvalLoss != ra.finalEvalLoss);
    }

    void parameterCount() {
        Trainer trainer(tinyConfig(), tinySettings());
        // embed 16x32 (tied) + 2 x (q 32x32, k 32x16, v 32x16, o 32x32, 3 x 32x64, 2 norms 32)
        // + final norm 32
        const qint64 expected = 16 * 32 + 2 * (32 * 32 * 2 + 32 * 16 * 2 + 3 * 32 * 64 + 64) + 32;
        QCOMPARE(trainer.parameterCount(), expected);
    }

    void cancellation() {
        Trainer trainer(tinyConfig(), tinySettings());
        int reports = 0;
        CallbackProgress *sink = nullptr;
        CallbackProgress progress([&](double, const QString &message) {
            ++reports;
            QVERIFY(message.contains(QLatin1String("loss")));
            QVERIFY(message.contains(QLatin1String("tok/s")));
            if (reports == 3)
                sink->cancel();
        });
        sink = &progress;
        QVERIFY_THROWS_EXCEPTION(Cancelled, trainer.train(repeatedSequence(50), {}, &progress));
        QCOMPARE(reports, 3);
    }

    void rejectsBadStreams() {
        Trainer trainer(tinyConfig(), tinySettings());
        QVERIFY_THROWS_EXCEPTION(Error, trainer.train(std::vector<int32_t>(10, 2), {}));
        std::vector<int32_t> outside = repeatedSequence(20);
        outside[5] = 16;
        QVERIFY_THROWS_EXCEPTION(Error, trainer.train(outside, {}));
        TrainerSettings bad = tinySettings();
        bad.steps = 0;
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(tinyConfig(), bad));
    }

    void savesHuggingFaceDirectory() {
        TrainerSettings settings = tinySettings();
        settings.steps = 5;
        Trainer trainer(tinyConfig(), settings);
        trainer.train(repeatedSequence(20), {});
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        trainer.save(dir.path(), QString());
        const CheckpointPtr checkpoint = Checkpoint::open(dir.path());
        QCOMPARE(checkpoint->config().hiddenSize, 32);
        QCOMPARE(checkpoint->config().numKvHeads, 1);
        QCOMPARE(checkpoint->config().bosTokenId, 0);
        QCOMPARE(checkpoint->config().eosTokenId, 1);
        QVERIFY(checkpoint->config().tieWordEmbeddings);
        const TensorInfo *embed =
            checkpoint->findTensor(QStringLiteral("model.embed_tokens.weight"));
        QVERIFY(embed);
        QCOMPARE(embed->shape, (QVector<qint64>{16, 32}));
        QCOMPARE(embed->dtype, DType::F32);
        QVERIFY(!checkpoint->findTensor(QStringLiteral("lm_head.weight")));
        qint64 stored = 0;
        for (const TensorInfo &tensor : checkpoint->tensors())
            stored += tensor.elementCount();
        QCOMPARE(stored, trainer.parameterCount());
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
