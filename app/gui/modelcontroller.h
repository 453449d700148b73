#pragma once
// Opening models: File › Open Model Folder…, Open Model File…, Open Recent, dropped folders.

#include "recentmodels.h"
#include "windowcontroller.h"
#include "workbenchmodel.h"

class QAction;
class QMenu;
class QSettings;

namespace nwc {

class GenerationPane;
class ModelBrowser;

/// Owns the model that is open. Models open in two background jobs: the tensor tree appears
/// from the file's metadata at once (modelChanged() with `runtimeLoading` set), then the runtime
/// loads behind it (modelChanged() again, then modelOpened()). The previous model stays open
/// until the new checkpoint has opened, and errors are shown with the reader's message. An
/// opened model goes to the model browser and the generation pane and is added to the recent
/// models; modelChanged() tells the rest of the window.
class ModelController : public WindowController {
    Q_OBJECT
public:
    ModelController(QMainWindow *window, JobRunner *runner, ModelBrowser *browser,
                    GenerationPane *generation);

    /// Opens `spec` (folder, file or demo:NAME) in a background job. `interactive` errors
    /// appear in a message box, others in the status bar.
    void openModel(const QString &spec, bool interactive = true);
    /// What to open at start: `spec` when given, else the most recent model that still
    /// exists, else demo:student. Errors go to the status bar.
    void openInitialModel(const QString &spec = QString());
    /// Selects tensor `name` in the model browser once the next model has opened (or now, if
    /// no model is loading).
    void selectTensorWhenOpen(const QString &name);

    /// The model that is open (empty spec when none).
    const WorkbenchModel &currentModel() const { return m_model; }
    /// Whether the open model can run (importance, sweeps, generation).
    bool isRunnable() const { return m_model.checkpoint && m_model.languageModel; }
    QStringList recentModels() const { return m_recent.entries(); }
    QAction *openFolderAction() const { return m_openFolderAction; }
    QAction *openFileAction() const { return m_openFileAction; }
    /// Fills `menu` with the recent models whenever it is about to show.
    void attachRecentMenu(QMenu *menu);
    /// The generation pane's prompt, sampling and collaborative choices (teacher, α, N, τ,
    /// rule), kept in the group "generation" of `settings`; the teacher loads when the first
    /// model opens.
    void restoreGenerationSettings(QSettings &settings);
    void saveGenerationSettings(QSettings &settings) const;

    /// The tooltip of an action that needs an open model while none is open.
    static QString openFirstHint();
    /// The tooltip of an action that runs the model while the open one cannot run.
    QString notRunnableHint() const;

Q_SIGNALS:
    /// The open model was replaced by `model`, or its runtime finished loading (before
    /// modelOpened(), and before the status bar says so).
    void modelChanged(const nwc::WorkbenchModel &model);
    /// The tensors of `spec` are shown; its runtime may still be loading (modelOpened() follows).
    void checkpointOpened(const QString &spec);
    /// A model finished opening, runtime included, and is now shown.
    void modelOpened(const QString &spec);
    /// Opening `spec` failed with `message`; the previous model is still open.
    void modelOpenFailed(const QString &spec, const QString &message);

private:
    void setModel(const WorkbenchModel &model);
    void loadRuntime(const WorkbenchModel &opened, const QString &shortName);
    void setRuntime(const WorkbenchModel &model);
    void showOpenedStatus();
    void openFolder();
    void openFile();
    void openRecent(const QString &spec);
    void rebuildRecentMenu();

    ModelBrowser *m_browser;
    GenerationPane *m_generation;
    QAction *m_openFolderAction;
    QAction *m_openFileAction;
    QMenu *m_recentMenu = nullptr;
    RecentModels m_recent;
    WorkbenchModel m_model;
    quint64 m_openJob = 0;
    QString m_pendingTensor;
};

} // namespace nwc
