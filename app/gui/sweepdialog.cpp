#include "sweepdialog.h"

#include "compressionjob.h"
#include "formdialoglayout.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

const QString kSettingsDirectory = QStringLiteral("sweep/lastDirectory");
const QString kDefaultBits = QStringLiteral("2,3,4,5,6,8");
constexpr double kMaximumBits = 16.0;

QString safeName(const QString &name) {
    QString base = name;
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    return base.isEmpty() ? QStringLiteral("model") : base;
}

} // namespace

SweepDialog::SweepDialog(const QString &modelSpec, const QString &modelName, bool demoModel,
                         QWidget *parent)
    : QDialog(parent)
    , m_modelSpec(modelSpec)
    , m_modelName(modelName)
    , m_demoModel(demoModel)
    , m_bits(new QLineEdit(kDefaultBits, this))
    , m_evaluation(new QLineEdit(this))
    , m_context(new QSpinBox(this))
    , m_stride(new QSpinBox(this))
    , m_maxBytes(new QSpinBox(this))
    , m_calibration(new QLineEdit(this))
    , m_calibrationSamples(new QSpinBox(this))
    , m_calibrationLength(new QSpinBox(this))
    , m_groupSize(new QSpinBox(this))
    , m_session(new QLineEdit(this))
    , m_keepContainers(new QCheckBox(tr("Keep each point's .nwc container"), this))
    , m_problemLabel(new QLabel(this)) {
    setWindowTitle(tr("Rate–Distortion Sweep of %1").arg(modelName));
    setMinimumWidth(640);
    const SweepSettings defaults;

    auto *modelLabel = new QLabel(modelName, this);
    modelLabel->setToolTip(modelSpec);
    modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_bits->setToolTip(tr("Target bits per weight, separated by commas. NWC reaches any rate its "
                          "codecs cover; RTN and GPTQ take whole code widths 2–8 (other rates "
                          "are skipped for them with a note)."));
    m_bits->setPlaceholderText(kDefaultBits);

    const QList<QPair<QString, QString>> methods = {
        {QStringLiteral("nwc"), tr("NWC with the learned codec ladder, no error compensation")},
        {QStringLiteral("nwc+ldlq"),
         tr("NWC with LDLQ: each coded column block's error is fed onto the later columns")},
        {QStringLiteral("nwc+finetune"),
         tr("NWC with block-wise fine-tuning after each decoder block (takes much longer)")},
        {QStringLiteral("nwc+comp"), tr("NWC with LDLQ and fine-tuning (takes much longer)")},
        {QStringLiteral("rtn"), tr("Round to nearest, whole bits 2–8, no calibration")},
        {QStringLiteral("gptq"), tr("GPTQ: error-compensated rounding, whole bits 2–8")},
    };
    const QStringList defaultMethods = defaults.methods;
    auto *methodGrid = new QGridLayout;
    methodGrid->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < methods.size(); ++i) {
        auto *box = new QCheckBox(methods[i].first, this);
        box->setToolTip(methods[i].second);
        box->setChecked(defaultMethods.contains(methods[i].first));
        m_methodBoxes.insert(methods[i].first, box);
        methodGrid->addWidget(box, i / 3, i % 3);
        connect(box, &QCheckBox::toggled, this, &SweepDialog::validate);
    }

    m_evaluation->setClearButtonEnabled(true);
    m_evaluation->setPlaceholderText(demoModel ? tr("heldout.txt (built-in demo held-out text)")
                                               : tr("a UTF-8 text file (required)"));
    m_evaluation->setToolTip(tr("Perplexity and the KL divergence from the original model are "
                                "measured on this text"));
    auto *browseEvaluation = new QPushButton(tr("Browse…"), this);
    QHBoxLayout *evaluationRow = fieldWithButton(m_evaluation, browseEvaluation);

    m_context->setRange(2, 65536);
    m_context->setValue(defaults.contextLength);
    m_context->setSuffix(tr(" tokens"));
    m_context->setToolTip(tr("Window length; cut to the model's positions"));
    m_stride->setRange(0, 65536);
    m_stride->setValue(defaults.stride);
    m_stride->setSpecialValueText(tr("non-overlapping"));
    m_stride->setSuffix(tr(" tokens"));
    m_stride->setToolTip(tr("Tokens between window starts (0: non-overlapping windows)"));
    m_maxBytes->setRange(0, 2000000000);
    m_maxBytes->setSingleStep(10000);
    m_maxBytes->setValue(0);
    m_maxBytes->setSpecialValueText(tr("the whole text"));
    m_maxBytes->setSuffix(tr(" bytes"));
    m_maxBytes->setGroupSeparatorShown(true);
    m_maxBytes->setToolTip(tr("Score only the first bytes of the text (faster, noisier)"));
    QHBoxLayout *windowRow = inlineGroups({{new QLabel(tr("context"), this), m_context},
                                           {new QLabel(tr("stride"), this), m_stride},
                                           {new QLabel(tr("first"), this), m_maxBytes}});

    m_calibration->setClearButtonEnabled(true);
    m_calibration->setPlaceholderText(demoModel ? tr("demo corpus (demo models only)")
                                                : tr("a UTF-8 text file (needed except for RTN)"));
    m_calibration->setToolTip(tr("Text whose activations rank the weight columns (NWC), drive "
                                 "the compensation and GPTQ, and weight the MSE"));
    auto *browseCalibration = new QPushButton(tr("Browse…"), this);
    QHBoxLayout *calibrationRow = fieldWithButton(m_calibration, browseCalibration);

    m_calibrationSamples->setRange(1, 100000);
    m_calibrationSamples->setValue(defaults.calibrationSamples);
    m_calibrationSamples->setSuffix(tr(" windows"));
    m_calibrationLength->setRange(2, 65536);
    m_calibrationLength->setValue(defaults.calibrationLength);
    m_calibrationLength->setSuffix(tr(" tokens"));
    m_groupSize->setRange(1, 65536);
    m_groupSize->setValue(defaults.groupSize);
    m_groupSize->setToolTip(tr("Weights sharing one scale and zero point in RTN and GPTQ"));
    QHBoxLayout *calibrationWindows =
        inlineGroups({{m_calibrationSamples, new QLabel(tr("of"), this), m_calibrationLength},
                      {new QLabel(tr("RTN/GPTQ group size"), this), m_groupSize}});

    m_session->setToolTip(tr("HDF5 file that keeps every measured point"));
    auto *saveAs = new QPushButton(tr("Save As…"), this);
    QHBoxLayout *sessionRow = fieldWithButton(m_session, saveAs);
    auto *sessionNote = new QLabel(tr("An existing session with the same settings is resumed: "
                                      "only the points it lacks are measured. A session made "
                                      "with another model, text, windows or calibration is "
                                      "refused."),
                                   this);
    sessionNote->setWordWrap(true);
    sessionNote->setForegroundRole(QPalette::PlaceholderText);
    sessionNote->setMinimumWidth(440);
    sessionNote->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_keepContainers->setToolTip(tr("Keep the compressed model of every point in a folder next "
                                    "to the session file, so a point can be opened from the "
                                    "Rate–Distortion view"));

    m_problemLabel->setWordWrap(true);
    m_problemLabel->setObjectName(QStringLiteral("problem"));
    m_problemLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problemLabel->setMinimumWidth(440);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("Model:"), modelLabel);
    form->addRow(buddyLabel(tr("&Bit rates:"), m_bits, this), m_bits);
    form->addRow(tr("Methods:"), methodGrid);
    form->addRow(buddyLabel(tr("&Evaluation text:"), m_evaluation, this), evaluationRow);
    form->addRow(tr("Windows:"), windowRow);
    form->addRow(buddyLabel(tr("&Calibration text:"), m_calibration, this), calibrationRow);
    form->addRow(tr("Calibration:"), calibrationWindows);
    form->addRow(buddyLabel(tr("&Session file:"), m_session, this), sessionRow);
    form->addRow(QString(), sessionNote);
    form->addRow(QString(), m_keepContainers);

    m_ok = layOutFormDialog(this, form, m_problemLabel, tr("Start Sweep"));

    for (QLineEdit *edit : {m_bits, m_evaluation, m_calibration, m_session})
        connect(edit, &QLineEdit::textChanged, this, &SweepDialog::validate);
    connect(m_session, &QLineEdit::textChanged, this, [this] {
        m_session->setToolTip(tr("HDF5 file that keeps every measured point: %1")
                                  .arg(QDir::toNativeSeparators(sessionPath())));
    });
    for (QSpinBox *box : {m_context, m_stride})
        connect(box, &QSpinBox::valueChanged, this, &SweepDialog::validate);
    connect(browseEvaluation, &QPushButton::clicked, this,
            [this] { browseText(m_evaluation, tr("Choose Evaluation Text")); });
    connect(browseCalibration, &QPushButton::clicked, this,
            [this] { browseText(m_calibration, tr("Choose Calibration Text")); });
    connect(saveAs, &QPushButton::clicked, this, &SweepDialog::chooseSession);
    m_session->setText(defaultSessionPath(modelName));
    validate();
}

