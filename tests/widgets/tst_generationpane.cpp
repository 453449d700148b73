// GenerationPane: streams a real model's continuation, reports speed, and stops on request.
#include "generationpane.h"
#include "jobs/jobrunner.h"
#include "lm/languagemodel.h"

#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextDocument>
#include <QTextEdit>

using namespace nwc;

namespace {

const QString kModelPath = QStringLiteral(NWC_EXTERNAL_DIR "/llama2c-stories260K/stories260K.bin");

} // namespace

class TestGenerationPane : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void disabledWithoutModel();
    void streamsGreedyText();
    void stopCancels();

private:
    LanguageModelPtr m_model;
};

void TestGenerationPane::initTestCase() {
    if (!QFileInfo::exists(kModelPath))
        QSKIP("stories260K is not in the external test data");
    m_model = LanguageModel::load(kModelPath);
    QVERIFY(m_model);
}

void TestGenerationPane::disabledWithoutModel() {
    JobRunner runner;
    GenerationPane pane(&runner);
    const QString reason = QStringLiteral("tiny-random has no tokenizer");
    pane.setModel(nullptr, reason);
    const QList<QPushButton *> buttons = pane.findChildren<QPushButton *>();
    for (QPushButton *button : buttons)
        QVERIFY(!button->isEnabled());
    QCOMPARE(pane.findChild<QTextEdit *>(QStringLiteral("output"))->placeholderText(), reason);
    pane.generate();
    QVERIFY(!pane.isGenerating());
    QCOMPARE(runner.jobs().size(), 0);
}

void TestGenerationPane::streamsGreedyText() {
    JobRunner runner;
    GenerationPane pane(&runner);
    pane.resize(800, 500);
    pane.show();
    pane.setModel(m_model);
    pane.setPrompt(QString());
    SamplingSettings settings;
    settings.temperature = 0;
    settings.maxTokens = 60;
    pane.setSettings(settings);

    auto *output = pane.findChild<QTextEdit *>(QStringLiteral("output"));
    QVERIFY(output);
    int updates = 0;
    connect(output->document(), &QTextDocument::contentsChanged, this, [&] { ++updates; });
    QSignalSpy finished(&pane, &GenerationPane::generationFinished);
    pane.generate();
    QVERIFY(pane.isGenerating());
    QVERIFY(finished.wait(60000));
    QVERIFY(!pane.isGenerating());
    QVERIFY2(updates > 5, "the text did not arrive in pieces");

    QFile expectedFile(
        QStringLiteral(NWC_EXTERNAL_DIR "/llama2c-stories260K/expected_greedy_t0_n200.txt"));
    QVERIFY(expectedFile.open(QIODevice::ReadOnly));
    const QString expected = QString::fromUtf8(expectedFile.readAll());
    const QString completion = pane.completion().trimmed();
    QVERIFY(completion.size() > 40);
    QVERIFY2(expected.startsWith(completion), qPrintable(completion));
    QCOMPARE(output->toPlainText().trimmed(), completion);

    const std::optional<GenerationResult> result = pane.lastResult();
    QVERIFY(result.has_value());
    QCOMPARE(int(result->generatedIds.size()), 60);
    const QString status = pane.findChild<QLabel *>(QStringLiteral("generationStatus"))->text();
    QVERIFY2(status.contains(QStringLiteral("tokens/s")), qPrintable(status));
    QVERIFY(status.startsWith(QStringLiteral("60 tokens")));
}

void TestGenerationPane::stopCancels() {
    JobRunner runner;
    GenerationPane pane(&runner);
    pane.setModel(m_model);
    QSignalSpy stopped(&pane, &GenerationPane::generationStopped);
    QSignalSpy finished(&pane, &GenerationPane::generationFinished);
    pane.generate();
    QVERIFY(pane.isGenerating());
    pane.stop(); // before the first token can be produced
    QVERIFY(stopped.wait(10000));
    QVERIFY(finished.isEmpty());
    QVERIFY(!pane.isGenerating());
    QCOMPARE(runner.jobs().constLast().state, JobState::Cancelled);
    QCOMPARE(pane.findChild<QLabel *>(QStringLiteral("generationStatus"))->text(),
             QStringLiteral("Stopped."));

    // and it generates again afterwards
    pane.generate();
    QVERIFY(finished.wait(60000));
}

QTEST_MAIN(TestGenerationPane)
#include "tst_generationpane.moc"
