#include "workbenchtouractions.h"

#include "compressioncontroller.h"
#include "importancecontroller.h"
#include "jobspanel.h"
#include "modelcontroller.h"
#include "sweepcontroller.h"

namespace nwc {

WorkbenchTourActions::WorkbenchTourActions(const Parts &parts, QObject *parent)
    : TourActions(parent)
    , m_parts(parts) {
    connect(parts.models, &ModelController::modelOpened, this, &TourActions::modelOpened);
    connect(parts.models, &ModelController::modelOpenFailed, this, &TourActions::modelOpenFailed);
    connect(parts.importance, &ImportanceController::importanceComputed, this,
            &TourActions::importanceComputed);
    connect(parts.compression, &CompressionController::compressionCompleted, this,
            &TourActions::compressionCompleted);
    connect(parts.sweeps, &SweepController::sweepFinished, this, &TourActions::sweepFinished);
    connect(parts.sweeps, &SweepController::sweepFailed, this, &TourActions::sweepFailed);
    connect(parts.sweeps, &SweepController::sweepCancelled, this, &TourActions::sweepCancelled);
}

const WorkbenchModel &WorkbenchTourActions::currentModel() const {
    return m_parts.models->currentModel();
}

void WorkbenchTourActions::openModel(const QString &spec) {
    m_parts.models->openModel(spec);
}

quint64 WorkbenchTourActions::computeImportance() {
    // What Compress › Compute Importance… does for a demo model: the demo corpus.
    return m_parts.importance->computeImportance(QString());
}

const CalibrationSettings &WorkbenchTourActions::calibrationSettings() const {
    return m_parts.importance->calibrationSettings();
}

quint64 WorkbenchTourActions::startCompression(const CompressionJobSettings &settings) {
    return m_parts.compression->startCompression(settings, false);
}

quint64 WorkbenchTourActions::startSweep(const SweepSettings &settings,
                                         const QString &sessionPath) {
    return m_parts.sweeps->startSweep(settings, sessionPath);
}

ImportanceView *WorkbenchTourActions::importanceView() const {
    return m_parts.importance->view();
}

RateDistortionView *WorkbenchTourActions::rateDistortionView() const {
    return m_parts.sweeps->view();
}

QWidget *WorkbenchTourActions::jobsPanel() const {
    return m_parts.jobsPanel;
}

} // namespace nwc
