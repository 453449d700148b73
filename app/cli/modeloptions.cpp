#include "cli/modeloptions.h"

#include "cli/clioutput.h"
#include "jobs/progresssink.h"

namespace nwc::cli {

QCommandLineOption tokenizerOption() {
    return QCommandLineOption(
        QStringLiteral("tokenizer"),
        QStringLiteral("Tokenizer file: tokenizer.json, tokenizer.model, vocab.json or tok*.bin "
                       "(default: found beside the model)."),
        QStringLiteral("PATH"));
}

LanguageModelPtr loadModel(const QCommandLineParser &parser, const QString &spec) {
    CallbackProgress progress(
        [&](double fraction, const QString &message) { printProgress(fraction, message); });
    return LanguageModel::load(spec, parser.value(QStringLiteral("tokenizer")), &progress);
}

} // namespace nwc::cli
