#pragma once
// The workbench's main window: menus, docks and the model that is open.

#include "recentmodels.h"
#include "workbenchmodel.h"

#include "jobs/joberror.h"

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPushButton;

namespace nwc {

struct AnalysisData;
class CompensationView;
class GenerationPane;
struct ImportanceMap;
class AnalysisView;
class ImportanceView;
class JobRunner;
struct CompressionJobResult;
struct CompressionJobSettings;
class JobsPanel;
class GuidedTour;
class ModelBrowser;
class RateDistortionView;
struct SweepSession;
struct SweepSettings;

/// Main window: model browser dock (left), jobs dock (bottom), generation pane (centre) and
/// the analysis docks Importance, Rate–Distortion and Compensation (tabbed, right).
/// Models open in a background job from File › Open…, Open Recent, or by dropping a folder or
/// file on the window; the previous model stays open until the new one has loaded, and errors
/// are shown with the reader's message. Compress › Compress at Bit Rate… and File › Export
/// Compressed Checkpoint… run a compression job and show its summary; File › Export
/// Decompressed Safetensors… writes the open .nwc model back as a Hugging Face folder.
///
/// Analysis: an opened or freshly written .nwc container shows its importance and
/// compensation report; Compress › Compute Importance… calibrates the open model; Compress ›
/// Rate–Distortion Sweep… runs a resumable sweep whose points appear in the Rate–Distortion
/// view (and the Compensation view's ablation) as they are measured; File › Open Analysis…
/// opens a sweep session, a calibration file or a container's analysis; File › Export Plot…
/// saves the plot of the analysis dock in front. All reading and computing runs in jobs.
/// Geometry, dock layout, recent models and sampling settings persist in QSettings.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens `spec` (folder, file or demo:NAME) in a background job. `interactive` errors
    /// appear in a message box, others in the status bar.
    void openModel(const QString &spec, bool interactive = true);
    /// What to open at start: `spec` when given, else the most recent model that still
    /// exists, else demo:teacher. Errors go to the status bar.
    void openInitialModel(const QString &spec = QString());
    /// Selects tensor `name` in the model browser once the next model has opened (or now, if
    /// no model is loading).
    void selectTensorWhenOpen(const QString &name);
    /// Runs a compression job (what the compress dialog's Compress button does); the summary
    /// dialog opens when it finishes (unless `showSummary` is false), errors appear in a message
    /// box. Returns the job id.
    quint64 startCompression(const CompressionJobSettings &settings, bool showSummary = true);
    /// Runs a rate–distortion sweep of `settings` into `sessionPath` (what the sweep dialog's
    /// OK does; the session's folder is created when missing). The Rate–Distortion view and
    /// the Compensation view's ablation follow the points as they are measured; errors appear
    /// in a message box. Returns the job id.
    quint64 startSweep(const SweepSettings &settings, const QString &sessionPath);
    /// Calibrates the open model on `textPath` (empty: the demo corpus, demo models only) in a
    /// job and shows the importance. Returns the job id (0 when no runnable model is open).
    quint64 computeImportance(const QString &textPath = QString());
    /// Opens the analysis in `path` (sweep session, calibration file or .nwc container) in a
    /// job; `interactive` errors appear in a message box, others in the status bar.
    void openAnalysis(const QString &path, bool interactive = true);
    /// Exports the plot of currentAnalysisDock() by the suffix of `path` (.png, .pdf, .csv).
    /// Returns false with a message in `error` when no analysis dock shows data or writing fails.
    bool exportPlot(const QString &path, QString *error);
    /// The analysis dock File › Export Plot… exports: the one last raised or focused if it is
    /// visible and shows data, else the first visible one with data; nullptr when none.
    QDockWidget *currentAnalysisDock() const;
    /// The analysis view a dock shows (nullptr for other docks).
    AnalysisView *analysisViewOf(QDockWidget *dock) const;

