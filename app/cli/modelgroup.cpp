#include "cli/modelgroup.h"

#include "cli/clioutput.h"
#include "jobs/progresssink.h"

namespace nwc::cli {

void addModelOptions(CommandOptions &options) {
    options.add(QCommandLineOption(
        QStringLiteral("tokenizer"),
        QStringLiteral("Tokenizer file: tokenizer.json, tokenizer.model, vocab.json or tok*.bin "
                       "(default: found beside the model)."),
        QStringLiteral("PATH")));
}

ModelOptions readModelOptions(const CommandOptions &options) {
    ModelOptions model;
    model.tokenizer = options.value(QStringLiteral("tokenizer"));
    return model;
}

LanguageModelPtr loadModel(const ModelOptions &model, const QString &spec,
                           const ComputeOptions &compute) {
    CallbackProgress progress(
        [&](double fraction, const QString &message) { printProgress(fraction, message); });
    return LanguageModel::load(spec, model.tokenizer, &progress, compute);
}

} // namespace nwc::cli
