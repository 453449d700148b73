#include "jobs/jobrunner.h"

#include <QThread>
#include <algorithm>

namespace nwc {

JobRunner::JobRunner(QObject *parent)
    : QObject(parent) {
    m_pool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_refreshTimer.setInterval(500);
    connect(&m_refreshTimer, &QTimer::timeout, this, &JobRunner::refreshRunning);
}

JobRunner::~JobRunner() {
    for (Job &job : m_jobs) {
        job.context->requestCancel();
        job.future.cancel();
    }
    m_pool.waitForDone();
}

std::shared_ptr<JobContext> JobRunner::createJob(const QString &title, const QString &channel,
                                                 QObject *receiver) {
    const quint64 id = m_nextId++;
    if (!channel.isEmpty()) {
        const auto previous = m_latestInChannel.constFind(channel);
        if (previous != m_latestInChannel.constEnd())
            cancel(previous.value());
        m_latestInChannel.insert(channel, id);
    }
    Job job;
    job.info.id = id;
    job.info.title = title;
    job.channel = channel;
    job.receiver = receiver;
    job.context = std::make_shared<JobContext>(this, id);
    m_jobs.insert(id, job);
    m_order.append(id);
    Q_EMIT jobAdded(job.info);
    Q_EMIT activeCountChanged(activeCount());
    updateRefreshTimer();
    return job.context;
}

void JobRunner::attachFuture(quint64 id, const QFuture<void> &future) {
    const auto it = m_jobs.find(id);
    if (it != m_jobs.end())
        it->future = future;
}

void JobRunner::cancel(quint64 id) {
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end() || !it->info.isActive() || it->info.cancelRequested)
        return;
    it->info.cancelRequested = true;
    it->context->requestCancel();
    it->future.cancel();
    Q_EMIT jobUpdated(it->info);
}

void JobRunner::cancelAll() {
    const QVector<quint64> ids = m_order;
    for (quint64 id : ids)
        cancel(id);
}

bool JobRunner::waitForDone(int msecs) {
    return m_pool.waitForDone(msecs);
}

void JobRunner::clearFinished() {
    const QVector<quint64> ids = m_order;
    for (quint64 id : ids) {
        if (m_jobs.value(id).info.isActive())
            continue;
        m_jobs.remove(id);
        m_order.removeOne(id);
        Q_EMIT jobRemoved(id);
    }
}

JobInfo JobRunner::job(quint64 id) const {
    return m_jobs.value(id).info;
}

QVector<JobInfo> JobRunner::jobs() const {
    QVector<JobInfo> result;
    result.reserve(m_order.size());
    for (quint64 id : m_order)
        result.append(m_jobs.value(id).info);
    return result;
}

int JobRunner::activeCount() const {
    return int(std::count_if(m_jobs.cbegin(), m_jobs.cend(),
                             [](const Job &job) { return job.info.isActive(); }));
}

bool JobRunner::isLatest(quint64 id, const QString &channel) const {
    return channel.isEmpty() || m_latestInChannel.value(channel) == id;
}

bool JobRunner::isCurrent(quint64 id) const {
    const auto it = m_jobs.constFind(id);
    return it != m_jobs.constEnd() && isLatest(id, it->channel) && !it->info.cancelRequested;
}

void JobRunner::pullProgress(quint64 id) {
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end() || !it->info.isActive())
        return;
    const JobContext::Snapshot snapshot = it->context->takeSnapshot();
    JobInfo &info = it->info;
    if (snapshot.started)
        info.state = JobState::Running;
    info.fraction = snapshot.fraction;
    info.message = snapshot.message;
    info.elapsedSeconds = snapshot.elapsedSeconds;
    info.etaSeconds = JobInfo::estimateRemaining(snapshot.elapsedSeconds, snapshot.fraction);
    Q_EMIT jobUpdated(info);
}

void JobRunner::finishJob(quint64 id) {
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    const JobContext::Snapshot snapshot = it->context->takeSnapshot();
    JobInfo &info = it->info;
    info.state = it->context->outcome();
    info.error = it->context->error();
    info.elapsedSeconds = snapshot.elapsedSeconds;
    info.etaSeconds = -1;
    if (!snapshot.message.isEmpty())
        info.message = snapshot.message;
    info.fraction = info.state == JobState::Finished ? 1.0 : snapshot.fraction;
    const JobInfo finished = info;
    Q_EMIT jobUpdated(finished);
    Q_EMIT activeCountChanged(activeCount());
    updateRefreshTimer();
    pruneFinished();
}

void JobRunner::refreshRunning() {
    const QVector<quint64> ids = m_order;
    for (quint64 id : ids) {
        if (m_jobs.value(id).info.state == JobState::Running)
            pullProgress(id);
    }
}

void JobRunner::updateRefreshTimer() {
    if (activeCount() > 0) {
        if (!m_refreshTimer.isActive())
            m_refreshTimer.start();
    } else {
        m_refreshTimer.stop();
    }
}

void JobRunner::pruneFinished() {
    int ended = 0;
    for (quint64 id : std::as_const(m_order)) {
        if (!m_jobs.value(id).info.isActive())
            ++ended;
    }
    while (ended > kFinishedJobsKept) {
        const auto oldest = std::find_if(m_order.begin(), m_order.end(), [this](quint64 id) {
            return !m_jobs.value(id).info.isActive();
        });
        const quint64 id = *oldest;
        m_order.erase(oldest);
        m_jobs.remove(id);
        --ended;
        Q_EMIT jobRemoved(id);
    }
}

void JobRunner::deliverPost(quint64 id, const std::function<void()> &function) {
    const auto it = m_jobs.constFind(id);
    if (it == m_jobs.constEnd() || !it->receiver || !isCurrent(id))
        return;
    function();
}

void JobRunner::wakeFromWorker(quint64 id) {
    QMetaObject::invokeMethod(
        this, [this, id] { pullProgress(id); }, Qt::QueuedConnection);
}

void JobRunner::postFromWorker(quint64 id, std::function<void()> function) {
    QMetaObject::invokeMethod(
        this, [this, id, function = std::move(function)] { deliverPost(id, function); },
        Qt::QueuedConnection);
}

} // namespace nwc
