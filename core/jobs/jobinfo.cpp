#include "jobs/jobinfo.h"

#include <QCoreApplication>
#include <cmath>

namespace nwc {

double JobInfo::estimateRemaining(double elapsedSeconds, double fraction) {
    if (fraction < 0.01 || fraction > 1.0 || elapsedSeconds < 0.3)
        return -1;
    return elapsedSeconds * (1.0 - fraction) / fraction;
}

QString JobInfo::stateName(JobState state) {
    switch (state) {
    case JobState::Queued:
        return QCoreApplication::translate("nwc::JobInfo", "Queued");
    case JobState::Running:
        return QCoreApplication::translate("nwc::JobInfo", "Running");
    case JobState::Finished:
        return QCoreApplication::translate("nwc::JobInfo", "Finished");
    case JobState::Failed:
        return QCoreApplication::translate("nwc::JobInfo", "Failed");
    case JobState::Cancelled:
        return QCoreApplication::translate("nwc::JobInfo", "Cancelled");
    }
    return QString();
}

QString JobInfo::formatDuration(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds))
        return QString();
    if (seconds < 10)
        return QCoreApplication::translate("nwc::JobInfo", "%1 s").arg(seconds, 0, 'f', 1);
    const qint64 whole = qRound64(seconds);
    if (whole < 60)
        return QCoreApplication::translate("nwc::JobInfo", "%1 s").arg(whole);
    if (whole < 3600)
        return QCoreApplication::translate("nwc::JobInfo", "%1 min %2 s")
            .arg(whole / 60)
            .arg(whole % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("nwc::JobInfo", "%1 h %2 min")
        .arg(whole / 3600)
        .arg((whole % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace nwc
