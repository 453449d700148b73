#pragma once
// Option group "model": the --tokenizer that goes with a MODEL argument.

#include "cli/commandoptions.h"

#include "lm/languagemodel.h"

namespace nwc::cli {

/// What the model group read.
struct ModelOptions {
    /// --tokenizer; empty: the tokenizer found beside the model.
    QString tokenizer;
};

/// Declares the positional argument MODEL of a command that reads one model.
void addModelPositional(CommandOptions &options);
/// Declares --tokenizer PATH.
void addModelOptions(CommandOptions &options);
ModelOptions readModelOptions(const CommandOptions &options);

/// Loads the model `spec` with the group's tokenizer; reports loading progress on stderr.
LanguageModelPtr loadModel(const ModelOptions &model, const QString &spec,
                           const ComputeOptions &compute = {});

} // namespace nwc::cli
