#include "compressioncontroller.h"

#include "analysis/calibrationwindows.h"
#include "codec/compressedcheckpoint.h"
#include "compressdialog.h"
#include "compressionjob.h"
#include "compressionsummarydialog.h"
#include "jobs/jobrunner.h"
#include "modelcontroller.h"
#include "settingsdialog.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMainWindow>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

namespace nwc {

CompressionController::CompressionController(QMainWindow *window, JobRunner *runner,
                                             const ModelController *models)
    : WindowController(window, runner)
    , m_models(models)
    , m_compressAction(new QAction(tr("Compress at &Bit Rate…"), this))
    , m_exportCompressedAction(new QAction(tr("&Export Compressed Checkpoint (.nwc)…"), this))
    , m_exportDecompressedAction(new QAction(tr("Export Decompressed &Safetensors…"), this)) {
    m_compressAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    connect(m_compressAction, &QAction::triggered, this, [this] { openCompressDialog(QString()); });
    connect(m_exportCompressedAction, &QAction::triggered, this,
            &CompressionController::exportCompressed);
    connect(m_exportDecompressedAction, &QAction::triggered, this,
            &CompressionController::exportDecompressed);
}

void CompressionController::updateActions() {
    const CheckpointPtr &checkpoint = m_models->currentModel().checkpoint;
    const bool open = checkpoint != nullptr;
    const bool compressed = open && checkpoint->format() == CheckpointFormat::Nwc;
    const QString name = open ? checkpoint->displayName() : QString();
    const QString openFirst = ModelController::openFirstHint();
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

void CompressionController::openCompressDialog(const QString &title) {
    const WorkbenchModel &model = m_models->currentModel();
    if (!model.checkpoint)
        return;
    const CheckpointPtr &checkpoint = model.checkpoint;
    auto *dialog = new CompressDialog(model.spec, checkpoint->displayName(),
                                      isDemoModel(*checkpoint), window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!title.isEmpty())
        dialog->setWindowTitle(title);
    if (!model.languageModel)
        dialog->setModelNotRunnable(model.generationUnavailable);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { startCompression(dialog->settings()); });
    dialog->open();
}

quint64 CompressionController::startCompression(const CompressionJobSettings &settings,
                                                bool showSummary) {
    const WorkbenchModel &model = m_models->currentModel();
    const QString fileName = QFileInfo(settings.outputPath).fileName();
    // The open model serves calibration and the evaluation reference instead of loading it a
    // second time.
    const LanguageModelPtr reference =
        settings.modelSpec == model.spec ? model.languageModel : LanguageModelPtr();
    // Every stage computes where the open model lives (it was loaded on the device chosen in
    // Settings then), else on the device chosen now.
    CompressionJobSettings job = settings;
    job.compression.compute = reference ? reference->computeOptions() : guiComputeOptions();
    statusBar()->showMessage(tr("Compressing to %1…").arg(fileName));
    QString method = compressionMethodName(settings.compression.method).toUpper();
    if (settings.compression.method == CompressionMethod::Nwc &&
        settings.compression.compensation.any())
        method += QLatin1Char('+') + compensationName(settings.compression.compensation);
    const QString title =
        tr("Compress to %1 (%2 bpw %3)")
            .arg(fileName, QLocale().toString(settings.compression.targetBitsPerWeight, 'g', 4),
                 method);
    return runner()->start(
        title, QString(), this,
        [job, reference](JobContext &context) {
            return runCompressionJob(job, &context, reference);
        },
        JobHandlers<CompressionJobResult>{
            [this, showSummary](const CompressionJobResult &result) {
                Q_EMIT containerWritten(result.summary.outputPath);
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

void CompressionController::showCompressionSummary(const CompressionJobResult &result) {
    auto *dialog = new CompressionSummaryDialog(result, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CompressionSummaryDialog::openRequested, this,
            &CompressionController::openRequested);
    dialog->show();
}

void CompressionController::exportCompressed() {
    const CheckpointPtr &checkpoint = m_models->currentModel().checkpoint;
    if (!checkpoint)
        return;
    const auto compressed = std::dynamic_pointer_cast<const CompressedCheckpoint>(checkpoint);
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
        window(), tr("Export Compressed Checkpoint"),
        QDir(start).filePath(QFileInfo(source).fileName()), tr("Compressed models (*.nwc)"));
    if (target.isEmpty())
        return;
    if (QFileInfo(target).suffix().isEmpty())
        target += QStringLiteral(".nwc");
    settings.setValue(QStringLiteral("exportDirectory"), QFileInfo(target).absolutePath());
    const QString fileName = QFileInfo(target).fileName();
    runner()->start(
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

void CompressionController::exportDecompressed() {
    const auto compressed =
        std::dynamic_pointer_cast<const CompressedCheckpoint>(m_models->currentModel().checkpoint);
    if (!compressed)
        return;
    QSettings settings;
    QString start = settings.value(QStringLiteral("exportDirectory")).toString();
    if (start.isEmpty() || !QFileInfo(start).isDir())
        start = QFileInfo(compressed->path()).absolutePath();
    const QString folder =
        QFileDialog::getExistingDirectory(window(), tr("Export Decompressed Safetensors To Folder"),
                                          start, QFileDialog::ShowDirsOnly);
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("exportDirectory"), folder);
    bool overwrite = false;
    if (!QDir(folder).isEmpty()) {
        const auto answer = QMessageBox::question(
            window(), tr("Export Decompressed Safetensors"),
            tr("%1 is not empty. Files of the same names (model.safetensors, config.json, "
               "tokenizer files) will be replaced. Continue?")
                .arg(QDir::toNativeSeparators(folder)),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return;
        overwrite = true;
    }
    runner()->start(
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

} // namespace nwc
