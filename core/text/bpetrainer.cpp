#include "text/bpetrainer.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>
#include <unordered_map>

namespace nwc {
namespace {

/// GPT-2's bytes_to_unicode(): printable bytes map to themselves, the rest to U+0100 onwards.
const QVector<char16_t> &byteToUnicodeTable() {
    static const QVector<char16_t> table = [] {
        QVector<char16_t> result(256, 0);
        QVector<bool> printable(256, false);
        for (int b = '!'; b <= '~'; ++b)
            printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; ++b)
            printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; ++b)
            printable[b] = true;
        int next = 0;
        for (int b = 0; b < 256; ++b)
            result[b] = printable[b] ? char16_t(b) : char16_t(256 + next++);
        return result;
    }();
    return table;
}

QJsonObject addedToken(int id, const QString &content) {
    QJsonObject token;
    token[QStringLiteral("id")] = id;
    token[QStringLiteral("content")] = content;
    token[QStringLiteral("single_word")] = false;
    token[QStringLiteral("lstrip")] = false;
    token[QStringLiteral("rstrip")] = false;
    token[QStringLiteral("normalized")] = false;
    token[QStringLiteral("special")] = true;
    return token;
}

QJsonObject templatePiece(const char *kind, const QString &id, int typeId) {
    QJsonObject inner;
    inner[QStringLiteral("id")] = id;
    inner[QStringLiteral("type_id")] = typeId;
    QJsonObject piece;
    piece[QString::fromLatin1(kind)] = inner;
    return piece;
}

quint64 pairKey(int left, int right) {
    return (quint64(quint32(left)) << 32) | quint32(right);
}

} // namespace

BpeTrainer::BpeTrainer(const BpeTrainerSettings &settings)
    : m_settings(settings) {
    if (m_settings.vocabSize < 258)
        throw Error(QStringLiteral("BPE vocabulary size %1 is too small: it must hold the 256 "
                                   "byte tokens and the 2 special tokens")
                        .arg(m_settings.vocabSize));
    m_tokens.push_back(m_settings.bosToken.toUtf8());
    m_tokens.push_back(m_settings.eosToken.toUtf8());
    for (int b = 0; b < 256; ++b) {
        const QByteArray bytes(1, char(b));
        m_ids.insert(bytes, int(m_tokens.size()));
        m_tokens.push_back(bytes);
    }
}

QString BpeTrainer::preTokenizerPattern() {
    return QStringLiteral(
        "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
}

QVector<QByteArray> BpeTrainer::preTokenize(const QByteArray &utf8) {
    static const QRegularExpression pattern(preTokenizerPattern(),
                                            QRegularExpression::UseUnicodePropertiesOption);
    const QString text = QString::fromUtf8(utf8);
    QVector<QByteArray> pieces;
    qsizetype position = 0;
    QRegularExpressionMatchIterator it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        if (match.capturedStart() > position)
            pieces.append(text.mid(position, match.capturedStart() - position).toUtf8());
        if (match.capturedLength() > 0)
            pieces.append(match.captured(0).toUtf8());
        position = match.capturedEnd();
    }
    if (position < text.size())
        pieces.append(text.mid(position).toUtf8());
    return pieces;
}

QString BpeTrainer::byteLevelEncode(const QByteArray &bytes) {
    const QVector<char16_t> &table = byteToUnicodeTable();
    QString result;
    result.reserve(bytes.size());
    for (char c : bytes)
        result.append(QChar(table.at(uchar(c))));
    return result;
}

void BpeTrainer::addText(const QByteArray &utf8) {
    if (m_trained)
        throw Error(QStringLiteral("BpeTrainer::addText called after train()"));
    for (const QByteArray &piece : preTokenize(utf8))
        ++m_pieceCounts[piece];
}

int BpeTrainer::tokenId(const QByteArray &bytes) {
    const auto it = m_ids.constFind(bytes);
    if (it != m_ids.constEnd())
        return it.value();
    const int id = int(m_tokens.size());
    m_tokens.push_back(bytes);
    m_ids.insert(bytes, id);
    return id;
}

