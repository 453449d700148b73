#include "text/sentencepiecetokenizer.h"

#include "jobs/error.h"
#include "text/sentencepiecebridge.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QtEndian>

#include <cstring>
#include <string>

namespace nwc {

namespace {

const char kSpaceMark[] = "\xe2\x96\x81"; // U+2581, SentencePiece's space

} // namespace

SentencePieceTokenizer::SentencePieceTokenizer(const QString &path)
    : m_path(path)
{
    if (!QFileInfo(path).isFile())
        throw Error(QStringLiteral("%1: no such tokenizer file; check the path").arg(path));
    m_processor = std::make_unique<SentencePieceBridge>(path);

    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView("sentencepiece"));
    const int size = m_processor->pieceSize();
    for (int id = 0; id < size; ++id) {
        const std::string &piece = m_processor->idToPiece(id);
        const qint32 length = qToLittleEndian(qint32(piece.size()));
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&length), sizeof length));
        hash.addData(QByteArrayView(piece.data(), qsizetype(piece.size())));
        const float score = m_processor->score(id);
        quint32 bits = 0;
        std::memcpy(&bits, &score, sizeof bits);
        bits = qToLittleEndian(bits);
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&bits), sizeof bits));
        const char flags =
            char((m_processor->isControl(id) ? 1 : 0) | (m_processor->isUnknown(id) ? 2 : 0) |
                 (m_processor->isByte(id) ? 4 : 0) | (m_processor->isUnused(id) ? 8 : 0));
        hash.addData(QByteArrayView(&flags, 1));
    }
    m_fingerprint = hash.result();
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

void SentencePieceTokenizer::encodePlain(const QByteArray &utf8, std::vector<int32_t> &ids) const {
    if (utf8.isEmpty())
        return;
    std::vector<int> pieces;
    const QString error = m_processor->encode(utf8, &pieces);
    if (!error.isEmpty())
        throw Error(QStringLiteral("%1: SentencePiece could not encode the text (%2)")
                        .arg(m_path, error));
    ids.insert(ids.end(), pieces.begin(), pieces.end());
}

bool SentencePieceTokenizer::isSpecial(int32_t id) const {
    return m_processor->isControl(id);
}

std::vector<int32_t> SentencePieceTokenizer::encode(const QByteArray &utf8, bool addSpecialTokens,
                                                    bool parseSpecial) const {
    std::vector<int32_t> ids;
    if (addSpecialTokens && bosId() >= 0)
        ids.push_back(bosId());
    if (!parseSpecial) {
        encodePlain(utf8, ids);
        return ids;
    }
    // Control pieces written in the text: leftmost first, the longest at equal positions.
    std::vector<std::pair<QByteArray, int32_t>> controls;
    for (int id = 0; id < m_processor->pieceSize(); ++id)
        if (m_processor->isControl(id) && !m_processor->idToPiece(id).empty())
            controls.emplace_back(QByteArray::fromStdString(m_processor->idToPiece(id)), id);
    qsizetype pos = 0;
    while (pos < utf8.size()) {
        qsizetype bestAt = -1;
        qsizetype bestLength = 0;
        int32_t bestId = -1;
        for (const auto &[piece, id] : controls) {
            const qsizetype at = utf8.indexOf(piece, pos);
            if (at >= 0 &&
                (bestAt < 0 || at < bestAt || (at == bestAt && piece.size() > bestLength))) {
                bestAt = at;
                bestLength = piece.size();
                bestId = id;
            }
        }
        if (bestAt < 0)
            break;
        encodePlain(utf8.mid(pos, bestAt - pos), ids);
        ids.push_back(bestId);
        pos = bestAt + bestLength;
    }
    encodePlain(utf8.mid(pos), ids);
    return ids;
}

QByteArray SentencePieceTokenizer::decodeBytes(const std::vector<int32_t> &ids,
                                               bool skipSpecial) const {
    QByteArray out;
    std::vector<int> run;
    const auto flush = [&] {
        if (run.empty())
            return;
        std::string text;
        const QString error = m_processor->decode(run, &text);
        if (!error.isEmpty())
            throw Error(QStringLiteral("%1: SentencePiece could not decode (%2)").arg(m_path, error));
        // SentencePiece drops the space of the first piece; only the start of the whole
        // output loses it, as in Hugging Face's decoder.
        if (!out.isEmpty() && m_processor->idToPiece(run.front()).rfind(kSpaceMark, 0) == 0)
            out.append(' ');
        out.append(text.data(), qsizetype(text.size()));
        run.clear();
    };
    const int size = vocabSize();
    for (const int32_t id : ids) {
        if (id < 0 || id >= size)
            continue;
        if (isSpecial(id)) {
            flush();
            if (!skipSpecial)
                out.append(QByteArray::fromStdString(m_processor->idToPiece(id)));
            continue;
        }
        run.push_back(id);
    }
    flush();
    return out;
}

int SentencePieceTokenizer::vocabSize() const {
    return m_processor->pieceSize();
}

QString SentencePieceTokenizer::tokenText(int32_t id) const {
    if (id < 0 || id >= vocabSize())
        return QString();
    return QString::fromStdString(m_processor->idToPiece(id));
}

int32_t SentencePieceTokenizer::bosId() const {
    return m_processor->bosId();
}

int32_t SentencePieceTokenizer::eosId() const {
    return m_processor->eosId();
}

} // namespace nwc
