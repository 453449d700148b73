#include "analysisfilescontroller.h"

#include "analysisjob.h"
#include "analysisview.h"
#include "codec/compressedcheckpoint.h"
#include "compensationview.h"
#include "importancecontroller.h"
#include "jobs/jobrunner.h"
#include "ratedistortionview.h"
#include "sweepcontroller.h"
#include "sweepdialog.h"
#include "workbenchmodel.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>
#include <QStatusBar>

namespace nwc {

AnalysisFilesController::AnalysisFilesController(QMainWindow *window, JobRunner *runner,
                                                 ImportanceController *importance,
                                                 SweepController *sweeps,
                                                 CompensationView *compensation)
    : WindowController(window, runner)
    , m_importance(importance)
    , m_sweeps(sweeps)
    , m_compensation(compensation)
    , m_openAction(new QAction(tr("Open &Analysis…"), this))
    , m_exportPlotAction(new QAction(tr("Export &Plot…"), this))
    , m_importanceDock(
          createDock(tr("Importance"), QStringLiteral("importanceDock"), importance->page()))
    , m_rdDock(
          createDock(tr("Rate–Distortion"), QStringLiteral("rateDistortionDock"), sweeps->view()))
    , m_compensationDock(
          createDock(tr("Compensation"), QStringLiteral("compensationDock"), compensation)) {
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    m_openAction->setToolTip(
        tr("Open a sweep session (nwc sweep), a calibration file (nwc calibrate) or the "
           "importance and compensation report of a compressed .nwc model"));
    connect(m_openAction, &QAction::triggered, this, &AnalysisFilesController::openAnalysisFile);
    m_exportPlotAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_exportPlotAction, &QAction::triggered, this, [this] {
        if (AnalysisView *view = analysisViewOf(currentAnalysisDock()))
            view->exportWithDialog();
    });
    connect(m_importance, &ImportanceController::importanceShown, this,
            &AnalysisFilesController::updateActions);
    connect(m_importance, &ImportanceController::importanceComputed, this,
            &AnalysisFilesController::noteModelAnalysis);
    connect(m_sweeps, &SweepController::sessionShown, this,
            &AnalysisFilesController::updateActions);
    connect(qApp, &QApplication::focusChanged, this,
            [this](QWidget *, QWidget *now) { noteDockFocus(now); });
}

QDockWidget *AnalysisFilesController::createDock(const QString &title, const QString &objectName,
                                                 QWidget *content) {
    auto *dock = new QDockWidget(title, window());
    dock->setObjectName(objectName);
    dock->setWidget(content);
    connect(dock, &QDockWidget::visibilityChanged, this, [this, dock](bool visible) {
        if (visible)
            m_lastDock = dock;
        updateActions();
    });
    return dock;
}

void AnalysisFilesController::followModel(const WorkbenchModel &model) {
    const std::shared_ptr<const void> checkpoint = model.checkpoint;
    if (checkpoint && m_followedCheckpoint.lock() == checkpoint)
        return;
    m_followedCheckpoint = checkpoint;
    if (const auto compressed =
            std::dynamic_pointer_cast<const CompressedCheckpoint>(model.checkpoint))
        loadContainerAnalysis(compressed->path());
    else if (m_modelAnalysis)
        clearModelAnalysis();
}

void AnalysisFilesController::loadContainerAnalysis(const QString &path) {
    runner()->start(
        tr("Read analysis of %1").arg(QFileInfo(path).fileName()), QStringLiteral("analysis"), this,
        [path](JobContext &context) { return containerAnalysis(path, &context); },
        JobHandlers<AnalysisData>{[this, path](const AnalysisData &data) {
                                      showAnalysis(data, false);
                                      Q_EMIT analysisLoaded(path);
                                  },
                                  [this, path](const QString &message) {
                                      statusBar()->showMessage(
                                          tr("Could not read the analysis of %1: %2")
                                              .arg(QFileInfo(path).fileName(), message),
                                          15000);
                                      Q_EMIT analysisFailed(path, message);
                                  },
                                  {}});
}

void AnalysisFilesController::openAnalysis(const QString &path, bool interactive) {
    const QString fileName = QFileInfo(path).fileName();
    statusBar()->showMessage(tr("Opening the analysis in %1…").arg(fileName));
    runner()->start(
        tr("Open analysis %1").arg(fileName), QString(), this,
        [path](JobContext &context) { return loadAnalysisFile(path, &context); },
        JobHandlers<AnalysisData>{
            [this, path](const AnalysisData &data) {
                statusBar()->clearMessage();
                showAnalysis(data, true);
                Q_EMIT analysisLoaded(path);
            },
            [this, path, interactive](const QString &message) {
                statusBar()->clearMessage();
                const QString text = tr("Could not open %1 as an analysis: %2")
                                         .arg(QDir::toNativeSeparators(path), message);
                if (interactive)
                    showError(tr("Open Analysis"), text);
                else
                    statusBar()->showMessage(text, 15000);
                Q_EMIT analysisFailed(path, message);
            },
            [this, fileName] {
                statusBar()->showMessage(tr("Opening %1 was cancelled.").arg(fileName), 5000);
            }});
}

