#pragma once
// Option group "student/teacher pair": the two models of collaborative decoding
// (--student, --teacher).

#include "cli/commandoptions.h"

namespace nwc::cli {

/// What the pair group read: model specs as given.
struct PairOptions {
    QString student;
    QString teacher;
};

/// Declares --student MODEL and --teacher MODEL (defaults: the demo models).
void addPairOptions(CommandOptions &options);
PairOptions readPairOptions(const CommandOptions &options);

} // namespace nwc::cli
