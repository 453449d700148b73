// Compress › Compress at Bit Rate…: the dialog's validation and settings, the compression job
// (RTN on demo:student through the JobRunner, evaluated), cancellation, the summary dialog and
// its table model, and the main window's compress and export actions.
#include "codec/codecfile.h"
#include "codec/nwccontainer.h"
#include "compressdialog.h"
#include "compressedtensormodel.h"
#include "compressionjob.h"
#include "compressionsummarydialog.h"
#include "guitesting.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "jobs/progresssink.h"
#include "mainwindow.h"
#include "samplecompression.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <optional>

using namespace nwc;

namespace {

using test::visibleChild;

bool demoModelsInstalled() {
    return test::demoModelInstalled(QStringLiteral("demo:student"));
}

/// RTN at 8 bits on demo:student, evaluated on the first bytes of the demo held-out text.
CompressionJobSettings rtnSettings(const QString &output, bool evaluate) {
    CompressionJobSettings settings;
    settings.modelSpec = QStringLiteral("demo:student");
    settings.compression.method = CompressionMethod::Rtn;
    settings.compression.targetBitsPerWeight = 8.0;
    settings.outputPath = output;
    settings.evaluate = evaluate;
    settings.evaluation.textPath = demoHeldoutTextPath();
    settings.evaluation.maxBytes = 6000;
    return settings;
}

/// A summary with made-up but consistent numbers.
CompressionJobResult sampleResult() {
    using test::sampleTensorRow;
    CompressionJobResult result = test::sampleCompressionResult(
        QStringLiteral("demo:teacher"), QStringLiteral("/tmp/teacher-4bpw-nwc.nwc"),
        {sampleTensorRow(QStringLiteral("model.layers.0.self_attn.q_proj.weight"), 256, 256,
                         CompressionMethod::Nwc, 33000),
         sampleTensorRow(QStringLiteral("model.layers.0.mlp.down_proj.weight"), 256, 688,
                         CompressionMethod::Nwc, 88000),
         sampleTensorRow(QStringLiteral("model.layers.0.mlp.up_proj.weight"), 688, 256,
                         CompressionMethod::Rtn, 90000)},
        1.60e6, 1.61e6, 900000);
    CompressionEvaluation &evaluation = result.evaluation;
    evaluation.compressed.tokensScored = 9000;
    evaluation.comparison.meanKl = 0.0421;
    evaluation.comparison.medianKl = 0.02;
    evaluation.comparison.p99Kl = 0.4;
    evaluation.comparison.sameTopRate = 0.93;
    evaluation.seconds = 3.0;
    return result;
}

} // namespace

class TestCompressDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void defaultsForDemoModel();
    void validation_data();
    void validation();
    void modelThatCannotRun();
    void rtnSwitchesToWholeBits();
    void settingsStruct();
    void compensationChoice();
    void defaultOutputPath();
    void tableModel();
    void summaryDialog();
    void summaryDialogWithoutEvaluation();
    void compressionJobMatchesContainer();
    void cancelledJobLeavesNoFile_data();
    void cancelledJobLeavesNoFile();
    void cancelThroughRunnerLeavesNoFile();
    void copiesCompressedCheckpoint();
    void mainWindowCompressesAndOpensResult();
    void mainWindowShowsCompressionErrors();

private:
    bool m_demo = false;
    QTemporaryDir m_models; ///< a folder standing in for a non-demo model
};

void TestCompressDialog::initTestCase() {
    test::useTestSettings("tst_compressdialog");
    m_demo = demoModelsInstalled();
    QVERIFY(m_models.isValid());
    QVERIFY(QDir(m_models.path()).mkdir(QStringLiteral("llama")));
}

void TestCompressDialog::init() {
    QSettings().clear();
}

