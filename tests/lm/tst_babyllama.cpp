// Golden test with EN10's trained BabyLlama tok105 (llama2.c version 0, dim 128 — a header whose
// first byte is 0x80): it opens as llama2.c, not as a pickle, and greedy generation equals
// upstream run.c's output.
#include "lm/generator.h"
#include "lm/languagemodel.h"

#include <QFile>
#include <QFileInfo>
#include <QTest>

using namespace nwc;

class TestBabyLlama : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void greedyMatchesRunC() {
        const QString folder = QStringLiteral(NWC_EXTERNAL_DIR "/llama2c-babyllama-tok105/");
        if (!QFileInfo::exists(folder + QStringLiteral("model5000.bin")))
            QSKIP("external/llama2c-babyllama-tok105 is not available");
        const LanguageModelPtr model = LanguageModel::load(folder + QStringLiteral("model5000.bin"),
                                                           folder + QStringLiteral("tok105.bin"));
        QCOMPARE(model->config().vocabSize, 105);
        QCOMPARE(model->config().numKvHeads, 4);
        QVERIFY(model->addsBos());
        QFile file(folder + QStringLiteral("greedy_t0_n200_runc.txt"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray expected = file.readAll();
        // run.c prints a newline after the last token.
        QVERIFY(expected.endsWith('\n'));
        expected.chop(1);
        SamplingSettings settings;
        settings.temperature = 0;
        settings.maxTokens = 200; // run.c -n 200: positions 0..199 after BOS
        const GenerationResult result = generate(*model, QString(), settings);
        QCOMPARE(result.promptIds, (std::vector<int32_t>{1}));
        QCOMPARE(result.completion.toUtf8(), expected);
    }
};

QTEST_GUILESS_MAIN(TestBabyLlama)
#include "tst_babyllama.moc"
