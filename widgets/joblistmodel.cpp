#include "joblistmodel.h"

#include "jobs/jobrunner.h"

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

namespace nwc {

JobListModel::JobListModel(JobRunner *runner, QObject *parent)
    : QAbstractTableModel(parent)
    , m_runner(runner) {
    if (!runner)
        return;
    const QVector<JobInfo> jobs = runner->jobs();
    for (auto it = jobs.crbegin(); it != jobs.crend(); ++it)
        m_jobs.append(*it);
    connect(runner, &JobRunner::jobAdded, this, &JobListModel::addJob);
    connect(runner, &JobRunner::jobUpdated, this, &JobListModel::updateJob);
    connect(runner, &JobRunner::jobRemoved, this, &JobListModel::removeJob);
}

JobInfo JobListModel::jobAt(int row) const {
    return row >= 0 && row < m_jobs.size() ? m_jobs.at(row) : JobInfo();
}

int JobListModel::rowOfJob(quint64 id) const {
    for (int row = 0; row < m_jobs.size(); ++row) {
        if (m_jobs.at(row).id == id)
            return row;
    }
    return -1;
}

void JobListModel::addJob(const JobInfo &job) {
    beginInsertRows(QModelIndex(), 0, 0);
    m_jobs.prepend(job);
    endInsertRows();
}

void JobListModel::updateJob(const JobInfo &job) {
    const int row = rowOfJob(job.id);
    if (row < 0)
        return;
    m_jobs[row] = job;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void JobListModel::removeJob(quint64 id) {
    const int row = rowOfJob(id);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_jobs.removeAt(row);
    endRemoveRows();
}

int JobListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobListModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobListModel::statusText(const JobInfo &job) const {
    switch (job.state) {
    case JobState::Queued:
        return job.cancelRequested ? tr("Cancelling…") : tr("Waiting for a free worker");
    case JobState::Running:
        if (job.cancelRequested)
            return tr("Cancelling…");
        return job.message.isEmpty() ? JobInfo::stateName(job.state) : job.message;
    case JobState::Finished:
        return job.message.isEmpty() ? JobInfo::stateName(job.state) : job.message;
    case JobState::Failed:
        return job.error;
    case JobState::Cancelled:
        return JobInfo::stateName(job.state);
    }
    return QString();
}

QVariant JobListModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const JobInfo &job = m_jobs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TitleColumn:
            return job.title;
        case ProgressColumn:
            if (job.isActive())
                return job.fraction >= 0 ? tr("%1 %").arg(qRound(job.fraction * 100))
                                         : JobInfo::stateName(job.state);
            return JobInfo::stateName(job.state);
        case StatusColumn:
            return statusText(job);
        case ElapsedColumn:
            return job.state == JobState::Queued ? QString()
                                                 : JobInfo::formatDuration(job.elapsedSeconds);
        case EtaColumn:
            return job.isActive() ? JobInfo::formatDuration(job.etaSeconds) : QString();
        case CancelColumn:
            return job.isActive() && !job.cancelRequested ? tr("Cancel") : QString();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case StatusColumn:
        case TitleColumn:
            return job.state == JobState::Failed ? tr("%1 failed:\n%2").arg(job.title, job.error)
                                                 : job.title + QLatin1Char('\n') + statusText(job);
        case EtaColumn:
            return tr("Estimated time left, from the time spent so far and the fraction done");
        case CancelColumn:
            return job.isActive() && !job.cancelRequested ? tr("Stop this job") : QVariant();
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && job.state == JobState::Failed)
            return QColor(190, 30, 30);
        if (!job.isActive() && index.column() != CancelColumn)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ElapsedColumn || index.column() == EtaColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case JobIdRole:
        return job.id;
    case FractionRole:
        return job.state == JobState::Finished ? 1.0 : job.fraction;
    case StateRole:
        return int(job.state);
    case CancellableRole:
        return job.isActive() && !job.cancelRequested;
    default:
        return {};
    }
}

QVariant JobListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TitleColumn:
        return tr("Job");
    case ProgressColumn:
        return tr("Progress");
    case StatusColumn:
        return tr("Status");
    case ElapsedColumn:
        return tr("Elapsed");
    case EtaColumn:
        return tr("Remaining");
    case CancelColumn:
        return QString();
    default:
        return {};
    }
}

} // namespace nwc
