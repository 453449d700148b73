#include "cli/pairgroup.h"

namespace nwc::cli {

void addPairOptions(CommandOptions &options) {
    options.addValue(QStringLiteral("student"),
                     QStringLiteral("Student model (default demo:student)."),
                     QStringLiteral("MODEL"), QStringLiteral("demo:student"));
    options.addValue(
        QStringLiteral("teacher"),
        QStringLiteral("Teacher model, may be a .nwc container (default demo:teacher)."),
        QStringLiteral("MODEL"), QStringLiteral("demo:teacher"));
}

PairOptions readPairOptions(const CommandOptions &options) {
    return {options.value(QStringLiteral("student")), options.value(QStringLiteral("teacher"))};
}

} // namespace nwc::cli
