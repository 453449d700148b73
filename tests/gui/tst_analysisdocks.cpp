// The analysis docks of the main window: the sweep dialog's defaults and validation, a real
// rate–distortion sweep on demo:student through MainWindow::startSweep (the dialog's OK), an
// NWC + LDLQ compression whose container fills the Importance and Compensation views, File ›
// Open Analysis… and File › Export Plot….
#include "analysis/sweepsession.h"
#include "compensationview.h"
#include "compressionjob.h"
#include "compressionsummarydialog.h"
#include "guitesting.h"
#include "importanceview.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "mainwindow.h"
#include "ratedistortionview.h"
#include "sweepdialog.h"
#include "sweeppointtablemodel.h"

#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace nwc;

namespace {

bool demoModelsInstalled() {
    return test::demoModelInstalled(QStringLiteral("demo:student"));
}

void closeSummaries(QWidget &window) {
    const QList<CompressionSummaryDialog *> dialogs =
        window.findChildren<CompressionSummaryDialog *>();
    for (CompressionSummaryDialog *dialog : dialogs)
        dialog->close();
}

} // namespace

class TestAnalysisDocks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void sweepDialogDefaults();
    void sweepDialogValidation_data();
    void sweepDialogValidation();
    void parseBits_data();
    void parseBits();
    void docksAndActions();
    void sweepFromMainWindow();
    void compensatedCompressionFillsDocks();
    void openAnalysisErrorsNameTheFile();

private:
    bool m_demo = false;
    QTemporaryDir m_out;
    QString m_sessionPath;
};

void TestAnalysisDocks::initTestCase() {
    test::useTestSettings("tst_analysisdocks");
    QVERIFY(m_out.isValid());
    m_demo = demoModelsInstalled();
}

void TestAnalysisDocks::init() {
    QSettings().clear();
}

void TestAnalysisDocks::sweepDialogDefaults() {
    SweepDialog dialog(QStringLiteral("demo:student"), QStringLiteral("student"), true);
    QCOMPARE(dialog.bitsEdit()->text(), QStringLiteral("2,3,4,5,6,8"));
    for (const QString &method : SweepDialog::methodNames()) {
        QVERIFY2(dialog.methodBox(method), qPrintable(method));
        const bool expected = SweepSettings().methods.contains(method);
        QCOMPARE(dialog.methodBox(method)->isChecked(), expected);
    }
    // Demo models are evaluated on the demo held-out text unless another text is chosen.
    QVERIFY(dialog.evaluationEdit()->text().isEmpty());
    QVERIFY(dialog.evaluationEdit()->placeholderText().contains(QStringLiteral("heldout.txt")));
    QVERIFY(dialog.calibrationEdit()->text().isEmpty()); // the demo corpus
    QVERIFY(dialog.sessionEdit()->text().endsWith(QStringLiteral("/sweeps/student-sweep.h5")));
    QCOMPARE(dialog.sessionPath(), SweepDialog::defaultSessionPath(QStringLiteral("student")));
    if (m_demo)
        QVERIFY2(dialog.okButton()->isEnabled(), qPrintable(dialog.problem()));

    SweepSettings settings = dialog.settings();
    QCOMPARE(settings.model, QStringLiteral("demo:student"));
    QCOMPARE(settings.bits, (std::vector<double>{2, 3, 4, 5, 6, 8}));
    QCOMPARE(settings.methods, (QStringList{QStringLiteral("nwc"), QStringLiteral("nwc+comp"),
                                            QStringLiteral("rtn"), QStringLiteral("gptq")}));
    QCOMPARE(settings.textPath, demoHeldoutTextPath());
    QCOMPARE(settings.contextLength, 256);
    QCOMPARE(settings.stride, 128);
    QCOMPARE(settings.maxBytes, qint64(-1));
    QCOMPARE(settings.calibrationSamples, 32);
    QCOMPARE(settings.groupSize, 128);
    QVERIFY(settings.calibrationText.isEmpty());
    QVERIFY(settings.containerFolder.isEmpty());

    // Kept containers go next to the session file; the byte limit and context are passed on.
    dialog.keepContainersBox()->setChecked(true);
    dialog.maxBytesBox()->setValue(5000);
    dialog.setMaxContext(128);
    QCOMPARE(dialog.contextBox()->value(), 128);
    dialog.strideBox()->setValue(64);
    settings = dialog.settings();
    QVERIFY(settings.containerFolder.endsWith(QStringLiteral("/sweeps/student-sweep-containers")));
    QCOMPARE(settings.maxBytes, qint64(5000));
    QCOMPARE(settings.contextLength, 128);

    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(!dialog.grab().toImage().isNull());
}

