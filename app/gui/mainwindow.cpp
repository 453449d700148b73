#include "mainwindow.h"

#include "analysis/calibrationwindows.h"
#include "analysisjob.h"
#include "analysisview.h"
#include "codec/compressedcheckpoint.h"
#include "compensationview.h"
#include "compressdialog.h"
#include "compressionjob.h"
#include "compressionsummarydialog.h"
#include "customplot.h"
#include "generationpane.h"
#include "guidedtour.h"
#include "importanceview.h"
#include "joberrordialog.h"
#include "jobs/jobrunner.h"
#include "jobspanel.h"
#include "lm/libraryversions.h"
#include "modelbrowser.h"
#include "presentationscale.h"
#include "ratedistortionview.h"
#include "settingsdialog.h"
#include "sweepdialog.h"
#include "tourpanel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace nwc {
namespace {

// The student: at a first start the generation pane then shows it alone and steered by the
// demo teacher (the pane's default teacher) side by side.
/// The libraries this build runs on, as an HTML paragraph for the About dialog.
QString libraryVersionsHtml() {
    QList<QPair<QString, QString>> versions = coreLibraryVersions();
    versions.append({QStringLiteral("QCustomPlot"), QStringLiteral(QCUSTOMPLOT_VERSION_STR)});
    QStringList parts;
    for (const auto &entry : versions)
        parts.append(
            QStringLiteral("%1 %2").arg(entry.first.toHtmlEscaped(), entry.second.toHtmlEscaped()));
    return QStringLiteral("<p><small>") + parts.join(QStringLiteral(" · ")) +
           QStringLiteral("</small></p>");
}

const QString kDefaultModel = QStringLiteral("demo:student");

QString localPathOf(const QMimeData *mime) {
    if (!mime || !mime->hasUrls())
        return QString();
    const QList<QUrl> urls = mime->urls();
    for (const QUrl &url : urls) {
        if (url.isLocalFile())
            return url.toLocalFile();
    }
    return QString();
}

QString parameterText(qint64 count) {
    const QLocale locale;
    if (count >= 1000000000)
        return QApplication::translate("nwc::MainWindow", "%1 B parameters")
            .arg(locale.toString(count / 1e9, 'f', 2));
    if (count >= 1000000)
        return QApplication::translate("nwc::MainWindow", "%1 M parameters")
            .arg(locale.toString(count / 1e6, 'f', 2));
    if (count >= 1000)
        return QApplication::translate("nwc::MainWindow", "%1 k parameters")
            .arg(locale.toString(count / 1e3, 'f', 1));
    return QApplication::translate("nwc::MainWindow", "%1 parameters").arg(count);
}

QString pointsText(qsizetype count) {
    return count == 1 ? QApplication::translate("nwc::MainWindow", "1 point")
                      : QApplication::translate("nwc::MainWindow", "%1 points").arg(count);
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_runner(new JobRunner(this))
    , m_browser(new ModelBrowser(m_runner, this))
    , m_generation(new GenerationPane(m_runner, this))
    , m_jobsPanel(new JobsPanel(m_runner, this))
    , m_importanceView(new ImportanceView(this))
    , m_rdView(new RateDistortionView(this))
    , m_compensationView(new CompensationView(this))
    , m_modelSummary(new QLabel(this))
    , m_jobIndicator(new QLabel(this)) {
    setWindowTitle(tr("NWC Workbench"));
    setAcceptDrops(true);
    setCentralWidget(m_generation);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    createActions();
    createDocks();
    createMenus();

    m_modelSummary->setText(tr("No model open"));
    m_openContainerButton = new QPushButton(this);
    m_openContainerButton->setFlat(true);
    m_openContainerButton->setVisible(false);
    connect(m_openContainerButton, &QPushButton::clicked, this, [this] {
        if (!m_pointContainer.isEmpty())
            openModel(m_pointContainer);
    });
    statusBar()->addPermanentWidget(m_openContainerButton);
    statusBar()->addPermanentWidget(m_jobIndicator);
    statusBar()->addPermanentWidget(m_modelSummary);
    connect(m_runner, &JobRunner::activeCountChanged, this, &MainWindow::updateJobIndicator);
    connect(m_runner, &JobRunner::jobUpdated, this,
            [this] { updateJobIndicator(m_runner->activeCount()); });
    m_jobIndicator->setTextFormat(Qt::RichText);
    m_jobIndicator->setToolTip(tr("Show the Jobs panel"));
    connect(m_jobIndicator, &QLabel::linkActivated, this, [this] {
        m_jobsDock->show();
        m_jobsDock->raise();
    });
    connect(m_rdView, &RateDistortionView::pointActivated, this, &MainWindow::sweepPointActivated);
    connect(qApp, &QApplication::focusChanged, this,
            [this](QWidget *, QWidget *now) { noteAnalysisDockFocus(now); });
    updateJobIndicator(0);
    updateModelActions();
    restoreSettings();
    updateAnalysisActions();
}

MainWindow::~MainWindow() {
    // Stop the workers before the widgets their results would go to are destroyed.
    m_runner->cancelAll();
    m_runner->waitForDone();
    // Children are deleted after this body: focus and visibility changes on the way must not
    // reach views that are already gone.
    disconnect(qApp, nullptr, this, nullptr);
    for (QDockWidget *dock : {m_importanceDock, m_rdDock, m_compensationDock})
        dock->disconnect(this);
    m_runner->disconnect(this);
    // The tour reads the window's state when jobs end: it goes before the window's members.
    delete m_tourDock;
    delete m_tour;
}

void MainWindow::createActions() {
    m_openFolderAction = new QAction(tr("&Open Model Folder…"), this);
    m_openFolderAction->setShortcut(QKeySequence::Open);
    m_openFolderAction->setToolTip(
        tr("Open a Hugging Face model folder (config.json + safetensors)"));
    connect(m_openFolderAction, &QAction::triggered, this, &MainWindow::openFolder);

    m_openFileAction = new QAction(tr("Open Model &File…"), this);
    m_openFileAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openFileAction->setToolTip(
        tr("Open a .safetensors file, a llama2.c .bin checkpoint or a compressed .nwc model"));
    connect(m_openFileAction, &QAction::triggered, this, &MainWindow::openFile);

    m_compressAction = new QAction(tr("Compress at &Bit Rate…"), this);
    m_compressAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    connect(m_compressAction, &QAction::triggered, this, [this] { openCompressDialog(QString()); });

    m_exportCompressedAction = new QAction(tr("&Export Compressed Checkpoint (.nwc)…"), this);
    connect(m_exportCompressedAction, &QAction::triggered, this, &MainWindow::exportCompressed);

    m_exportDecompressedAction = new QAction(tr("Export Decompressed &Safetensors…"), this);
    connect(m_exportDecompressedAction, &QAction::triggered, this, &MainWindow::exportDecompressed);

    m_openAnalysisAction = new QAction(tr("Open &Analysis…"), this);
    m_openAnalysisAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    m_openAnalysisAction->setToolTip(
        tr("Open a sweep session (nwc sweep), a calibration file (nwc calibrate) or the "
           "importance and compensation report of a compressed .nwc model"));
    connect(m_openAnalysisAction, &QAction::triggered, this, &MainWindow::openAnalysisFile);

    m_exportPlotAction = new QAction(tr("Export &Plot…"), this);
    m_exportPlotAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_exportPlotAction, &QAction::triggered, this, &MainWindow::exportPlotWithDialog);

    m_computeImportanceAction = new QAction(tr("Compute &Importance…"), this);
    connect(m_computeImportanceAction, &QAction::triggered, this, &MainWindow::requestImportance);

    m_sweepAction = new QAction(tr("Rate–Distortion &Sweep…"), this);
    connect(m_sweepAction, &QAction::triggered, this, &MainWindow::openSweepDialog);

    m_settingsAction = new QAction(tr("Se&ttings…"), this);
    m_settingsAction->setShortcut(QKeySequence::Preferences);
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    m_settingsAction->setToolTip(tr("Choose the language of the interface"));
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::openSettings);