QStringList SweepDialog::methodNames() {
    return {QStringLiteral("nwc"),      QStringLiteral("nwc+ldlq"), QStringLiteral("nwc+finetune"),
            QStringLiteral("nwc+comp"), QStringLiteral("rtn"),      QStringLiteral("gptq")};
}

bool SweepDialog::parseBits(const QString &text, std::vector<double> *bits, QString *error) {
    std::vector<double> parsed;
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const QString item = part.trimmed();
        if (item.isEmpty())
            continue;
        bool ok = false;
        double value = item.toDouble(&ok);
        if (!ok)
            value = QLocale().toDouble(item, &ok);
        if (!ok || !std::isfinite(value)) {
            if (error)
                *error = tr("Bit rates: '%1' is not a number. Write the rates separated by "
                            "commas, for example 2,3,4.")
                             .arg(item);
            return false;
        }
        if (value <= 0.0 || value > kMaximumBits) {
            if (error)
                *error = tr("Bit rates: %1 is out of range; rates lie above 0 and at most %2 "
                            "bits per weight.")
                             .arg(item)
                             .arg(kMaximumBits);
            return false;
        }
        if (std::find(parsed.begin(), parsed.end(), value) == parsed.end())
            parsed.push_back(value);
    }
    if (parsed.empty()) {
        if (error)
            *error = tr("Enter at least one bit rate, for example 2,3,4.");
        return false;
    }
    if (bits)
        *bits = parsed;
    return true;
}

