#include "text/llama2ctokenizer.h"

#include "jobs/error.h"
#include "text/jsonfile.h"
#include "text/utf8.h"

#include <QCryptographicHash>
#include <QHash>
#include <QtEndian>
#include <algorithm>
#include <cstring>

namespace nwc {

namespace {

// run.c starts its best score at -1e10 and only takes strictly better ones.
constexpr float kNoMergeScore = -1e10f;

int32_t readInt32(const QByteArray &data, qsizetype offset) {
    return qFromLittleEndian<qint32>(data.constData() + offset);
}

float readFloat32(const QByteArray &data, qsizetype offset) {
    const quint32 bits = qFromLittleEndian<quint32>(data.constData() + offset);
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

int byteFallbackValue(const QByteArray &piece) {
    if (piece.size() != 6 || !piece.startsWith("<0x") || piece.at(5) != '>')
        return -1;
    bool ok = false;
    const int value = piece.mid(3, 2).toInt(&ok, 16);
    return ok ? value : -1;
}

} // namespace

Llama2cTokenizer::Llama2cTokenizer(const QString &path) {
    const QByteArray data = JsonFile::readAll(path);
    const auto corrupt = [&path](const QString &what) {
        return Error(QStringLiteral("%1: %2; this is not a llama2.c tokenizer file or it is "
                                    "truncated")
                         .arg(path, what));
    };
    if (data.size() < 4)
        throw corrupt(QStringLiteral("shorter than its 4-byte header"));
    const int32_t maxTokenLength = readInt32(data, 0);
    if (maxTokenLength <= 0 || maxTokenLength > 1024)
        throw corrupt(QStringLiteral("max_token_length %1 is implausible").arg(maxTokenLength));
    qsizetype offset = 4;
    while (offset < data.size()) {
        const qsizetype index = qsizetype(m_pieces.size());
        if (data.size() - offset < 8)
            throw corrupt(QStringLiteral("token %1 has an incomplete header").arg(index));
        const float score = readFloat32(data, offset);
        const int32_t length = readInt32(data, offset + 4);
        offset += 8;
        if (length < 0 || length > maxTokenLength || length > data.size() - offset)
            throw corrupt(QStringLiteral("token %1 has length %2 (max_token_length %3, %4 bytes "
                                         "left)")
                              .arg(index)
                              .arg(length)
                              .arg(maxTokenLength)
                              .arg(data.size() - offset));
        m_pieces.push_back(data.mid(offset, length));
        m_scores.push_back(score);
        offset += length;
    }
    if (m_pieces.size() < 3)
        throw corrupt(QStringLiteral("it holds fewer than 3 tokens"));

    QHash<QByteArray, int32_t> ids;
    for (size_t id = 0; id < m_pieces.size(); ++id) {
        if (!ids.contains(m_pieces[id]))
            ids.insert(m_pieces[id], int32_t(id));
        m_model.addToken(m_pieces[id], int32_t(id));
    }
    // Equal scores get equal ranks so that position decides, as in run.c.
    std::vector<float> distinct(m_scores.begin(), m_scores.end());
    std::sort(distinct.begin(), distinct.end(), std::greater<float>());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const auto rankOf = [&distinct](float score) {
        return int32_t(
            std::lower_bound(distinct.begin(), distinct.end(), score, std::greater<float>()) -
            distinct.begin());
    };
    // run.c merges the pair (a, b) when the string a + b is a piece; list every such pair.
    for (size_t id = 0; id < m_pieces.size(); ++id) {
        const QByteArray &piece = m_pieces[id];
        if (ids.value(piece) != int32_t(id) || !(m_scores[id] > kNoMergeScore))
            continue;
        for (qsizetype cut = 1; cut < piece.size(); ++cut) {
            const int32_t left = ids.value(piece.left(cut), -1);
            const int32_t right = ids.value(piece.mid(cut), -1);
            if (left >= 0 && right >= 0)
                m_model.addMerge(left, right, int32_t(id), rankOf(m_scores[id]));
        }
    }
    m_model.setAlphabet(BpeModel::Alphabet::Utf8Chars);
    m_model.setByteFallback(true);
    for (int b = 0; b < 256; ++b)
        m_model.setByteFallbackId(static_cast<unsigned char>(b),
                                  b + 3 < int(m_pieces.size()) ? b + 3 : 0);
    m_model.finalize();

    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView("llama2c"));
    for (size_t id = 0; id < m_pieces.size(); ++id) {
        const qint32 length = qToLittleEndian(qint32(m_pieces[id].size()));
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&length), sizeof length));
        hash.addData(m_pieces[id]);
        quint32 bits = 0;
        std::memcpy(&bits, &m_scores[id], sizeof bits);
        bits = qToLittleEndian(bits);
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&bits), sizeof bits));
    }
    m_fingerprint = hash.result();
}

std::vector<int32_t> Llama2cTokenizer::encode(const QByteArray &utf8, bool addSpecialTokens,
                                              bool parseSpecial) const {
    Q_UNUSED(parseSpecial)
    std::vector<int32_t> ids;
    if (addSpecialTokens)
        ids.push_back(bosId());
    if (utf8.isEmpty())
        return ids;
    const QByteArray text = ' ' + utf8; // add_dummy_prefix
    m_model.encodeWord(text.constData(), int(text.size()), ids);
    return ids;
}

QByteArray Llama2cTokenizer::decodeBytes(const std::vector<int32_t> &ids, bool skipSpecial) const {
    QByteArray out;
    int32_t previous = -1;
    for (const int32_t id : ids) {
        if (id < 0 || size_t(id) >= m_pieces.size())
            continue;
        const bool special = id == bosId() || id == eosId();
        const QByteArray &piece = m_pieces[size_t(id)];
        if (special) {
            if (!skipSpecial)
                out += piece;
        } else {
            const int byte = byteFallbackValue(piece);
            if (byte >= 0)
                out += char(byte);
            else if (previous == bosId() && piece.startsWith(' '))
                out += piece.mid(1);
            else
                out += piece;
        }
        previous = id;
    }
    return out;
}

QString Llama2cTokenizer::tokenText(int32_t id) const {
    if (id < 0 || size_t(id) >= m_pieces.size())
        return QString();
    return Utf8::decode(m_pieces[size_t(id)]);
}

float Llama2cTokenizer::score(int32_t id) const {
    if (id < 0 || size_t(id) >= m_scores.size())
        return 0.0f;
    return m_scores[size_t(id)];
}

} // namespace nwc
