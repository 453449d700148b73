#pragma once
// Errors for inputs that are each fine on their own but do not fit together or do not fit this
// build or machine: the GUI shows them in a dialog with a specific title, advice and details.

#include "jobs/error.h"

namespace nwc {

/// Which kind of mismatch an input has.
enum class MismatchKind {
    TokenizerMismatch,       ///< student and teacher tokenize differently
    NewerFormat,             ///< a file written by a newer NWC Workbench (container or codec)
    CodecMissing,            ///< a .nwc names a codec it does not hold
    UnsupportedArchitecture, ///< config.json names an architecture the runtime lacks
    InsufficientMemory,      ///< the model does not fit into the memory that is available
};

/// An nwc::Error with a kind and a multi-line details text (the facts behind the message: both
/// tokenizers' properties, the versions involved, the memory needed and available, ...).
class MismatchError : public Error {
public:
    MismatchError(MismatchKind kind, const QString &message, const QString &details)
        : Error(message)
        , m_kind(kind)
        , m_details(details)
    {
    }
    MismatchKind kind() const { return m_kind; }
    /// One fact per line, "name: value"; shown under "Show Details…" and by the CLI.
    QString details() const { return m_details; }

private:
    MismatchKind m_kind;
    QString m_details;
};

} // namespace nwc