void TestCompressDialog::defaultsForDemoModel() {
    CompressDialog dialog(QStringLiteral("demo:student"), QStringLiteral("student"), true);
    QCOMPARE(dialog.targetBox()->value(), 4.0);
    QCOMPARE(dialog.targetBox()->minimum(), 1.0);
    QCOMPARE(dialog.targetBox()->maximum(), 9.0);
    QCOMPARE(dialog.targetBox()->singleStep(), 0.25);
    QCOMPARE(dialog.methodBox()->count(), 3);
    QCOMPARE(dialog.settings().compression.method, CompressionMethod::Nwc);
    QVERIFY(dialog.codecBox()->isEnabled());
    const int ladder = int(defaultCodecFiles(CompressionSettings().ladderPresets).size());
    QVERIFY2(dialog.codecBox()->itemText(0).contains(QString::number(ladder)),
             qPrintable(dialog.codecBox()->itemText(0)));
    // Ladder, one entry per shipped codec (all presets), "Choose file…".
    QCOMPARE(dialog.codecBox()->count(), int(defaultCodecFiles().size()) + 2);
    QCOMPARE(dialog.calibrationEdit()->placeholderText(),
             QStringLiteral("demo corpus (demo models only)"));
    QVERIFY(dialog.outputEdit()->text().endsWith(QStringLiteral("student-4bpw-nwc.nwc")));
    QVERIFY(dialog.evaluateBox()->isChecked());
    if (ladder == 0) {
        QVERIFY(!dialog.okButton()->isEnabled());
        QVERIFY(dialog.problem().contains(QStringLiteral("codec")));
    } else {
        QVERIFY2(dialog.okButton()->isEnabled(), qPrintable(dialog.problem()));
    }

    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QImage image = dialog.grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 400 && image.height() >= 200);
}

void TestCompressDialog::validation_data() {
    QTest::addColumn<bool>("demo");
    QTest::addColumn<int>("method");
    QTest::addColumn<QString>("calibration");
    QTest::addColumn<bool>("evaluate");
    QTest::addColumn<QString>("problem"); // substring; empty = accepted

    const int nwcMethod = int(CompressionMethod::Nwc);
    const int rtn = int(CompressionMethod::Rtn);
    const int gptq = int(CompressionMethod::Gptq);
    const QString text = QStringLiteral(NWC_SOURCE_RESOURCES "/demo/heldout.txt");
    const QString missing = QStringLiteral("/nonexistent/calibration.txt");
    QTest::newRow("non-demo NWC without text")
        << false << nwcMethod << QString() << false << QStringLiteral("calibration text");
    QTest::newRow("non-demo GPTQ without text")
        << false << gptq << QString() << false << QStringLiteral("GPTQ needs a calibration text");
    QTest::newRow("non-demo GPTQ with missing text")
        << false << gptq << missing << false << QStringLiteral("does not exist");
    QTest::newRow("non-demo GPTQ with text") << false << gptq << text << true << QString();
    QTest::newRow("non-demo RTN without text") << false << rtn << QString() << false << QString();
    QTest::newRow("non-demo RTN evaluated without text")
        << false << rtn << QString() << true << QStringLiteral("Evaluation needs a text");
    QTest::newRow("demo GPTQ without text") << true << gptq << QString() << true << QString();
}

void TestCompressDialog::validation() {
    QFETCH(bool, demo);
    QFETCH(int, method);
    QFETCH(QString, calibration);
    QFETCH(bool, evaluate);
    QFETCH(QString, problem);
    if (demo && !m_demo && evaluate)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    const QString spec =
        demo ? QStringLiteral("demo:student") : m_models.filePath(QStringLiteral("llama"));
    CompressDialog dialog(spec, demo ? QStringLiteral("student") : QStringLiteral("llama"), demo);
    dialog.setMethod(CompressionMethod(method));
    dialog.setCalibrationText(calibration);
    dialog.setEvaluate(evaluate);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    if (problem.isEmpty()) {
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        QVERIFY(dialog.okButton()->isEnabled());
        return;
    }
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY2(dialog.problem().contains(problem), qPrintable(dialog.problem()));
    // The reason is shown in the dialog, not only kept.
    QVERIFY(dialog.problemLabel()->isVisible());
    QCOMPARE(dialog.problemLabel()->text(), dialog.problem());

    // Fixing it enables Compress (RTN needs no text; evaluation off needs none either).
    if (!demo) {
        dialog.setMethod(CompressionMethod::Rtn);
        dialog.setEvaluate(false);
        QVERIFY2(dialog.okButton()->isEnabled(), qPrintable(dialog.problem()));
    }
}