    m_presentationAction = new QAction(tr("&Presentation Mode"), this);
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcuts(
        {QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P)});
    m_presentationAction->setToolTip(
        tr("Larger text, lines and markers everywhere, for a projector (F5)"));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);

    m_tourAction = new QAction(tr("&Guided Tour…"), this);
    m_tourAction->setToolTip(tr("Walk through the built-in demo step by step: the workbench "
                                "does each step while a panel explains it"));
    connect(m_tourAction, &QAction::triggered, this, &MainWindow::showGuidedTour);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createDocks() {
    m_browserDock = new QDockWidget(tr("Model Browser"), this);
    m_browserDock->setObjectName(QStringLiteral("modelBrowserDock"));
    m_browserDock->setWidget(m_browser);
    addDockWidget(Qt::LeftDockWidgetArea, m_browserDock);

    m_jobsDock = new QDockWidget(tr("Jobs"), this);
    m_jobsDock->setObjectName(QStringLiteral("jobsDock"));
    m_jobsDock->setWidget(m_jobsPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);

    // The Importance view, with a bar above it that offers to compute the importance while
    // the open model has none.
    auto *importancePage = new QWidget(this);
    m_importanceHint = new QWidget(importancePage);
    m_importanceHintLabel = new QLabel(m_importanceHint);
    m_importanceHintLabel->setWordWrap(true);
    m_importanceHintButton = new QPushButton(tr("Compute Importance…"), m_importanceHint);
    m_importanceHintButton->setObjectName(QStringLiteral("computeImportanceButton"));
    connect(m_importanceHintButton, &QPushButton::clicked, this, &MainWindow::requestImportance);
    auto *hintLayout = new QHBoxLayout(m_importanceHint);
    hintLayout->setContentsMargins(6, 4, 6, 4);
    hintLayout->addWidget(m_importanceHintLabel, 1);
    hintLayout->addWidget(m_importanceHintButton);
    auto *importanceLayout = new QVBoxLayout(importancePage);
    importanceLayout->setContentsMargins(0, 0, 0, 0);
    importanceLayout->setSpacing(0);
    importanceLayout->addWidget(m_importanceHint);
    importanceLayout->addWidget(m_importanceView, 1);

    m_importanceDock =
        createAnalysisDock(tr("Importance"), QStringLiteral("importanceDock"), importancePage);
    m_rdDock =
        createAnalysisDock(tr("Rate–Distortion"), QStringLiteral("rateDistortionDock"), m_rdView);
    m_compensationDock = createAnalysisDock(tr("Compensation"), QStringLiteral("compensationDock"),
                                            m_compensationView);
    // The analysis docks share the bottom area with the jobs dock, as tabs: the generation pane
    // and the model browser leave no room for plots beside them.
    setTabPosition(Qt::BottomDockWidgetArea, QTabWidget::North);
    tabifyDockWidget(m_jobsDock, m_importanceDock);
    tabifyDockWidget(m_importanceDock, m_rdDock);
    tabifyDockWidget(m_rdDock, m_compensationDock);
    m_jobsDock->raise();

    // The browser spans the full height; the bottom docks sit under the generation pane only.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    resizeDocks({m_browserDock}, {460}, Qt::Horizontal);
    resizeDocks({m_jobsDock}, {460}, Qt::Vertical);
}

QDockWidget *MainWindow::createAnalysisDock(const QString &title, const QString &objectName,
                                            QWidget *content) {
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(content);
    connect(dock, &QDockWidget::visibilityChanged, this, [this, dock](bool visible) {
        if (visible)
            m_lastAnalysisDock = dock;
        updateAnalysisActions();
    });
    return dock;
}

