#include "jobs/progresssink.h"

#include "jobs/error.h"

#include <algorithm>

namespace nwc {

void throwIfCancelled(const ProgressSink *sink) {
    if (sink && sink->cancelled())
        throw Cancelled();
}

void PhaseProgress::report(double fraction, const QString &message) {
    const double clamped = std::clamp(fraction, 0.0, 1.0);
    reportProgress(m_parent, m_begin + (m_end - m_begin) * clamped,
                   m_prefix.isEmpty() ? message
                                      : QString(m_prefix + QStringLiteral(": ") + message));
}

} // namespace nwc