void TestAnalysisDocks::sweepDialogValidation_data() {
    QTest::addColumn<bool>("demo");
    QTest::addColumn<QString>("bits");
    QTest::addColumn<QStringList>("methods");
    QTest::addColumn<QString>("evaluation");
    QTest::addColumn<QString>("calibration");
    QTest::addColumn<QString>("problem"); // substring; empty = accepted

    const QString text = QStringLiteral(NWC_SOURCE_RESOURCES "/demo/heldout.txt");
    const QStringList four = {QStringLiteral("nwc"), QStringLiteral("rtn")};
    const QStringList rtn = {QStringLiteral("rtn")};
    QTest::newRow("accepted") << true << QStringLiteral("3, 4.5") << four << text << QString()
                              << QString();
    QTest::newRow("not a number") << true << QStringLiteral("2,x,4") << four << text << QString()
                                  << QStringLiteral("'x' is not a number");
    QTest::newRow("empty bits") << true << QStringLiteral(" , ") << four << text << QString()
                                << QStringLiteral("at least one bit rate");
    QTest::newRow("zero bits") << true << QStringLiteral("0,2") << four << text << QString()
                               << QStringLiteral("out of range");
    QTest::newRow("too many bits") << true << QStringLiteral("4,20") << four << text << QString()
                                   << QStringLiteral("out of range");
    QTest::newRow("no method") << true << QStringLiteral("4") << QStringList() << text << QString()
                               << QStringLiteral("at least one method");
    QTest::newRow("missing evaluation text")
        << true << QStringLiteral("4") << four << QStringLiteral("/nonexistent/eval.txt")
        << QString() << QStringLiteral("does not exist");
    QTest::newRow("non-demo without evaluation text")
        << false << QStringLiteral("4") << rtn << QString() << QString()
        << QStringLiteral("Choose an evaluation text");
    QTest::newRow("non-demo NWC without calibration")
        << false << QStringLiteral("4") << four << text << QString()
        << QStringLiteral("need a calibration text");
    QTest::newRow("non-demo RTN only")
        << false << QStringLiteral("4") << rtn << text << QString() << QString();
    QTest::newRow("non-demo with calibration")
        << false << QStringLiteral("4") << four << text << text << QString();
}

void TestAnalysisDocks::sweepDialogValidation() {
    QFETCH(bool, demo);
    QFETCH(QString, bits);
    QFETCH(QStringList, methods);
    QFETCH(QString, evaluation);
    QFETCH(QString, calibration);
    QFETCH(QString, problem);
    SweepDialog dialog(demo ? QStringLiteral("demo:student") : QStringLiteral("/data/llama"),
                       demo ? QStringLiteral("student") : QStringLiteral("llama"), demo);
    dialog.setBitsText(bits);
    dialog.setMethods(methods);
    dialog.setEvaluationText(evaluation);
    dialog.setCalibrationText(calibration);
    dialog.setSessionPath(m_out.filePath(QStringLiteral("validation.h5")));
    if (problem.isEmpty()) {
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        QVERIFY(dialog.okButton()->isEnabled());
    } else {
        QVERIFY2(dialog.problem().contains(problem), qPrintable(dialog.problem()));
        QVERIFY(!dialog.okButton()->isEnabled());
        QCOMPARE(dialog.problemLabel()->text(), dialog.problem());
    }
}

void TestAnalysisDocks::parseBits_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<std::vector<double>>("bits");
    QTest::newRow("list") << QStringLiteral("2,3,4") << true << std::vector<double>{2, 3, 4};
    QTest::newRow("spaces and fractions")
        << QStringLiteral(" 2.5 , 3,") << true << std::vector<double>{2.5, 3};
    QTest::newRow("duplicates") << QStringLiteral("4,4") << true << std::vector<double>{4};
    QTest::newRow("negative") << QStringLiteral("-1") << false << std::vector<double>{};
    QTest::newRow("word") << QStringLiteral("four") << false << std::vector<double>{};
    QTest::newRow("empty") << QString() << false << std::vector<double>{};
}

void TestAnalysisDocks::parseBits() {
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(std::vector<double>, bits);
    std::vector<double> parsed;
    QString error;
    QCOMPARE(SweepDialog::parseBits(text, &parsed, &error), ok);
    if (ok)
        QCOMPARE(parsed, bits);
    else
        QVERIFY(!error.isEmpty());
}

