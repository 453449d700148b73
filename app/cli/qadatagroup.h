#pragma once
// Option group "QA data": which question set a QA command reads and how (--data, --template,
// --question-field, --answer-field, --answer-regex). GSM8K-style files (answer "… #### N") need
// no options.

#include "cli/commandoptions.h"
#include "lm/qaformat.h"

namespace nwc::cli {

/// What the group read.
struct QaDataOptions {
    QString dataPath;       ///< the file (the built-in default when --data is absent)
    QString promptTemplate; ///< contains "{question}"
    QaFormat format;
};

/// Adds the group; `builtInDescription` says what --data defaults to.
void addQaDataOptions(CommandOptions &options, const QString &builtInDescription);
/// Reads and checks the group: throws nwc::Error for an unreadable template, a template without
/// {question}, or an invalid --answer-regex. `builtInPath` is used when --data is absent.
QaDataOptions readQaDataOptions(const CommandOptions &options, const QString &builtInPath,
                                const QString &defaultTemplate);

} // namespace nwc::cli