void MainWindow::createMenus() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setToolTipsVisible(true);
    file->addAction(m_openFolderAction);
    file->addAction(m_openFileAction);
    QMenu *demo = file->addMenu(tr("Open &Demo Model"));
    demo->addAction(tr("&Teacher"), this, [this] { openModel(QStringLiteral("demo:teacher")); });
    demo->addAction(tr("&Student"), this, [this] { openModel(QStringLiteral("demo:student")); });
    QAction *chooseTeacher = file->addAction(tr("Choose Teac&her Model…"), m_generation,
                                             &GenerationPane::chooseTeacherFile);
    chooseTeacher->setToolTip(tr("The model (file or .nwc) that steers the open model's first N "
                                 "tokens in the generation pane"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addAction(m_openAnalysisAction);
    file->addSeparator();
    file->addAction(m_exportCompressedAction);
    file->addAction(m_exportDecompressedAction);
    file->addAction(m_exportPlotAction);
    file->addSeparator();
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *compress = menuBar()->addMenu(tr("&Compress"));
    compress->setToolTipsVisible(true);
    compress->addAction(m_compressAction);
    compress->addAction(m_computeImportanceAction);
    compress->addAction(m_sweepAction);
    compress->addSeparator();
    QAction *trainCodec = compress->addAction(tr("&Train Codec…"));
    trainCodec->setEnabled(false);
    trainCodec->setToolTip(tr("Not part of this build yet: use 'nwc train-codec'."));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QList<QDockWidget *> docks = {m_browserDock, m_jobsDock, m_importanceDock, m_rdDock,
                                        m_compensationDock};
    for (int i = 0; i < docks.size(); ++i) {
        QAction *toggle = docks[i]->toggleViewAction();
        toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        view->addAction(toggle);
    }
    view->addSeparator();
    view->addAction(m_presentationAction);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_tourAction);
    help->addSeparator();
    QAction *about = help->addAction(tr("&About NWC Workbench"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    QAction *aboutQt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::restoreSettings() {
    QSettings settings;
    settings.beginGroup(QStringLiteral("mainWindow"));
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray())) {
        // First start: as large as the screen allows up to 1600 × 1000, at least 1360 × 860.
        QSize size(1360, 860);
        if (const QScreen *screen = this->screen())
            size = screen->availableGeometry().size().boundedTo(QSize(1600, 1000)).expandedTo(size);
        resize(size);
    }
    // Without a saved layout the docks get their share once the window has its size.
    m_defaultDockSizesPending =
        !restoreState(settings.value(QStringLiteral("state")).toByteArray());
    settings.endGroup();

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
    settings.endGroup();

    const bool presentation = settings.value(QStringLiteral("view/presentationMode")).toBool();
    m_presentationAction->setChecked(presentation);
    setPresentationMode(presentation);
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.beginGroup(QStringLiteral("mainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.endGroup();

    const SamplingSettings sampling = m_generation->settings();
    settings.beginGroup(QStringLiteral("generation"));
    settings.setValue(QStringLiteral("maxTokens"), sampling.maxTokens);
    settings.setValue(QStringLiteral("temperature"), sampling.temperature);
    settings.setValue(QStringLiteral("topK"), sampling.topK);
    settings.setValue(QStringLiteral("topP"), sampling.topP);
    settings.setValue(QStringLiteral("seed"), sampling.seed);
    settings.setValue(QStringLiteral("prompt"), m_generation->prompt());
    settings.endGroup();
}

void MainWindow::openInitialModel(const QString &spec) {
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

void MainWindow::openModel(const QString &spec, bool interactive) {
    statusBar()->showMessage(tr("Opening %1…").arg(spec));
    const QFileInfo file(spec);
    const QString shortName = file.exists() ? file.fileName() : spec;
    m_openJob = m_runner->start(
        tr("Open %1").arg(shortName), QStringLiteral("open-model"), this,
        [spec](JobContext &context) { return openWorkbenchModel(spec, &context); },
        JobHandlers<WorkbenchModel>{
            [this](const WorkbenchModel &model) {
                m_openJob = 0;
                setModel(model);
            },
            [this, spec, interactive](const JobError &message) {
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
                            nullptr,
                            tr("%1\nUse File › Open Model Folder… or drop a model folder on the "
                               "window.")
                                .arg(text));
                }
                Q_EMIT modelOpenFailed(spec, message);
            },
            [this, spec] {
                m_openJob = 0;
                statusBar()->showMessage(tr("Opening %1 was cancelled.").arg(spec), 5000);
            }});
}

void MainWindow::selectTensorWhenOpen(const QString &name) {
    if (m_openJob == 0 && m_model.checkpoint) {
        if (!m_browser->selectTensor(name))
            statusBar()->showMessage(
                tr("%1 has no tensor named %2.").arg(m_model.checkpoint->displayName(), name));
        return;
    }
    m_pendingTensor = name;
}

void MainWindow::setModel(const WorkbenchModel &model) {
    m_model = model;
    m_recent.add(model.spec);
    m_browser->setCheckpoint(model.checkpoint);
    m_generation->setModel(model.languageModel, model.generationUnavailable);

    const CheckpointPtr &checkpoint = model.checkpoint;
    qint64 parameters = 0;
    for (const TensorInfo &tensor : checkpoint->tensors())
        parameters += tensor.elementCount();
    const ModelConfig &config = checkpoint->config();
    const QString layers =
        config.numLayers == 1 ? tr("1 layer") : tr("%1 layers").arg(config.numLayers);
    m_modelSummary->setText(tr("%1 · %2 · %3 · %4 · %5 tensors")
                                .arg(checkpoint->displayName(), config.architectureName, layers,
                                     parameterText(parameters))
                                .arg(checkpoint->tensors().size()));
    m_modelSummary->setToolTip(checkpoint->source());
    updateModelActions();
    // The analysis docks follow the model: a container shows what it was written with.
    if (const auto compressed = std::dynamic_pointer_cast<const CompressedCheckpoint>(checkpoint))
        loadContainerAnalysis(compressed->path(), false);
    else if (m_modelAnalysis)
        clearModelAnalysis();
    updateImportanceHint();
    setWindowTitle(tr("%1 — NWC Workbench").arg(checkpoint->displayName()));
    setWindowFilePath(QFileInfo::exists(checkpoint->source()) ? checkpoint->source() : QString());
    if (model.languageModel)
        statusBar()->showMessage(tr("Opened %1.").arg(checkpoint->displayName()), 5000);
    else
        statusBar()->showMessage(tr("Opened %1 for browsing only: %2")
                                     .arg(checkpoint->displayName(), model.generationUnavailable),
                                 15000);
    if (model.generationMismatch.mismatch)
        showError(tr("Open Model"),
                  tr("%1 is open for browsing and compression only; it cannot generate text: %2")
                      .arg(checkpoint->displayName(), model.generationMismatch.message),
                  model.generationMismatch);
    if (!m_pendingTensor.isEmpty()) {
        const QString name = m_pendingTensor;
        m_pendingTensor.clear();
        selectTensorWhenOpen(name);
    }
    Q_EMIT modelOpened(model.spec);
}

void MainWindow::showError(const QString &title, const QString &message, const JobError &error) {
    JobErrorDialog::show(this, title, message, error);
}

void MainWindow::openFolder() {
    QSettings settings;
    const QString start =
        settings.value(QStringLiteral("lastDirectory"), QDir::homePath()).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"), start,
                                                             QFileDialog::ShowDirsOnly);
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(folder).absolutePath());
    openModel(folder);
}

