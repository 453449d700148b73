#pragma once
// The model browser dock: tensor tree, statistics of the selected tensor and its histogram.

#include "io/checkpoint.h"
#include "io/tensorinfo.h"

#include <QHash>
#include <QWidget>
#include <optional>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTreeView;

namespace nwc {

class HistogramPlot;
class JobRunner;
class TensorTreeModel;

/// Browses a checkpoint: a filterable tree of its tensors (grouped by layer) and, for the
/// selected tensor, shape, dtype, size, min / max / mean / std and a histogram. Statistics are
/// computed by a job on the JobRunner (reading the tensor as float32 off the GUI thread) and
/// cached per tensor; selecting another tensor supersedes a running computation.
class ModelBrowser : public QWidget {
    Q_OBJECT
public:
    explicit ModelBrowser(JobRunner *runner, QWidget *parent = nullptr);
    ~ModelBrowser() override;

    /// Shows `checkpoint` (null clears the browser).
    void setCheckpoint(CheckpointPtr checkpoint);
    CheckpointPtr checkpoint() const { return m_checkpoint; }

    /// Selects tensor `name` in the tree (expanding its layer); false when it does not exist.
    bool selectTensor(const QString &name);
    /// The selected tensor's name; empty when none (or a layer row) is selected.
    QString currentTensor() const { return m_currentTensor; }
    /// Statistics of the selected tensor once computed.
    std::optional<TensorStatistics> currentStatistics() const;

    /// How values are written in the statistics panel.
    static QString formatValue(double value);

    /// The tree view (for tests and focus).
    QTreeView *view() const { return m_view; }
    /// The histogram.
    HistogramPlot *histogram() const { return m_histogram; }

Q_SIGNALS:
    /// The selection moved to tensor `name` (empty for none).
    void currentTensorChanged(const QString &name);
    /// Statistics of `name` are now shown.
    void statisticsShown(const QString &name);

private:
    void onCurrentChanged(const QModelIndex &current);
    void requestStatistics(const QString &name);
    void showTensorInfo(const TensorInfo *info);
    void showStatistics(const TensorStatistics &statistics);
    void showStatisticsMessage(const QString &message);

    JobRunner *m_runner;
    CheckpointPtr m_checkpoint;
    TensorTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTreeView *m_view;
    QSplitter *m_splitter;
    QWidget *m_facts;
    QLabel *m_title;
    QLabel *m_shape;
    QLabel *m_dtype;
    QLabel *m_elements;
    QLabel *m_size;
    QLabel *m_min;
    QLabel *m_max;
    QLabel *m_mean;
    QLabel *m_std;
    QLabel *m_note;
    HistogramPlot *m_histogram;
    QString m_currentTensor;
    QHash<QString, TensorStatistics> m_cache;
    QString m_channel;
    quint64 m_statisticsJob = 0;
};

} // namespace nwc
