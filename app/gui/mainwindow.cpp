#include "mainwindow.h"

#include "analysis/calibrationwindows.h"
#include "codec/compressedcheckpoint.h"
#include "compressdialog.h"
#include "compressionjob.h"
#include "compressionsummarydialog.h"
#include "generationpane.h"
#include "jobs/jobrunner.h"
#include "jobspanel.h"
#include "modelbrowser.h"

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
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QUrl>

namespace nwc {
namespace {

const QString kDefaultModel = QStringLiteral("demo:teacher");

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
    statusBar()->addPermanentWidget(m_jobIndicator);
    statusBar()->addPermanentWidget(m_modelSummary);
    connect(m_runner, &JobRunner::activeCountChanged, this, &MainWindow::updateJobIndicator);
    updateJobIndicator(0);
    updateModelActions();
    restoreSettings();
}

MainWindow::~MainWindow() {
    // Stop the workers before the widgets their results would go to are destroyed.
    m_runner->cancelAll();
    m_runner->waitForDone();
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

    // The browser spans the full height; the jobs dock sits under the generation pane only.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    resizeDocks({m_browserDock}, {520}, Qt::Horizontal);
    resizeDocks({m_jobsDock}, {170}, Qt::Vertical);
}

void MainWindow::createMenus() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setToolTipsVisible(true);
    file->addAction(m_openFolderAction);
    file->addAction(m_openFileAction);
    QMenu *demo = file->addMenu(tr("Open &Demo Model"));
    demo->addAction(tr("&Teacher"), this, [this] { openModel(QStringLiteral("demo:teacher")); });
    demo->addAction(tr("&Student"), this, [this] { openModel(QStringLiteral("demo:student")); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(m_exportCompressedAction);
    file->addAction(m_exportDecompressedAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *compress = menuBar()->addMenu(tr("&Compress"));
    compress->setToolTipsVisible(true);
    compress->addAction(m_compressAction);
    const QString notYet = tr("Not part of this build yet.");
    for (const QString &text : {tr("Rate–Distortion &Sweep…"), tr("&Train Codec…")}) {
        QAction *action = compress->addAction(text);
        action->setEnabled(false);
        action->setToolTip(notYet);
    }

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *browserToggle = m_browserDock->toggleViewAction();
    browserToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *jobsToggle = m_jobsDock->toggleViewAction();
    jobsToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    view->addAction(browserToggle);
    view->addAction(jobsToggle);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About NWC Workbench"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    QAction *aboutQt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::restoreSettings() {
    QSettings settings;
    settings.beginGroup(QStringLiteral("mainWindow"));
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray()))
        resize(1360, 860);
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
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
            [this, spec, interactive](const QString &message) {
                m_openJob = 0;
                m_pendingTensor.clear();
                const QString text = tr("Could not open %1: %2").arg(spec, message);
                if (interactive) {
                    statusBar()->clearMessage();
                    showError(tr("Open Model"), text);
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
    setWindowTitle(tr("%1 — NWC Workbench").arg(checkpoint->displayName()));
    setWindowFilePath(QFileInfo::exists(checkpoint->source()) ? checkpoint->source() : QString());
    if (model.languageModel)
        statusBar()->showMessage(tr("Opened %1.").arg(checkpoint->displayName()), 5000);
    else
        statusBar()->showMessage(tr("Opened %1 for browsing only: %2")
                                     .arg(checkpoint->displayName(), model.generationUnavailable),
                                 15000);
    if (!m_pendingTensor.isEmpty()) {
        const QString name = m_pendingTensor;
        m_pendingTensor.clear();
        selectTensorWhenOpen(name);
    }
    Q_EMIT modelOpened(model.spec);
}

void MainWindow::showError(const QString &title, const QString &message) {
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
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
           "<tt>nwc</tt> runs the same jobs headless.</p>")
            .arg(QStringLiteral(NWC_VERSION)));
}

void MainWindow::updateJobIndicator(int active) {
    m_jobIndicator->setText(active == 1 ? tr("1 job running") : tr("%1 jobs running").arg(active));
    m_jobIndicator->setVisible(active > 0);
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

quint64 MainWindow::startCompression(const CompressionJobSettings &settings) {
    const QString fileName = QFileInfo(settings.outputPath).fileName();
    // The open model serves as the evaluation reference instead of loading it a second time.
    const LanguageModelPtr reference = settings.evaluate && settings.modelSpec == m_model.spec
                                           ? m_model.languageModel
                                           : LanguageModelPtr();
    statusBar()->showMessage(tr("Compressing to %1…").arg(fileName));
    const QString title =
        tr("Compress to %1 (%2 bpw %3)")
            .arg(fileName, QLocale().toString(settings.compression.targetBitsPerWeight, 'g', 4),
                 compressionMethodName(settings.compression.method).toUpper());
    return m_runner->start(
        title, QString(), this,
        [settings, reference](JobContext &context) {
            return runCompressionJob(settings, &context, reference);
        },
        JobHandlers<CompressionJobResult>{
            [this](const CompressionJobResult &result) {
                statusBar()->showMessage(
                    tr("Wrote %1 at %2 bits per weight.")
                        .arg(QFileInfo(result.summary.outputPath).fileName(),
                             QLocale().toString(result.summary.achievedBitsPerWeight, 'f', 3)),
                    10000);
                showCompressionSummary(result);
                Q_EMIT compressionFinished(result.summary.outputPath);
            },
            [this](const QString &message) {
                statusBar()->clearMessage();
                showError(tr("Compress"), tr("Compression failed: %1").arg(message));
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
