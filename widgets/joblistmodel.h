#pragma once
// Table model over the jobs a JobRunner tracks, newest first.

#include "jobs/jobinfo.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QVector>

namespace nwc {

class JobRunner;

/// One row per job: title, progress, status message, elapsed time, ETA and a cancel cell.
/// Follows the runner's jobAdded / jobUpdated / jobRemoved signals.
class JobListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TitleColumn,
        ProgressColumn,
        StatusColumn,
        ElapsedColumn,
        EtaColumn,
        CancelColumn,
        ColumnCount
    };
    enum Role {
        JobIdRole = Qt::UserRole + 1,
        /// Fraction done in [0, 1], or negative when unknown.
        FractionRole,
        /// JobState as int.
        StateRole,
        /// True while the job may still be cancelled.
        CancellableRole,
    };

    explicit JobListModel(JobRunner *runner, QObject *parent = nullptr);

    /// The job shown in `row` (a default JobInfo when out of range).
    JobInfo jobAt(int row) const;
    /// The row of job `id`, or -1.
    int rowOfJob(quint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void addJob(const nwc::JobInfo &job);
    void updateJob(const nwc::JobInfo &job);
    void removeJob(quint64 id);
    QString statusText(const JobInfo &job) const;

    QPointer<JobRunner> m_runner;
    QVector<JobInfo> m_jobs; ///< newest first
};

} // namespace nwc
