#pragma once
// What a compression job did: rates, sizes, time, quality and the per-tensor table.

#include "compressionjob.h"

#include <QDialog>

class QFormLayout;
class QLabel;
class QPushButton;
class QTableView;

namespace nwc {

class CompressedTensorModel;

/// Shows a CompressionJobResult: achieved and target bits per weight, counted bytes, file,
/// passthrough and codec bytes, the entropy estimate against the bits written, time and peak
/// memory, perplexity of the compressed and the original model and the mean KL divergence with
/// the settings they were measured with, and one table row per compressed tensor.
/// "Open Compressed Model" emits openRequested() with the container's path and closes.
class CompressionSummaryDialog : public QDialog {
    Q_OBJECT
public:
    explicit CompressionSummaryDialog(const CompressionJobResult &result,
                                      QWidget *parent = nullptr);

    const CompressionJobResult &result() const { return m_result; }
    CompressedTensorModel *tensorModel() const { return m_model; }
    QTableView *tensorView() const { return m_view; }
    QPushButton *openButton() const { return m_open; }
    /// The text shown for a field ("achieved", "counted", "file", "passthrough", "codec",
    /// "estimate", "time", "memory", "perplexity", "kl", "evaluation"); empty when unknown.
    QString fieldText(const QString &key) const;

Q_SIGNALS:
    /// The user asked to open the compressed model at `path`.
    void openRequested(const QString &path);

private:
    QLabel *addField(QFormLayout *form, const QString &key, const QString &label,
                     const QString &text, const QString &toolTip = QString());

    CompressionJobResult m_result;
    CompressedTensorModel *m_model;
    QTableView *m_view;
    QPushButton *m_open;
};

} // namespace nwc
