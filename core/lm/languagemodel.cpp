// Loading a model: checkpoint + tokenizer + runtime weights.
#include "lm/languagemodel.h"

#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/memorybudget.h"
#include "jobs/progresssink.h"
#include "lm/checkpointtokenizer.h"
#include "lm/runtimememory.h"
#include "lm/transformer.h"

#include <algorithm>

namespace nwc {

LanguageModel::~LanguageModel() = default;

std::shared_ptr<LanguageModel>
LanguageModel::load(const QString &spec, const QString &tokenizerPath, ProgressSink *progress,
                    const ComputeOptions &options) {
    requireUsableComputeOptions(options);
    reportProgress(progress, 0.0, QStringLiteral("opening %1").arg(spec));
    CheckpointPtr checkpoint = Checkpoint::open(spec);
    std::shared_ptr<const Tokenizer> tokenizer =
        loadCheckpointTokenizer(*checkpoint, spec, tokenizerPath);
    return fromParts(std::move(checkpoint), std::move(tokenizer), progress, options);
}

std::shared_ptr<LanguageModel> LanguageModel::fromParts(CheckpointPtr checkpoint,
                                                        std::shared_ptr<const Tokenizer> tokenizer,
                                                        ProgressSink *progress,
                                                        const ComputeOptions &options) {
    if (!checkpoint || !tokenizer)
        throw Error(QStringLiteral("a language model needs both a checkpoint and a tokenizer"));
    const ModelConfig &config = checkpoint->config();
    if (tokenizer->vocabSize() > config.vocabSize)
        throw Error(QStringLiteral("the tokenizer has %1 tokens but %2 has only %3 embedding "
                                   "rows; it belongs to a different model: pass the model's own "
                                   "tokenizer with --tokenizer")
                        .arg(tokenizer->vocabSize())
                        .arg(checkpoint->source())
                        .arg(config.vocabSize));
    requireAvailableMemory(
        runtimeBytes(*checkpoint, options),
        QStringLiteral("%1 (%2 parameters, matrices as %3)")
            .arg(checkpoint->source())
            .arg(parameterCount(*checkpoint))
            .arg(QString::fromLatin1(c10::toString(matrixStorageType(*checkpoint, options)))));
    Transformer module(*checkpoint, options, progress);
    module->eval();

    std::shared_ptr<LanguageModel> model(new LanguageModel);
    model->m_checkpoint = std::move(checkpoint);
    model->m_tokenizer = std::move(tokenizer);
    model->m_runtime = std::make_unique<TransformerHandle>(std::move(module));
    model->m_options = options;
    return model;
}

bool LanguageModel::addsBos() const {
    const Architecture architecture = config().architecture;
    const bool llamaFamily =
        architecture == Architecture::Llama || architecture == Architecture::Mistral;
    return llamaFamily && m_tokenizer->bosId() >= 0;
}

} // namespace nwc
