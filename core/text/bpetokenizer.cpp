#include "text/bpetokenizer.h"

#include "text/bytelevel.h"
#include "text/utf8.h"

#include <QtEndian>

namespace nwc {

namespace {

void hashInt(QCryptographicHash &hash, int64_t value) {
    const qint64 le = qToLittleEndian(qint64(value));
    hash.addData(QByteArrayView(reinterpret_cast<const char *>(&le), sizeof le));
}

void hashBytes(QCryptographicHash &hash, const QByteArray &bytes) {
    hashInt(hash, bytes.size());
    hash.addData(bytes);
}

} // namespace

BpeTokenizer::BpeTokenizer(bool byteLevel)
    : m_byteLevel(byteLevel)
    , m_mergeHash(std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256)) {
    m_model.setAlphabet(byteLevel ? BpeModel::Alphabet::Bytes : BpeModel::Alphabet::Utf8Chars);
}

void BpeTokenizer::ensureSize(int32_t id) {
    if (size_t(id) >= m_pieceText.size()) {
        m_pieceText.resize(size_t(id) + 1);
        m_pieceBytes.resize(size_t(id) + 1);
        m_special.resize(size_t(id) + 1, false);
    }
}

void BpeTokenizer::reserve(int pieces, int merges) {
    m_pieceIds.reserve(pieces);
    m_pieceText.reserve(size_t(pieces));
    m_pieceBytes.reserve(size_t(pieces));
    m_model.reserve(pieces, merges);
}

void BpeTokenizer::addPiece(const QString &piece, int32_t id) {
    if (id < 0)
        return;
    ensureSize(id);
    m_pieceText[size_t(id)] = piece;
    if (!m_pieceIds.contains(piece))
        m_pieceIds.insert(piece, id);
    if (m_byteLevel) {
        // Pieces outside the byte map are plain text (e.g. "<|endoftext|>" written raw); the
        // ByteLevel decoder passes those through, and BPE can never produce them.
        const std::optional<QByteArray> bytes = ByteLevel::decode(piece);
        if (bytes) {
            m_pieceBytes[size_t(id)] = *bytes;
            m_model.addToken(*bytes, id);
        } else {
            m_pieceBytes[size_t(id)] = piece.toUtf8();
        }
    } else {
        m_pieceBytes[size_t(id)] = piece.toUtf8();
        m_model.addToken(m_pieceBytes[size_t(id)], id);
    }
}

int32_t BpeTokenizer::contentId(const QString &content) const {
    const int32_t added = addedTokenId(content);
    return added >= 0 ? added : m_pieceIds.value(content, -1);
}

int32_t BpeTokenizer::addedTokenId(const QString &content) const {
    for (const AddedVocabulary::Token &token : m_added.tokens())
        if (token.content == content)
            return token.id;
    return -1;
}

bool BpeTokenizer::addMerge(const QString &left, const QString &right) {
    const int32_t leftId = m_pieceIds.value(left, -1);
    const int32_t rightId = m_pieceIds.value(right, -1);
    const int32_t mergedId = m_pieceIds.value(left + right, -1);
    if (leftId < 0 || rightId < 0 || mergedId < 0)
        return false;
    addMergeIds(leftId, rightId, mergedId, m_mergeRank++);
    return true;
}

void BpeTokenizer::addMergeIds(int32_t left, int32_t right, int32_t merged, int32_t rank) {
    m_model.addMerge(left, right, merged, rank);
    hashInt(*m_mergeHash, left);
    hashInt(*m_mergeHash, right);
    hashInt(*m_mergeHash, merged);
    hashInt(*m_mergeHash, rank);
}

void BpeTokenizer::addAddedToken(const AddedVocabulary::Token &token) {
    if (token.id < 0)
        return;
    ensureSize(token.id);
    if (m_pieceText[size_t(token.id)].isEmpty()) {
        m_pieceText[size_t(token.id)] = token.content;
        m_pieceBytes[size_t(token.id)] = token.content.toUtf8();
    }
    if (token.special)
        m_special[size_t(token.id)] = true;
    m_added.add(token);
}

void BpeTokenizer::setTemplate(std::vector<int32_t> prefix, std::vector<int32_t> suffix) {
    m_prefix = std::move(prefix);
    m_suffix = std::move(suffix);
}

void BpeTokenizer::setBosEos(int32_t bos, int32_t eos) {
    m_bos = bos;
    m_eos = eos;
}

void BpeTokenizer::finalize() {
    m_model.finalize();
    m_added.finalize(m_normalizer.isEmpty() ? nullptr : &m_normalizer);

    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(kind().toUtf8());
    hashInt(hash, int64_t(m_pieceText.size()));
    for (size_t id = 0; id < m_pieceText.size(); ++id) {
        hashBytes(hash, m_pieceText[id].toUtf8());
        hashInt(hash, m_special[id] ? 1 : 0);
    }
    hash.addData(m_mergeHash->result());
    m_fingerprint = hash.result();
}

QString BpeTokenizer::kind() const {
    return m_byteLevel ? QStringLiteral("bpe-bytelevel") : QStringLiteral("bpe-sentencepiece");
}

QString BpeTokenizer::tokenText(int32_t id) const {
    if (id < 0 || size_t(id) >= m_pieceText.size())
        return QString();
    return m_pieceText[size_t(id)];
}

void BpeTokenizer::encodeText(const QString &text, bool atStart, std::vector<int32_t> &ids) const {
    std::vector<QString> words;
    m_preTokenizer.split(text, atStart, words);
    for (const QString &word : words) {
        const QByteArray bytes = word.toUtf8();
        m_model.encodeWord(bytes.constData(), int(bytes.size()), ids);
    }
}

std::vector<int32_t> BpeTokenizer::encode(const QByteArray &utf8, bool addSpecialTokens,
                                          bool parseSpecial) const {
    std::vector<int32_t> ids;
    if (addSpecialTokens)
        ids = m_prefix;
    const QString text = Utf8::decode(utf8);

    // Raw text is cut on tokens matched before normalization, each remaining piece is
    // normalized and cut on the normalized tokens, and what is left goes through BPE.
    std::vector<AddedVocabulary::Segment> raw;
    m_added.split(text, false, parseSpecial, raw);
    std::vector<AddedVocabulary::Segment> parts;
    for (const AddedVocabulary::Segment &segment : raw) {
        if (segment.id >= 0) {
            ids.push_back(segment.id);
            continue;
        }
        parts.clear();
        m_added.split(m_normalizer.apply(segment.text), true, parseSpecial, parts);
        for (const AddedVocabulary::Segment &part : parts) {
            if (part.id >= 0)
                ids.push_back(part.id);
            else
                encodeText(part.text, segment.atStart && part.atStart, ids);
        }
    }
    if (addSpecialTokens)
        ids.insert(ids.end(), m_suffix.begin(), m_suffix.end());
    return ids;
}

QByteArray BpeTokenizer::decodeBytes(const std::vector<int32_t> &ids, bool skipSpecial) const {
    std::vector<QByteArray> pieces;
    pieces.reserve(ids.size());
    for (const int32_t id : ids) {
        if (id < 0 || size_t(id) >= m_pieceBytes.size())
            continue;
        if (skipSpecial && m_special[size_t(id)])
            continue;
        pieces.push_back(m_pieceBytes[size_t(id)]);
    }
    return m_decoder.decode(std::move(pieces));
}

} // namespace nwc
