#pragma once
// The guided tour's actions, performed by the main window's controllers.

#include "touractions.h"

namespace nwc {

class CompressionController;
class ImportanceController;
class JobsPanel;
class ModelController;
class SweepController;

/// TourActions over MainWindow's controllers and views: each action is what the menu or
/// dialog does, and each signal is the controller's.
class WorkbenchTourActions : public TourActions {
    Q_OBJECT
public:
    /// The views and controllers the actions reach (all outlive this object, its parent's).
    struct Parts {
        QWidget *window = nullptr;
        JobRunner *runner = nullptr;
        ModelController *models = nullptr;
        ImportanceController *importance = nullptr;
        CompressionController *compression = nullptr;
        SweepController *sweeps = nullptr;
        ModelBrowser *browser = nullptr;
        GenerationPane *generation = nullptr;
        JobsPanel *jobsPanel = nullptr;
    };

    explicit WorkbenchTourActions(const Parts &parts, QObject *parent = nullptr);

    JobRunner *jobRunner() const override { return m_parts.runner; }
    const WorkbenchModel &currentModel() const override;
    QWidget *dialogParent() const override { return m_parts.window; }
    void openModel(const QString &spec) override;
    quint64 computeImportance() override;
    const CalibrationSettings &calibrationSettings() const override;
    quint64 startCompression(const CompressionJobSettings &settings) override;
    quint64 startSweep(const SweepSettings &settings, const QString &sessionPath) override;
    ModelBrowser *modelBrowser() const override { return m_parts.browser; }
    ImportanceView *importanceView() const override;
    RateDistortionView *rateDistortionView() const override;
    GenerationPane *generationPane() const override { return m_parts.generation; }
    QWidget *jobsPanel() const override;

private:
    Parts m_parts;
};

} // namespace nwc