void BpeTrainer::train(ProgressSink *progress) {
    if (m_trained)
        throw Error(QStringLiteral("BpeTrainer::train called twice"));
    m_trained = true;

    // Unique pieces in a fixed (sorted) order, so nothing depends on hash iteration order.
    QVector<QByteArray> pieces = m_pieceCounts.keys().toVector();
    std::sort(pieces.begin(), pieces.end());
    std::vector<Word> words;
    words.reserve(pieces.size());
    for (const QByteArray &piece : pieces) {
        Word word;
        word.count = m_pieceCounts.value(piece);
        for (char c : piece)
            word.symbols.push_back(2 + uchar(c));
        words.push_back(std::move(word));
    }

    const int target = m_settings.vocabSize;
    std::unordered_map<quint64, qint64> pairCounts;
    while (int(m_tokens.size()) < target) {
        throwIfCancelled(progress);
        reportProgress(progress, double(m_tokens.size()) / target,
                       QStringLiteral("BPE vocabulary %1/%2").arg(m_tokens.size()).arg(target));
        pairCounts.clear();
        for (const Word &word : words) {
            for (size_t i = 0; i + 1 < word.symbols.size(); ++i)
                pairCounts[pairKey(word.symbols[i], word.symbols[i + 1])] += word.count;
        }
        int bestLeft = -1;
        int bestRight = -1;
        qint64 bestCount = 0;
        for (const auto &entry : pairCounts) {
            const int left = int(entry.first >> 32);
            const int right = int(entry.first & 0xffffffffu);
            bool better = entry.second > bestCount;
            if (!better && entry.second == bestCount && bestLeft >= 0) {
                const QByteArray &l = m_tokens[size_t(left)];
                const QByteArray &bl = m_tokens[size_t(bestLeft)];
                better =
                    l < bl || (l == bl && m_tokens[size_t(right)] < m_tokens[size_t(bestRight)]);
            }
            if (better) {
                bestLeft = left;
                bestRight = right;
                bestCount = entry.second;
            }
        }
        if (bestLeft < 0 || bestCount < m_settings.minFrequency)
            break;
        const QByteArray leftBytes = m_tokens[size_t(bestLeft)];
        const QByteArray rightBytes = m_tokens[size_t(bestRight)];
        const int merged = tokenId(leftBytes + rightBytes);
        m_merges.emplace_back(leftBytes, rightBytes);
        for (Word &word : words) {
            std::vector<int> &symbols = word.symbols;
            size_t out = 0;
            for (size_t i = 0; i < symbols.size(); ++i) {
                if (i + 1 < symbols.size() && symbols[i] == bestLeft &&
                    symbols[i + 1] == bestRight) {
                    symbols[out++] = merged;
                    ++i;
                } else {
                    symbols[out++] = symbols[i];
                }
            }
            symbols.resize(out);
        }
    }
    reportProgress(progress, 1.0, QStringLiteral("BPE vocabulary %1").arg(m_tokens.size()));
}

