// GenerationPane with the demo models: demo:student alone next to demo:student steered by
// demo:teacher, end to end through the JobRunner, with no setup.
#include "generationpane.h"
#include "jobs/jobrunner.h"
#include "lm/languagemodel.h"
#include "swappedtokenizermodel.h"
#include "tokenstreamview.h"

#include <QMessageBox>
#include <QTemporaryDir>

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextEdit>

using namespace nwc;

class TestCollaborativePane : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void studentAndSteeredColumns();
    void incompatibleTeacherKeepsTheStudentColumn();
    void chosenTeacherWithOtherTokenizerShowsDetails();
};

void TestCollaborativePane::studentAndSteeredColumns() {
    JobRunner runner;
    GenerationPane pane(&runner);
    pane.resize(1000, 600);
    pane.show();
    pane.setModel(LanguageModel::load(QStringLiteral("demo:student")));
    QCOMPARE(pane.teacherSpec(), QStringLiteral("demo:teacher"));
    QTRY_VERIFY_WITH_TIMEOUT(pane.teacher(), 30000);
    QCOMPARE(pane.collaborativeUnavailableReason(), QString());
    QVERIFY(pane.findChild<QPushButton *>(QStringLiteral("benchmarkButton"))->isEnabled());

    pane.setPrompt(QStringLiteral("Question: What is 12 plus 7?\nAnswer:"));
    SamplingSettings sampling;
    sampling.temperature = 0;
    sampling.maxTokens = 8;
    pane.setSettings(sampling);
    CollaborativeSettings collaborative;
    collaborative.alpha = 1;
    collaborative.steeredTokens = 2;
    pane.setCollaborativeSettings(collaborative);
    QCOMPARE(pane.collaborativeSettings().alpha, 1.0);
    QCOMPARE(pane.collaborativeSettings().steeredTokens, 2);
    QCOMPARE(pane.collaborativeSettings().mode, CollaborativeMode::FixedAlpha);

    QSignalSpy finished(&pane, &GenerationPane::generationFinished);
    QTest::mouseClick(pane.findChild<QPushButton *>(QStringLiteral("generateButton")),
                      Qt::LeftButton);
    QVERIFY(pane.isGenerating());
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);

    QVERIFY(!pane.completion().isEmpty());
    QVERIFY(!pane.collaborativeCompletion().isEmpty());
    const std::vector<StepTrace> &alone = pane.studentSteps();
    const std::vector<StepTrace> &steered = pane.collaborativeSteps();
    QVERIFY(!alone.empty() && alone.size() <= 8);
    QVERIFY(steered.size() >= 2 && steered.size() <= 8);
    for (const StepTrace &step : alone)
        QCOMPARE(step.source, TokenSource::Student);
    QCOMPARE(steered[0].source, TokenSource::TeacherSteered);
    QCOMPARE(steered[1].source, TokenSource::TeacherSteered);
    QVERIFY(steered[0].teacherRan && steered[1].teacherRan);
    for (size_t i = 2; i < steered.size(); ++i)
        QCOMPARE(steered[i].source, TokenSource::StudentAfterN);
    // Both columns show what they received, and the entropy strips one bar per token.
    QVERIFY(pane.findChild<QTextEdit *>(QStringLiteral("collaborativeOutput"))
                ->toPlainText()
                .endsWith(pane.collaborativeCompletion()));
    QCOMPARE(pane.collaborativeView()->entropyStrip()->values().size(), steered.size());
    QCOMPARE(pane.studentView()->entropyStrip()->values().size(), alone.size());
    const QString status = pane.findChild<QLabel *>(QStringLiteral("generationStatus"))->text();
    QVERIFY2(status.contains(QStringLiteral("teacher ran at 2 step(s)")), qPrintable(status));
}

void TestCollaborativePane::incompatibleTeacherKeepsTheStudentColumn() {
    JobRunner runner;
    GenerationPane pane(&runner);
    pane.setModel(LanguageModel::load(QStringLiteral("demo:student")));
    QSignalSpy failed(&pane, &GenerationPane::teacherLoadFailed);
    pane.setTeacherSpec(QStringLiteral("/nonexistent/teacher"));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    QVERIFY(!pane.teacher());
    const QString reason = pane.collaborativeUnavailableReason();
    QVERIFY2(reason.contains(QStringLiteral("/nonexistent/teacher")), qPrintable(reason));
    QCOMPARE(pane.findChild<QTextEdit *>(QStringLiteral("collaborativeOutput"))->placeholderText(),
             reason);
    QVERIFY(!pane.findChild<QPushButton *>(QStringLiteral("benchmarkButton"))->isEnabled());

    SamplingSettings sampling;
    sampling.temperature = 0;
    sampling.maxTokens = 4;
    pane.setSettings(sampling);
    QSignalSpy finished(&pane, &GenerationPane::generationFinished);
    pane.generate();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
    QVERIFY(!pane.completion().isEmpty());
    QVERIFY(pane.collaborativeSteps().empty());
}

void TestCollaborativePane::chosenTeacherWithOtherTokenizerShowsDetails() {
    QTemporaryDir dir;
    const QString swapped = testing::writeSwappedTokenizerModel(
        QStringLiteral("demo:student"), dir.filePath(QStringLiteral("swapped")));
    QVERIFY(!swapped.isEmpty());
    JobRunner runner;
    GenerationPane pane(&runner);
    pane.setModel(LanguageModel::load(QStringLiteral("demo:student")));
    QSignalSpy loaded(&pane, &GenerationPane::teacherLoaded);

    // Set by the program (a restored setting): the column says why, without a dialog.
    pane.setTeacherSpec(swapped);
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
    QVERIFY(pane.collaborativeUnavailableReason().contains(QLatin1String("tokenizers differ")));
    QVERIFY(!pane.findChild<QMessageBox *>(QStringLiteral("jobErrorDialog")));

    // Chosen by the user: a dialog names the mismatch and lists both tokenizers.
    pane.chooseTeacher(QStringLiteral("demo:teacher"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 30000);
    QVERIFY(pane.collaborativeUnavailableReason().isEmpty());
    QVERIFY(!pane.findChild<QMessageBox *>(QStringLiteral("jobErrorDialog")));
    pane.chooseTeacher(swapped);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 3, 30000);
    auto *dialog = pane.findChild<QMessageBox *>(QStringLiteral("jobErrorDialog"));
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Tokenizers Do Not Match"));
    QVERIFY2(dialog->text().contains(QLatin1String("swapped cannot steer student")) &&
                 dialog->text().contains(QLatin1String("the token at index 100")),
             qPrintable(dialog->text()));
    QVERIFY(dialog->informativeText().contains(QLatin1String("same tokenizer")));
    const QString details = dialog->detailedText();
    QVERIFY2(details.contains(QLatin1String("student (student):")) &&
                 details.contains(QLatin1String("first difference: the token at index 100")),
             qPrintable(details));
    dialog->close();

    // A teacher that cannot be loaded, chosen by the user: the load error in a dialog.
    QSignalSpy failed(&pane, &GenerationPane::teacherLoadFailed);
    pane.chooseTeacher(dir.filePath(QStringLiteral("missing")));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    QTRY_VERIFY(pane.findChild<QMessageBox *>(QStringLiteral("jobErrorDialog")));
    dialog = pane.findChild<QMessageBox *>(QStringLiteral("jobErrorDialog"));
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Teacher Model"));
    QVERIFY2(dialog->text().contains(dir.filePath(QStringLiteral("missing"))),
             qPrintable(dialog->text()));
}

QTEST_MAIN(TestCollaborativePane)
#include "tst_collaborativepane.moc"