void TestAnalysisDocks::docksAndActions() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.importanceView());
    QVERIFY(window.rateDistortionView());
    QVERIFY(window.compensationView());
    const QList<QDockWidget *> tabbed = window.tabifiedDockWidgets(window.importanceDock());
    QVERIFY(tabbed.contains(window.rateDistortionDock()));
    QVERIFY(tabbed.contains(window.compensationDock()));
    // Nothing to export yet, and the action says why.
    QVERIFY(!window.currentAnalysisDock());
    QVERIFY(!window.exportPlotAction()->isEnabled());
    QVERIFY(window.exportPlotAction()->toolTip().contains(QStringLiteral("No analysis view")));
    QString error;
    QVERIFY(!window.exportPlot(m_out.filePath(QStringLiteral("none.png")), &error));
    QVERIFY(error.contains(QStringLiteral("none.png")));
    // No model: the model's analysis actions are off and the Importance view says what to do.
    QVERIFY(!window.computeImportanceAction()->isEnabled());
    QVERIFY(!window.sweepAction()->isEnabled());
    QVERIFY(window.openAnalysisAction()->isEnabled());
    auto *button = window.findChild<QPushButton *>(QStringLiteral("computeImportanceButton"));
    QVERIFY(button);
    QVERIFY(button->isVisible());
    QVERIFY(!button->isEnabled());
}

void TestAnalysisDocks::sweepFromMainWindow() {
    if (!m_demo)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    window.openModel(QStringLiteral("demo:student"));
    QVERIFY(opened.wait(60000));
    QVERIFY(window.sweepAction()->isEnabled());
    QVERIFY(window.computeImportanceAction()->isEnabled());

    SweepSettings settings = test::quickDemoSweep({QStringLiteral("rtn"), QStringLiteral("nwc")});
    settings.containerFolder = m_out.filePath(QStringLiteral("containers"));
    m_sessionPath = m_out.filePath(QStringLiteral("sweeps/student-sweep.h5")); // folder is made
    QSignalSpy finished(&window, &MainWindow::sweepFinished);
    QSignalSpy failed(&window, &MainWindow::sweepFailed);
    const quint64 job = window.startSweep(settings, m_sessionPath);
    QVERIFY(job != 0);
    QVERIFY(!window.sweepAction()->isEnabled());     // one sweep at a time
    QCOMPARE(window.currentAnalysisDock(), nullptr); // no point yet
    QVERIFY(window.rateDistortionDock()->isVisible());

    SweepPointTableModel *table = window.rateDistortionView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(
        (table->rowCount() == 2 && window.jobRunner()->job(job).state == JobState::Finished) ||
            !failed.isEmpty(),
        240000);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().toString(), m_sessionPath);
    QVERIFY(window.sweepAction()->isEnabled());
    QVERIFY(window.rateDistortionView()->session().hasReference);

    // The session file holds the same points.
    QVERIFY(QFileInfo::exists(m_sessionPath));
    const SweepSession saved = loadSweepSession(m_sessionPath);
    const SweepSession &shown = window.rateDistortionView()->session();
    QCOMPARE(saved.points.size(), size_t(2));
    for (size_t i = 0; i < saved.points.size(); ++i) {
        QCOMPARE(shown.points[i].method, saved.points[i].method);
        QCOMPARE(shown.points[i].targetBits, saved.points[i].targetBits);
        QCOMPARE(shown.points[i].countedBytes, saved.points[i].countedBytes);
        QCOMPARE(shown.points[i].perplexity, saved.points[i].perplexity);
        QVERIFY(std::isfinite(saved.points[i].perplexity));
    }
    QCOMPARE(window.compensationView()->ablation().points.size(), size_t(2));

    // The Rate–Distortion dock is in front and has data: Export Plot writes its plot.
    QCOMPARE(window.currentAnalysisDock(), window.rateDistortionDock());
    QVERIFY(window.exportPlotAction()->isEnabled());
    const QString csv = m_out.filePath(QStringLiteral("rd.csv"));
    QString error;
    QVERIFY2(window.exportPlot(csv, &error), qPrintable(error));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("rtn"));

    // A clicked point that kept its container offers to open it.
    QVERIFY(!window.openContainerButton()->isVisible());
    const QString container = shown.points[0].containerPath;
    QVERIFY(QFileInfo::exists(container));
    Q_EMIT window.rateDistortionView()->pointActivated(0);
    QVERIFY(window.openContainerButton()->isVisible());
    QVERIFY(window.openContainerButton()->text().contains(QFileInfo(container).fileName()));
    opened.clear();
    window.openContainerButton()->click();
    QVERIFY(opened.wait(60000));
    QCOMPARE(opened.first().first().toString(), container);

    // Sweeping again resumes: nothing is measured twice and the points stay.
    finished.clear();
    window.startSweep(settings, m_sessionPath);
    QVERIFY(finished.wait(60000));
    QCOMPARE(window.rateDistortionView()->model()->rowCount(), 2);
}