void MainWindow::openFile() {
    QSettings settings;
    const QString start =
        settings.value(QStringLiteral("lastDirectory"), QDir::homePath()).toString();
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open Model File"), start,
        tr("Model files (*.safetensors *.bin *.nwc);;Safetensors (*.safetensors);;"
           "Compressed models (*.nwc);;llama2.c checkpoints (*.bin);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(file).absolutePath());
    openModel(file);
}

void MainWindow::openRecent(const QString &spec) {
    if (!RecentModels::exists(spec)) {
        m_recent.remove(spec);
        rebuildRecentMenu();
        showError(tr("Open Recent"),
                  tr("%1 no longer exists; it was removed from the recent models.").arg(spec));
        return;
    }
    openModel(spec);
}

void MainWindow::rebuildRecentMenu() {
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

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About NWC Workbench"),
        tr("<h3>NWC Workbench %1</h3>"
           "<p>A workbench for studying what happens to language models when their weights "
           "are compressed with a learned neural codec, and what a small model gains when a "
           "large one steers its first tokens.</p>"
           "<p>Methods: <i>Neural Weight Compression</i> (arXiv 2510.11234) and "
           "<i>limited teacher supervision</i> (arXiv 2406.18002).</p>"
           "<p>Opens Hugging Face model folders, .safetensors files, llama2.c checkpoints and "
           "compressed .nwc models. "
           "Every long operation runs as a cancellable job; the command-line tool "
           "<tt>nwc</tt> runs the same jobs headless.</p>%2")
            .arg(QStringLiteral(NWC_VERSION), libraryVersionsHtml()));
}

void MainWindow::openSettings() {
    auto *dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::updateJobIndicator(int active) {
    m_jobIndicator->setVisible(active > 0);
    if (active <= 0)
        return;
    QString text = active == 1 ? tr("1 job running") : tr("%1 jobs running").arg(active);
    if (active == 1) {
        // One job: its title and progress, so a sweep or calibration can be followed while
        // an analysis view covers the Jobs panel.
        const QVector<JobInfo> jobs = m_runner->jobs();
        for (const JobInfo &job : jobs) {
            if (!job.isActive())
                continue;
            const QString title = fontMetrics().elidedText(job.title, Qt::ElideMiddle, 260);
            if (job.fraction < 0)
                text = title;
            else if (job.etaSeconds < 0)
                text = tr("%1: %2 %").arg(title).arg(int(job.fraction * 100));
            else
                text = tr("%1: %2 %, %3 left")
                           .arg(title)
                           .arg(int(job.fraction * 100))
                           .arg(JobInfo::formatDuration(job.etaSeconds));
            break;
        }
    }
    m_jobIndicator->setText(QStringLiteral("<a href=\"jobs\">%1</a>").arg(text.toHtmlEscaped()));
}

void MainWindow::updateModelActions() {
    const CheckpointPtr &checkpoint = m_model.checkpoint;
    const bool open = checkpoint != nullptr;
    const bool compressed = open && checkpoint->format() == CheckpointFormat::Nwc;
    const QString name = open ? checkpoint->displayName() : QString();
    const QString openFirst = tr("Open a model first (File › Open Model Folder…, Open Model "
                                 "File… or Open Demo Model).");
    m_compressAction->setEnabled(open);
    m_compressAction->setToolTip(
        open ? tr("Compress %1 to a target number of bits per weight into a .nwc file").arg(name)
             : openFirst);
    m_exportCompressedAction->setEnabled(open);
    if (!open)
        m_exportCompressedAction->setToolTip(openFirst);
    else if (compressed)
        m_exportCompressedAction->setToolTip(tr("Save a copy of %1's .nwc file").arg(name));
    else
        m_exportCompressedAction->setToolTip(
            tr("Compress %1 into a self-contained .nwc file").arg(name));
    m_exportDecompressedAction->setEnabled(compressed);
    m_exportDecompressedAction->setToolTip(
        compressed ? tr("Decode every tensor of %1 and write a Hugging Face folder "
                        "(model.safetensors, config.json, tokenizer)")
                         .arg(name)
                   : tr("Needs a compressed model open: open a .nwc file, or compress the "
                        "current model first."));

    // Importance and sweeps run the model.
    const bool runnable = open && m_model.languageModel != nullptr;
    const QString notRunnable =
        open ? tr("%1 cannot run in the workbench: %2").arg(name, m_model.generationUnavailable)
             : openFirst;
    m_computeImportanceAction->setEnabled(runnable);
    m_computeImportanceAction->setToolTip(
        !runnable ? notRunnable
        : isDemoModel(*checkpoint)
            ? tr("Run %1 on the demo corpus and show the importance of every weight column")
                  .arg(name)
            : tr("Run %1 on a text file you choose and show the importance of every weight "
                 "column")
                  .arg(name));
    m_sweepAction->setEnabled(runnable && m_sweepJob == 0);
    m_sweepAction->setToolTip(
        !runnable         ? notRunnable
        : m_sweepJob != 0 ? tr("A sweep is running: wait for it, or cancel it in the Jobs panel "
                               "(its finished points are kept).")
                          : tr("Compress %1 with several methods at several bit rates and plot "
                               "size against perplexity and KL divergence")
                                .arg(name));
    updateImportanceHint();
}

void MainWindow::openCompressDialog(const QString &title) {
    if (!m_model.checkpoint)
        return;
    const CheckpointPtr &checkpoint = m_model.checkpoint;
    auto *dialog =
        new CompressDialog(m_model.spec, checkpoint->displayName(), isDemoModel(*checkpoint), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!title.isEmpty())
        dialog->setWindowTitle(title);
    if (!m_model.languageModel)
        dialog->setModelNotRunnable(m_model.generationUnavailable);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { startCompression(dialog->settings()); });
    dialog->open();
}

