#include "jobs/jobcontext.h"

#include "jobs/error.h"
#include "jobs/jobrunner.h"

#include <QCoreApplication>
#include <QMutexLocker>
#include <new>

namespace nwc {

JobContext::JobContext(JobRunner *runner, quint64 id)
    : m_runner(runner)
    , m_id(id) {}

void JobContext::report(double fraction, const QString &message) {
    {
        QMutexLocker locker(&m_mutex);
        m_fraction = qBound(0.0, fraction, 1.0);
        m_message = message;
        if (m_wakePending)
            return;
        m_wakePending = true;
    }
    m_runner->wakeFromWorker(m_id);
}

void JobContext::post(std::function<void()> function) {
    m_runner->postFromWorker(m_id, std::move(function));
}

JobContext::Snapshot JobContext::takeSnapshot() {
    QMutexLocker locker(&m_mutex);
    m_wakePending = false;
    Snapshot snapshot;
    snapshot.started = m_started;
    snapshot.fraction = m_fraction;
    snapshot.message = m_message;
    snapshot.elapsedSeconds = m_started ? m_timer.elapsed() / 1000.0 : 0.0;
    return snapshot;
}

void JobContext::markStarted() {
    {
        QMutexLocker locker(&m_mutex);
        m_started = true;
        m_timer.start();
        if (m_wakePending)
            return;
        m_wakePending = true;
    }
    m_runner->wakeFromWorker(m_id);
}

void JobContext::markSucceeded() {
    QMutexLocker locker(&m_mutex);
    m_succeeded = true;
}

void JobContext::recordException(std::exception_ptr exception) {
    QString message;
    bool workCancelled = false;
    std::optional<MismatchKind> mismatch;
    QString details;
    try {
        std::rethrow_exception(exception);
    } catch (const Cancelled &) {
        workCancelled = true;
    } catch (const MismatchError &error) {
        message = error.message();
        mismatch = error.kind();
        details = error.details();
    } catch (const Error &error) {
        message = error.message();
    } catch (const std::bad_alloc &) {
        message = QCoreApplication::translate("nwc::JobContext",
                                              "Out of memory: the job needs more memory than "
                                              "is available.");
    } catch (const std::exception &error) {
        message = QString::fromLocal8Bit(error.what());
    } catch (...) {
        message = QCoreApplication::translate("nwc::JobContext", "Unknown error.");
    }
    QMutexLocker locker(&m_mutex);
    m_workCancelled = workCancelled;
    m_error = message;
    m_mismatch = mismatch;
    m_details = details;
}

JobState JobContext::outcome() const {
    QMutexLocker locker(&m_mutex);
    if (m_cancelRequested.load() || m_workCancelled)
        return JobState::Cancelled;
    if (m_succeeded)
        return JobState::Finished;
    return JobState::Failed;
}

QString JobContext::error() const {
    QMutexLocker locker(&m_mutex);
    if (m_cancelRequested.load() || m_workCancelled || m_succeeded)
        return QString();
    if (m_error.isEmpty())
        return QCoreApplication::translate("nwc::JobContext", "The job ended without a result.");
    return m_error;
}

JobError JobContext::failure() const {
    JobError failure;
    failure.message = error();
    if (!failure.message.isEmpty()) {
        QMutexLocker locker(&m_mutex);
        failure.mismatch = m_mismatch;
        failure.details = m_details;
    }
    return failure;
}

} // namespace nwc
