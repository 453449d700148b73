// Loading a model: checkpoint + tokenizer + runtime weights.
#include "lm/languagemodel.h"

#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/memorybudget.h"
#include "jobs/progresssink.h"
#include "lm/transformer.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

namespace nwc {

namespace {

/// The pre-tokenizer a vocab.json / encoder.json tokenizer needs for this architecture.
QString preTokenizerHint(const ModelConfig &config) {
    switch (config.architecture) {
    case Architecture::Gpt2:
        return QStringLiteral("gpt2");
    case Architecture::Qwen2:
        return QStringLiteral("qwen2");
    case Architecture::Llama:
    case Architecture::Mistral:
        return config.vocabSize >= 128000 ? QStringLiteral("llama3") : QString();
    }
    return QString();
}

/// Whether `path` names a tokenizer whose pre-tokenizer is not stored in the file itself.
bool needsPreTokenizerHint(const QString &path) {
    const QFileInfo info(path);
    if (info.isDir())
        return true;
    const QString name = info.fileName();
    return name == QLatin1String("vocab.json") || name == QLatin1String("encoder.json");
}

int64_t parameterCount(const Checkpoint &checkpoint) {
    int64_t count = 0;
    for (const TensorInfo &tensor : checkpoint.tensors())
        count += tensor.elementCount();
    return count;
}

/// Memory the runtime needs: every weight in the type it is held in (matrixStorageType for 2-D
/// tensors, the compute type otherwise), plus the largest tensor twice as float32 while it is
/// read (the decoded values and the tensor made from them).
int64_t runtimeBytes(const Checkpoint &checkpoint, const ComputeOptions &options) {
    const int64_t matrixBytes = int64_t(c10::elementSize(matrixStorageType(checkpoint, options)));
    const int64_t otherBytes = int64_t(c10::elementSize(torchComputeType(options)));
    int64_t largest = 0;
    int64_t total = 0;
    for (const TensorInfo &tensor : checkpoint.tensors()) {
        largest = std::max<int64_t>(largest, tensor.elementCount());
        total += tensor.elementCount() * (tensor.shape.size() == 2 ? matrixBytes : otherBytes);
    }
    return total + 2 * largest * int64_t(sizeof(float));
}

/// The folder a checkpoint's tokenizer is searched in, for messages.
QString searchedFolder(const CheckpointPtr &checkpoint, const QString &spec) {
    const QFileInfo info(Checkpoint::resolveSpec(spec));
    if (info.isDir())
        return QDir::toNativeSeparators(info.absoluteFilePath());
    if (info.exists())
        return QDir::toNativeSeparators(info.absolutePath());
    return checkpoint->source();
}

} // namespace

LanguageModel::~LanguageModel() = default;

std::shared_ptr<LanguageModel>
LanguageModel::load(const QString &spec, const QString &tokenizerPath, ProgressSink *progress,
                    const ComputeOptions &options) {
    requireUsableComputeOptions(options);
    reportProgress(progress, 0.0, QStringLiteral("opening %1").arg(spec));
    CheckpointPtr checkpoint = Checkpoint::open(spec);
    const QString path = tokenizerPath.isEmpty() ? checkpoint->tokenizerPath() : tokenizerPath;
    if (path.isEmpty())
        throw Error(QStringLiteral("no tokenizer found for %1: looked in %2 for tokenizer.json, "
                                   "tokenizer.model, vocab.json (+ merges.txt), encoder.json "
                                   "(+ vocab.bpe) and tok*.bin; pass the tokenizer file with "
                                   "--tokenizer")
                        .arg(spec, searchedFolder(checkpoint, spec)));
    const QString hint =
        needsPreTokenizerHint(path) ? preTokenizerHint(checkpoint->config()) : QString();
    std::shared_ptr<const Tokenizer> tokenizer = Tokenizer::load(path, hint);
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
