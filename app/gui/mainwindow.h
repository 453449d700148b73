#pragma once
// The workbench's main window: menus, docks and the model that is open.

#include "recentmodels.h"
#include "workbenchmodel.h"

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;

namespace nwc {

class GenerationPane;
class JobRunner;
struct CompressionJobResult;
struct CompressionJobSettings;
class JobsPanel;
class ModelBrowser;

/// Main window: model browser dock (left), jobs dock (bottom), generation pane (centre).
/// Models open in a background job from File › Open…, Open Recent, or by dropping a folder or
/// file on the window; the previous model stays open until the new one has loaded, and errors
/// are shown with the reader's message. Compress › Compress at Bit Rate… and File › Export
/// Compressed Checkpoint… run a compression job and show its summary; File › Export
/// Decompressed Safetensors… writes the open .nwc model back as a Hugging Face folder.
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
    /// dialog opens when it finishes, errors appear in a message box. Returns the job id.
    quint64 startCompression(const CompressionJobSettings &settings);

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

Q_SIGNALS:
    /// A model finished opening and is now shown.
    void modelOpened(const QString &spec);
    /// Opening `spec` failed with `message`; the previous model is still open.
    void modelOpenFailed(const QString &spec, const QString &message);
    /// A compression job wrote `outputPath`; its summary dialog is shown.
    void compressionFinished(const QString &outputPath);
    /// A compression job failed with `message` (shown in a message box).
    void compressionFailed(const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createDocks();
    void restoreSettings();
    void saveSettings() const;
    void setModel(const WorkbenchModel &model);
    void showError(const QString &title, const QString &message);
    void openFolder();
    void openFile();
    void openRecent(const QString &spec);
    void rebuildRecentMenu();
    void showAbout();
    void updateJobIndicator(int active);
    void updateModelActions();
    void openCompressDialog(const QString &title);
    void showCompressionSummary(const CompressionJobResult &result);
    void exportCompressed();
    void exportDecompressed();

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
    QAction *m_compressAction = nullptr;
    QAction *m_exportCompressedAction = nullptr;
    QAction *m_exportDecompressedAction = nullptr;
    QLabel *m_modelSummary;
    QLabel *m_jobIndicator;
    RecentModels m_recent;
    WorkbenchModel m_model;
    quint64 m_openJob = 0;
    QString m_pendingTensor;
};

} // namespace nwc
