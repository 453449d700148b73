#include "text/tiktokenreader.h"

#include "jobs/error.h"
#include "text/bpetokenizer.h"
#include "text/bytelevel.h"
#include "text/gpt2filesreader.h"
#include "text/jsonfile.h"

#include <QHash>
#include <QList>

namespace nwc {

namespace {

bool isBase64Character(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

} // namespace

bool TiktokenReader::looksLikeTiktoken(const QByteArray &head) {
    const qsizetype lineEnd = head.indexOf('\n');
    const QByteArray line = head.left(lineEnd < 0 ? head.size() : lineEnd);
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 2 || parts[0].isEmpty() || parts[1].isEmpty())
        return false;
    for (const char c : parts[0])
        if (!isBase64Character(c))
            return false;
    bool ok = false;
    parts[1].trimmed().toInt(&ok);
    return ok;
}

std::unique_ptr<BpeTokenizer> TiktokenReader::read(const QString &path, const QString &hint) {
    const QByteArray data = JsonFile::readAll(path);
    std::vector<QByteArray> tokens;
    QHash<QByteArray, int32_t> ranks;
    const QList<QByteArray> lines = data.split('\n');
    for (qsizetype index = 0; index < lines.size(); ++index) {
        const QByteArray line = lines[index].trimmed();
        const int lineNumber = int(index + 1);
        if (line.isEmpty())
            continue;
        const QList<QByteArray> parts = line.split(' ');
        bool ok = false;
        const int rank = parts.size() == 2 ? parts[1].toInt(&ok) : -1;
        const auto decoded =
            QByteArray::fromBase64Encoding(parts[0], QByteArray::AbortOnBase64DecodingErrors);
        if (!ok || rank < 0 || !decoded || decoded.decoded.isEmpty())
            throw Error(QStringLiteral("%1, line %2: expected \"base64 rank\"; the file is "
                                       "damaged or not a tiktoken vocabulary")
                            .arg(path)
                            .arg(lineNumber));
        if (size_t(rank) >= tokens.size())
            tokens.resize(size_t(rank) + 1);
        tokens[size_t(rank)] = decoded.decoded;
        ranks.insert(decoded.decoded, rank);
    }
    if (tokens.empty())
        throw Error(QStringLiteral("%1: the tiktoken vocabulary is empty").arg(path));

    auto tokenizer = std::make_unique<BpeTokenizer>(true);
    tokenizer->reserve(int(tokens.size()), 3 * int(tokens.size()));
    for (size_t rank = 0; rank < tokens.size(); ++rank)
        if (!tokens[rank].isEmpty())
            tokenizer->addPiece(ByteLevel::encode(tokens[rank]), int32_t(rank));
    for (size_t rank = 0; rank < tokens.size(); ++rank) {
        const QByteArray &token = tokens[rank];
        for (qsizetype cut = 1; cut < token.size(); ++cut) {
            const int32_t left = ranks.value(token.left(cut), -1);
            const int32_t right = ranks.value(token.mid(cut), -1);
            if (left >= 0 && right >= 0)
                tokenizer->addMergeIds(left, right, int32_t(rank), int32_t(rank));
        }
    }
    Gpt2FilesReader::complete(*tokenizer, hint.isEmpty() ? QStringLiteral("llama3") : hint, path);
    tokenizer->model().setIgnoreMerges(true);
    return tokenizer;
}

} // namespace nwc
