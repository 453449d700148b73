#pragma once
// What the workbench opens: a checkpoint to browse and, when possible, a runnable model.

#include "io/checkpoint.h"
#include "jobs/joberror.h"
#include "lm/languagemodel.h"

#include <QString>

namespace nwc {

class ProgressSink;

/// An opened model. The checkpoint is always there; the language model only when a tokenizer
/// was found and the runtime could load the weights (otherwise `generationUnavailable` says
/// why, and the tensors can still be browsed).
struct WorkbenchModel {
    QString spec;
    CheckpointPtr checkpoint;
    LanguageModelPtr languageModel;
    QString generationUnavailable;
    /// Set when the runtime refused the model for a mismatch (too large for the memory,
    /// unsupported architecture): the GUI shows it in a dialog with details.
    JobError generationMismatch;
};

/// Opens `spec` (anything Checkpoint::open accepts) for the workbench. Throws nwc::Error when
/// the checkpoint itself cannot be opened and nwc::Cancelled when `progress` is cancelled.
WorkbenchModel openWorkbenchModel(const QString &spec, ProgressSink *progress);

} // namespace nwc