quint64 MainWindow::startCompression(const CompressionJobSettings &settings, bool showSummary) {
    const QString fileName = QFileInfo(settings.outputPath).fileName();
    // The open model serves as the evaluation reference instead of loading it a second time.
    const LanguageModelPtr reference = settings.evaluate && settings.modelSpec == m_model.spec
                                           ? m_model.languageModel
                                           : LanguageModelPtr();
    statusBar()->showMessage(tr("Compressing to %1…").arg(fileName));
    QString method = compressionMethodName(settings.compression.method).toUpper();
    if (settings.compression.method == CompressionMethod::Nwc &&
        settings.compression.compensation.any())
        method += QLatin1Char('+') + compensationName(settings.compression.compensation);
    const QString title =
        tr("Compress to %1 (%2 bpw %3)")
            .arg(fileName, QLocale().toString(settings.compression.targetBitsPerWeight, 'g', 4),
                 method);
    return m_runner->start(
        title, QString(), this,
        [settings, reference](JobContext &context) {
            return runCompressionJob(settings, &context, reference);
        },
        JobHandlers<CompressionJobResult>{
            [this, showSummary](const CompressionJobResult &result) {
                loadContainerAnalysis(result.summary.outputPath, false);
                statusBar()->showMessage(
                    tr("Wrote %1 at %2 bits per weight.")
                        .arg(QFileInfo(result.summary.outputPath).fileName(),
                             QLocale().toString(result.summary.achievedBitsPerWeight, 'f', 3)),
                    10000);
                if (showSummary)
                    showCompressionSummary(result);
                Q_EMIT compressionCompleted(result);
                Q_EMIT compressionFinished(result.summary.outputPath);
            },
            [this](const JobError &message) {
                statusBar()->clearMessage();
                showError(tr("Compress"), tr("Compression failed: %1").arg(message), message);
                Q_EMIT compressionFailed(message);
            },
            [this, fileName] {
                statusBar()->showMessage(
                    tr("Compressing to %1 was cancelled; no file was written.").arg(fileName),
                    8000);
            }});
}

void MainWindow::showCompressionSummary(const CompressionJobResult &result) {
    auto *dialog = new CompressionSummaryDialog(result, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CompressionSummaryDialog::openRequested, this,
            [this](const QString &path) { openModel(path); });
    dialog->show();
}

void MainWindow::exportCompressed() {
    if (!m_model.checkpoint)
        return;
    const auto compressed =
        std::dynamic_pointer_cast<const CompressedCheckpoint>(m_model.checkpoint);
    if (!compressed) {
        openCompressDialog(tr("Export Compressed Checkpoint"));
        return;
    }
    // Already compressed: the export is a copy of its file.
    QSettings settings;
    QString start = settings.value(QStringLiteral("exportDirectory")).toString();
    if (start.isEmpty() || !QFileInfo(start).isDir())
        start = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString source = compressed->path();
    QString target = QFileDialog::getSaveFileName(
        this, tr("Export Compressed Checkpoint"),
        QDir(start).filePath(QFileInfo(source).fileName()), tr("Compressed models (*.nwc)"));
    if (target.isEmpty())
        return;
    if (QFileInfo(target).suffix().isEmpty())
        target += QStringLiteral(".nwc");
    settings.setValue(QStringLiteral("exportDirectory"), QFileInfo(target).absolutePath());
    const QString fileName = QFileInfo(target).fileName();
    m_runner->start(
        tr("Export %1").arg(fileName), QString(), this,
        [source, target](JobContext &context) {
            return copyCompressedCheckpoint(source, target, &context);
        },
        JobHandlers<qint64>{
            [this, target](qint64) {
                statusBar()->showMessage(tr("Exported %1.").arg(QDir::toNativeSeparators(target)),
                                         10000);
            },
            [this](const QString &message) {
                showError(tr("Export Compressed Checkpoint"), message);
            },
            [this, fileName] {
                statusBar()->showMessage(
                    tr("Exporting %1 was cancelled; no file was written.").arg(fileName), 8000);
            }});
}

