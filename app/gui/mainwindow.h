#pragma once
// The workbench's main window: menus, docks and the controllers that do their work.

#include "workbenchmodel.h"

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QPushButton;

namespace nwc {

class AnalysisFilesController;
class AnalysisView;
class CompensationView;
class CompressionController;
class GenerationPane;
class GuidedTour;
class ImportanceController;
class ImportanceView;
class JobIndicator;
class JobRunner;
class JobsPanel;
class ModelBrowser;
class ModelController;
class RateDistortionView;
class SweepController;
class TourActions;
struct CompressionJobResult;
struct CompressionJobSettings;
struct SweepSettings;

/// Main window: model browser dock (left), generation pane (centre), and the jobs dock with
/// the analysis docks Importance, Rate–Distortion and Compensation tabbed under the pane.
/// The window is the shell: it lays out the docks, builds the menus, keeps the status bar
/// (open model, running jobs), About and Settings, presentation mode, the guided tour, and
/// persists geometry and dock layout in QSettings (the generation settings through
/// ModelController). The menus' work is done by its controllers:
/// - ModelController: File › Open…, Open Recent, dropped folders and files;
/// - CompressionController: Compress › Compress at Bit Rate…, File › Export Compressed /
///   Decompressed…;
/// - ImportanceController: Compress › Compute Importance… and the Importance dock's hint bar;
/// - SweepController: Compress › Rate–Distortion Sweep… and the sweep points' containers;
/// - AnalysisFilesController: File › Open Analysis…, Export Plot…, and the analysis docks
///   following the open model.
/// The functions and signals below forward to them (for main(), scripts and tests).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ModelController *models() const { return m_models; }
    CompressionController *compression() const { return m_compression; }
    ImportanceController *importance() const { return m_importance; }
    SweepController *sweeps() const { return m_sweeps; }
    AnalysisFilesController *analysisFiles() const { return m_analysis; }

    /// ModelController::openModel(), openInitialModel(), selectTensorWhenOpen().
    void openModel(const QString &spec, bool interactive = true);
    void openInitialModel(const QString &spec = QString());
    void selectTensorWhenOpen(const QString &name);
    /// CompressionController::startCompression().
    quint64 startCompression(const CompressionJobSettings &settings, bool showSummary = true);
    /// SweepController::startSweep().
    quint64 startSweep(const SweepSettings &settings, const QString &sessionPath);
    /// ImportanceController::computeImportance().
    quint64 computeImportance(const QString &textPath = QString());
    /// AnalysisFilesController::openAnalysis(), exportPlot(), currentAnalysisDock(),
    /// analysisViewOf().
    void openAnalysis(const QString &path, bool interactive = true);
    bool exportPlot(const QString &path, QString *error);
    QDockWidget *currentAnalysisDock() const;
    AnalysisView *analysisViewOf(QDockWidget *dock) const;

    const WorkbenchModel &currentModel() const;
    QStringList recentModels() const;
    JobRunner *jobRunner() const { return m_runner; }
    ModelBrowser *modelBrowser() const { return m_browser; }
    GenerationPane *generationPane() const { return m_generation; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    QAction *compressAction() const;
    QAction *exportCompressedAction() const;
    QAction *exportDecompressedAction() const;
    QAction *openAnalysisAction() const;
    QAction *exportPlotAction() const;
    QAction *computeImportanceAction() const;
    QAction *sweepAction() const;
    /// File › Settings…: opens the SettingsDialog (the interface language).
    QAction *settingsAction() const { return m_settingsAction; }
    ImportanceView *importanceView() const { return m_importanceView; }
    RateDistortionView *rateDistortionView() const { return m_rdView; }
    CompensationView *compensationView() const { return m_compensationView; }
    QDockWidget *importanceDock() const;
    QDockWidget *rateDistortionDock() const;
    QDockWidget *compensationDock() const;
    /// SweepController::openContainerButton().
    QPushButton *openContainerButton() const;
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
    /// The controllers' signals, forwarded.
    void checkpointOpened(const QString &spec);
    void modelOpened(const QString &spec);
    void modelOpenFailed(const QString &spec, const QString &message);
    void compressionFinished(const QString &outputPath);
    void compressionFailed(const QString &message);
    void analysisLoaded(const QString &path);
    void analysisFailed(const QString &path, const QString &message);
    void importanceComputed();
    void sweepFinished(const QString &sessionPath);
    void sweepFailed(const QString &message);
    void sweepCancelled(const QString &sessionPath);
    void compressionCompleted(const nwc::CompressionJobResult &result);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void connectControllers();
    void createActions();
    void createMenus();
    void createDocks();
    void restoreSettings();
    void saveSettings() const;
    void showModel(const WorkbenchModel &model);
    void updateModelActions();
    void openSettings();
    void setPresentationMode(bool on);

    JobRunner *m_runner;
    ModelBrowser *m_browser;
    GenerationPane *m_generation;
    JobsPanel *m_jobsPanel;
    ImportanceView *m_importanceView;
    RateDistortionView *m_rdView;
    CompensationView *m_compensationView;
    ModelController *m_models;
    ImportanceController *m_importance;
    SweepController *m_sweeps;
    CompressionController *m_compression;
    AnalysisFilesController *m_analysis;
    QDockWidget *m_browserDock = nullptr;
    QDockWidget *m_jobsDock = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_presentationAction = nullptr;
    QAction *m_tourAction = nullptr;
    QLabel *m_modelSummary;
    JobIndicator *m_jobIndicator;
    /// No saved dock layout: size the docks in proportion to the window when it first shows.
    bool m_defaultDockSizesPending = false;
    TourActions *m_tourActions = nullptr;
    GuidedTour *m_tour = nullptr;
    QDockWidget *m_tourDock = nullptr;
};

} // namespace nwc
