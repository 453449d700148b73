#pragma once
// How a job failed, as handed to its error handler on the receiver's thread.

#include "jobs/mismatcherror.h"

#include <QString>
#include <optional>

namespace nwc {

/// A failed job's message, plus the kind and details when the work threw a MismatchError.
/// Converts to its message, so handlers that only want the text take a `const QString &`.
struct JobError {
    QString message;
    std::optional<MismatchKind> mismatch; ///< set for a MismatchError
    QString details;                      ///< MismatchError::details(); may be empty

    operator QString() const { return message; }
};

} // namespace nwc
