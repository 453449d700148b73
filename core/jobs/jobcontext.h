#pragma once
// The ProgressSink a JobRunner hands to a job's work function on its worker thread.

#include "jobs/joberror.h"
#include "jobs/jobinfo.h"
#include "jobs/progresssink.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QString>
#include <atomic>
#include <exception>
#include <functional>

namespace nwc {

class JobRunner;

/// Shared between a JobRunner (GUI thread) and one job's worker: carries the job's latest
/// progress, its cancellation flag and its outcome, and posts intermediate results back to the
/// runner's thread. Thread-safe.
class JobContext : public ProgressSink {
public:
    /// Created by JobRunner only; `runner` must outlive the worker (the runner waits for it).
    JobContext(JobRunner *runner, quint64 id);

    /// Stores the latest progress and wakes the runner (coalesced: one pending wake-up at most).
    void report(double fraction, const QString &message) override;
    /// True once the job was cancelled or superseded by a newer job in its channel.
    bool cancelled() const override { return m_cancelRequested.load(); }
    /// Runs `function` on the runner's thread if, by then, the job is still the newest in its
    /// channel, not cancelled, and its receiver still exists. Posts are delivered in order and
    /// before the job's result.
    void post(std::function<void()> function);
    /// The job's id in its runner.
    quint64 jobId() const { return m_id; }

    /// Latest progress, read by the runner.
    struct Snapshot {
        bool started = false;
        double fraction = -1;
        QString message;
        double elapsedSeconds = 0;
    };
    /// Returns the latest progress and re-arms the wake-up.
    Snapshot takeSnapshot();

    /// Runner side: asks the work function to stop.
    void requestCancel() { m_cancelRequested.store(true); }
    /// Worker side: the work function is about to run.
    void markStarted();
    /// Worker side: the work function returned a value.
    void markSucceeded();
    /// Worker side: classifies what the work function threw (nwc::Cancelled, nwc::Error, ...).
    void recordException(std::exception_ptr exception);
    /// Final state once the worker is done: Finished, Failed or Cancelled.
    JobState outcome() const;
    /// The failure message (empty unless outcome() is Failed).
    QString error() const;
    /// The failure with its mismatch kind and details (message empty unless Failed).
    JobError failure() const;

private:
    JobRunner *m_runner;
    const quint64 m_id;
    std::atomic<bool> m_cancelRequested{false};
    mutable QMutex m_mutex;
    QElapsedTimer m_timer;
    bool m_started = false;
    bool m_wakePending = false;
    bool m_succeeded = false;
    bool m_workCancelled = false;
    double m_fraction = -1;
    QString m_message;
    QString m_error;
    std::optional<MismatchKind> m_mismatch;
    QString m_details;
};

} // namespace nwc
