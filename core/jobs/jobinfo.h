#pragma once
// Torch-free snapshot of one background job, as shown in the jobs panel.

#include <QMetaType>
#include <QString>

namespace nwc {

/// Life cycle of a job: queued on the pool, running, then one of the three final states.
enum class JobState { Queued, Running, Finished, Failed, Cancelled };

/// What a job is doing right now; a value type copied from the JobRunner to its views.
struct JobInfo {
    quint64 id = 0;
    QString title;
    JobState state = JobState::Queued;
    double fraction = -1;      ///< in [0, 1]; negative while the job has not reported any
    QString message;           ///< the job's latest progress message
    double elapsedSeconds = 0; ///< time spent running (queued time not counted)
    double etaSeconds = -1;    ///< estimated time left; negative when unknown
    QString error;             ///< the failure message when state is Failed
    bool cancelRequested = false;

    /// Queued or Running.
    bool isActive() const { return state == JobState::Queued || state == JobState::Running; }

    /// Estimated seconds left from elapsed time and fraction done, assuming a constant rate;
    /// negative when too little is known (under 1 % done or under 0.3 s elapsed).
    static double estimateRemaining(double elapsedSeconds, double fraction);
    /// Translated state name ("Running", "Cancelled", ...).
    static QString stateName(JobState state);
    /// Compact translated duration: "0.4 s", "12 s", "3 min 04 s", "1 h 02 min".
    static QString formatDuration(double seconds);
};

} // namespace nwc

Q_DECLARE_METATYPE(nwc::JobInfo)
