#pragma once
// Option group "evaluation": the text a model is measured on and its windows
// (--text, --ctx, --stride, --max-bytes, --no-bos). --text always means evaluation text.

#include "cli/commandoptions.h"

#include "lm/evaluator.h"

namespace nwc::cli {

/// Which options of the group a command offers, and their defaults there.
struct EvaluationSpec {
    /// --text FILE, with this help ("" : the command has no --text).
    QString textHelp = QStringLiteral("UTF-8 text file to evaluate on.");
    /// --ctx N and --stride N.
    bool windows = true;
    int contextLength = 256;
    /// Default --stride; 0 = non-overlapping windows.
    int stride = 0;
    /// --max-bytes N, default (-1: the whole text).
    bool maxBytesOption = true;
    qint64 maxBytes = -1;
    /// --no-bos, with this help.
    bool bosOption = true;
    QString bosHelp = QStringLiteral("Do not start windows with BOS.");
};

/// What the evaluation group read.
struct EvaluationOptions {
    /// --text; empty when not given.
    QString textPath;
    PerplexitySettings windows;
};

void addEvaluationOptions(CommandOptions &options, const EvaluationSpec &spec = {});
/// Reads and checks the group (--ctx at least 2, --stride not negative).
EvaluationOptions readEvaluationOptions(const CommandOptions &options,
                                        const EvaluationSpec &spec = {});
/// The bytes of the --text file at `path`. Throws nwc::Error naming the file when it cannot be
/// read, or when it is empty and `allowEmpty` is false.
QByteArray readEvaluationText(const QString &path, bool allowEmpty = false);

} // namespace nwc::cli
