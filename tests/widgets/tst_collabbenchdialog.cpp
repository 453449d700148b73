// CollabBenchDialog: the setup form runs the benchmark on a GSM8K-style file with the grids it
// names, saves a session that a second Start resumes, and refuses invalid fields with the reason
// (no job started).
#include "collabbenchdialog.h"
#include "collabbenchview.h"
#include "decode/heldoutarithmetic.h"
#include "jobs/jobrunner.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace nwc;

namespace {

template <typename T> T *child(const QWidget &parent, const char *name) {
    T *widget = parent.findChild<T *>(QLatin1String(name));
    if (!widget)
        qFatal("no %s", name);
    return widget;
}

} // namespace

class TestCollabBenchDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runsResumesAndRefuses() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // Three demo-style questions in GSM8K's layout: the reference follows "####".
        const QString data = dir.filePath(QStringLiteral("gsm.jsonl"));
        {
            QFile file(data);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("{\"question\": \"Eli has 2 apples. He finds 87 more. How many apples does "
                       "Eli have now?\", \"answer\": \"2 + 87 = 89.\\n#### 89\"}\n"
                       "{\"question\": \"Paul has 97 cookies. He gets 97 more. How many cookies "
                       "does Paul have now?\", \"answer\": \"97 + 97 = 194.\\n#### 194\"}\n"
                       "{\"question\": \"Ana has 10 pens. She gives away 4. How many pens does "
                       "Ana have now?\", \"answer\": \"10 - 4 = 6.\\n#### 6\"}\n");
        }
        const QString session = dir.filePath(QStringLiteral("session.h5"));
        JobRunner runner;
        CollabBenchDialog dialog(&runner);
        QVERIFY(!dialog.start()); // no models yet
        dialog.prepare(LanguageModel::load(QStringLiteral("demo:student")),
                       LanguageModel::load(QStringLiteral("demo:teacher")),
                       QStringLiteral("demo:teacher"));
        // The built-in sets bring their template and answer pattern; a file starts from the
        // generic template and the built-in answer rule.
        QComboBox *dataCombo = child<QComboBox>(dialog, "benchmarkData");
        QCOMPARE(dataCombo->count(), int(builtInQaSets().size()) + 1);
        QCOMPARE(dataCombo->currentIndex(), 0);
        QCOMPARE(child<QLineEdit>(dialog, "benchmarkTemplate")->text(),
                 QStringLiteral("Question: {question}\\nShort answer:"));
        QCOMPARE(child<QLineEdit>(dialog, "benchmarkAnswerPattern")->text(),
                 DemoCorpus::shortAnswerPattern());
        dataCombo->setCurrentIndex(1);
        QCOMPARE(child<QLineEdit>(dialog, "benchmarkTemplate")->text(),
                 QStringLiteral("Question: {question}\\nAnswer:"));
        QVERIFY(child<QLineEdit>(dialog, "benchmarkAnswerPattern")->text().isEmpty());
        QVERIFY(!child<QLineEdit>(dialog, "benchmarkDataFile")->isEnabled());
        dataCombo->setCurrentIndex(dataCombo->count() - 1);
        QVERIFY(child<QLineEdit>(dialog, "benchmarkDataFile")->isEnabled());
        child<QLineEdit>(dialog, "benchmarkDataFile")->setText(data);
        child<QLineEdit>(dialog, "benchmarkAlphas")->setText(QStringLiteral("0,1"));
        child<QLineEdit>(dialog, "benchmarkNs")->setText(QStringLiteral("1"));
        child<QLineEdit>(dialog, "benchmarkTaus")->setText(QStringLiteral("0,1"));
        child<QSpinBox>(dialog, "benchmarkMaxTokens")->setValue(24);
        child<QLineEdit>(dialog, "benchmarkSession")->setText(session);

        // Invalid fields: the reason, and nothing runs.
        QLineEdit *alphas = child<QLineEdit>(dialog, "benchmarkAlphas");
        alphas->setText(QStringLiteral("zero"));
        QVERIFY(!dialog.start());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("α grid")),
                 qPrintable(dialog.statusText()));
        alphas->setText(QStringLiteral("0,1"));
        QLineEdit *pattern = child<QLineEdit>(dialog, "benchmarkAnswerPattern");
        pattern->setText(QStringLiteral("(unclosed"));
        QVERIFY(!dialog.start());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("answer pattern")),
                 qPrintable(dialog.statusText()));
        pattern->clear();
        QVERIFY(!dialog.isRunning());

        QSignalSpy finished(&dialog, &CollabBenchDialog::finished);
        QVERIFY(dialog.start());
        QVERIFY(dialog.isRunning());
        QVERIFY(finished.wait(120000));
        const CollabBenchResult first = dialog.view()->result();
        QCOMPARE(int(first.items.size()), 3);
        QCOMPARE(first.settings.dataName, data);
        QCOMPARE(first.settings.alphas, (std::vector<double>{0.0, 1.0}));
        QCOMPARE(first.settings.ns, (std::vector<int>{1}));
        QCOMPARE(first.calibrationCount + first.testCount, 3);
        QVERIFY(QFile::exists(session));
        // The teacher answers these demo questions; its answers are read after "####"-free text.
        QVERIFY(!first.items[0].teacherAnswer.isEmpty());

        // Start again with the same session: resumed, nothing recomputed, the same outcome.
        QVERIFY(dialog.start());
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Resuming")),
                 qPrintable(dialog.statusText()));
        QVERIFY(finished.wait(120000));
        const CollabBenchResult resumed = dialog.view()->result();
        QCOMPARE(int(resumed.items.size()), 3);
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(resumed.items[i].studentCompletion, first.items[i].studentCompletion);
            QCOMPARE(resumed.items[i].correct, first.items[i].correct);
        }
        // Compute time is carried over, not spent again (3 questions took first.seconds).
        QVERIFY2(resumed.seconds < first.seconds + 0.5 * first.seconds / 3,
                 qPrintable(QStringLiteral("%1 s after resuming, %2 s first")
                                .arg(resumed.seconds)
                                .arg(first.seconds)));

        // Other grids with that session: the job fails naming the difference.
        alphas->setText(QStringLiteral("0,2"));
        QSignalSpy running(&dialog, &CollabBenchDialog::runningChanged);
        QVERIFY(dialog.start());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isRunning(), 60000);
        QVERIFY2(dialog.statusText().contains(QStringLiteral("alpha grid")),
                 qPrintable(dialog.statusText()));
    }
};

QTEST_MAIN(TestCollabBenchDialog)
#include "tst_collabbenchdialog.moc"