void TestAnalysisDocks::compensatedCompressionFillsDocks() {
    if (!m_demo)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    CompressionJobSettings settings;
    settings.modelSpec = QStringLiteral("demo:student");
    settings.compression.method = CompressionMethod::Nwc;
    settings.compression.targetBitsPerWeight = 4.0;
    settings.compression.calibrationSamples = 4;
    settings.compression.calibrationLength = 64;
    settings.compression.compensation.ldlq = true;
    settings.outputPath = m_out.filePath(QStringLiteral("student-4bpw-nwc-ldlq.nwc"));
    QSignalSpy finished(&window, &MainWindow::compressionFinished);
    QSignalSpy failed(&window, &MainWindow::compressionFailed);
    QSignalSpy loaded(&window, &MainWindow::analysisLoaded);
    window.startCompression(settings);
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 240000);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
    QCOMPARE(loaded.first().first().toString(), settings.outputPath);
    closeSummaries(window);

    const CompensationReport &report = window.compensationView()->report();
    QVERIFY(!report.layers.empty());
    QCOMPARE(report.mode, QStringLiteral("ldlq"));
    QVERIFY(!window.importanceView()->importance().layers.empty());
    auto *button = window.findChild<QPushButton *>(QStringLiteral("computeImportanceButton"));
    QVERIFY(!button->isVisible()); // the view has data: no hint

    // Export Plot writes the analysis dock in front (the Compensation dock once raised).
    window.compensationDock()->raise();
    QTRY_COMPARE(window.currentAnalysisDock(), window.compensationDock());
    QVERIFY(window.exportPlotAction()->isEnabled());
    const QString png = m_out.filePath(QStringLiteral("compensation.png"));
    QString error;
    QVERIFY2(window.exportPlot(png, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 100 && image.height() > 100);
    window.importanceDock()->raise();
    QTRY_COMPARE(window.currentAnalysisDock(), window.importanceDock());

    // Opening an uncompressed model clears the model's analysis.
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    window.openModel(QStringLiteral("demo:student"));
    QVERIFY(opened.wait(60000));
    QVERIFY(window.importanceView()->importance().layers.empty());
    QVERIFY(window.compensationView()->report().empty());
    QVERIFY(button->isVisible());
    QVERIFY(button->isEnabled());

    // Compress › Compute Importance… (the hint's button) calibrates the open model.
    QSignalSpy computed(&window, &MainWindow::importanceComputed);
    QVERIFY(window.computeImportance() != 0);
    QVERIFY(!button->isEnabled());
    QVERIFY(computed.wait(120000));
    QVERIFY(!window.importanceView()->importance().layers.empty());
    QVERIFY(!button->isVisible());

    // File › Open Analysis… of the container and of the sweep session of the previous test;
    // an analysis opened so stays when another uncompressed model opens.
    loaded.clear();
    window.openAnalysis(settings.outputPath, false);
    QVERIFY(loaded.wait(30000));
    QVERIFY(!window.compensationView()->report().layers.empty());
    if (!m_sessionPath.isEmpty()) {
        loaded.clear();
        window.openAnalysis(m_sessionPath, false);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(window.rateDistortionView()->session().points.size(), size_t(2));
        QCOMPARE(window.currentAnalysisDock(), window.rateDistortionDock());
    }
    opened.clear();
    window.openModel(QStringLiteral("demo:student"));
    QVERIFY(opened.wait(60000));
    QVERIFY(!window.compensationView()->report().layers.empty());

    // Opening the container as the model shows its analysis too.
    loaded.clear();
    window.importanceView()->setImportance(ImportanceMap());
    window.openModel(settings.outputPath);
    QVERIFY(loaded.wait(60000));
    QCOMPARE(loaded.first().first().toString(), settings.outputPath);
    QVERIFY(!window.importanceView()->importance().layers.empty());
}

void TestAnalysisDocks::openAnalysisErrorsNameTheFile() {
    MainWindow window;
    const QString junk = m_out.filePath(QStringLiteral("junk.h5"));
    QFile file(junk);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is neither HDF5 nor anything else");
    file.close();
    QSignalSpy failed(&window, &MainWindow::analysisFailed);
    window.openAnalysis(junk, false);
    QVERIFY(failed.wait(20000));
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("junk.h5")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("sweep session")), qPrintable(message));

    failed.clear();
    window.openAnalysis(m_out.filePath(QStringLiteral("missing.h5")), false);
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("missing.h5")));
}

QTEST_MAIN(TestAnalysisDocks)
#include "tst_analysisdocks.moc"
