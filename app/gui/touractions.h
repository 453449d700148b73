#pragma once
// What the guided tour drives in the workbench, and what it hears back.

#include <QObject>
#include <QString>

class QWidget;

namespace nwc {

class GenerationPane;
class ImportanceView;
class JobRunner;
class ModelBrowser;
class RateDistortionView;
struct CalibrationSettings;
struct CompressionJobResult;
struct CompressionJobSettings;
struct SweepSettings;
struct WorkbenchModel;

/// The actions of the workbench a GuidedTour performs — the code paths of the menus and
/// dialogs — and the views whose results it reads and frames. Every action runs as jobs of
/// jobRunner(); its outcome arrives as one of the signals. MainWindow provides the
/// implementation (WorkbenchTourActions, over its controllers); a test may provide another.
class TourActions : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~TourActions() override;

    /// The runner the actions' jobs run in (the tour follows and cancels them there).
    virtual JobRunner *jobRunner() const = 0;
    /// The model that is open (empty spec when none).
    virtual const WorkbenchModel &currentModel() const = 0;
    /// The parent for the dialogs the tour fills in to get the menus' settings.
    virtual QWidget *dialogParent() const = 0;

    /// File › Open…: opens `spec`; modelOpened() or modelOpenFailed() follows.
    virtual void openModel(const QString &spec) = 0;
    /// Compress › Compute Importance… on the demo corpus; importanceComputed() follows. Returns
    /// the job id (0 when the open model cannot run).
    virtual quint64 computeImportance() = 0;
    /// The calibration computeImportance() runs with.
    virtual const CalibrationSettings &calibrationSettings() const = 0;
    /// The compress dialog's Compress, without its summary dialog; compressionCompleted()
    /// follows.
    virtual quint64 startCompression(const CompressionJobSettings &settings) = 0;
    /// The sweep dialog's OK; sweepFinished(), sweepFailed() or sweepCancelled() follows.
    virtual quint64 startSweep(const SweepSettings &settings, const QString &sessionPath) = 0;

    /// The views the tour steers, reads and frames.
    virtual ModelBrowser *modelBrowser() const = 0;
    virtual ImportanceView *importanceView() const = 0;
    virtual RateDistortionView *rateDistortionView() const = 0;
    virtual GenerationPane *generationPane() const = 0;
    virtual QWidget *jobsPanel() const = 0;

Q_SIGNALS:
    void modelOpened(const QString &spec);
    void modelOpenFailed(const QString &spec, const QString &message);
    void importanceComputed();
    void compressionCompleted(const nwc::CompressionJobResult &result);
    void sweepFinished(const QString &sessionPath);
    void sweepFailed(const QString &message);
    void sweepCancelled(const QString &sessionPath);
};

} // namespace nwc
