#include "compressdialog.h"

#include "codec/codecfile.h"
#include "formdialoglayout.h"
#include "jobs/error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

/// Item data of the codec combo: the codec files (empty list = default ladder).
constexpr int kCodecPathsRole = Qt::UserRole + 1;
/// Item data of the codec combo: true for the "Choose file…" entry.
constexpr int kChooseCodecRole = Qt::UserRole + 2;

const QString kSettingsDirectory = QStringLiteral("compress/lastDirectory");

QString bitsText(double bits) {
    return QString::number(std::round(bits * 100.0) / 100.0, 'g', 6);
}

QString documentsFolder() {
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (!documents.isEmpty() && QFileInfo(documents).isDir())
        return documents;
    return QDir::homePath();
}

QString codecLabel(const CodecParameters &codec) {
    return CompressDialog::tr("%1 — %2, %3 bpw nominal")
        .arg(codec.id, codec.preset, QLocale().toString(codec.nominalBitsPerWeight, 'f', 2));
}

} // namespace

CompressDialog::CompressDialog(const QString &modelSpec, const QString &modelName, bool demoModel,
                               QWidget *parent)
    : QDialog(parent)
    , m_modelSpec(modelSpec)
    , m_modelName(modelName)
    , m_demoModel(demoModel)
    , m_method(new QComboBox(this))
    , m_target(new QDoubleSpinBox(this))
    , m_note(new QLabel(this))
    , m_codec(new QComboBox(this))
    , m_compensation(new QComboBox(this))
    , m_calibration(new QLineEdit(this))
    , m_browseCalibration(new QPushButton(tr("Browse…"), this))
    , m_output(new QLineEdit(this))
    , m_evaluate(new QCheckBox(tr("Evaluate after compressing"), this))
    , m_evaluationText(new QLabel(this))
    , m_problemLabel(new QLabel(this)) {
    setWindowTitle(tr("Compress %1").arg(modelName));
    setMinimumWidth(620);

    m_method->addItem(tr("NWC — learned neural codec"), int(CompressionMethod::Nwc));
    m_method->addItem(tr("RTN — round to nearest"), int(CompressionMethod::Rtn));
    m_method->addItem(tr("GPTQ — error-compensated rounding"), int(CompressionMethod::Gptq));
    m_method->setToolTip(tr("NWC codes normalized weight columns with a learned codec at any "
                            "rate; RTN and GPTQ are integer baselines at whole bits"));

    m_target->setRange(1.0, 9.0);
    m_target->setSingleStep(0.25);
    m_target->setDecimals(2);
    m_target->setValue(4.0);
    m_target->setSuffix(tr(" bpw"));
    m_target->setToolTip(tr("Bits per weight over the compressed tensors, side information "
                            "included, counted from the bytes written"));

    m_note->setWordWrap(true);
    m_note->setObjectName(QStringLiteral("methodNote"));
    m_note->setForegroundRole(QPalette::PlaceholderText);

    fillCodecs();
    m_codec->setToolTip(tr("The codecs the bit allocation chooses from, per tensor"));

    m_compensation->addItem(tr("None"), QStringLiteral("none"));
    m_compensation->addItem(tr("LDLQ — feed coding errors forward within each layer"),
                            QStringLiteral("ldlq"));
    m_compensation->addItem(tr("Fine-tuning — tune each block against the original (slower)"),
                            QStringLiteral("finetune"));
    m_compensation->addItem(tr("Both — LDLQ and fine-tuning (slowest)"), QStringLiteral("all"));
    m_compensation->setItemData(0, tr("Code every column as it is"), Qt::ToolTipRole);
    m_compensation->setItemData(1,
                                tr("Feed each coded column block's error onto the columns not yet "
                                   "coded (cheap)"),
                                Qt::ToolTipRole);
    m_compensation->setItemData(2,
                                tr("Tune each decoder block against the original model's outputs "
                                   "(runs the model many times: takes considerably longer)"),
                                Qt::ToolTipRole);
    m_compensation->setItemData(3, tr("LDLQ, then fine-tuning (the slowest)"), Qt::ToolTipRole);
    m_compensation->setToolTip(
        tr("<p>Error compensation while coding with NWC (the result goes to the Compensation "
           "view):</p><ul>"
           "<li><b>LDLQ</b>: inside each layer, the error of every coded column block is fed "
           "onto the columns not yet coded, through the calibration statistics (cheap).</li>"
           "<li><b>Fine-tuning</b>: after each decoder block, norm weights, column scales and "
           "the weights not yet coded are tuned so the block's output matches the original "
           "model's. This runs the model many times and takes considerably longer.</li>"
           "<li><b>Both</b>: LDLQ and fine-tuning.</li></ul>"
           "<p>Both need calibration (the demo corpus for demo models).</p>"));

    m_calibration->setPlaceholderText(tr("demo corpus (demo models only)"));
    m_calibration->setClearButtonEnabled(true);
    m_calibration->setToolTip(tr("A UTF-8 text file whose activations rank the weight columns by "
                                 "importance (NWC) or drive the error compensation (GPTQ)"));
    QHBoxLayout *calibrationRow = fieldWithButton(m_calibration, m_browseCalibration);

    auto *saveAs = new QPushButton(tr("Save As…"), this);
    QHBoxLayout *outputRow = fieldWithButton(m_output, saveAs);

    m_evaluate->setChecked(demoModel);
    m_evaluate->setToolTip(tr("Load the compressed model afterwards and measure its perplexity "
                              "and its KL divergence from the uncompressed model"));
    m_evaluationText->setWordWrap(true);
    m_evaluationText->setForegroundRole(QPalette::PlaceholderText);
    m_evaluationText->setObjectName(QStringLiteral("evaluationText"));

    m_problemLabel->setWordWrap(true);
    m_problemLabel->setObjectName(QStringLiteral("problem"));
    m_problemLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *modelLabel = new QLabel(modelName, this);
    modelLabel->setToolTip(modelSpec);
    modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Wrapped notes take the form's full width instead of their narrow preferred width.
    for (QWidget *wide : {static_cast<QWidget *>(m_note), static_cast<QWidget *>(m_codec),
                          static_cast<QWidget *>(m_evaluationText)})
        wide->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    // A minimum width keeps the form from sizing their height for a narrow column.
    m_note->setMinimumWidth(440);
    m_evaluationText->setMinimumWidth(440);
    m_problemLabel->setMinimumWidth(440);
    auto *calibrationLabel = new QLabel(tr("&Calibration text:"), this);
    calibrationLabel->setBuddy(m_calibration);
    auto *outputLabel = new QLabel(tr("&Output file:"), this);
    outputLabel->setBuddy(m_output);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("Model:"), modelLabel);
    form->addRow(tr("&Method:"), m_method);
    form->addRow(tr("&Target:"), m_target);
    form->addRow(QString(), m_note);
    form->addRow(tr("Co&dec:"), m_codec);
    form->addRow(tr("Com&pensation:"), m_compensation);
    form->addRow(calibrationLabel, calibrationRow);
    form->addRow(outputLabel, outputRow);
    form->addRow(QString(), m_evaluate);
    form->addRow(QString(), m_evaluationText);

    m_ok = layOutFormDialog(this, form, m_problemLabel, tr("Compress"));

    connect(m_method, &QComboBox::currentIndexChanged, this, &CompressDialog::methodChanged);
    connect(m_target, &QDoubleSpinBox::valueChanged, this, [this] {
        if (currentMethod() == CompressionMethod::Nwc)
            m_nwcTarget = m_target->value();
        updateDefaultOutput();
        validate();
    });
    connect(m_codec, &QComboBox::activated, this, &CompressDialog::codecActivated);
    connect(m_codec, &QComboBox::currentIndexChanged, this, &CompressDialog::validate);
    connect(m_compensation, &QComboBox::currentIndexChanged, this,
            &CompressDialog::updateDefaultOutput);
    connect(m_calibration, &QLineEdit::textChanged, this, [this] {
        updateEvaluationText();
        validate();
    });
    connect(m_browseCalibration, &QPushButton::clicked, this, &CompressDialog::browseCalibration);
    connect(m_output, &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    connect(m_output, &QLineEdit::textChanged, this, &CompressDialog::validate);
    connect(saveAs, &QPushButton::clicked, this, &CompressDialog::chooseOutput);
    connect(m_evaluate, &QCheckBox::toggled, this, [this] {
        updateEvaluationText();
        validate();
    });

    methodChanged();
}

