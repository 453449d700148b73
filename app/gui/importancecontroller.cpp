#include "importancecontroller.h"

#include "analysis/calibrationwindows.h"
#include "analysisjob.h"
#include "importanceview.h"
#include "jobs/jobrunner.h"
#include "modelcontroller.h"
#include "settingsdialog.h"

#include <QAction>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QPushButton>
#include <QStatusBar>
#include <QVBoxLayout>

namespace nwc {

ImportanceController::ImportanceController(QMainWindow *window, JobRunner *runner,
                                           const ModelController *models, ImportanceView *view)
    : WindowController(window, runner)
    , m_models(models)
    , m_view(view)
    , m_action(new QAction(tr("Compute &Importance…"), this))
    , m_page(new QWidget(window))
    , m_hint(new QWidget(m_page))
    , m_hintLabel(new QLabel(m_hint))
    , m_hintButton(new QPushButton(tr("Compute Importance…"), m_hint)) {
    connect(m_action, &QAction::triggered, this, &ImportanceController::requestImportance);
    m_hintLabel->setWordWrap(true);
    m_hintButton->setObjectName(QStringLiteral("computeImportanceButton"));
    connect(m_hintButton, &QPushButton::clicked, this, &ImportanceController::requestImportance);
    auto *hintLayout = new QHBoxLayout(m_hint);
    hintLayout->setContentsMargins(6, 4, 6, 4);
    hintLayout->addWidget(m_hintLabel, 1);
    hintLayout->addWidget(m_hintButton);
    auto *layout = new QVBoxLayout(m_page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_hint);
    layout->addWidget(m_view, 1);
}

bool ImportanceController::hasData() const {
    return !m_view->importance().layers.empty();
}

void ImportanceController::setImportance(const ImportanceMap &map, const QString &emptyNote) {
    m_note = map.layers.empty() ? emptyNote : QString();
    m_view->setImportance(map);
    updateHint();
    Q_EMIT importanceShown();
}

void ImportanceController::updateActions() {
    const WorkbenchModel &model = m_models->currentModel();
    const bool runnable = m_models->isRunnable();
    const QString name = model.checkpoint ? model.checkpoint->displayName() : QString();
    m_action->setEnabled(runnable);
    m_action->setToolTip(
        !runnable ? m_models->notRunnableHint()
        : isDemoModel(*model.checkpoint)
            ? tr("Run %1 on the demo corpus and show the importance of every weight column")
                  .arg(name)
            : tr("Run %1 on a text file you choose and show the importance of every weight "
                 "column")
                  .arg(name));
    updateHint();
}

void ImportanceController::updateHint() {
    const bool empty = !hasData();
    m_hint->setVisible(empty);
    if (!empty)
        return;
    const WorkbenchModel &model = m_models->currentModel();
    const bool runnable = m_models->isRunnable();
    const bool running = m_job != 0;
    QString text;
    if (running)
        text = tr("Computing the importance… (see the Jobs panel)");
    else if (!model.checkpoint)
        text = tr("Open a model to compute its importance, or open a calibration file with "
                  "File › Open Analysis….");
    else if (!runnable)
        text = tr("%1 cannot run in the workbench, so its importance cannot be computed.")
                   .arg(model.checkpoint->displayName());
    else if (!m_note.isEmpty())
        text = m_note;
    else
        text = tr("No importance for %1 yet.").arg(model.checkpoint->displayName());
    m_hintLabel->setText(text);
    m_hintButton->setEnabled(runnable && !running);
    m_hintButton->setToolTip(m_action->toolTip());
}

void ImportanceController::requestImportance() {
    const WorkbenchModel &model = m_models->currentModel();
    if (!m_models->isRunnable())
        return;
    if (isDemoModel(*model.checkpoint)) {
        computeImportance(QString());
        return;
    }
    const QString path = askInRememberedFolder(
        QStringLiteral("calibrationDirectory"), [this, &model](const QString &start) {
            return QFileDialog::getOpenFileName(
                window(), tr("Calibration Text for %1").arg(model.checkpoint->displayName()), start,
                tr("Text files (*.txt *.md *.jsonl);;All files (*)"));
        });
    if (!path.isEmpty())
        computeImportance(path);
}

quint64 ImportanceController::computeImportance(const QString &textPath) {
    if (!m_models->isRunnable())
        return 0;
    const WorkbenchModel &model = m_models->currentModel();
    const QString spec = model.spec;
    const LanguageModelPtr open = model.languageModel;
    const QString name = model.checkpoint->displayName();
    const CalibrationSettings settings = m_settings;
    const ComputeOptions compute = guiComputeOptions();
    statusBar()->showMessage(tr("Computing the importance of %1…").arg(name));
    m_job = runner()->start(
        tr("Importance of %1").arg(name), QStringLiteral("importance"), this,
        [spec, open, textPath, settings, compute](JobContext &context) {
            return nwc::computeImportance(spec, textPath, settings, &context, open, compute);
        },
        JobHandlers<ImportanceMap>{
            [this, name](const ImportanceMap &map) {
                m_job = 0;
                setImportance(map, QString());
                raiseDockOf(m_view);
                statusBar()->showMessage(tr("Computed the importance of %1.").arg(name), 8000);
                Q_EMIT importanceComputed();
            },
            [this, name](const JobError &message) {
                m_job = 0;
                updateHint();
                statusBar()->clearMessage();
                showError(tr("Compute Importance"),
                          tr("Computing the importance of %1 failed: %2").arg(name, message),
                          message);
            },
            [this, name] {
                m_job = 0;
                updateHint();
                statusBar()->showMessage(
                    tr("Computing the importance of %1 was cancelled.").arg(name), 5000);
            }});
    updateHint();
    return m_job;
}

} // namespace nwc
