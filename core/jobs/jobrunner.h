#pragma once
// Runs plain core functions (those taking a ProgressSink) on worker threads for the GUI.

#include "jobs/jobcontext.h"
#include "jobs/jobinfo.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QThreadPool>
#include <QTimer>
#include <QVector>
#include <QtConcurrent/QtConcurrentRun>
#include <functional>
#include <memory>
#include <type_traits>

namespace nwc {

/// Callbacks run on the receiver's thread when a job ends. Any may be empty.
template <typename T> struct JobHandlers {
    std::function<void(const T &)> onResult;
    /// Gets a JobError; a handler taking `const QString &` receives its message.
    std::function<void(const JobError &error)> onError;
    /// The job was cancelled (not called for a job superseded by a newer one in its channel).
    std::function<void()> onCancelled;
};

/// Runs jobs on its own thread pool and tracks them for the jobs panel.
///
/// A job is a callable `T work(JobContext &)` that calls a core function with the context as
/// its ProgressSink. Progress (fraction, message, elapsed time and ETA) is published through
/// jobUpdated(), at least twice a second while a job runs. The result or error comes back on the
/// receiver's thread through a QFutureWatcher parented to the receiver, so nothing is delivered to
/// a receiver that was deleted. Jobs started with the same non-empty `channel` supersede each
/// other: starting one cancels the previous one and its result is dropped as stale. The destructor
/// cancels every job and waits for the workers.
class JobRunner : public QObject {
    Q_OBJECT
public:
    /// The return type of a work callable.
    template <typename Work> using ResultOf = std::invoke_result_t<Work &, JobContext &>;

    explicit JobRunner(QObject *parent = nullptr);
    ~JobRunner() override;

    /// Starts `work` on a worker thread; returns the job id. `receiver` (may be null) gets the
    /// handlers called in its thread; `channel` (may be empty) groups jobs that supersede each
    /// other ("statistics", "generation").
    template <typename Work>
    quint64 start(const QString &title, const QString &channel, QObject *receiver, Work work,
                  JobHandlers<ResultOf<Work>> handlers = {});

    /// Asks a job to stop; its work function sees cancelled() and throws nwc::Cancelled.
    void cancel(quint64 id);
    /// Cancels every active job.
    void cancelAll();
    /// Waits until no job is running (processing nothing meanwhile); false on timeout.
    bool waitForDone(int msecs = -1);
    /// Removes finished, failed and cancelled jobs from the list.
    void clearFinished();

    /// Snapshot of one job (a default JobInfo with id 0 when unknown).
    JobInfo job(quint64 id) const;
    /// All tracked jobs, oldest first.
    QVector<JobInfo> jobs() const;
    /// Queued and running jobs.
    int activeCount() const;
    /// True while `id` is the newest job of its channel and not cancelled.
    bool isCurrent(quint64 id) const;

    /// How many ended jobs are kept in the list before the oldest are dropped.
    static constexpr int kFinishedJobsKept = 30;

Q_SIGNALS:
    /// A job was started (state Queued).
    void jobAdded(const nwc::JobInfo &job);
    /// A job's state, progress, message, elapsed time or ETA changed.
    void jobUpdated(const nwc::JobInfo &job);
    /// An ended job was dropped from the list.
    void jobRemoved(quint64 id);
    /// The number of queued and running jobs changed.
    void activeCountChanged(int count);

private:
    friend class JobContext;

    struct Job {
        JobInfo info;
        QString channel;
        QPointer<QObject> receiver;
        std::shared_ptr<JobContext> context;
        QFuture<void> future;
    };

    std::shared_ptr<JobContext> createJob(const QString &title, const QString &channel,
                                          QObject *receiver);
    void attachFuture(quint64 id, const QFuture<void> &future);
    void finishJob(quint64 id);
    void pullProgress(quint64 id);
    void deliverPost(quint64 id, const std::function<void()> &function);
    bool isLatest(quint64 id, const QString &channel) const;
    void pruneFinished();
    // Called from worker threads (JobContext).
    void wakeFromWorker(quint64 id);
    void postFromWorker(quint64 id, std::function<void()> function);

    void refreshRunning();
    void updateRefreshTimer();

    QThreadPool m_pool;
    QTimer m_refreshTimer; ///< keeps elapsed time and ETA of running jobs moving
    QHash<quint64, Job> m_jobs;
    QVector<quint64> m_order;
    QHash<QString, quint64> m_latestInChannel;
    quint64 m_nextId = 1;
};

template <typename Work>
quint64 JobRunner::start(const QString &title, const QString &channel, QObject *receiver, Work work,
                         JobHandlers<ResultOf<Work>> handlers) {
    using T = ResultOf<Work>;
    static_assert(!std::is_void_v<T>, "a job's work function returns its result");
    const std::shared_ptr<JobContext> context = createJob(title, channel, receiver);
    const quint64 id = context->jobId();

    QFuture<T> future =
        QtConcurrent::run(&m_pool, [context, work = std::move(work)](QPromise<T> &promise) mutable {
            context->markStarted();
            try {
                promise.addResult(work(*context));
                context->markSucceeded();
            } catch (...) {
                context->recordException(std::current_exception());
            }
        });

    // Book-keeping first, so the JobInfo is final when the handlers run.
    auto *tracker = new QFutureWatcher<T>(this);
    connect(tracker, &QFutureWatcherBase::finished, this, [this, id, tracker] {
        tracker->deleteLater();
        finishJob(id);
    });
    tracker->setFuture(future);
    attachFuture(id, QFuture<void>(future));

    if (!receiver)
        return id;
    auto *delivery = new QFutureWatcher<T>(receiver);
    QObject::connect(delivery, &QFutureWatcherBase::finished, delivery,
                     [runner = QPointer<JobRunner>(this), context, delivery, channel,
                      handlers = std::move(handlers)] {
                         delivery->deleteLater();
                         if (!runner || !runner->isLatest(context->jobId(), channel))
                             return; // stale: superseded, or the runner is gone
                         switch (context->outcome()) {
                         case JobState::Finished:
                             if (handlers.onResult)
                                 handlers.onResult(delivery->future().result());
                             break;
                         case JobState::Failed:
                             if (handlers.onError)
                                 handlers.onError(context->failure());
                             break;
                         default:
                             if (handlers.onCancelled)
                                 handlers.onCancelled();
                             break;
                         }
                     });
    delivery->setFuture(future);
    return id;
}

} // namespace nwc
