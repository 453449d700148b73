#include "text/tokenizer.h"

#include "jobs/error.h"
#include "text/bpetokenizer.h"
#include "text/gpt2filesreader.h"
#include "text/jsonfile.h"
#include "text/llama2ctokenizer.h"
#include "text/regexpattern.h"
#include "text/sentencepiecetokenizer.h"
#include "text/tiktokenreader.h"
#include "text/tokenizerjsonreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace nwc {

namespace {

QByteArray fileHead(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open the tokenizer file (%2); check the path "
                                   "and its permissions")
                        .arg(path, file.errorString()));
    return file.read(256);
}

// The merges file that goes with a GPT-2-layout vocabulary.
QString mergesBeside(const QFileInfo &vocab) {
    const QDir dir = vocab.dir();
    const QStringList candidates =
        vocab.fileName() == QLatin1String("encoder.json")
            ? QStringList{QStringLiteral("vocab.bpe"), QStringLiteral("merges.txt")}
            : QStringList{QStringLiteral("merges.txt"), QStringLiteral("vocab.bpe")};
    for (const QString &name : candidates)
        if (QFileInfo::exists(dir.filePath(name)))
            return dir.filePath(name);
    throw Error(QStringLiteral("%1: no merges.txt or vocab.bpe beside this vocabulary; put the "
                               "merges file in the same folder")
                    .arg(vocab.filePath()));
}

std::unique_ptr<Tokenizer> loadJson(const QFileInfo &info, const QString &hint) {
    const QString path = info.filePath();
    const QJsonObject root = JsonFile::readObject(path);
    if (root.value(QLatin1String("model")).isObject()) {
        const QString config = info.dir().filePath(QStringLiteral("tokenizer_config.json"));
        return TokenizerJsonReader::fromJson(root, path,
                                             QFileInfo::exists(config) ? config : QString());
    }
    if (root.value(QLatin1String("added_tokens_decoder")).isObject() ||
        root.value(QLatin1String("tokenizer_class")).isString())
        throw Error(QStringLiteral("%1: this is a tokenizer_config.json; load the "
                                   "tokenizer.json beside it")
                        .arg(path));
    if (root.isEmpty() || !root.begin()->isDouble())
        throw Error(QStringLiteral("%1: neither a tokenizer.json nor a vocab.json/encoder.json "
                                   "(piece -> id); load the model's tokenizer file")
                        .arg(path));
    return Gpt2FilesReader::fromJson(root, path, mergesBeside(info), hint);
}

std::unique_ptr<Tokenizer> loadFile(const QFileInfo &info, const QString &hint) {
    const QString path = info.filePath();
    const QString name = info.fileName();
    const QString suffix = info.suffix().toLower();
    if (name == QLatin1String("merges.txt") || name == QLatin1String("vocab.bpe")) {
        const QString vocab =
            info.dir().filePath(name == QLatin1String("vocab.bpe") ? QStringLiteral("encoder.json")
                                                                   : QStringLiteral("vocab.json"));
        if (!QFileInfo::exists(vocab))
            throw Error(QStringLiteral("%1: this is a merges file; load the vocabulary beside "
                                       "it (%2 is missing)")
                            .arg(path, vocab));
        return loadJson(QFileInfo(vocab), hint);
    }
    if (suffix == QLatin1String("bin"))
        return std::make_unique<Llama2cTokenizer>(path);
    const QByteArray head = fileHead(path);
    if (suffix == QLatin1String("json") || head.trimmed().startsWith('{'))
        return loadJson(info, hint);
    if (TiktokenReader::looksLikeTiktoken(head))
        return TiktokenReader::read(path, hint);
    if (suffix == QLatin1String("model"))
        return std::make_unique<SentencePieceTokenizer>(path);
    throw Error(QStringLiteral("%1: not a recognised tokenizer file; expected tokenizer.json, "
                               "tokenizer.model, vocab.json + merges.txt, encoder.json + "
                               "vocab.bpe or a llama2.c tok*.bin")
                    .arg(path));
}

} // namespace

std::unique_ptr<Tokenizer> Tokenizer::load(const QString &path, const QString &preTokenizerHint) {
    if (!preTokenizerHint.isEmpty() && RegexPattern::builtin(preTokenizerHint).isEmpty())
        throw Error(QStringLiteral("unknown pre-tokenizer \"%1\" for %2; use gpt2, llama3 or "
                                   "qwen2")
                        .arg(preTokenizerHint, path));
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(
            QStringLiteral("%1: no such file or folder; check the tokenizer path").arg(path));
    if (!info.isDir())
        return loadFile(info, preTokenizerHint);

    const QDir dir(path);
    for (const char *name : {"tokenizer.json", "tokenizer.model", "vocab.json", "encoder.json"}) {
        const QString candidate = dir.filePath(QLatin1String(name));
        if (QFileInfo::exists(candidate))
            return loadFile(QFileInfo(candidate), preTokenizerHint);
    }
    const QStringList bins = dir.entryList({QStringLiteral("tok*.bin")}, QDir::Files, QDir::Name);
    if (!bins.isEmpty())
        return loadFile(QFileInfo(dir.filePath(bins.front())), preTokenizerHint);
    throw Error(QStringLiteral("%1: no tokenizer found in this folder; expected tokenizer.json, "
                               "tokenizer.model, vocab.json + merges.txt, encoder.json + "
                               "vocab.bpe or tok*.bin")
                    .arg(path));
}

} // namespace nwc