void CompressDialog::fillCodecs() {
    m_codec->clear();
    // The default ladder is what compressModel uses without codec files: its identity codecs.
    const QStringList ladder = defaultCodecFiles(CompressionSettings().ladderPresets);
    m_ladderSize = int(ladder.size());
    m_codec->addItem(ladder.size() == 1
                         ? tr("Default ladder (1 identity codec)")
                         : tr("Default ladder (%1 identity codecs)").arg(ladder.size()));
    m_codec->setItemData(0, QStringList(), kCodecPathsRole);
    m_codec->setItemData(0,
                         ladder.isEmpty() ? tr("No codec files were found in the codec folder")
                                          : ladder.join(QLatin1Char('\n')),
                         Qt::ToolTipRole);
    // Every shipped codec can also be chosen on its own (learned ones included).
    for (const QString &path : defaultCodecFiles()) {
        try {
            const CodecParameters codec = loadCodecFile(path);
            m_codec->addItem(codecLabel(codec));
        } catch (const Error &error) {
            m_codec->addItem(tr("%1 (unreadable)").arg(QFileInfo(path).fileName()));
            m_codec->setItemData(m_codec->count() - 1, error.message(), Qt::ToolTipRole);
            m_codec->setItemData(m_codec->count() - 1, QStringList{path}, kCodecPathsRole);
            continue;
        }
        m_codec->setItemData(m_codec->count() - 1, QStringList{path}, kCodecPathsRole);
        m_codec->setItemData(m_codec->count() - 1, path, Qt::ToolTipRole);
    }
    m_codec->addItem(tr("Choose file…"));
    m_codec->setItemData(m_codec->count() - 1, true, kChooseCodecRole);
    m_codec->setCurrentIndex(0);
    m_lastCodecIndex = 0;
}