void MainWindow::exportDecompressed() {
    const auto compressed =
        std::dynamic_pointer_cast<const CompressedCheckpoint>(m_model.checkpoint);
    if (!compressed)
        return;
    QSettings settings;
    QString start = settings.value(QStringLiteral("exportDirectory")).toString();
    if (start.isEmpty() || !QFileInfo(start).isDir())
        start = QFileInfo(compressed->path()).absolutePath();
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Export Decompressed Safetensors To Folder"), start, QFileDialog::ShowDirsOnly);
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("exportDirectory"), folder);
    bool overwrite = false;
    if (!QDir(folder).isEmpty()) {
        const auto answer = QMessageBox::question(
            this, tr("Export Decompressed Safetensors"),
            tr("%1 is not empty. Files of the same names (model.safetensors, config.json, "
               "tokenizer files) will be replaced. Continue?")
                .arg(QDir::toNativeSeparators(folder)),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return;
        overwrite = true;
    }
    m_runner->start(
        tr("Decompress %1").arg(QFileInfo(compressed->path()).fileName()), QString(), this,
        [compressed, folder, overwrite](JobContext &context) {
            decompressToDirectory(*compressed, folder, overwrite, &context);
            return folder;
        },
        JobHandlers<QString>{[this](const QString &written) {
                                 statusBar()->showMessage(
                                     tr("Wrote the decompressed model to %1.")
                                         .arg(QDir::toNativeSeparators(written)),
                                     10000);
                             },
                             [this](const QString &message) {
                                 showError(tr("Export Decompressed Safetensors"), message);
                             },
                             [this] {
                                 statusBar()->showMessage(
                                     tr("Decompressing was cancelled; nothing was written."), 8000);
                             }});
}

void MainWindow::loadContainerAnalysis(const QString &path, bool interactive) {
    m_runner->start(
        tr("Read analysis of %1").arg(QFileInfo(path).fileName()), QStringLiteral("analysis"), this,
        [path](JobContext &context) { return containerAnalysis(path, &context); },
        JobHandlers<AnalysisData>{[this, path](const AnalysisData &data) {
                                      showAnalysis(data, false);
                                      Q_EMIT analysisLoaded(path);
                                  },
                                  [this, path, interactive](const QString &message) {
                                      const QString text =
                                          tr("Could not read the analysis of %1: %2")
                                              .arg(QFileInfo(path).fileName(), message);
                                      if (interactive)
                                          showError(tr("Analysis"), text);
                                      else
                                          statusBar()->showMessage(text, 15000);
                                      Q_EMIT analysisFailed(path, message);
                                  },
                                  {}});
}

