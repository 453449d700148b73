#include "text/tokenizerjsonreader.h"

#include "jobs/error.h"
#include "text/bpetokenizer.h"
#include "text/jsonfile.h"
#include "text/specialtokens.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

#include <cmath>

namespace nwc {

namespace {

bool mentionsType(const QJsonValue &value, const QString &type) {
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        if (object.value(QLatin1String("type")).toString() == type)
            return true;
        for (auto it = object.begin(); it != object.end(); ++it)
            if (it->isArray() && mentionsType(*it, type))
                return true;
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array)
            if (mentionsType(item, type))
                return true;
    }
    return false;
}

int32_t lookupSpecial(const BpeTokenizer &tokenizer, const QString &name, const QString &path) {
    const int32_t id = tokenizer.contentId(name);
    if (id < 0)
        throw Error(QStringLiteral("%1: the post-processor names token \"%2\", which is not in "
                                   "the vocabulary; the file is damaged")
                        .arg(path, name));
    return id;
}

// An id the post-processor adds: it must name a token of the vocabulary.
int32_t postProcessorId(const QJsonValue &value, const BpeTokenizer &tokenizer,
                        const QString &path) {
    const double id = value.toDouble(-1.0);
    if (!value.isDouble() || id != std::floor(id) || id < 0 || id >= tokenizer.vocabSize())
        throw Error(QStringLiteral("%1: the post-processor adds the id %2, which is not a token of "
                                   "the vocabulary (0 to %3); the file is damaged")
                        .arg(path, value.isDouble() ? QString::number(id, 'g', 17)
                                                    : QStringLiteral("(not a number)"))
                        .arg(tokenizer.vocabSize() - 1));
    return int32_t(id);
}

void readPostProcessor(const QJsonValue &json, const BpeTokenizer &tokenizer, const QString &path,
                       std::vector<int32_t> &prefix, std::vector<int32_t> &suffix) {
    if (!json.isObject())
        return;
    const QJsonObject object = json.toObject();
    const QString type = object.value(QLatin1String("type")).toString();
    if (type == QLatin1String("Sequence")) {
        const QJsonArray processors = object.value(QLatin1String("processors")).toArray();
        for (const QJsonValue &p : processors)
            readPostProcessor(p, tokenizer, path, prefix, suffix);
    } else if (type == QLatin1String("TemplateProcessing")) {
        const QJsonObject specials = object.value(QLatin1String("special_tokens")).toObject();
        const QJsonArray single = object.value(QLatin1String("single")).toArray();
        bool afterSequence = false;
        for (const QJsonValue &item : single) {
            const QJsonObject entry = item.toObject();
            if (entry.contains(QLatin1String("Sequence"))) {
                afterSequence = true;
                continue;
            }
            const QString name = entry.value(QLatin1String("SpecialToken"))
                                     .toObject()
                                     .value(QLatin1String("id"))
                                     .toString();
            std::vector<int32_t> ids;
            const QJsonArray listed =
                specials.value(name).toObject().value(QLatin1String("ids")).toArray();
            for (const QJsonValue &id : listed)
                ids.push_back(postProcessorId(id, tokenizer, path));
            if (ids.empty())
                ids.push_back(lookupSpecial(tokenizer, name, path));
            auto &target = afterSequence ? suffix : prefix;
            target.insert(target.end(), ids.begin(), ids.end());
        }
    } else if (type == QLatin1String("RobertaProcessing") ||
               type == QLatin1String("BertProcessing")) {
        const QJsonArray cls = object.value(QLatin1String("cls")).toArray();
        const QJsonArray sep = object.value(QLatin1String("sep")).toArray();
        if (cls.size() == 2)
            prefix.push_back(postProcessorId(cls.at(1), tokenizer, path));
        if (sep.size() == 2)
            suffix.push_back(postProcessorId(sep.at(1), tokenizer, path));
    } else if (type != QLatin1String("ByteLevel")) {
        throw Error(
            QStringLiteral("%1: post-processor type \"%2\" is not supported").arg(path, type));
    }
}

// "a b" -> a, b. Hugging Face rejects lines with more than one space, but some files in the
// wild hold pieces that contain a space (onnxruntime-extensions' Llama 2 tokenizer.json has
// U+00A0 rewritten as U+0020, giving merges like "   "): take the one cut whose halves and
// their concatenation are all pieces. Ambiguous or impossible lines stay errors.
void splitMerge(const QString &line, const BpeTokenizer &tokenizer, QString &left, QString &right) {
    const qsizetype space = line.indexOf(QLatin1Char(' '));
    if (space > 0 && line.indexOf(QLatin1Char(' '), space + 1) < 0) {
        left = line.left(space);
        right = line.mid(space + 1);
        return;
    }
    int found = 0;
    for (qsizetype cut = 1; cut + 1 < line.size(); ++cut) {
        if (line.at(cut) != QLatin1Char(' '))
            continue;
        const QString a = line.left(cut);
        const QString b = line.mid(cut + 1);
        if (tokenizer.pieceId(a) >= 0 && tokenizer.pieceId(b) >= 0 &&
            tokenizer.pieceId(a + b) >= 0) {
            left = a;
            right = b;
            ++found;
        }
    }
    if (found != 1) {
        left.clear();
        right.clear();
    }
}

