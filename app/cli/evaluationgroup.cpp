#include "cli/evaluationgroup.h"

#include "jobs/error.h"

#include <QFile>

namespace nwc::cli {

void addEvaluationOptions(CommandOptions &options, const EvaluationSpec &spec) {
    if (!spec.textHelp.isEmpty())
        options.addValue(QStringLiteral("text"), spec.textHelp, QStringLiteral("FILE"));
    if (spec.windows) {
        options.addValue(
            QStringLiteral("ctx"),
            QStringLiteral("Context length in tokens (default %1).").arg(spec.contextLength),
            QStringLiteral("N"), QString::number(spec.contextLength));
        options.addValue(
            QStringLiteral("stride"),
            spec.stride == 0
                ? QStringLiteral("Tokens between window starts (default: non-overlapping "
                                 "windows).")
                : QStringLiteral("Tokens between window starts (default %1; 0 = "
                                 "non-overlapping).")
                      .arg(spec.stride),
            QStringLiteral("N"), QString::number(spec.stride));
    }
    if (spec.maxBytesOption)
        options.addValue(
            QStringLiteral("max-bytes"),
            spec.maxBytes < 0
                ? QStringLiteral("Evaluate only the first N bytes of the text (default: all).")
                : QStringLiteral("Evaluate only the first N bytes of the text (default %1).")
                      .arg(spec.maxBytes),
            QStringLiteral("N"), QString::number(spec.maxBytes));
    if (spec.bosOption)
        options.addFlag(QStringLiteral("no-bos"), spec.bosHelp);
}

EvaluationOptions readEvaluationOptions(const CommandOptions &options, const EvaluationSpec &spec) {
    EvaluationOptions evaluation;
    if (!spec.textHelp.isEmpty())
        evaluation.textPath = options.value(QStringLiteral("text"));
    evaluation.windows.contextLength = spec.contextLength;
    evaluation.windows.stride = spec.stride;
    evaluation.windows.maxBytes = spec.maxBytes;
    evaluation.windows.addBos = true;
    if (spec.windows) {
        evaluation.windows.contextLength = options.intValue(QStringLiteral("ctx"));
        evaluation.windows.stride = options.intValue(QStringLiteral("stride"));
    }
    if (spec.maxBytesOption)
        evaluation.windows.maxBytes = options.int64Value(QStringLiteral("max-bytes"));
    if (spec.bosOption)
        evaluation.windows.addBos = !options.isSet(QStringLiteral("no-bos"));
    if (evaluation.windows.contextLength < 2 || evaluation.windows.stride < 0)
        throw Error(QStringLiteral("--ctx must be at least 2 and --stride non-negative"));
    return evaluation;
}

QByteArray readEvaluationText(const QString &path, bool allowEmpty) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read text file %1: %2; check the path given to --text")
                        .arg(path, file.errorString()));
    const QByteArray text = file.readAll();
    if (text.isEmpty() && !allowEmpty)
        throw Error(QStringLiteral("text file %1 is empty; give a file with text in it").arg(path));
    return text;
}

} // namespace nwc::cli