void CompressDialog::codecActivated(int index) {
    if (!m_codec->itemData(index, kChooseCodecRole).toBool()) {
        m_lastCodecIndex = index;
        return;
    }
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose Codec File"),
        QSettings().value(kSettingsDirectory, QDir::homePath()).toString(),
        tr("Codec files (*.h5);;All files (*)"));
    if (path.isEmpty()) {
        m_codec->setCurrentIndex(m_lastCodecIndex);
        return;
    }
    QSettings().setValue(kSettingsDirectory, QFileInfo(path).absolutePath());
    QString label;
    try {
        label = codecLabel(loadCodecFile(path));
    } catch (const Error &error) {
        m_codec->setCurrentIndex(m_lastCodecIndex);
        QMessageBox::warning(this, tr("Choose Codec File"), error.message());
        return;
    }
    const int at = m_codec->count() - 1;
    m_codec->insertItem(at, label);
    m_codec->setItemData(at, QStringList{path}, kCodecPathsRole);
    m_codec->setItemData(at, path, Qt::ToolTipRole);
    m_codec->setCurrentIndex(at);
    m_lastCodecIndex = at;
}

CompressionMethod CompressDialog::currentMethod() const {
    return CompressionMethod(m_method->currentData().toInt());
}

QStringList CompressDialog::currentCodecPaths() const {
    return m_codec->currentData(kCodecPathsRole).toStringList();
}

void CompressDialog::methodChanged() {
    const CompressionMethod method = currentMethod();
    const bool nwcMethod = method == CompressionMethod::Nwc;
    const QSignalBlocker blocker(m_target);
    if (nwcMethod) {
        m_target->setDecimals(2);
        m_target->setRange(1.0, 9.0);
        m_target->setSingleStep(0.25);
        m_target->setValue(m_nwcTarget);
        m_note->setText(tr("NWC reaches the target within ±0.05 bits per weight, column scales "
                           "and quality levels included. A target the codecs cannot reach is "
                           "refused with the reachable range."));
    } else {
        const double whole = std::clamp(std::round(m_target->value()), 2.0, 8.0);
        m_target->setDecimals(0);
        m_target->setRange(2.0, 8.0);
        m_target->setSingleStep(1.0);
        m_target->setValue(whole);
        m_note->setText(tr("RTN and GPTQ code whole bits (2–8) and add an fp16 scale and zero "
                           "point per group of 128 weights: about +0.25 bits per weight on top "
                           "of the target."));
    }
    m_codec->setEnabled(nwcMethod);
    m_compensation->setEnabled(nwcMethod);
    const bool calibrates = method != CompressionMethod::Rtn;
    m_calibration->setEnabled(calibrates);
    m_browseCalibration->setEnabled(calibrates);
    m_calibration->setToolTip(calibrates ? tr("A UTF-8 text file whose activations rank the "
                                              "weight columns by importance (NWC) or drive the "
                                              "error compensation (GPTQ)")
                                         : tr("RTN needs no calibration"));
    updateDefaultOutput();
    updateEvaluationText();
    validate();
}

