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
    /// True between the two steps of opening: the checkpoint's tensors can be browsed while
    /// the runtime still loads the weights behind them.
    bool runtimeLoading = false;
};

/// The first, fast step of opening `spec` (anything Checkpoint::open accepts): the checkpoint
/// and its tensor list from the file's metadata, no weights read. `runtimeLoading` is set when a
/// tokenizer was found, i.e. when loadWorkbenchRuntime() should follow. Throws nwc::Error when
/// the checkpoint cannot be opened.
WorkbenchModel openWorkbenchCheckpoint(const QString &spec, ProgressSink *progress);

/// The second step: loads the runtime of `opened` (from openWorkbenchCheckpoint) on the same
/// checkpoint object, so the weights are mapped once, on the device of `options`. Returns the
/// model with `languageModel` set, or with `generationUnavailable` saying why it cannot run.
/// Throws nwc::Cancelled when `progress` is cancelled.
WorkbenchModel loadWorkbenchRuntime(WorkbenchModel opened, ProgressSink *progress,
                                    const ComputeOptions &options = {});

/// Both steps in one call.
WorkbenchModel openWorkbenchModel(const QString &spec, ProgressSink *progress,
                                  const ComputeOptions &options = {});

} // namespace nwc
