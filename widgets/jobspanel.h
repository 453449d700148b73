#pragma once
// The jobs dock: every background job with its progress, ETA and a cancel button.

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeView;

namespace nwc {

class JobListModel;
class JobRunner;

/// Lists a JobRunner's jobs (newest first) with progress bar, status, elapsed time, ETA and a
/// Cancel button per running job; Cancel All and Clear Finished act on the whole list.
class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(JobRunner *runner, QWidget *parent = nullptr);

    /// The view (for tests and keyboard focus).
    QTreeView *view() const { return m_view; }
    /// The list model.
    JobListModel *model() const { return m_model; }

private:
    void updateSummary();

    JobRunner *m_runner;
    JobListModel *m_model;
    QTreeView *m_view;
    QLabel *m_summary;
    QPushButton *m_cancelAll;
    QPushButton *m_clearFinished;
};

} // namespace nwc