    /// The model that is open (empty spec when none).
    const WorkbenchModel &currentModel() const { return m_model; }
    JobRunner *jobRunner() const { return m_runner; }
    ModelBrowser *modelBrowser() const { return m_browser; }
    GenerationPane *generationPane() const { return m_generation; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    QStringList recentModels() const { return m_recent.entries(); }
    QAction *compressAction() const { return m_compressAction; }
    QAction *exportCompressedAction() const { return m_exportCompressedAction; }
    QAction *exportDecompressedAction() const { return m_exportDecompressedAction; }
    QAction *openAnalysisAction() const { return m_openAnalysisAction; }
    QAction *exportPlotAction() const { return m_exportPlotAction; }
    QAction *computeImportanceAction() const { return m_computeImportanceAction; }
    QAction *sweepAction() const { return m_sweepAction; }
    /// File › Settings…: opens the SettingsDialog (the interface language).
    QAction *settingsAction() const { return m_settingsAction; }
    ImportanceView *importanceView() const { return m_importanceView; }
    RateDistortionView *rateDistortionView() const { return m_rdView; }
    CompensationView *compensationView() const { return m_compensationView; }
    QDockWidget *importanceDock() const { return m_importanceDock; }
    QDockWidget *rateDistortionDock() const { return m_rdDock; }
    QDockWidget *compensationDock() const { return m_compensationDock; }
    /// The status-bar button that opens the container of the last clicked sweep point (hidden
    /// when that point kept none).
    QPushButton *openContainerButton() const { return m_openContainerButton; }
    /// Help › Guided Tour…: shows the tour panel (a dock on the right) on the tour's first step,
    /// or where the tour stands while the panel is open. Returns the tour.
    GuidedTour *showGuidedTour();
    /// The guided tour (created on first use) and the dock of its panel (nullptr until shown).
    GuidedTour *guidedTour();
    QDockWidget *guidedTourDock() const { return m_tourDock; }
    QAction *guidedTourAction() const { return m_tourAction; }
    /// View › Presentation Mode: larger fonts, lines and markers (PresentationScale); the
    /// state is kept in QSettings.
    QAction *presentationModeAction() const { return m_presentationAction; }

Q_SIGNALS:
    /// A model finished opening and is now shown.
    void modelOpened(const QString &spec);
    /// Opening `spec` failed with `message`; the previous model is still open.
    void modelOpenFailed(const QString &spec, const QString &message);
    /// A compression job wrote `outputPath`; its summary dialog is shown.
    void compressionFinished(const QString &outputPath);
    /// A compression job failed with `message` (shown in a message box).
    void compressionFailed(const QString &message);
    /// The analysis of `path` (an analysis file, or the container of the open or just written
    /// model) is shown.
    void analysisLoaded(const QString &path);
    /// Reading the analysis of `path` failed with `message`.
    void analysisFailed(const QString &path, const QString &message);
    /// A Compute Importance job finished and its importance is shown.
    void importanceComputed();
    /// A sweep job ended: finished (its session is shown), failed or was cancelled.
    void sweepFinished(const QString &sessionPath);
    void sweepFailed(const QString &message);
    void sweepCancelled(const QString &sessionPath);
    /// A compression job finished with `result` (emitted before compressionFinished()).
    void compressionCompleted(const nwc::CompressionJobResult &result);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createDocks();
    QDockWidget *createAnalysisDock(const QString &title, const QString &objectName,
                                    QWidget *content);
    void restoreSettings();
    void saveSettings() const;
    void setModel(const WorkbenchModel &model);
    /// A warning dialog; a failed job's `error` adds the mismatch title, advice and details.
    void showError(const QString &title, const QString &message, const nwc::JobError &error = {});
    void openFolder();
    void openFile();
    void openRecent(const QString &spec);
    void rebuildRecentMenu();
    void showAbout();
    void openSettings();
    void updateJobIndicator(int active);
    void updateModelActions();
    void openCompressDialog(const QString &title);
    void showCompressionSummary(const CompressionJobResult &result);
    void exportCompressed();
    void exportDecompressed();
    void loadContainerAnalysis(const QString &path, bool interactive);
    void showAnalysis(const AnalysisData &data, bool explicitOpen);
    void setModelImportance(const ImportanceMap &map, const QString &emptyNote);
    void clearModelAnalysis();
    void openAnalysisFile();
    void openSweepDialog();
    void requestImportance();
    void showSweepUpdate(quint64 job, const SweepSession &session);
    void showSweepSession(const SweepSession &session);
    void sweepPointActivated(int index);
    void exportPlotWithDialog();
    void updateAnalysisActions();
    void updateImportanceHint();
    void noteAnalysisDockFocus(QWidget *widget);
    void setPresentationMode(bool on);

    JobRunner *m_runner;
    ModelBrowser *m_browser;
    GenerationPane *m_generation;
    JobsPanel *m_jobsPanel;
    QDockWidget *m_browserDock = nullptr;
    QDockWidget *m_jobsDock = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_openFolderAction = nullptr;
    QAction *m_openFileAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_compressAction = nullptr;
    QAction *m_exportCompressedAction = nullptr;
    QAction *m_exportDecompressedAction = nullptr;
    QAction *m_openAnalysisAction = nullptr;
    QAction *m_exportPlotAction = nullptr;
    QAction *m_computeImportanceAction = nullptr;
    QAction *m_sweepAction = nullptr;
    ImportanceView *m_importanceView;
    RateDistortionView *m_rdView;
    CompensationView *m_compensationView;
    QDockWidget *m_importanceDock = nullptr;
    QDockWidget *m_rdDock = nullptr;
    QDockWidget *m_compensationDock = nullptr;
    QDockWidget *m_lastAnalysisDock = nullptr;
    QWidget *m_importanceHint = nullptr;
    QLabel *m_importanceHintLabel = nullptr;
    QPushButton *m_importanceHintButton = nullptr;
    QPushButton *m_openContainerButton = nullptr;
    QString m_pointContainer;
    QLabel *m_modelSummary;
    QLabel *m_jobIndicator;
    RecentModels m_recent;
    WorkbenchModel m_model;
    quint64 m_openJob = 0;
    quint64 m_sweepJob = 0;
    quint64 m_importanceJob = 0;
    /// What the Importance view says when it is empty (why the model has no importance).
    QString m_importanceNote;
    /// True while the Importance and Compensation views show the open model's analysis (they
    /// are cleared when another model opens); false after File › Open Analysis….
    bool m_modelAnalysis = true;
    /// No saved dock layout: size the docks in proportion to the window when it first shows.
    bool m_defaultDockSizesPending = false;
    QString m_pendingTensor;
    QAction *m_presentationAction = nullptr;
    QAction *m_tourAction = nullptr;
    GuidedTour *m_tour = nullptr;
    QDockWidget *m_tourDock = nullptr;
};

} // namespace nwc
