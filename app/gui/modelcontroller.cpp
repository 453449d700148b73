#include "modelcontroller.h"

#include "generationpane.h"
#include "jobs/jobrunner.h"
#include "modelbrowser.h"
#include "settingsdialog.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>

namespace nwc {
namespace {

// The student: at a first start the generation pane then shows it alone and steered by the
// demo teacher (the pane's default teacher) side by side.
const QString kDefaultModel = QStringLiteral("demo:student");
// Opening a model and loading its runtime supersede each other.
const QString kOpenChannel = QStringLiteral("open-model");
// Where the open dialogs start: the folder of the model opened last.
const QString kLastDirectory = QStringLiteral("lastDirectory");

} // namespace

ModelController::ModelController(QMainWindow *window, JobRunner *runner, ModelBrowser *browser,
                                 GenerationPane *generation)
    : WindowController(window, runner)
    , m_browser(browser)
    , m_generation(generation)
    , m_openFolderAction(new QAction(tr("&Open Model Folder…"), this))
    , m_openFileAction(new QAction(tr("Open Model &File…"), this)) {
    m_openFolderAction->setShortcut(QKeySequence::Open);
    m_openFolderAction->setToolTip(
        tr("Open a Hugging Face model folder (config.json + safetensors)"));
    connect(m_openFolderAction, &QAction::triggered, this, &ModelController::openFolder);

    m_openFileAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openFileAction->setToolTip(
        tr("Open a .safetensors file, a llama2.c .bin checkpoint or a compressed .nwc model"));
    connect(m_openFileAction, &QAction::triggered, this, &ModelController::openFile);
}

QString ModelController::openFirstHint() {
    return tr("Open a model first (File › Open Model Folder…, Open Model File… or Open Demo "
              "Model).");
}

QString ModelController::notRunnableHint() const {
    if (!m_model.checkpoint)
        return openFirstHint();
    if (m_model.runtimeLoading)
        return tr("%1 is still loading its weights (see the jobs panel).")
            .arg(m_model.checkpoint->displayName());
    return tr("%1 cannot run in the workbench: %2")
        .arg(m_model.checkpoint->displayName(), m_model.generationUnavailable);
}

void ModelController::openInitialModel(const QString &spec) {
    if (!spec.isEmpty()) {
        openModel(spec, false);
        return;
    }
    const QStringList recent = m_recent.entries();
    for (const QString &entry : recent) {
        if (RecentModels::exists(entry)) {
            openModel(entry, false);
            return;
        }
    }
    openModel(kDefaultModel, false);
}

void ModelController::openModel(const QString &spec, bool interactive) {
    statusBar()->showMessage(tr("Opening %1…").arg(spec));
    const QFileInfo file(spec);
    const QString shortName = file.exists() ? file.fileName() : spec;
    const auto failed = [this, spec, interactive](const JobError &message) {
        m_openJob = 0;
        m_pendingTensor.clear();
        const QString text = tr("Could not open %1: %2").arg(spec, message);
        if (interactive) {
            statusBar()->clearMessage();
            showError(tr("Open Model"), text, message);
        } else {
            statusBar()->showMessage(text);
            if (!m_model.checkpoint)
                m_generation->setModel(
                    nullptr, tr("%1\nUse File › Open Model Folder… or drop a model folder on the "
                                "window.")
                                 .arg(text));
        }
        Q_EMIT modelOpenFailed(spec, message);
    };
    const auto cancelled = [this, spec] {
        m_openJob = 0;
        statusBar()->showMessage(tr("Opening %1 was cancelled.").arg(spec), 5000);
    };
    // Step 1: the tensor tree from the file's metadata, at once. Step 2 (loadRuntime) reads the
    // weights behind it. Both run in the "open-model" channel, so opening another model
    // supersedes whichever step is running.
    m_openJob = runner()->start(
        tr("Open %1").arg(shortName), kOpenChannel, this,
        [spec](JobContext &context) { return openWorkbenchCheckpoint(spec, &context); },
        JobHandlers<WorkbenchModel>{[this, shortName](const WorkbenchModel &model) {
                                        m_openJob = 0;
                                        setModel(model);
                                        if (model.runtimeLoading)
                                            loadRuntime(model, shortName);
                                        else
                                            Q_EMIT modelOpened(model.spec);
                                    },
                                    failed, cancelled});
}

void ModelController::loadRuntime(const WorkbenchModel &opened, const QString &shortName) {
    m_generation->setModel(nullptr, tr("Loading the weights of %1…").arg(shortName));
    const ComputeOptions compute = guiComputeOptions();
    runner()->start(
        tr("Load %1").arg(shortName), kOpenChannel, this,
        [opened, compute](JobContext &context) {
            return loadWorkbenchRuntime(opened, &context, compute);
        },
        JobHandlers<WorkbenchModel>{[this](const WorkbenchModel &model) {
                                        if (m_model.checkpoint != model.checkpoint)
                                            return; // another model was opened meanwhile
                                        setRuntime(model);
                                    },
                                    [this](const JobError &error) {
                                        WorkbenchModel model = m_model;
                                        model.runtimeLoading = false;
                                        model.generationUnavailable = error.message;
                                        setRuntime(model);
                                    },
                                    [this] {
                                        WorkbenchModel model = m_model;
                                        model.runtimeLoading = false;
                                        model.generationUnavailable =
                                            tr("loading its weights was cancelled; open it "
                                               "again to run it");
                                        setRuntime(model);
                                    }});
}

void ModelController::selectTensorWhenOpen(const QString &name) {
    if (m_openJob == 0 && m_model.checkpoint) {
        if (!m_browser->selectTensor(name))
            statusBar()->showMessage(
                tr("%1 has no tensor named %2.").arg(m_model.checkpoint->displayName(), name));
        return;
    }
    m_pendingTensor = name;
}

void ModelController::setModel(const WorkbenchModel &model) {
    m_model = model;
    m_recent.add(model.spec);
    m_browser->setCheckpoint(model.checkpoint);
    if (!model.runtimeLoading)
        m_generation->setModel(model.languageModel, model.generationUnavailable);
    Q_EMIT modelChanged(m_model);
    const QString name = model.checkpoint->displayName();
    if (model.runtimeLoading)
        statusBar()->showMessage(tr("Opened %1; loading its weights…").arg(name));
    else
        showOpenedStatus();
    if (!m_pendingTensor.isEmpty()) {
        const QString tensor = m_pendingTensor;
        m_pendingTensor.clear();
        selectTensorWhenOpen(tensor);
    }
    Q_EMIT checkpointOpened(model.spec);
}

void ModelController::setRuntime(const WorkbenchModel &model) {
    m_model = model;
    m_generation->setModel(model.languageModel, model.generationUnavailable);
    Q_EMIT modelChanged(m_model);
    showOpenedStatus();
    Q_EMIT modelOpened(model.spec);
}

void ModelController::showOpenedStatus() {
    const QString name = m_model.checkpoint->displayName();
    if (m_model.languageModel)
        statusBar()->showMessage(tr("Opened %1.").arg(name), 5000);
    else
        statusBar()->showMessage(
            tr("Opened %1 for browsing only: %2").arg(name, m_model.generationUnavailable), 15000);
    if (m_model.generationMismatch.mismatch)
        showError(tr("Open Model"),
                  tr("%1 is open for browsing and compression only; it cannot generate text: %2")
                      .arg(name, m_model.generationMismatch.message),
                  m_model.generationMismatch);
}

void ModelController::restoreGenerationSettings(QSettings &settings) {
    settings.beginGroup(QStringLiteral("generation"));
    SamplingSettings sampling = m_generation->settings();
    sampling.maxTokens = settings.value(QStringLiteral("maxTokens"), sampling.maxTokens).toInt();
    sampling.temperature =
        settings.value(QStringLiteral("temperature"), sampling.temperature).toDouble();
    sampling.topK = settings.value(QStringLiteral("topK"), sampling.topK).toInt();
    sampling.topP = settings.value(QStringLiteral("topP"), sampling.topP).toDouble();
    sampling.seed = settings.value(QStringLiteral("seed"), sampling.seed).toULongLong();
    m_generation->setSettings(sampling);
    const QString prompt = settings.value(QStringLiteral("prompt")).toString();
    if (!prompt.isEmpty())
        m_generation->setPrompt(prompt);
    // The collaborative choices: teacher (loaded when the first model opens), α, N, τ, rule.
    CollaborativeSettings collaborative = m_generation->collaborativeSettings();
    collaborative.alpha = settings.value(QStringLiteral("alpha"), collaborative.alpha).toDouble();
    collaborative.steeredTokens =
        settings.value(QStringLiteral("steeredTokens"), collaborative.steeredTokens).toInt();
    collaborative.tau = settings.value(QStringLiteral("tau"), collaborative.tau).toDouble();
    if (settings.contains(QStringLiteral("rule")))
        collaborative.mode =
            settings.value(QStringLiteral("rule")).toString() == QLatin1String("gated")
                ? CollaborativeMode::GatedAlpha
                : CollaborativeMode::FixedAlpha;
    m_generation->setCollaborativeSettings(collaborative);
    m_generation->restoreTeacherSpec(settings.value(QStringLiteral("teacher")).toString());
    settings.endGroup();
}

void ModelController::saveGenerationSettings(QSettings &settings) const {
    const SamplingSettings sampling = m_generation->settings();
    settings.beginGroup(QStringLiteral("generation"));
    settings.setValue(QStringLiteral("maxTokens"), sampling.maxTokens);
    settings.setValue(QStringLiteral("temperature"), sampling.temperature);
    settings.setValue(QStringLiteral("topK"), sampling.topK);
    settings.setValue(QStringLiteral("topP"), sampling.topP);
    settings.setValue(QStringLiteral("seed"), sampling.seed);
    settings.setValue(QStringLiteral("prompt"), m_generation->prompt());
    const CollaborativeSettings collaborative = m_generation->collaborativeSettings();
    settings.setValue(QStringLiteral("teacher"), m_generation->teacherSpec());
    settings.setValue(QStringLiteral("alpha"), collaborative.alpha);
    settings.setValue(QStringLiteral("steeredTokens"), collaborative.steeredTokens);
    settings.setValue(QStringLiteral("tau"), collaborative.tau);
    settings.setValue(QStringLiteral("rule"), collaborative.mode == CollaborativeMode::GatedAlpha
                                                  ? QStringLiteral("gated")
                                                  : QStringLiteral("fixed"));
    settings.endGroup();
}

void ModelController::openFolder() {
    const QString folder = askInRememberedFolder(kLastDirectory, [this](const QString &start) {
        return QFileDialog::getExistingDirectory(window(), tr("Open Model Folder"), start,
                                                 QFileDialog::ShowDirsOnly);
    });
    if (!folder.isEmpty())
        openModel(folder);
}

void ModelController::openFile() {
    const QString file = askInRememberedFolder(kLastDirectory, [this](const QString &start) {
        return QFileDialog::getOpenFileName(
            window(), tr("Open Model File"), start,
            tr("Model files (*.safetensors *.bin *.nwc);;Safetensors (*.safetensors);;"
               "Compressed models (*.nwc);;llama2.c checkpoints (*.bin);;All files (*)"));
    });
    if (!file.isEmpty())
        openModel(file);
}

void ModelController::openRecent(const QString &spec) {
    if (!RecentModels::exists(spec)) {
        m_recent.remove(spec);
        rebuildRecentMenu();
        showError(tr("Open Recent"),
                  tr("%1 no longer exists; it was removed from the recent models.").arg(spec));
        return;
    }
    openModel(spec);
}

void ModelController::attachRecentMenu(QMenu *menu) {
    m_recentMenu = menu;
    connect(m_recentMenu, &QMenu::aboutToShow, this, &ModelController::rebuildRecentMenu);
    rebuildRecentMenu();
}

void ModelController::rebuildRecentMenu() {
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList entries = m_recent.entries();
    for (int i = 0; i < entries.size(); ++i) {
        const QString &spec = entries.at(i);
        const QString name =
            spec.startsWith(QLatin1String("demo:")) ? spec : QDir::toNativeSeparators(spec);
        QAction *action = m_recentMenu->addAction(QStringLiteral("&%1  %2").arg(i + 1).arg(name),
                                                  this, [this, spec] { openRecent(spec); });
        action->setToolTip(spec);
    }
    if (entries.isEmpty()) {
        QAction *none = m_recentMenu->addAction(tr("No recent models"));
        none->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear Menu"), this, [this] {
        m_recent.clear();
        rebuildRecentMenu();
    });
}

} // namespace nwc
