#include "jobs/progresssink.h"

#include "jobs/error.h"

namespace nwc {

void throwIfCancelled(const ProgressSink *sink)
{
    if (sink && sink->cancelled())
        throw Cancelled();
}

} // namespace nwc