void MainWindow::openAnalysis(const QString &path, bool interactive) {
    const QString fileName = QFileInfo(path).fileName();
    statusBar()->showMessage(tr("Opening the analysis in %1…").arg(fileName));
    m_runner->start(
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

void MainWindow::openAnalysisFile() {
    QSettings settings;
    QString start = settings.value(QStringLiteral("analysisDirectory")).toString();
    if (start.isEmpty() || !QFileInfo(start).isDir())
        start = QFileInfo(SweepDialog::defaultSessionFolder()).isDir()
                    ? SweepDialog::defaultSessionFolder()
                    : QDir::homePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Analysis"), start,
        tr("Analysis files (*.h5 *.nwc);;Sweep sessions and calibration files (*.h5);;"
           "Compressed models (*.nwc);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("analysisDirectory"), QFileInfo(path).absolutePath());
    openAnalysis(path);
}

void MainWindow::showAnalysis(const AnalysisData &data, bool explicitOpen) {
    const QString fileName = QFileInfo(data.path).fileName();
    switch (data.kind) {
    case AnalysisData::Kind::SweepSession:
        showSweepSession(data.session);
        if (explicitOpen) {
            m_rdDock->show();
            m_rdDock->raise();
            statusBar()->showMessage(tr("Opened the sweep session %1: %2.")
                                         .arg(fileName, pointsText(data.session.points.size())),
                                     8000);
        }
        break;
    case AnalysisData::Kind::Calibration:
        m_modelAnalysis = !explicitOpen;
        setModelImportance(data.importance, QString());
        if (explicitOpen) {
            m_importanceDock->show();
            m_importanceDock->raise();
            statusBar()->showMessage(tr("Opened the calibration file %1.").arg(fileName), 8000);
        }
        break;
    case AnalysisData::Kind::Container:
        m_modelAnalysis = !explicitOpen;
        setModelImportance(data.importance, data.importanceNote);
        m_compensationView->setReport(data.compensation);
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
    updateAnalysisActions();
}

void MainWindow::setModelImportance(const ImportanceMap &map, const QString &emptyNote) {
    m_importanceNote = map.layers.empty() ? emptyNote : QString();
    m_importanceView->setImportance(map);
    updateImportanceHint();
    updateAnalysisActions();
}

void MainWindow::clearModelAnalysis() {
    setModelImportance(ImportanceMap(), QString());
    m_compensationView->setReport(CompensationReport());
    m_modelAnalysis = true;
    updateAnalysisActions();
}

void MainWindow::updateImportanceHint() {
    if (!m_importanceHint)
        return;
    const bool empty = m_importanceView->importance().layers.empty();
    m_importanceHint->setVisible(empty);
    if (!empty)
        return;
    const bool runnable = m_model.checkpoint && m_model.languageModel;
    const bool running = m_importanceJob != 0;
    QString text;
    if (running)
        text = tr("Computing the importance… (see the Jobs panel)");
    else if (!m_model.checkpoint)
        text = tr("Open a model to compute its importance, or open a calibration file with "
                  "File › Open Analysis….");
    else if (!runnable)
        text = tr("%1 cannot run in the workbench, so its importance cannot be computed.")
                   .arg(m_model.checkpoint->displayName());
    else if (!m_importanceNote.isEmpty())
        text = m_importanceNote;
    else
        text = tr("No importance for %1 yet.").arg(m_model.checkpoint->displayName());
    m_importanceHintLabel->setText(text);
    m_importanceHintButton->setEnabled(runnable && !running);
    m_importanceHintButton->setToolTip(m_computeImportanceAction->toolTip());
}

void MainWindow::requestImportance() {
    if (!m_model.checkpoint || !m_model.languageModel)
        return;
    if (isDemoModel(*m_model.checkpoint)) {
        computeImportance(QString());
        return;
    }
    QSettings settings;
    const QString start =
        settings.value(QStringLiteral("calibrationDirectory"), QDir::homePath()).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Calibration Text for %1").arg(m_model.checkpoint->displayName()), start,
        tr("Text files (*.txt *.md *.jsonl);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("calibrationDirectory"), QFileInfo(path).absolutePath());
    computeImportance(path);
}

quint64 MainWindow::computeImportance(const QString &textPath) {
    if (!m_model.checkpoint || !m_model.languageModel)
        return 0;
    const QString spec = m_model.spec;
    const QString name = m_model.checkpoint->displayName();
    const CalibrationSettings settings;
    statusBar()->showMessage(tr("Computing the importance of %1…").arg(name));
    m_importanceJob = m_runner->start(
        tr("Importance of %1").arg(name), QStringLiteral("importance"), this,
        [spec, textPath, settings](JobContext &context) {
            return nwc::computeImportance(spec, textPath, settings, &context);
        },
        JobHandlers<ImportanceMap>{
            [this, name](const ImportanceMap &map) {
                m_importanceJob = 0;
                m_modelAnalysis = true;
                setModelImportance(map, QString());
                m_importanceDock->show();
                m_importanceDock->raise();
                statusBar()->showMessage(tr("Computed the importance of %1.").arg(name), 8000);
                Q_EMIT importanceComputed();
            },
            [this, name](const JobError &message) {
                m_importanceJob = 0;
                updateImportanceHint();
                statusBar()->clearMessage();
                showError(tr("Compute Importance"),
                          tr("Computing the importance of %1 failed: %2").arg(name, message),
                          message);
            },
            [this, name] {
                m_importanceJob = 0;
                updateImportanceHint();
                statusBar()->showMessage(
                    tr("Computing the importance of %1 was cancelled.").arg(name), 5000);
            }});
    updateImportanceHint();
    return m_importanceJob;
}

void MainWindow::openSweepDialog() {
    if (!m_model.checkpoint || !m_model.languageModel)
        return;
    const CheckpointPtr &checkpoint = m_model.checkpoint;
    auto *dialog =
        new SweepDialog(m_model.spec, checkpoint->displayName(), isDemoModel(*checkpoint), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setMaxContext(checkpoint->config().maxPositions);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { startSweep(dialog->settings(), dialog->sessionPath()); });
    dialog->open();
}

quint64 MainWindow::startSweep(const SweepSettings &settings, const QString &sessionPath) {
    // The default sessions folder may not exist yet; a missing folder elsewhere is reported
    // by the sweep itself.
    QDir().mkpath(QFileInfo(sessionPath).absolutePath());
    const QString fileName = QFileInfo(sessionPath).fileName();
    m_openContainerButton->setVisible(false);

    // Start from an empty plot: the session's points appear as they come.
    SweepSession start;
    start.settings = settings;
    showSweepSession(start);
    m_rdDock->show();
    m_rdDock->raise();

    const int points = int(settings.bits.size()) * int(settings.methods.size());
    const QFileInfo model(settings.model);
    const QString modelName = model.exists() ? model.fileName() : settings.model;
    statusBar()->showMessage(tr("Sweeping %1 into %2…").arg(modelName, fileName), 8000);
    const QPointer<MainWindow> guard(this);
    MainWindow *window = this;
    m_sweepJob = m_runner->start(
        tr("Sweep %1 (%2)").arg(modelName, pointsText(points)), QStringLiteral("sweep"), this,
        [settings, sessionPath, guard, window](JobContext &context) {
            const quint64 job = context.jobId();
            // The observer runs on this worker thread: it hands a copy of the session to the
            // GUI thread, where the views are updated.
            return runSweep(settings, sessionPath, &context,
                            [guard, window, job](const SweepSession &session) {
                                QMetaObject::invokeMethod(
                                    window,
                                    [guard, job, session] {
                                        if (guard)
                                            guard->showSweepUpdate(job, session);
                                    },
                                    Qt::QueuedConnection);
                            });
        },
        JobHandlers<SweepSession>{
            [this, sessionPath, fileName](const SweepSession &session) {
                m_sweepJob = 0;
                showSweepSession(session);
                updateModelActions();
                QString message = tr("Sweep finished: %1 in %2.")
                                      .arg(pointsText(session.points.size()), fileName);
                if (!session.skipped.isEmpty())
                    message +=
                        QLatin1Char(' ') + tr("Skipped %1 the methods cannot reach: %2")
                                               .arg(pointsText(session.skipped.size()),
                                                    session.skipped.join(QStringLiteral("; ")));
                statusBar()->showMessage(message, 15000);
                Q_EMIT sweepFinished(sessionPath);
            },
            [this, sessionPath](const JobError &message) {
                m_sweepJob = 0;
                updateModelActions();
                statusBar()->clearMessage();
                showError(tr("Rate–Distortion Sweep"),
                          tr("The sweep failed: %1\n\nThe points measured before are kept in %2; "
                             "the same sweep started again resumes from there.")
                              .arg(message, QDir::toNativeSeparators(sessionPath)),
                          message);
                Q_EMIT sweepFailed(message);
            },
            [this, sessionPath, fileName] {
                m_sweepJob = 0;
                updateModelActions();
                statusBar()->showMessage(
                    tr("Sweep cancelled: the finished points (%1) are kept in %2; start the same "
                       "sweep again to resume.")
                        .arg(pointsText(m_rdView->session().points.size()), fileName),
                    15000);
                Q_EMIT sweepCancelled(sessionPath);
            }});
    updateModelActions();
    return m_sweepJob;
}

void MainWindow::showSweepUpdate(quint64 job, const SweepSession &session) {
    if (job != m_sweepJob)
        return; // a sweep that was cancelled or superseded
    showSweepSession(session);
}

void MainWindow::showSweepSession(const SweepSession &session) {
    m_rdView->setSession(session);
    m_compensationView->setAblation(session);
    updateAnalysisActions();
}

void MainWindow::sweepPointActivated(int index) {
    const SweepSession &session = m_rdView->session();
    if (index < 0 || size_t(index) >= session.points.size())
        return;
    const SweepPoint &point = session.points[size_t(index)];
    if (point.containerPath.isEmpty() || !QFileInfo::exists(point.containerPath)) {
        m_pointContainer.clear();
        m_openContainerButton->setVisible(false);
        return;
    }
    m_pointContainer = point.containerPath;
    const QString fileName = QFileInfo(point.containerPath).fileName();
    m_openContainerButton->setText(tr("Open %1").arg(fileName));
    m_openContainerButton->setToolTip(tr("Open the compressed model of %1 (%2)")
                                          .arg(sweepPointName(point.method, point.targetBits),
                                               QDir::toNativeSeparators(point.containerPath)));
    m_openContainerButton->setVisible(true);
    statusBar()->showMessage(tr("%1 kept its container: click “Open %2” to open it.")
                                 .arg(sweepPointName(point.method, point.targetBits), fileName),
                             10000);
}

QDockWidget *MainWindow::currentAnalysisDock() const {
    const auto showsData = [this](QDockWidget *dock) {
        if (!dock || !dock->isVisible())
            return false;
        if (dock == m_importanceDock)
            return !m_importanceView->importance().layers.empty();
        if (dock == m_rdDock)
            return !m_rdView->session().points.empty();
        return !m_compensationView->report().empty() ||
               !m_compensationView->ablation().points.empty();
    };
    if (showsData(m_lastAnalysisDock))
        return m_lastAnalysisDock;
    for (QDockWidget *dock : {m_importanceDock, m_rdDock, m_compensationDock}) {
        if (showsData(dock))
            return dock;
    }
    return nullptr;
}

bool MainWindow::exportPlot(const QString &path, QString *error) {
    if (AnalysisView *view = analysisViewOf(currentAnalysisDock()))
        return view->exportTo(path, error);
    if (error)
        *error = tr("No analysis view with data is in front, so %1 was not written.")
                     .arg(QDir::toNativeSeparators(path));
    return false;
}

void MainWindow::exportPlotWithDialog() {
    if (AnalysisView *view = analysisViewOf(currentAnalysisDock()))
        view->exportWithDialog();
}

AnalysisView *MainWindow::analysisViewOf(QDockWidget *dock) const {
    if (!dock || !dock->widget())
        return nullptr;
    if (auto *view = qobject_cast<AnalysisView *>(dock->widget()))
        return view;
    return dock->widget()->findChild<AnalysisView *>();
}

void MainWindow::updateAnalysisActions() {
    if (!m_exportPlotAction)
        return;
    QDockWidget *dock = currentAnalysisDock();
    m_exportPlotAction->setEnabled(dock != nullptr);
    m_exportPlotAction->setToolTip(
        dock ? tr("Save the plot of the %1 view as PNG or PDF, or its data as CSV")
                   .arg(dock->windowTitle())
             : tr("No analysis view with data is in front: bring the Importance, Rate–Distortion "
                  "or Compensation view to the front (View menu), or open an analysis (File › "
                  "Open Analysis…), compute the importance or run a sweep first."));
}

void MainWindow::noteAnalysisDockFocus(QWidget *widget) {
    for (QWidget *w = widget; w; w = w->parentWidget()) {
        if (w == m_importanceDock || w == m_rdDock || w == m_compensationDock) {
            m_lastAnalysisDock = static_cast<QDockWidget *>(w);
            updateAnalysisActions();
            return;
        }
    }
}

void MainWindow::setPresentationMode(bool on) {
    PresentationScale::setFactor(on ? PresentationScale::kPresentationFactor : 1.0);
    QSettings().setValue(QStringLiteral("view/presentationMode"), on);
}

GuidedTour *MainWindow::guidedTour() {
    if (!m_tour)
        m_tour = new GuidedTour(this, this);
    return m_tour;
}

GuidedTour *MainWindow::showGuidedTour() {
    GuidedTour *tour = guidedTour();
    if (!m_tourDock)
        m_tourDock = TourPanel::createDock(tour, this);
    if (!m_tourDock->isVisible()) {
        m_tourDock->show();
        tour->goTo(GuidedTour::Welcome);
    }
    m_tourDock->raise();
    return tour;
}

void MainWindow::showEvent(QShowEvent *event) {
    QMainWindow::showEvent(event);
    if (!m_defaultDockSizesPending)
        return;
    m_defaultDockSizesPending = false;
    QTimer::singleShot(0, this, [this] {
        resizeDocks({m_browserDock}, {width() * 3 / 10}, Qt::Horizontal);
        resizeDocks({m_jobsDock}, {height() * 2 / 5}, Qt::Vertical);
    });
}

void MainWindow::closeEvent(QCloseEvent *event) {
    saveSettings();
    m_runner->cancelAll();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
    if (!localPathOf(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event) {
    const QString path = localPathOf(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    openModel(path);
}

} // namespace nwc
