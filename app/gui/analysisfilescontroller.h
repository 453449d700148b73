#pragma once
// File › Open Analysis… and Export Plot…, and the analysis docks following the open model.

#include "windowcontroller.h"

#include <memory>

class QAction;
class QDockWidget;

namespace nwc {

struct AnalysisData;
class AnalysisView;
class CompensationView;
class ImportanceController;
class RateDistortionView;
class SweepController;
struct WorkbenchModel;

/// Reads analysis files in jobs and shows them in the analysis docks: a sweep session in the
/// Rate–Distortion view, a calibration file in the Importance view, a container's importance
/// and compensation report in the Importance and Compensation views. An opened or freshly
/// written .nwc container shows its own analysis; another model clears the docks unless an
/// analysis file was opened explicitly. Export Plot… saves the plot of the analysis dock in
/// front.
class AnalysisFilesController : public WindowController {
    Q_OBJECT
public:
    AnalysisFilesController(QMainWindow *window, JobRunner *runner,
                            ImportanceController *importance, SweepController *sweeps,
                            CompensationView *compensation);

    /// The docks Importance (the importance controller's page), Rate–Distortion and
    /// Compensation; their visibility and focus decide what Export Plot… exports.
    QDockWidget *importanceDock() const { return m_importanceDock; }
    QDockWidget *rateDistortionDock() const { return m_rdDock; }
    QDockWidget *compensationDock() const { return m_compensationDock; }

    /// Opens the analysis in `path` (sweep session, calibration file or .nwc container) in a
    /// job; `interactive` errors appear in a message box, others in the status bar.
    void openAnalysis(const QString &path, bool interactive = true);
    /// Reads and shows the analysis of the container `path` (errors go to the status bar).
    void loadContainerAnalysis(const QString &path);
    /// The docks follow `model`: a container shows what it was written with; another model
    /// clears them unless they show an analysis file that was opened explicitly.
    void followModel(const WorkbenchModel &model);
    /// The Importance and Compensation views show the open model's analysis again.
    void noteModelAnalysis() { m_modelAnalysis = true; }

    /// Exports the plot of currentAnalysisDock() by the suffix of `path` (.png, .pdf, .csv).
    /// Returns false with a message in `error` when no analysis dock shows data or writing fails.
    bool exportPlot(const QString &path, QString *error);
    /// The analysis dock Export Plot… exports: the one last raised or focused if it is visible
    /// and shows data, else the first visible one with data; nullptr when none.
    QDockWidget *currentAnalysisDock() const;
    /// The analysis view a dock shows (nullptr for other docks).
    static AnalysisView *analysisViewOf(QDockWidget *dock);

    QAction *openAnalysisAction() const { return m_openAction; }
    QAction *exportPlotAction() const { return m_exportPlotAction; }
    /// Enables Export Plot… when an analysis dock with data is in front.
    void updateActions();

Q_SIGNALS:
    /// The analysis of `path` (an analysis file, or the container of the open or just written
    /// model) is shown.
    void analysisLoaded(const QString &path);
    /// Reading the analysis of `path` failed with `message`.
    void analysisFailed(const QString &path, const QString &message);

private:
    void showAnalysis(const AnalysisData &data, bool explicitOpen);
    void clearModelAnalysis();
    void openAnalysisFile();
    void noteDockFocus(QWidget *widget);
    QDockWidget *createDock(const QString &title, const QString &objectName, QWidget *content);
    bool showsData(QDockWidget *dock) const;

    ImportanceController *m_importance;
    SweepController *m_sweeps;
    CompensationView *m_compensation;
    QAction *m_openAction;
    QAction *m_exportPlotAction;
    QDockWidget *m_importanceDock;
    QDockWidget *m_rdDock;
    QDockWidget *m_compensationDock;
    QDockWidget *m_lastDock = nullptr;
    /// True while the Importance and Compensation views show the open model's analysis (they
    /// are cleared when another model opens); false after File › Open Analysis….
    bool m_modelAnalysis = true;
    /// The checkpoint followModel() last followed (a model's runtime loading after its tree
    /// was shown does not reload its analysis).
    std::weak_ptr<const void> m_followedCheckpoint;
};

} // namespace nwc
