#include "cli/tokenizersource.h"

#include "io/checkpoint.h"
#include "io/pickleguard.h"
#include "jobs/error.h"
#include "lm/checkpointtokenizer.h"

#include <QDir>
#include <QFileInfo>
#include <exception>

namespace nwc::cli {
namespace {

TokenizerSource openModel(const QString &spec, const QString &tokenizerOption) {
    const CheckpointPtr checkpoint = Checkpoint::open(spec);
    TokenizerSource source;
    source.model = spec;
    source.tokenizer = loadCheckpointTokenizer(*checkpoint, spec, tokenizerOption, &source.path);
    return source;
}

TokenizerSource openTokenizer(const QString &path) {
    TokenizerSource source;
    source.tokenizer = Tokenizer::load(path);
    source.path = path;
    return source;
}

/// A folder holding weights Checkpoint::open reads (a folder with only a tokenizer, or with a
/// config.json but no weights, is a tokenizer folder).
bool holdsWeights(const QFileInfo &info) {
    return !QDir(info.filePath())
                .entryList(
                    {QStringLiteral("*.safetensors"), QStringLiteral("*.safetensors.index.json")},
                    QDir::Files)
                .isEmpty();
}

/// File names only a model has.
bool isModelFile(const QFileInfo &info) {
    const QString name = info.fileName();
    const QString suffix = info.suffix().toLower();
    return suffix == QLatin1String("safetensors") || suffix == QLatin1String("nwc") ||
           name == QLatin1String("config.json") ||
           name.endsWith(QLatin1String(".safetensors.index.json")) ||
           isPickleCheckpoint(info.filePath());
}

/// `first()`, or `second()` when it throws nwc::Error; when both throw, the first error.
template <typename First, typename Second>
TokenizerSource firstThatOpens(First first, Second second) {
    try {
        return first();
    } catch (const Error &) {
        const std::exception_ptr firstError = std::current_exception();
        try {
            return second();
        } catch (const Error &) {
            std::rethrow_exception(firstError);
        }
    }
}

} // namespace

TokenizerSource openTokenizerSource(const QString &spec, const QString &tokenizerOption) {
    if (spec.startsWith(QLatin1String("demo:")))
        return openModel(spec, tokenizerOption);
    const QFileInfo info(spec);
    if (!info.exists())
        throw Error(QStringLiteral("%1: no such file or folder; give a model (Hugging Face "
                                   "folder, llama2.c .bin, .nwc or demo:NAME) or a tokenizer "
                                   "(tokenizer.json, tokenizer.model, tok*.bin or their folder)")
                        .arg(spec));
    if (info.isDir())
        return holdsWeights(info) ? openModel(spec, tokenizerOption) : openTokenizer(spec);
    if (isModelFile(info))
        return openModel(spec, tokenizerOption);
    if (info.suffix().toLower() == QLatin1String("bin")) {
        const auto asModel = [&] { return openModel(spec, tokenizerOption); };
        const auto asTokenizer = [&] { return openTokenizer(spec); };
        return info.fileName().startsWith(QLatin1String("tok"), Qt::CaseInsensitive)
                   ? firstThatOpens(asTokenizer, asModel)
                   : firstThatOpens(asModel, asTokenizer);
    }
    return openTokenizer(spec);
}

} // namespace nwc::cli
