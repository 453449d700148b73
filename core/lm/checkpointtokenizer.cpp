#include "lm/checkpointtokenizer.h"

#include "jobs/error.h"

#include <QDir>
#include <QFileInfo>

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

/// The folder a checkpoint's tokenizer is searched in, for messages.
QString searchedFolder(const Checkpoint &checkpoint, const QString &spec) {
    const QFileInfo info(Checkpoint::resolveSpec(spec));
    if (info.isDir())
        return QDir::toNativeSeparators(info.absoluteFilePath());
    if (info.exists())
        return QDir::toNativeSeparators(info.absolutePath());
    return checkpoint.source();
}

} // namespace

std::unique_ptr<Tokenizer> loadCheckpointTokenizer(const Checkpoint &checkpoint,
                                                   const QString &spec,
                                                   const QString &tokenizerPath,
                                                   QString *usedPath) {
    const QString path = tokenizerPath.isEmpty() ? checkpoint.tokenizerPath() : tokenizerPath;
    if (path.isEmpty())
        throw Error(QStringLiteral("no tokenizer found for %1: looked in %2 for tokenizer.json, "
                                   "tokenizer.model, vocab.json (+ merges.txt), encoder.json "
                                   "(+ vocab.bpe) and tok*.bin; pass the tokenizer file with "
                                   "--tokenizer")
                        .arg(spec, searchedFolder(checkpoint, spec)));
    const QString hint =
        needsPreTokenizerHint(path) ? preTokenizerHint(checkpoint.config()) : QString();
    std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(path, hint);
    if (usedPath)
        *usedPath = path;
    return tokenizer;
}

} // namespace nwc
