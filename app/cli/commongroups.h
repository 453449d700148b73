#pragma once
// The groups that close every command's options, in this order: model (--tokenizer), compute
// (--device, --threads, --compute-dtype) and output (-o/--output, --json). A command declares
// them and parses its arguments in one call, and reads them in one call.

#include "cli/commandoptions.h"
#include "cli/modelgroup.h"
#include "cli/outputgroup.h"

#include "jobs/computeoptions.h"
#include "lm/languagemodel.h"

#include <optional>

namespace nwc::cli {

/// Which of the common groups a command offers, and how its arguments are parsed and read.
struct CommonSpec {
    /// --tokenizer (the command loads a MODEL).
    bool model = false;
    /// --device, --threads and --compute-dtype.
    bool compute = true;
    OutputSpec output;
    /// Non-empty: the command takes exactly this one positional argument (parseWithOne).
    QString onePositional;
    /// Joins the launched process group once the compute options are read (joinLaunchedGroup).
    bool distributed = false;
};

/// What the common groups read.
struct CommonOptions {
    ModelOptions model;
    ComputeOptions compute;
    OutputOptions output;
};

/// Declares the groups `spec` names after the options already declared, then parses `args`.
/// Returns the exit code the caller should return, if it should stop: 0 after --help was
/// printed, 2 after a usage error (see CommandOptions::parse).
std::optional<int> parseWithCommonOptions(CommandOptions &options, const QStringList &args,
                                          const CommonSpec &spec);
/// Reads and checks the groups `spec` names; sets LibTorch's thread count (useComputeOptions)
/// and, with `spec.distributed`, joins a launched process group.
CommonOptions readCommonOptions(const CommandOptions &options, const CommonSpec &spec);

/// Loads the model `spec` with the common groups' tokenizer and compute options (loadModel).
LanguageModelPtr loadModel(const CommonOptions &common, const QString &spec);

} // namespace nwc::cli