void readMerges(const QJsonArray &merges, BpeTokenizer &tokenizer, const QString &path) {
    int index = 0;
    for (const QJsonValue &merge : merges) {
        QString left;
        QString right;
        if (merge.isArray()) {
            const QJsonArray pair = merge.toArray();
            if (pair.size() == 2) {
                left = pair.at(0).toString();
                right = pair.at(1).toString();
            }
        } else {
            splitMerge(merge.toString(), tokenizer, left, right);
        }
        if (left.isEmpty() || right.isEmpty())
            throw Error(QStringLiteral("%1: merge %2 is not a pair of pieces; the file is "
                                       "damaged")
                            .arg(path)
                            .arg(index));
        if (!tokenizer.addMerge(left, right))
            throw Error(QStringLiteral("%1: merge %2 (\"%3\" + \"%4\") uses a piece that is not "
                                       "in the vocabulary; the file is damaged")
                            .arg(path)
                            .arg(index)
                            .arg(left, right));
        ++index;
    }
}

} // namespace

std::unique_ptr<BpeTokenizer> TokenizerJsonReader::read(const QString &path) {
    const QJsonObject root = JsonFile::readObject(path);
    const QString config = QFileInfo(path).dir().filePath(QStringLiteral("tokenizer_config.json"));
    return fromJson(root, path, QFileInfo::exists(config) ? config : QString());
}

std::unique_ptr<BpeTokenizer> TokenizerJsonReader::fromJson(const QJsonObject &root,
                                                            const QString &path,
                                                            const QString &configPath) {
    const QJsonObject model = root.value(QLatin1String("model")).toObject();
    const QString type = model.value(QLatin1String("type")).toString(QStringLiteral("BPE"));
    if (type != QLatin1String("BPE"))
        throw Error(QStringLiteral("%1: tokenizer model type \"%2\" is not supported (only BPE); "
                                   "use the model's tokenizer.model (SentencePiece) if it has "
                                   "one")
                        .arg(path, type));
    if (!model.value(QLatin1String("vocab")).isObject() ||
        !model.value(QLatin1String("merges")).isArray())
        throw Error(QStringLiteral("%1: the BPE model has no vocab object or merges list; this "
                                   "is not a complete tokenizer.json")
                        .arg(path));
    if (!model.value(QLatin1String("continuing_subword_prefix")).toString().isEmpty() ||
        !model.value(QLatin1String("end_of_word_suffix")).toString().isEmpty())
        throw Error(QStringLiteral("%1: BPE with a continuing_subword_prefix or "
                                   "end_of_word_suffix is not supported")
                        .arg(path));

    const QJsonValue preTokenizer = root.value(QLatin1String("pre_tokenizer"));
    const QJsonValue decoder = root.value(QLatin1String("decoder"));
    const bool byteLevel = mentionsType(preTokenizer, QStringLiteral("ByteLevel")) ||
                           mentionsType(decoder, QStringLiteral("ByteLevel"));
    auto tokenizer = std::make_unique<BpeTokenizer>(byteLevel);

    const QJsonObject vocab = model.value(QLatin1String("vocab")).toObject();
    const QJsonArray merges = model.value(QLatin1String("merges")).toArray();
    const QJsonArray added = root.value(QLatin1String("added_tokens")).toArray();
    const qsizetype entries = vocab.size() + added.size();
    tokenizer->reserve(int(vocab.size()), int(merges.size()));
    for (auto it = vocab.begin(); it != vocab.end(); ++it)
        tokenizer->addPiece(it.key(), JsonFile::tokenId(it.value(), entries, path,
                                                        QStringLiteral("piece"), it.key()));
    readMerges(merges, *tokenizer, path);

    BpeModel &bpe = tokenizer->model();
    bpe.setByteFallback(model.value(QLatin1String("byte_fallback")).toBool());
    bpe.setIgnoreMerges(model.value(QLatin1String("ignore_merges")).toBool());
    const QString unknown = model.value(QLatin1String("unk_token")).toString();
    bpe.setUnknown(unknown.isEmpty() ? -1 : tokenizer->pieceId(unknown),
                   model.value(QLatin1String("fuse_unk")).toBool());

    for (const QJsonValue &value : added) {
        const QJsonObject object = value.toObject();
        AddedVocabulary::Token token;
        token.content = object.value(QLatin1String("content")).toString();
        if (token.content.isEmpty())
            throw Error(
                QStringLiteral("%1: an added token has no content; the file is damaged").arg(path));
        token.id = JsonFile::tokenId(object.value(QLatin1String("id")), entries, path,
                                     QStringLiteral("added token"), token.content);
        token.special = object.value(QLatin1String("special")).toBool();
        token.lstrip = object.value(QLatin1String("lstrip")).toBool();
        token.rstrip = object.value(QLatin1String("rstrip")).toBool();
        token.singleWord = object.value(QLatin1String("single_word")).toBool();
        token.normalized = object.value(QLatin1String("normalized")).toBool(!token.special);
        tokenizer->addAddedToken(token);
    }

    tokenizer->setNormalizer(Normalizer::fromJson(root.value(QLatin1String("normalizer")), path));
    tokenizer->setPreTokenizer(PreTokenizer::fromJson(preTokenizer, path));
    tokenizer->setDecoder(TokenDecoder::fromJson(decoder, path));

    std::vector<int32_t> prefix;
    std::vector<int32_t> suffix;
    readPostProcessor(root.value(QLatin1String("post_processor")), *tokenizer, path, prefix,
                      suffix);

    const SpecialTokenIds special = resolveSpecialTokens(*tokenizer, path, configPath, prefix, suffix);
    tokenizer->setBosEos(special.bos, special.eos);
    tokenizer->setTemplate(std::move(prefix), std::move(suffix));
    tokenizer->finalize();
    return tokenizer;
}

} // namespace nwc