QString SweepDialog::defaultSessionFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("sweeps"));
}

QString SweepDialog::defaultSessionPath(const QString &modelName) {
    return QDir(defaultSessionFolder()).filePath(safeName(modelName) + QStringLiteral("-sweep.h5"));
}

void SweepDialog::browseText(QLineEdit *edit, const QString &title) {
    QSettings settings;
    const QString start = edit->text().isEmpty()
                              ? settings.value(kSettingsDirectory, QDir::homePath()).toString()
                              : edit->text();
    const QString path = QFileDialog::getOpenFileName(
        this, title, start, tr("Text files (*.txt *.md *.jsonl);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(kSettingsDirectory, QFileInfo(path).absolutePath());
    edit->setText(path);
}

void SweepDialog::chooseSession() {
    QString path = QFileDialog::getSaveFileName(
        this, tr("Sweep Session File"), sessionPath(), tr("Sweep sessions (*.h5)"), nullptr,
        QFileDialog::DontConfirmOverwrite); // an existing session is resumed, not replaced
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".h5");
    m_session->setText(path);
}

void SweepDialog::setMaxContext(int positions) {
    if (positions < 2)
        return;
    m_context->setMaximum(positions);
    m_context->setToolTip(tr("Window length, at most the model's %1 positions").arg(positions));
}

void SweepDialog::setBitsText(const QString &text) {
    m_bits->setText(text);
}

void SweepDialog::setMethods(const QStringList &methods) {
    for (auto it = m_methodBoxes.cbegin(); it != m_methodBoxes.cend(); ++it)
        it.value()->setChecked(methods.contains(it.key()));
}

void SweepDialog::setEvaluationText(const QString &path) {
    m_evaluation->setText(path);
}

void SweepDialog::setCalibrationText(const QString &path) {
    m_calibration->setText(path);
}

void SweepDialog::setSessionPath(const QString &path) {
    m_session->setText(path);
}

QStringList SweepDialog::checkedMethods() const {
    QStringList methods;
    for (const QString &name : methodNames()) {
        if (m_methodBoxes.value(name)->isChecked())
            methods.append(name);
    }
    return methods;
}

QString SweepDialog::evaluationTextPath() const {
    const QString text = m_evaluation->text().trimmed();
    if (text.isEmpty() && m_demoModel)
        return demoHeldoutTextPath();
    return text;
}

QString SweepDialog::sessionPath() const {
    const QString path = m_session->text().trimmed();
    return path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
}

QString SweepDialog::containerFolder() const {
    const QFileInfo session(sessionPath());
    return session.absoluteDir().filePath(session.completeBaseName() +
                                          QStringLiteral("-containers"));
}

void SweepDialog::validate() {
    QString problem;
    QString hint;
    QString bitsError;
    const QStringList methods = checkedMethods();
    const bool needsCalibration =
        std::any_of(methods.cbegin(), methods.cend(),
                    [](const QString &method) { return method != QLatin1String("rtn"); });
    const QString evaluation = m_evaluation->text().trimmed();
    const QString calibration = m_calibration->text().trimmed();
    const QString session = sessionPath();
    const QFileInfo sessionInfo(session);
    if (!parseBits(m_bits->text(), nullptr, &bitsError))
        problem = bitsError;
    else if (methods.isEmpty())
        problem = tr("Choose at least one method.");
    else if (evaluation.isEmpty() && evaluationTextPath().isEmpty())
        problem = m_demoModel ? tr("The demo held-out text was not found: choose an evaluation "
                                   "text.")
                              : tr("Choose an evaluation text (a UTF-8 text file): perplexity "
                                   "and KL divergence are measured on it.");
    else if (!QFileInfo(evaluationTextPath()).isFile())
        problem = tr("The evaluation text %1 does not exist.").arg(evaluation);
    else if (m_stride->value() >= m_context->value())
        problem = tr("The stride must be shorter than the context (or 0 for non-overlapping "
                     "windows).");
    else if (calibration.isEmpty() && !m_demoModel && needsCalibration)
        problem = tr("%1 is not a demo model: methods other than RTN need a calibration text. "
                     "Choose one, or sweep RTN only.")
                      .arg(m_modelName);
    else if (!calibration.isEmpty() && !QFileInfo(calibration).isFile())
        problem = tr("The calibration text %1 does not exist.").arg(calibration);
    else if (session.isEmpty())
        problem = tr("Choose a session file.");
    else if (sessionInfo.isDir())
        problem = tr("%1 is a folder: choose a file name.").arg(session);
    else if (!sessionInfo.absoluteDir().exists() &&
             QDir(sessionInfo.absolutePath()) != QDir(defaultSessionFolder()))
        problem = tr("The folder %1 does not exist.")
                      .arg(QDir::toNativeSeparators(sessionInfo.absolutePath()));
    else if (sessionInfo.exists())
        hint = tr("%1 exists: its points are kept and only the missing ones are measured.")
                   .arg(sessionInfo.fileName());

    m_problem = problem;
    showProblemOrHint(m_problemLabel, m_ok, problem, hint);
}

SweepSettings SweepDialog::settings() const {
    SweepSettings settings;
    settings.model = m_modelSpec;
    parseBits(m_bits->text(), &settings.bits, nullptr);
    settings.methods = checkedMethods();
    settings.textPath = evaluationTextPath();
    settings.contextLength = m_context->value();
    settings.stride = m_stride->value();
    settings.maxBytes = m_maxBytes->value() > 0 ? qint64(m_maxBytes->value()) : -1;
    settings.calibrationText = m_calibration->text().trimmed();
    settings.calibrationSamples = m_calibrationSamples->value();
    settings.calibrationLength = m_calibrationLength->value();
    settings.groupSize = m_groupSize->value();
    if (m_keepContainers->isChecked())
        settings.containerFolder = containerFolder();
    return settings;
}

} // namespace nwc
