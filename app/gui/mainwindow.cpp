#include "mainwindow.h"

#include "aboutbox.h"
#include "analysisfilescontroller.h"
#include "compensationview.h"
#include "compressioncontroller.h"
#include "generationpane.h"
#include "guidedtour.h"
#include "importancecontroller.h"
#include "importanceview.h"
#include "jobindicator.h"
#include "jobs/jobrunner.h"
#include "jobspanel.h"
#include "modelbrowser.h"
#include "modelcontroller.h"
#include "presentationscale.h"
#include "ratedistortionview.h"
#include "settingsdialog.h"
#include "sweepcontroller.h"
#include "tourpanel.h"
#include "workbenchtouractions.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QUrl>

namespace nwc {
namespace {

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
    , m_models(new ModelController(this, m_runner, m_browser, m_generation))
    , m_importance(new ImportanceController(this, m_runner, m_models, m_importanceView))
    , m_sweeps(new SweepController(this, m_runner, m_models, m_rdView, m_compensationView))
    , m_compression(new CompressionController(this, m_runner, m_models))
    , m_analysis(
          new AnalysisFilesController(this, m_runner, m_importance, m_sweeps, m_compensationView))
    , m_modelSummary(new QLabel(this))
    , m_jobIndicator(new JobIndicator(m_runner, this)) {
    setWindowTitle(tr("NWC Workbench"));
    setAcceptDrops(true);
    setCentralWidget(m_generation);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    createActions();
    createDocks();
    createMenus();
    connectControllers();

    m_modelSummary->setText(tr("No model open"));
    statusBar()->addPermanentWidget(m_sweeps->openContainerButton());
    statusBar()->addPermanentWidget(m_jobIndicator);
    statusBar()->addPermanentWidget(m_modelSummary);
    connect(m_jobIndicator, &JobIndicator::jobsPanelRequested, this, [this] {
        m_jobsDock->show();
        m_jobsDock->raise();
    });
    updateModelActions();
    restoreSettings();
    m_analysis->updateActions();
}

MainWindow::~MainWindow() {
    // Stop the workers before the widgets their results would go to are destroyed.
    m_runner->cancelAll();
    m_runner->waitForDone();
    // Children are deleted after this body: focus and visibility changes on the way must not
    // reach views that are already gone.
    disconnect(qApp, nullptr, m_analysis, nullptr);
    for (QDockWidget *dock : {importanceDock(), rateDistortionDock(), compensationDock()})
        dock->disconnect(m_analysis);
    m_runner->disconnect(this);
    m_runner->disconnect(m_jobIndicator);
    // The tour reads the window's state when jobs end: it goes before the window's members.
    delete m_tourDock;
    delete m_tour;
}

void MainWindow::connectControllers() {
    connect(m_models, &ModelController::modelChanged, this, &MainWindow::showModel);
    connect(m_models, &ModelController::checkpointOpened, this, &MainWindow::checkpointOpened);
    connect(m_models, &ModelController::modelOpened, this, &MainWindow::modelOpened);
    connect(m_models, &ModelController::modelOpenFailed, this, &MainWindow::modelOpenFailed);
    connect(m_compression, &CompressionController::containerWritten, m_analysis,
            &AnalysisFilesController::loadContainerAnalysis);
    connect(m_compression, &CompressionController::compressionCompleted, this,
            &MainWindow::compressionCompleted);
    connect(m_compression, &CompressionController::compressionFinished, this,
            &MainWindow::compressionFinished);
    connect(m_compression, &CompressionController::compressionFailed, this,
            &MainWindow::compressionFailed);
    connect(m_analysis, &AnalysisFilesController::analysisLoaded, this,
            &MainWindow::analysisLoaded);
    connect(m_analysis, &AnalysisFilesController::analysisFailed, this,
            &MainWindow::analysisFailed);
    connect(m_importance, &ImportanceController::importanceComputed, this,
            &MainWindow::importanceComputed);
    connect(m_sweeps, &SweepController::sweepFinished, this, &MainWindow::sweepFinished);
    connect(m_sweeps, &SweepController::sweepFailed, this, &MainWindow::sweepFailed);
    connect(m_sweeps, &SweepController::sweepCancelled, this, &MainWindow::sweepCancelled);
    // The summary dialog and the sweep's container button open what was written.
    const auto open = [this](const QString &path) { m_models->openModel(path); };
    connect(m_compression, &CompressionController::openRequested, this, open);
    connect(m_sweeps, &SweepController::openRequested, this, open);
}

void MainWindow::createActions() {
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

    // The analysis docks share the bottom area with the jobs dock, as tabs: the generation pane
    // and the model browser leave no room for plots beside them.
    setTabPosition(Qt::BottomDockWidgetArea, QTabWidget::North);
    tabifyDockWidget(m_jobsDock, importanceDock());
    tabifyDockWidget(importanceDock(), rateDistortionDock());
    tabifyDockWidget(rateDistortionDock(), compensationDock());
    m_jobsDock->raise();

    // The browser spans the full height; the bottom docks sit under the generation pane only.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    resizeDocks({m_browserDock}, {460}, Qt::Horizontal);
    resizeDocks({m_jobsDock}, {460}, Qt::Vertical);
}

void MainWindow::createMenus() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setToolTipsVisible(true);
    file->addAction(m_models->openFolderAction());
    file->addAction(m_models->openFileAction());
    QMenu *demo = file->addMenu(tr("Open &Demo Model"));
    demo->addAction(tr("&Teacher"), this, [this] { openModel(QStringLiteral("demo:teacher")); });
    demo->addAction(tr("&Student"), this, [this] { openModel(QStringLiteral("demo:student")); });
    QAction *chooseTeacher = file->addAction(tr("Choose Teac&her Model…"), m_generation,
                                             &GenerationPane::chooseTeacherFile);
    chooseTeacher->setToolTip(tr("The model (file or .nwc) that steers the open model's first N "
                                 "tokens in the generation pane"));
    m_models->attachRecentMenu(file->addMenu(tr("Open &Recent")));
    file->addAction(openAnalysisAction());
    file->addSeparator();
    file->addAction(exportCompressedAction());
    file->addAction(exportDecompressedAction());
    file->addAction(exportPlotAction());
    file->addSeparator();
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *compress = menuBar()->addMenu(tr("&Compress"));
    compress->setToolTipsVisible(true);
    compress->addAction(compressAction());
    compress->addAction(computeImportanceAction());
    compress->addAction(sweepAction());
    compress->addSeparator();
    QAction *trainCodec = compress->addAction(tr("&Train Codec…"));
    trainCodec->setEnabled(false);
    trainCodec->setToolTip(tr("Not part of this build yet: use 'nwc train-codec'."));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QList<QDockWidget *> docks = {m_browserDock, m_jobsDock, importanceDock(),
                                        rateDistortionDock(), compensationDock()};
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
    QAction *about =
        help->addAction(tr("&About NWC Workbench"), this, [this] { AboutBox::show(this); });
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

