#include "workbenchmodel.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/checkpointtokenizer.h"

#include <QCoreApplication>
#include <new>

namespace nwc {
namespace {

// The translation context of this file's messages (lupdate reads it from the macro).
struct WorkbenchModelText {
    Q_DECLARE_TR_FUNCTIONS(nwc::WorkbenchModel)
};

} // namespace

WorkbenchModel openWorkbenchCheckpoint(const QString &spec, ProgressSink *progress) {
    WorkbenchModel result;
    result.spec = spec;
    reportProgress(progress, 0.0, WorkbenchModelText::tr("Opening %1").arg(spec));
    // A broken checkpoint throws here with the reader's message.
    result.checkpoint = Checkpoint::open(spec);
    throwIfCancelled(progress);
    if (result.checkpoint->tokenizerPath().isEmpty()) {
        result.generationUnavailable =
            WorkbenchModelText::tr(
                "%1 has no tokenizer beside it (tokenizer.json, tokenizer.model, "
                "vocab.json + merges.txt or tok*.bin), so it cannot generate text. Its "
                "tensors can still be browsed.")
                .arg(result.checkpoint->displayName());
        return result;
    }
    result.runtimeLoading = true;
    return result;
}

WorkbenchModel loadWorkbenchRuntime(WorkbenchModel opened, ProgressSink *progress,
                                    const ComputeOptions &options) {
    WorkbenchModel result = std::move(opened);
    if (!result.runtimeLoading)
        return result;
    result.runtimeLoading = false;
    try {
        std::shared_ptr<const Tokenizer> tokenizer =
            loadCheckpointTokenizer(*result.checkpoint, result.spec, QString());
        result.languageModel =
            LanguageModel::fromParts(result.checkpoint, std::move(tokenizer), progress, options);
    } catch (const Cancelled &) {
        throw;
    } catch (const MismatchError &error) {
        result.generationUnavailable = error.message();
        result.generationMismatch = JobError{error.message(), error.kind(), error.details()};
    } catch (const Error &error) {
        result.generationUnavailable = error.message();
    } catch (const std::bad_alloc &) {
        result.generationUnavailable =
            WorkbenchModelText::tr("The model does not fit in memory for "
                                   "generation. Its tensors can still be browsed.");
    } catch (const std::exception &error) {
        result.generationUnavailable = QString::fromLocal8Bit(error.what());
    }
    return result;
}

WorkbenchModel openWorkbenchModel(const QString &spec, ProgressSink *progress,
                                  const ComputeOptions &options) {
    return loadWorkbenchRuntime(openWorkbenchCheckpoint(spec, progress), progress, options);
}

} // namespace nwc