void TestCompressDialog::modelThatCannotRun() {
    CompressDialog dialog(m_models.filePath(QStringLiteral("llama")), QStringLiteral("llama"),
                          false);
    dialog.setCalibrationText(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/heldout.txt"));
    dialog.setEvaluate(true);
    dialog.setModelNotRunnable(QStringLiteral("llama has no tokenizer beside it"));
    QVERIFY(!dialog.evaluateBox()->isChecked());
    QVERIFY(!dialog.evaluateBox()->isEnabled());
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY2(dialog.problem().contains(QStringLiteral("use RTN")), qPrintable(dialog.problem()));
    QVERIFY(dialog.problem().contains(QStringLiteral("no tokenizer")));
    dialog.setMethod(CompressionMethod::Rtn);
    QVERIFY2(dialog.okButton()->isEnabled(), qPrintable(dialog.problem()));
    QVERIFY(!dialog.settings().evaluate);
}

void TestCompressDialog::rtnSwitchesToWholeBits() {
    CompressDialog dialog(m_models.filePath(QStringLiteral("llama")), QStringLiteral("llama"),
                          false);
    QDoubleSpinBox *target = dialog.targetBox();
    dialog.setTargetBitsPerWeight(4.25);
    QCOMPARE(target->value(), 4.25);

    dialog.setMethod(CompressionMethod::Rtn);
    QCOMPARE(target->decimals(), 0);
    QCOMPARE(target->minimum(), 2.0);
    QCOMPARE(target->maximum(), 8.0);
    QCOMPARE(target->singleStep(), 1.0);
    QCOMPARE(target->value(), 4.0);
    QVERIFY(dialog.noteLabel()->text().contains(QStringLiteral("+0.25")));
    QVERIFY(dialog.noteLabel()->text().contains(QStringLiteral("128")));
    QVERIFY(!dialog.codecBox()->isEnabled());
    QVERIFY(!dialog.calibrationEdit()->isEnabled());
    QCOMPARE(dialog.settings().compression.targetBitsPerWeight, 4.0);
    dialog.setTargetBitsPerWeight(9.0); // clamped to the method's range
    QCOMPARE(target->value(), 8.0);
    dialog.setTargetBitsPerWeight(2.6);
    QCOMPARE(target->value(), 3.0);

    dialog.setMethod(CompressionMethod::Gptq);
    QCOMPARE(target->decimals(), 0);
    QCOMPARE(target->value(), 3.0);
    QVERIFY(dialog.calibrationEdit()->isEnabled());

    // Back to NWC: fractional bits again, and the NWC target the user had.
    dialog.setMethod(CompressionMethod::Nwc);
    QCOMPARE(target->decimals(), 2);
    QCOMPARE(target->minimum(), 1.0);
    QCOMPARE(target->maximum(), 9.0);
    QCOMPARE(target->value(), 4.25);
    QVERIFY(dialog.codecBox()->isEnabled());

    // A fractional NWC target rounds to the nearest whole width.
    dialog.setTargetBitsPerWeight(5.75);
    dialog.setMethod(CompressionMethod::Rtn);
    QCOMPARE(target->value(), 6.0);
}

void TestCompressDialog::settingsStruct() {
    QTemporaryDir out;
    QVERIFY(out.isValid());
    CompressDialog dialog(QStringLiteral("demo:student"), QStringLiteral("student"), true);
    dialog.setMethod(CompressionMethod::Rtn);
    dialog.setTargetBitsPerWeight(8.0);
    // The default output follows method and bits until the user picks a file.
    QVERIFY2(dialog.outputEdit()->text().endsWith(QStringLiteral("student-8bpw-rtn.nwc")),
             qPrintable(dialog.outputEdit()->text()));
    const QString output = out.filePath(QStringLiteral("student.nwc"));
    dialog.setOutputPath(output);
    dialog.setTargetBitsPerWeight(6.0);
    QCOMPARE(dialog.outputEdit()->text(), output);

    CompressionJobSettings settings = dialog.settings();
    QCOMPARE(settings.modelSpec, QStringLiteral("demo:student"));
    QCOMPARE(settings.compression.method, CompressionMethod::Rtn);
    QCOMPARE(settings.compression.targetBitsPerWeight, 6.0);
    QVERIFY(settings.compression.codecPaths.isEmpty());
    QVERIFY(settings.compression.calibrationText.isEmpty());
    QCOMPARE(settings.compression.groupSize, 128);
    QCOMPARE(settings.outputPath, output);
    QVERIFY(settings.evaluate);
    QCOMPARE(settings.evaluation.textPath, demoHeldoutTextPath());
    QCOMPARE(settings.evaluation.contextLength, 256);
    QCOMPARE(settings.evaluation.stride, 128);

    // NWC with a calibration text: the text is passed on, the codec choice is the ladder.
    const QString text = QStringLiteral(NWC_SOURCE_RESOURCES "/demo/heldout.txt");
    dialog.setMethod(CompressionMethod::Nwc);
    dialog.setTargetBitsPerWeight(3.5);
    dialog.setCalibrationText(text);
    dialog.setEvaluate(false);
    settings = dialog.settings();
    QCOMPARE(settings.compression.method, CompressionMethod::Nwc);
    QCOMPARE(settings.compression.targetBitsPerWeight, 3.5);
    QCOMPARE(settings.compression.calibrationText, text);
    QVERIFY(settings.compression.codecPaths.isEmpty());
    QVERIFY(!settings.evaluate);
    QVERIFY(settings.evaluation.textPath.isEmpty());

    // A single shipped codec is passed as its file.
    if (dialog.codecBox()->count() > 2) {
        dialog.codecBox()->setCurrentIndex(1);
        QCOMPARE(dialog.settings().compression.codecPaths,
                 QStringList{defaultCodecFiles().value(0)});
    }

    // A non-demo model evaluates on its calibration text.
    CompressDialog other(m_models.filePath(QStringLiteral("llama")), QStringLiteral("llama"),
                         false);
    other.setMethod(CompressionMethod::Gptq);
    other.setCalibrationText(text);
    other.setEvaluate(true);
    QCOMPARE(other.settings().evaluation.textPath, text);
    QCOMPARE(other.settings().compression.calibrationText, text);
}

void TestCompressDialog::compensationChoice() {
    CompressDialog dialog(QStringLiteral("demo:student"), QStringLiteral("student"), true);
    QComboBox *box = dialog.compensationBox();
    QCOMPARE(box->count(), 4);
    QVERIFY(box->isEnabled());
    QVERIFY(box->toolTip().contains(QStringLiteral("longer")));
    QVERIFY(!dialog.settings().compression.compensation.any());

    // Each choice reaches CompressionSettings::compensation, and gets its own default file.
    dialog.setCompensation(QStringLiteral("ldlq"));
    CompensationSettings compensation = dialog.settings().compression.compensation;
    QVERIFY(compensation.ldlq);
    QVERIFY(!compensation.fineTune);
    QVERIFY2(dialog.outputEdit()->text().endsWith(QStringLiteral("student-4bpw-nwc-ldlq.nwc")),
             qPrintable(dialog.outputEdit()->text()));
    dialog.setCompensation(QStringLiteral("finetune"));
    compensation = dialog.settings().compression.compensation;
    QVERIFY(!compensation.ldlq);
    QVERIFY(compensation.fineTune);
    dialog.setCompensation(QStringLiteral("all"));
    compensation = dialog.settings().compression.compensation;
    QVERIFY(compensation.ldlq && compensation.fineTune);
    QCOMPARE(compensationName(compensation), QStringLiteral("all"));

    // Only NWC compensates: other methods disable the choice and ignore it.
    dialog.setMethod(CompressionMethod::Gptq);
    QVERIFY(!box->isEnabled());
    QVERIFY(!dialog.settings().compression.compensation.any());
    QVERIFY2(dialog.outputEdit()->text().endsWith(QStringLiteral("student-4bpw-gptq.nwc")),
             qPrintable(dialog.outputEdit()->text()));
    dialog.setMethod(CompressionMethod::Nwc);
    QVERIFY(box->isEnabled());
    QVERIFY(dialog.settings().compression.compensation.any());
}

void TestCompressDialog::defaultOutputPath() {
    // Beside a folder model, named after it.
    const QString folder = m_models.filePath(QStringLiteral("llama"));
    QCOMPARE(CompressDialog::defaultOutputPath(folder, QStringLiteral("llama"), 4.25,
                                               CompressionMethod::Nwc),
             m_models.filePath(QStringLiteral("llama-4.25bpw-nwc.nwc")));
    // Demo models go to the documents folder (or home).
    const QString demo = CompressDialog::defaultOutputPath(
        QStringLiteral("demo:teacher"), QStringLiteral("teacher"), 3, CompressionMethod::Gptq);
    QCOMPARE(QFileInfo(demo).fileName(), QStringLiteral("teacher-3bpw-gptq.nwc"));
    QVERIFY(QFileInfo(QFileInfo(demo).absolutePath()).isDir());
    // Odd characters in names do not reach the file name.
    QCOMPARE(QFileInfo(CompressDialog::defaultOutputPath(folder, QStringLiteral("a b/c"), 2,
                                                         CompressionMethod::Rtn))
                 .fileName(),
             QStringLiteral("a-b-c-2bpw-rtn.nwc"));
}

void TestCompressDialog::tableModel() {
    CompressedTensorModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    const CompressionJobResult result = sampleResult();
    model.setTensors(result.summary.tensors);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(CompressedTensorModel::ColumnCount));

    const auto text = [&model](int row, int column) {
        return model.index(row, column).data().toString();
    };
    QCOMPARE(text(0, CompressedTensorModel::NameColumn),
             QStringLiteral("model.layers.0.self_attn.q_proj.weight"));
    QCOMPARE(text(1, CompressedTensorModel::ShapeColumn), QStringLiteral("256 × 688"));
    QCOMPARE(text(0, CompressedTensorModel::MethodColumn), QStringLiteral("NWC"));
    QCOMPARE(text(2, CompressedTensorModel::MethodColumn), QStringLiteral("RTN"));
    QCOMPARE(text(0, CompressedTensorModel::CodecColumn), QStringLiteral("fast-l28"));
    QCOMPARE(text(2, CompressedTensorModel::CodecColumn), QStringLiteral("—"));
    QVERIFY(text(0, CompressedTensorModel::StepOrBitsColumn).contains(QStringLiteral("0.7071")));
    QCOMPARE(text(2, CompressedTensorModel::StepOrBitsColumn), QStringLiteral("4 bits"));
    // 8 × 33000 / 65536 = 4.028…
    QCOMPARE(text(0, CompressedTensorModel::BitsPerWeightColumn), QStringLiteral("4.028"));
    QCOMPARE(model.index(0, CompressedTensorModel::BytesColumn)
                 .data(CompressedTensorModel::SortRole)
                 .toLongLong(),
             33000LL);
    QCOMPARE(model.index(1, CompressedTensorModel::BitsPerWeightColumn)
                 .data(CompressedTensorModel::SortRole)
                 .toDouble(),
             result.summary.tensors[1].bitsPerWeight);
    QCOMPARE(model.headerData(CompressedTensorModel::BytesColumn, Qt::Horizontal).toString(),
             QStringLiteral("Bytes"));
    QVERIFY(!model.index(0, 0).data(Qt::ToolTipRole).toString().isEmpty());

    model.setTensors({});
    QCOMPARE(model.rowCount(), 0);
}