void AnalysisFilesController::openAnalysisFile() {
    QSettings settings;
    QString start = settings.value(QStringLiteral("analysisDirectory")).toString();
    if (start.isEmpty() || !QFileInfo(start).isDir())
        start = QFileInfo(SweepDialog::defaultSessionFolder()).isDir()
                    ? SweepDialog::defaultSessionFolder()
                    : QDir::homePath();
    const QString path = QFileDialog::getOpenFileName(
        window(), tr("Open Analysis"), start,
        tr("Analysis files (*.h5 *.nwc);;Sweep sessions and calibration files (*.h5);;"
           "Compressed models (*.nwc);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("analysisDirectory"), QFileInfo(path).absolutePath());
    openAnalysis(path);
}

void AnalysisFilesController::showAnalysis(const AnalysisData &data, bool explicitOpen) {
    const QString fileName = QFileInfo(data.path).fileName();
    switch (data.kind) {
    case AnalysisData::Kind::SweepSession:
        m_sweeps->showSession(data.session);
        if (explicitOpen) {
            m_rdDock->show();
            m_rdDock->raise();
            statusBar()->showMessage(
                tr("Opened the sweep session %1: %2.")
                    .arg(fileName, SweepController::pointsText(data.session.points.size())),
                8000);
        }
        break;
    case AnalysisData::Kind::Calibration:
        m_modelAnalysis = !explicitOpen;
        m_importance->setImportance(data.importance, QString());
        if (explicitOpen) {
            m_importanceDock->show();
            m_importanceDock->raise();
            statusBar()->showMessage(tr("Opened the calibration file %1.").arg(fileName), 8000);
        }
        break;
    case AnalysisData::Kind::Container:
        m_modelAnalysis = !explicitOpen;
        m_importance->setImportance(data.importance, data.importanceNote);
        m_compensation->setReport(data.compensation);
        if (explicitOpen) {
            QDockWidget *dock = !data.importance.layers.empty() ? m_importanceDock
                                : !data.compensation.empty()    ? m_compensationDock
                                                                : nullptr;
            if (dock) {
                dock->show();
                dock->raise();
                statusBar()->showMessage(tr("Opened the analysis of %1.").arg(fileName), 8000);
            } else {
                statusBar()->showMessage(
                    tr("%1 holds neither importance nor a compensation report (it was "
                       "compressed without calibration).")
                        .arg(fileName),
                    12000);
            }
        }
        break;
    }
    updateActions();
}

void AnalysisFilesController::clearModelAnalysis() {
    m_importance->setImportance(ImportanceMap(), QString());
    m_compensation->setReport(CompensationReport());
    m_modelAnalysis = true;
    updateActions();
}

bool AnalysisFilesController::showsData(QDockWidget *dock) const {
    if (!dock || !dock->isVisible())
        return false;
    if (dock == m_importanceDock)
        return m_importance->hasData();
    if (dock == m_rdDock)
        return !m_sweeps->view()->session().points.empty();
    return !m_compensation->report().empty() || !m_compensation->ablation().points.empty();
}

QDockWidget *AnalysisFilesController::currentAnalysisDock() const {
    if (showsData(m_lastDock))
        return m_lastDock;
    for (QDockWidget *dock : {m_importanceDock, m_rdDock, m_compensationDock}) {
        if (showsData(dock))
            return dock;
    }
    return nullptr;
}

bool AnalysisFilesController::exportPlot(const QString &path, QString *error) {
    if (AnalysisView *view = analysisViewOf(currentAnalysisDock()))
        return view->exportTo(path, error);
    if (error)
        *error = tr("No analysis view with data is in front, so %1 was not written.")
                     .arg(QDir::toNativeSeparators(path));
    return false;
}

AnalysisView *AnalysisFilesController::analysisViewOf(QDockWidget *dock) {
    if (!dock || !dock->widget())
        return nullptr;
    if (auto *view = qobject_cast<AnalysisView *>(dock->widget()))
        return view;
    return dock->widget()->findChild<AnalysisView *>();
}

void AnalysisFilesController::updateActions() {
    QDockWidget *dock = currentAnalysisDock();
    m_exportPlotAction->setEnabled(dock != nullptr);
    m_exportPlotAction->setToolTip(
        dock ? tr("Save the plot of the %1 view as PNG or PDF, or its data as CSV")
                   .arg(dock->windowTitle())
             : tr("No analysis view with data is in front: bring the Importance, Rate–Distortion "
                  "or Compensation view to the front (View menu), or open an analysis (File › "
                  "Open Analysis…), compute the importance or run a sweep first."));
}

void AnalysisFilesController::noteDockFocus(QWidget *widget) {
    for (QWidget *w = widget; w; w = w->parentWidget()) {
        if (w == m_importanceDock || w == m_rdDock || w == m_compensationDock) {
            m_lastDock = static_cast<QDockWidget *>(w);
            updateActions();
            return;
        }
    }
}

} // namespace nwc