    m_models->restoreGenerationSettings(settings);

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

    m_models->saveGenerationSettings(settings);
}

void MainWindow::showModel(const WorkbenchModel &model) {
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
    m_analysis->followModel(model);
    setWindowTitle(tr("%1 — NWC Workbench").arg(checkpoint->displayName()));
    setWindowFilePath(QFileInfo::exists(checkpoint->source()) ? checkpoint->source() : QString());
}

void MainWindow::updateModelActions() {
    m_compression->updateActions();
    m_importance->updateActions();
    m_sweeps->updateActions();
}

void MainWindow::openSettings() {
    auto *dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::setPresentationMode(bool on) {
    PresentationScale::setFactor(on ? PresentationScale::kPresentationFactor : 1.0);
    QSettings().setValue(QStringLiteral("view/presentationMode"), on);
}

GuidedTour *MainWindow::guidedTour() {
    if (!m_tour) {
        WorkbenchTourActions::Parts parts;
        parts.window = this;
        parts.runner = m_runner;
        parts.models = m_models;
        parts.importance = m_importance;
        parts.compression = m_compression;
        parts.sweeps = m_sweeps;
        parts.browser = m_browser;
        parts.generation = m_generation;
        parts.jobsPanel = m_jobsPanel;
        m_tourActions = new WorkbenchTourActions(parts, this);
        m_tour = new GuidedTour(m_tourActions, this);
    }
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

// Forwards to the controllers ----------------------------------------------------------------

void MainWindow::openModel(const QString &spec, bool interactive) {
    m_models->openModel(spec, interactive);
}
void MainWindow::openInitialModel(const QString &spec) {
    m_models->openInitialModel(spec);
}
void MainWindow::selectTensorWhenOpen(const QString &name) {
    m_models->selectTensorWhenOpen(name);
}
quint64 MainWindow::startCompression(const CompressionJobSettings &settings, bool showSummary) {
    return m_compression->startCompression(settings, showSummary);
}
quint64 MainWindow::startSweep(const SweepSettings &settings, const QString &sessionPath) {
    return m_sweeps->startSweep(settings, sessionPath);
}
quint64 MainWindow::computeImportance(const QString &textPath) {
    return m_importance->computeImportance(textPath);
}
void MainWindow::openAnalysis(const QString &path, bool interactive) {
    m_analysis->openAnalysis(path, interactive);
}
bool MainWindow::exportPlot(const QString &path, QString *error) {
    return m_analysis->exportPlot(path, error);
}
QDockWidget *MainWindow::currentAnalysisDock() const {
    return m_analysis->currentAnalysisDock();
}
AnalysisView *MainWindow::analysisViewOf(QDockWidget *dock) const {
    return AnalysisFilesController::analysisViewOf(dock);
}
const WorkbenchModel &MainWindow::currentModel() const {
    return m_models->currentModel();
}
QStringList MainWindow::recentModels() const {
    return m_models->recentModels();
}
QAction *MainWindow::compressAction() const {
    return m_compression->compressAction();
}
QAction *MainWindow::exportCompressedAction() const {
    return m_compression->exportCompressedAction();
}
QAction *MainWindow::exportDecompressedAction() const {
    return m_compression->exportDecompressedAction();
}
QAction *MainWindow::openAnalysisAction() const {
    return m_analysis->openAnalysisAction();
}
QAction *MainWindow::exportPlotAction() const {
    return m_analysis->exportPlotAction();
}
QAction *MainWindow::computeImportanceAction() const {
    return m_importance->computeImportanceAction();
}
QAction *MainWindow::sweepAction() const {
    return m_sweeps->sweepAction();
}
QDockWidget *MainWindow::importanceDock() const {
    return m_analysis->importanceDock();
}
QDockWidget *MainWindow::rateDistortionDock() const {
    return m_analysis->rateDistortionDock();
}
QDockWidget *MainWindow::compensationDock() const {
    return m_analysis->compensationDock();
}
QPushButton *MainWindow::openContainerButton() const {
    return m_sweeps->openContainerButton();
}

} // namespace nwc