void TestCompressDialog::summaryDialog() {
    const CompressionJobResult result = sampleResult();
    CompressionSummaryDialog dialog(result);
    QAbstractItemModelTester tester(dialog.tensorView()->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(dialog.tensorModel()->rowCount(), 3);
    QCOMPARE(dialog.tensorView()->model()->rowCount(), 3);
    // 8 × 211000 / 417792 = 4.0403
    QVERIFY2(dialog.fieldText(QStringLiteral("achieved")).contains(QStringLiteral("4.0403")),
             qPrintable(dialog.fieldText(QStringLiteral("achieved"))));
    QVERIFY(dialog.fieldText(QStringLiteral("achieved")).contains(QStringLiteral("4.00")));
    QVERIFY(dialog.fieldText(QStringLiteral("counted")).contains(QStringLiteral("211,000")));
    QVERIFY(dialog.fieldText(QStringLiteral("file")).contains(QStringLiteral("900,000")));
    QVERIFY(dialog.fieldText(QStringLiteral("passthrough")).contains(QStringLiteral("600,000")));
    QVERIFY(dialog.fieldText(QStringLiteral("codec")).contains(QStringLiteral("45,000")));
    // (1.60 - 1.61) / 1.61 = -0.62 %
    QVERIFY2(dialog.fieldText(QStringLiteral("estimate")).contains(QStringLiteral("-0.62 %")),
             qPrintable(dialog.fieldText(QStringLiteral("estimate"))));
    QVERIFY(!dialog.fieldText(QStringLiteral("time")).isEmpty());
    QVERIFY(dialog.fieldText(QStringLiteral("memory")).contains(QStringLiteral("MiB")));
    const QString perplexity = dialog.fieldText(QStringLiteral("perplexity"));
    QVERIFY2(perplexity.contains(QStringLiteral("5.500")) &&
                 perplexity.contains(QStringLiteral("5.250")) &&
                 perplexity.contains(QStringLiteral("+4.76 %")),
             qPrintable(perplexity));
    QVERIFY(dialog.fieldText(QStringLiteral("kl")).contains(QStringLiteral("0.0421")));
    const QString measured = dialog.fieldText(QStringLiteral("evaluation"));
    QVERIFY2(measured.contains(QStringLiteral("context 256")) &&
                 measured.contains(QStringLiteral("stride 128")) &&
                 measured.contains(QStringLiteral("heldout.txt")),
             qPrintable(measured));

    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QImage image = dialog.grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 600 && image.height() >= 400);

    QSignalSpy open(&dialog, &CompressionSummaryDialog::openRequested);
    dialog.openButton()->click();
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().first().toString(), result.summary.outputPath);
    QVERIFY(!dialog.isVisible());
}

