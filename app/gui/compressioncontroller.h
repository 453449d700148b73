#pragma once
// Compress › Compress at Bit Rate… and File › Export Compressed Checkpoint… / Export
// Decompressed Safetensors….

#include "windowcontroller.h"

class QAction;

namespace nwc {

class ModelController;
struct CompressionJobResult;
struct CompressionJobSettings;

/// Runs compression jobs from the compress dialog and shows their summary; exports the open
/// model as a .nwc file (compressing it first, or copying the file of a model that is already
/// compressed) and decodes an open .nwc model back into a Hugging Face folder.
class CompressionController : public WindowController {
    Q_OBJECT
public:
    CompressionController(QMainWindow *window, JobRunner *runner, const ModelController *models);

    /// Runs a compression job (what the compress dialog's Compress button does); the summary
    /// dialog opens when it finishes (unless `showSummary` is false), errors appear in a message
    /// box. Returns the job id.
    quint64 startCompression(const CompressionJobSettings &settings, bool showSummary = true);

    QAction *compressAction() const { return m_compressAction; }
    QAction *exportCompressedAction() const { return m_exportCompressedAction; }
    QAction *exportDecompressedAction() const { return m_exportDecompressedAction; }
    /// Enables the actions and sets their tooltips for the open model.
    void updateActions();

Q_SIGNALS:
    /// A compression job wrote the container `path` (emitted first, before the status bar and
    /// the summary say so).
    void containerWritten(const QString &path);
    /// A compression job finished with `result` (emitted before compressionFinished()).
    void compressionCompleted(const nwc::CompressionJobResult &result);
    /// A compression job wrote `outputPath`; its summary dialog is shown.
    void compressionFinished(const QString &outputPath);
    /// A compression job failed with `message` (shown in a message box).
    void compressionFailed(const QString &message);
    /// The summary dialog's Open button: open the written model `path`.
    void openRequested(const QString &path);

private:
    void openCompressDialog(const QString &title);
    void showCompressionSummary(const CompressionJobResult &result);
    void exportCompressed();
    void exportDecompressed();

    const ModelController *m_models;
    QAction *m_compressAction;
    QAction *m_exportCompressedAction;
    QAction *m_exportDecompressedAction;
};

} // namespace nwc
