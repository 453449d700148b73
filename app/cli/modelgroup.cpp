#include "cli/modelgroup.h"

#include "cli/clioutput.h"

namespace nwc::cli {

void addModelPositional(CommandOptions &options) {
    options.addPositional(QStringLiteral("MODEL"),
                          QStringLiteral("HF directory, llama2.c .bin, or demo:NAME"));
}

void addModelOptions(CommandOptions &options) {
    options.addValue(
        QStringLiteral("tokenizer"),
        QStringLiteral("Tokenizer file: tokenizer.json, tokenizer.model, vocab.json or tok*.bin "
                       "(default: found beside the model)."),
        QStringLiteral("PATH"));
}

ModelOptions readModelOptions(const CommandOptions &options) {
    ModelOptions model;
    model.tokenizer = options.value(QStringLiteral("tokenizer"));
    return model;
}

LanguageModelPtr loadModel(const ModelOptions &model, const QString &spec,
                           const ComputeOptions &compute) {
    PrintedProgress progress;
    return LanguageModel::load(spec, model.tokenizer, &progress, compute);
}

} // namespace nwc::cli