void CompressDialog::browseCalibration() {
    QSettings settings;
    const QString start = m_calibration->text().isEmpty()
                              ? settings.value(kSettingsDirectory, QDir::homePath()).toString()
                              : m_calibration->text();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Choose Calibration Text"), start,
                                     tr("Text files (*.txt *.md *.jsonl);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(kSettingsDirectory, QFileInfo(path).absolutePath());
    m_calibration->setText(path);
}

void CompressDialog::chooseOutput() {
    const QString start =
        m_output->text().isEmpty()
            ? defaultOutputPath(m_modelSpec, m_modelName, m_target->value(), currentMethod())
            : m_output->text();
    QString path = QFileDialog::getSaveFileName(this, tr("Save Compressed Model As"), start,
                                                tr("Compressed models (*.nwc)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".nwc");
    setOutputPath(path);
}

void CompressDialog::setOutputPath(const QString &path) {
    m_outputEdited = true;
    m_output->setText(path);
}

void CompressDialog::setMethod(CompressionMethod method) {
    m_method->setCurrentIndex(m_method->findData(int(method)));
}

void CompressDialog::setTargetBitsPerWeight(double bits) {
    m_target->setValue(bits);
}

void CompressDialog::setCalibrationText(const QString &path) {
    m_calibration->setText(path);
}

void CompressDialog::setEvaluate(bool evaluate) {
    m_evaluate->setChecked(evaluate);
}

void CompressDialog::setCompensation(const QString &name) {
    const int index = m_compensation->findData(name);
    if (index >= 0)
        m_compensation->setCurrentIndex(index);
}

void CompressDialog::setModelNotRunnable(const QString &reason) {
    m_notRunnable = reason;
    m_evaluate->setChecked(false);
    m_evaluate->setEnabled(reason.isEmpty());
    m_evaluate->setToolTip(reason.isEmpty() ? m_evaluate->toolTip() : reason);
    validate();
}

QString CompressDialog::defaultOutputPath(const QString &modelSpec, const QString &modelName,
                                          double bits, CompressionMethod method) {
    QString base = modelName;
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    if (base.isEmpty())
        base = QStringLiteral("model");
    const QString fileName =
        QStringLiteral("%1-%2bpw-%3.nwc").arg(base, bitsText(bits), compressionMethodName(method));
    QString folder;
    if (!modelSpec.startsWith(QLatin1String("demo:"))) {
        const QFileInfo model(modelSpec);
        if (model.exists())
            folder = model.absolutePath(); // beside the file, or beside the model folder
    }
    if (folder.isEmpty() || !QFileInfo(folder).isWritable())
        folder = documentsFolder();
    return QDir(folder).filePath(fileName);
}

void CompressDialog::updateDefaultOutput() {
    if (m_outputEdited)
        return;
    const QSignalBlocker blocker(m_output);
    QString path = defaultOutputPath(m_modelSpec, m_modelName, m_target->value(), currentMethod());
    // Compensated runs get their own default name, so they do not replace the plain one.
    const QString compensation = m_compensation->currentData().toString();
    if (currentMethod() == CompressionMethod::Nwc && compensation != QLatin1String("none"))
        path.insert(path.size() - int(qstrlen(".nwc")), QLatin1Char('-') + compensation);
    m_output->setText(path);
    validate();
}

QString CompressDialog::evaluationTextPath() const {
    if (m_demoModel)
        return demoHeldoutTextPath();
    return m_calibration->isEnabled() ? m_calibration->text().trimmed() : QString();
}

void CompressDialog::updateEvaluationText() {
    const CompressionEvaluationSettings defaults;
    const QString windows = tr("context %1, stride %2, first %3 bytes")
                                .arg(defaults.contextLength)
                                .arg(defaults.stride)
                                .arg(QLocale().toString(defaults.maxBytes));
    const QString text = evaluationTextPath();
    QString description;
    if (!text.isEmpty())
        description = tr("Perplexity and mean KL divergence against the uncompressed model on "
                         "%1 (%2).")
                          .arg(describeTextPath(text), windows);
    else if (m_demoModel)
        description = tr("The demo held-out text was not found, so the result cannot be "
                         "evaluated.");
    else
        description = tr("Perplexity and mean KL divergence against the uncompressed model on "
                         "the calibration text (%1).")
                          .arg(windows);
    m_evaluationText->setText(description);
    m_evaluationText->setEnabled(m_evaluate->isChecked());
}

void CompressDialog::validate() {
    const CompressionMethod method = currentMethod();
    const QString methodName = compressionMethodName(method).toUpper();
    const QString calibration = m_calibration->text().trimmed();
    const QString output = m_output->text().trimmed();
    const QFileInfo outputInfo(output);
    QString problem;
    QString hint;
    if (method != CompressionMethod::Rtn && !m_notRunnable.isEmpty())
        problem = tr("%1 cannot run in the workbench, so %2 cannot calibrate on it: use RTN. "
                     "(%3)")
                      .arg(m_modelName, methodName, m_notRunnable);
    else if (method != CompressionMethod::Rtn && calibration.isEmpty() && !m_demoModel)
        problem = tr("%1 is not a demo model: %2 needs a calibration text (a UTF-8 text file). "
                     "Choose one, or use RTN, which needs none.")
                      .arg(m_modelName, methodName);
    else if (method != CompressionMethod::Rtn && !calibration.isEmpty() &&
             !QFileInfo(calibration).isFile())
        problem = tr("The calibration text %1 does not exist.").arg(calibration);
    else if (method == CompressionMethod::Nwc && currentCodecPaths().isEmpty() && m_ladderSize == 0)
        problem = tr("No codecs are installed: choose a codec file (train one with "
                     "'nwc train-codec').");
    else if (output.isEmpty())
        problem = tr("Choose an output file.");
    else if (!outputInfo.absoluteDir().exists())
        problem = tr("The folder %1 does not exist.")
                      .arg(QDir::toNativeSeparators(outputInfo.absolutePath()));
    else if (outputInfo.isDir())
        problem = tr("%1 is a folder: choose a file name.").arg(output);
    else if (outputInfo.absoluteFilePath() == QFileInfo(m_modelSpec).absoluteFilePath())
        problem = tr("The output file is the model being compressed: choose another name.");
    else if (m_evaluate->isChecked() && evaluationTextPath().isEmpty())
        problem = m_demoModel ? tr("The demo held-out text was not found: turn off evaluation.")
                              : tr("Evaluation needs a text: choose a calibration text, or turn "
                                   "off evaluation.");
    else if (outputInfo.exists())
        hint = tr("%1 exists and will be replaced.").arg(outputInfo.fileName());

    m_problem = problem;
    showProblemOrHint(m_problemLabel, m_ok, problem, hint);
}

CompressionJobSettings CompressDialog::settings() const {
    CompressionJobSettings settings;
    settings.modelSpec = m_modelSpec;
    settings.compression.method = currentMethod();
    settings.compression.targetBitsPerWeight = m_target->value();
    if (settings.compression.method == CompressionMethod::Nwc) {
        settings.compression.codecPaths = currentCodecPaths();
        parseCompensation(m_compensation->currentData().toString(),
                          &settings.compression.compensation);
    }
    if (settings.compression.method != CompressionMethod::Rtn)
        settings.compression.calibrationText = m_calibration->text().trimmed();
    const QString output = m_output->text().trimmed();
    settings.outputPath = output.isEmpty() ? QString() : QFileInfo(output).absoluteFilePath();
    settings.evaluate = m_evaluate->isChecked();
    if (settings.evaluate)
        settings.evaluation.textPath = evaluationTextPath();
    return settings;
}

} // namespace nwc