QByteArray BpeTrainer::tokenizerJson() const {
    const QString bos = m_settings.bosToken;
    const QString eos = m_settings.eosToken;

    QJsonObject vocab;
    vocab[bos] = bosId();
    vocab[eos] = eosId();
    for (size_t id = 2; id < m_tokens.size(); ++id)
        vocab[byteLevelEncode(m_tokens[id])] = int(id);
    QJsonArray merges;
    for (const auto &merge : m_merges)
        merges.append(QString(byteLevelEncode(merge.first) + QLatin1Char(' ') +
                              byteLevelEncode(merge.second)));

    QJsonObject model;
    model[QStringLiteral("type")] = QStringLiteral("BPE");
    model[QStringLiteral("dropout")] = QJsonValue::Null;
    model[QStringLiteral("unk_token")] = QJsonValue::Null;
    model[QStringLiteral("continuing_subword_prefix")] = QJsonValue::Null;
    model[QStringLiteral("end_of_word_suffix")] = QJsonValue::Null;
    model[QStringLiteral("fuse_unk")] = false;
    model[QStringLiteral("byte_fallback")] = false;
    model[QStringLiteral("ignore_merges")] = false;
    model[QStringLiteral("vocab")] = vocab;
    model[QStringLiteral("merges")] = merges;

    QJsonObject regex;
    regex[QStringLiteral("Regex")] = preTokenizerPattern();
    QJsonObject split;
    split[QStringLiteral("type")] = QStringLiteral("Split");
    split[QStringLiteral("pattern")] = regex;
    split[QStringLiteral("behavior")] = QStringLiteral("Isolated");
    split[QStringLiteral("invert")] = false;
    QJsonObject byteLevel;
    byteLevel[QStringLiteral("type")] = QStringLiteral("ByteLevel");
    byteLevel[QStringLiteral("add_prefix_space")] = false;
    byteLevel[QStringLiteral("trim_offsets")] = true;
    byteLevel[QStringLiteral("use_regex")] = false;
    QJsonObject preTokenizer;
    preTokenizer[QStringLiteral("type")] = QStringLiteral("Sequence");
    preTokenizer[QStringLiteral("pretokenizers")] = QJsonArray{split, byteLevel};

    QJsonObject decoder;
    decoder[QStringLiteral("type")] = QStringLiteral("ByteLevel");
    decoder[QStringLiteral("add_prefix_space")] = true;
    decoder[QStringLiteral("trim_offsets")] = true;
    decoder[QStringLiteral("use_regex")] = true;

    QJsonObject bosEntry;
    bosEntry[QStringLiteral("id")] = bos;
    bosEntry[QStringLiteral("ids")] = QJsonArray{bosId()};
    bosEntry[QStringLiteral("tokens")] = QJsonArray{bos};
    QJsonObject specialTokens;
    specialTokens[bos] = bosEntry;
    QJsonObject postProcessor;
    postProcessor[QStringLiteral("type")] = QStringLiteral("TemplateProcessing");
    postProcessor[QStringLiteral("single")] = QJsonArray{
        templatePiece("SpecialToken", bos, 0), templatePiece("Sequence", QStringLiteral("A"), 0)};
    postProcessor[QStringLiteral("pair")] = QJsonArray{
        templatePiece("SpecialToken", bos, 0), templatePiece("Sequence", QStringLiteral("A"), 0),
        templatePiece("SpecialToken", bos, 1), templatePiece("Sequence", QStringLiteral("B"), 1)};
    postProcessor[QStringLiteral("special_tokens")] = specialTokens;

    QJsonObject root;
    root[QStringLiteral("version")] = QStringLiteral("1.0");
    root[QStringLiteral("truncation")] = QJsonValue::Null;
    root[QStringLiteral("padding")] = QJsonValue::Null;
    root[QStringLiteral("added_tokens")] =
        QJsonArray{addedToken(bosId(), bos), addedToken(eosId(), eos)};
    root[QStringLiteral("normalizer")] = QJsonValue::Null;
    root[QStringLiteral("pre_tokenizer")] = preTokenizer;
    root[QStringLiteral("post_processor")] = postProcessor;
    root[QStringLiteral("decoder")] = decoder;
    root[QStringLiteral("model")] = model;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray BpeTrainer::tokenizerConfigJson() const {
    QJsonObject config;
    config[QStringLiteral("tokenizer_class")] = QStringLiteral("PreTrainedTokenizerFast");
    config[QStringLiteral("bos_token")] = m_settings.bosToken;
    config[QStringLiteral("eos_token")] = m_settings.eosToken;
    config[QStringLiteral("add_bos_token")] = true;
    config[QStringLiteral("add_eos_token")] = false;
    config[QStringLiteral("clean_up_tokenization_spaces")] = false;
    return QJsonDocument(config).toJson(QJsonDocument::Indented);
}

void BpeTrainer::save(const QString &directory) const {
    if (!QDir().mkpath(directory))
        throw Error(QStringLiteral("cannot create tokenizer directory %1").arg(directory));
    const QDir dir(directory);
    for (const auto &[name, bytes] :
         {std::make_pair(QStringLiteral("tokenizer.json"), tokenizerJson()),
          std::make_pair(QStringLiteral("tokenizer_config.json"), tokenizerConfigJson())}) {
        const QString path = dir.filePath(name);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            throw Error(
                QStringLiteral("cannot write tokenizer %1: %2").arg(path, file.errorString()));
    }
}

} // namespace nwc