void TestCompressDialog::summaryDialogWithoutEvaluation() {
    CompressionJobResult result = sampleResult();
    result.summary.method = CompressionMethod::Rtn;
    result.summary.estimatedBitstreamBits = 0;
    result.summary.actualBitstreamBits = 0;
    result.evaluated = false;
    result.evaluationError = QStringLiteral("cannot read the evaluation text");
    CompressionSummaryDialog dialog(result);
    QVERIFY(dialog.fieldText(QStringLiteral("perplexity")).isEmpty());
    QCOMPARE(dialog.fieldText(QStringLiteral("evaluation")), result.evaluationError);
    QVERIFY(dialog.fieldText(QStringLiteral("estimate")).contains(QStringLiteral("RTN")));
}

void TestCompressDialog::compressionJobMatchesContainer() {
    if (!m_demo)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString output = out.filePath(QStringLiteral("student-8bpw-rtn.nwc"));
    const CompressionJobSettings settings = rtnSettings(output, true);

    JobRunner runner;
    QObject receiver;
    std::optional<CompressionJobResult> result;
    QString error;
    const quint64 id = runner.start(
        QStringLiteral("compress"), QString(), &receiver,
        [settings](JobContext &context) { return runCompressionJob(settings, &context); },
        JobHandlers<CompressionJobResult>{
            [&result](const CompressionJobResult &value) { result = value; },
            [&error](const QString &message) { error = message; },
            {}});
    QTRY_VERIFY_WITH_TIMEOUT(result || !error.isEmpty(), 300000);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(runner.job(id).state, JobState::Finished);
    QCOMPARE(runner.job(id).fraction, 1.0);

    // The summary agrees with what the container says about itself.
    const CompressionSummary &summary = result->summary;
    NwcReader reader(output);
    const NwcSummary stored = reader.summary();
    QCOMPARE(summary.outputPath, output);
    QCOMPARE(summary.method, CompressionMethod::Rtn);
    QCOMPARE(summary.countedBytes, stored.countedBytes);
    QCOMPARE(summary.compressedWeights, stored.compressedWeights);
    QVERIFY(summary.compressedWeights > 0);
    QCOMPARE(summary.achievedBitsPerWeight,
             8.0 * double(stored.countedBytes) / double(stored.compressedWeights));
    QVERIFY(std::abs(summary.achievedBitsPerWeight - stored.bitsPerWeight) < 1e-9);
    QVERIFY(std::abs(stored.header.achievedBitsPerWeight - summary.achievedBitsPerWeight) < 1e-9);
    // 8-bit codes plus an fp16 scale and zero per 128 weights: a little above 8.25.
    QVERIFY2(summary.achievedBitsPerWeight > 8.2 && summary.achievedBitsPerWeight < 8.4,
             qPrintable(QString::number(summary.achievedBitsPerWeight)));
    QCOMPARE(summary.fileBytes, QFileInfo(output).size());
    QCOMPARE(summary.fileBytes, stored.fileBytes);
    QCOMPARE(summary.passthroughBytes, stored.passthroughBytes);
    QCOMPARE(summary.tensors.size(), stored.tensors.size());
    for (size_t t = 0; t < summary.tensors.size(); ++t) {
        QCOMPARE(summary.tensors[t].name, stored.tensors[t].name);
        QCOMPARE(summary.tensors[t].countedBytes, stored.tensors[t].countedBytes);
        QCOMPARE(summary.tensors[t].bits, 8);
        QCOMPARE(summary.tensors[t].bitsPerWeight, stored.tensors[t].bitsPerWeight());
    }

    // Evaluation: finite perplexities, close at 8 bits, KL >= 0, with the settings used.
    QVERIFY2(result->evaluated, qPrintable(result->evaluationError));
    const CompressionEvaluation &evaluation = result->evaluation;
    QVERIFY(std::isfinite(evaluation.compressed.perplexity));
    QVERIFY(std::isfinite(evaluation.original.perplexity));
    QVERIFY(evaluation.compressed.perplexity > 1.0);
    QVERIFY(evaluation.original.perplexity > 1.0);
    QVERIFY2(std::abs(evaluation.compressed.perplexity / evaluation.original.perplexity - 1.0) <
                 0.1,
             qPrintable(QStringLiteral("%1 vs %2")
                            .arg(evaluation.compressed.perplexity)
                            .arg(evaluation.original.perplexity)));
    QVERIFY(std::isfinite(evaluation.comparison.meanKl));
    QVERIFY(evaluation.comparison.meanKl >= 0.0);
    QVERIFY(evaluation.comparison.meanKl < 0.1);
    QVERIFY(evaluation.comparison.positions > 0);
    QCOMPARE(evaluation.compressed.contextLength, 256);
    QCOMPARE(evaluation.compressed.stride, 128);
    QCOMPARE(evaluation.comparison.contextLength, 256);
    QVERIFY(evaluation.compressed.bytes <= 6000);
    QCOMPARE(evaluation.textPath, demoHeldoutTextPath());

    // The summary dialog over the real result.
    CompressionSummaryDialog dialog(*result);
    QAbstractItemModelTester tester(dialog.tensorModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(dialog.tensorModel()->rowCount(), int(reader.tensorNames().size()));
    QVERIFY(dialog.fieldText(QStringLiteral("counted"))
                .contains(QLocale().toString(qlonglong(stored.countedBytes))));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(!dialog.grab().toImage().isNull());
}

void TestCompressDialog::cancelledJobLeavesNoFile_data() {
    QTest::addColumn<double>("cancelAt");
    QTest::newRow("at the start") << 0.0;
    QTest::newRow("while compressing") << 0.3;
    QTest::newRow("while evaluating") << 0.8;
}

void TestCompressDialog::cancelledJobLeavesNoFile() {
    QFETCH(double, cancelAt);
    if (!m_demo)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString output = out.filePath(QStringLiteral("cancelled.nwc"));
    CallbackProgress *self = nullptr;
    double reached = -1;
    CallbackProgress progress([&](double fraction, const QString &) {
        reached = std::max(reached, fraction);
        if (fraction >= cancelAt)
            self->cancel();
    });
    self = &progress;
    bool cancelled = false;
    try {
        runCompressionJob(rtnSettings(output, true), &progress);
    } catch (const Cancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY(reached >= cancelAt);
    QVERIFY(!QFileInfo::exists(output));
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
}

void TestCompressDialog::cancelThroughRunnerLeavesNoFile() {
    if (!m_demo)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString output = out.filePath(QStringLiteral("cancelled.nwc"));
    const CompressionJobSettings settings = rtnSettings(output, true);
    JobRunner runner;
    QObject receiver;
    bool cancelled = false;
    bool finished = false;
    const quint64 id = runner.start(
        QStringLiteral("compress"), QString(), &receiver,
        [settings](JobContext &context) { return runCompressionJob(settings, &context); },
        JobHandlers<CompressionJobResult>{
            [&finished](const CompressionJobResult &) { finished = true; },
            {},
            [&cancelled] { cancelled = true; }});
    runner.cancel(id);
    QTRY_VERIFY_WITH_TIMEOUT(cancelled || finished, 120000);
    QVERIFY(cancelled);
    QCOMPARE(runner.job(id).state, JobState::Cancelled);
    QVERIFY(!QFileInfo::exists(output));
}

void TestCompressDialog::copiesCompressedCheckpoint() {
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString source = out.filePath(QStringLiteral("source.nwc"));
    QByteArray bytes(20 << 20, '\0'); // several chunks
    for (int i = 0; i < bytes.size(); ++i)
        bytes[i] = char(i * 7 + i / 4096);
    {
        QFile file(source);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(bytes), qint64(bytes.size()));
    }
    const QString copy = out.filePath(QStringLiteral("copy.nwc"));
    CallbackProgress progress;
    QCOMPARE(copyCompressedCheckpoint(source, copy, &progress), qint64(bytes.size()));
    QFile copied(copy);
    QVERIFY(copied.open(QIODevice::ReadOnly));
    QVERIFY(copied.readAll() == bytes);

    // Cancelled: nothing at the target, no temporary file either.
    const QString cancelledCopy = out.filePath(QStringLiteral("cancelled.nwc"));
    CallbackProgress *self = nullptr;
    CallbackProgress cancelling([&](double, const QString &) { self->cancel(); });
    self = &cancelling;
    QVERIFY_THROWS_EXCEPTION(Cancelled,
                             copyCompressedCheckpoint(source, cancelledCopy, &cancelling));
    QVERIFY(!QFileInfo::exists(cancelledCopy));
    QCOMPARE(QDir(out.path()).entryList(QDir::Files).size(), 2);

    // Onto itself or from a missing file: errors naming the file.
    QVERIFY_THROWS_EXCEPTION(Error, copyCompressedCheckpoint(source, source, nullptr));
    QVERIFY_THROWS_EXCEPTION(
        Error,
        copyCompressedCheckpoint(out.filePath(QStringLiteral("missing.nwc")), copy, nullptr));
}

void TestCompressDialog::mainWindowCompressesAndOpensResult() {
    if (!m_demo)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // No model yet: the actions say what they need.
    QVERIFY(!window.compressAction()->isEnabled());
    QVERIFY(window.compressAction()->toolTip().contains(QStringLiteral("Open a model first")));
    QVERIFY(!window.exportDecompressedAction()->isEnabled());
    QVERIFY(
        window.exportDecompressedAction()->toolTip().contains(QStringLiteral("compressed model")));

    QSignalSpy opened(&window, &MainWindow::modelOpened);
    window.openModel(QStringLiteral("demo:student"));
    QVERIFY(opened.wait(60000));
    QVERIFY(window.compressAction()->isEnabled());
    QVERIFY(window.exportCompressedAction()->isEnabled());
    QVERIFY(!window.exportDecompressedAction()->isEnabled());

    // The menu action opens the dialog for the current model.
    window.compressAction()->trigger();
    CompressDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = visibleChild<CompressDialog>(window)) != nullptr);
    QCOMPARE(dialog->settings().modelSpec, QStringLiteral("demo:student"));
    QVERIFY(dialog->isModal());
    dialog->reject();
    QTRY_VERIFY(!visibleChild<CompressDialog>(window));

    // Exporting a model that is not compressed yet goes through the same dialog.
    window.exportCompressedAction()->trigger();
    QTRY_VERIFY((dialog = visibleChild<CompressDialog>(window)) != nullptr);
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Export Compressed Checkpoint"));
    dialog->reject();

    // Its Compress button runs the job; the summary appears when it is done.
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString output = out.filePath(QStringLiteral("student-8bpw-rtn.nwc"));
    QSignalSpy finished(&window, &MainWindow::compressionFinished);
    window.startCompression(rtnSettings(output, false));
    QVERIFY(finished.wait(300000));
    QCOMPARE(finished.first().first().toString(), output);
    CompressionSummaryDialog *summary = nullptr;
    QTRY_VERIFY((summary = visibleChild<CompressionSummaryDialog>(window)) != nullptr);
    QVERIFY(summary->tensorModel()->rowCount() > 0);
    QVERIFY(!summary->grab().toImage().isNull());

    // "Open compressed model" makes it the current model.
    opened.clear();
    summary->openButton()->click();
    QVERIFY(opened.wait(60000));
    QCOMPARE(opened.first().first().toString(), output);
    QCOMPARE(window.currentModel().checkpoint->format(), CheckpointFormat::Nwc);
    QVERIFY(window.currentModel().languageModel);
    QVERIFY(window.exportDecompressedAction()->isEnabled());
    QVERIFY(window.exportCompressedAction()->isEnabled());
    QCOMPARE(window.recentModels().value(0), output);
}

void TestCompressDialog::mainWindowShowsCompressionErrors() {
    if (!m_demo)
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    window.openModel(QStringLiteral("demo:student"));
    QVERIFY(opened.wait(60000));
    const CheckpointPtr before = window.currentModel().checkpoint;

    QTemporaryDir out;
    QVERIFY(out.isValid());
    CompressionJobSettings settings = rtnSettings(out.filePath(QStringLiteral("bad.nwc")), false);
    settings.compression.targetBitsPerWeight = 3.5; // RTN takes whole bits only
    QSignalSpy failed(&window, &MainWindow::compressionFailed);
    window.startCompression(settings);
    QVERIFY(failed.wait(60000));
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("whole")));
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = visibleChild<QMessageBox>(window)) != nullptr);
    QVERIFY(box->text().contains(QStringLiteral("whole")));
    box->close();
    // The open model is untouched and nothing was written.
    QCOMPARE(window.currentModel().checkpoint, before);
    QVERIFY(!QFileInfo::exists(settings.outputPath));
}

QTEST_MAIN(TestCompressDialog)
#include "tst_compressdialog.moc"
