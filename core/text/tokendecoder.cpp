#include "text/tokendecoder.h"

#include "jobs/error.h"

#include <QJsonArray>
#include <QJsonObject>

namespace nwc {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// "<0xNN>" -> NN, else -1.
int byteFallbackValue(const QByteArray &piece) {
    if (piece.size() != 6 || !piece.startsWith("<0x") || piece.at(5) != '>')
        return -1;
    const int high = hexValue(piece.at(3));
    const int low = hexValue(piece.at(4));
    return high < 0 || low < 0 ? -1 : high * 16 + low;
}

} // namespace

TokenDecoder TokenDecoder::fromJson(const QJsonValue &json, const QString &fileName) {
    TokenDecoder decoder;
    decoder.append(json, fileName);
    return decoder;
}

void TokenDecoder::append(const QJsonValue &json, const QString &fileName) {
    if (json.isNull() || json.isUndefined())
        return;
    const QJsonObject object = json.toObject();
    const QString type = object.value(QLatin1String("type")).toString();
    Step step{Kind::Fuse, {}, {}, 0, 0, true};
    if (type == QLatin1String("Sequence")) {
        const QJsonArray steps = object.value(QLatin1String("decoders")).toArray();
        for (const QJsonValue &s : steps)
            append(s, fileName);
        return;
    } else if (type == QLatin1String("ByteLevel")) {
        // Byte-level vocabularies are stored as raw bytes already: nothing to do.
        return;
    } else if (type == QLatin1String("Replace")) {
        const QJsonObject pattern = object.value(QLatin1String("pattern")).toObject();
        if (!pattern.contains(QLatin1String("String")))
            throw Error(QStringLiteral("%1: only String patterns are supported in a Replace "
                                       "decoder")
                            .arg(fileName));
        step.kind = Kind::Replace;
        step.pattern = pattern.value(QLatin1String("String")).toString().toUtf8();
        step.content = object.value(QLatin1String("content")).toString().toUtf8();
    } else if (type == QLatin1String("ByteFallback")) {
        step.kind = Kind::ByteFallback;
    } else if (type == QLatin1String("Fuse")) {
        step.kind = Kind::Fuse;
    } else if (type == QLatin1String("Strip")) {
        step.kind = Kind::Strip;
        step.pattern = object.value(QLatin1String("content")).toString().toUtf8();
        step.start = object.value(QLatin1String("start")).toInt();
        step.stop = object.value(QLatin1String("stop")).toInt();
    } else if (type == QLatin1String("Metaspace")) {
        step.kind = Kind::Metaspace;
        const QString replacement = object.value(QLatin1String("replacement")).toString();
        step.pattern = replacement.isEmpty() ? QStringLiteral("\u2581").toUtf8()
                                             : QString(replacement.at(0)).toUtf8();
        const QString scheme = object.value(QLatin1String("prepend_scheme")).toString();
        step.prepend = scheme.isEmpty()
                           ? object.value(QLatin1String("add_prefix_space")).toBool(true)
                           : scheme != QLatin1String("never");
    } else {
        throw Error(QStringLiteral("%1: decoder type \"%2\" is not supported; use a "
                                   "tokenizer.json with a ByteLevel or SentencePiece-style "
                                   "(Replace/ByteFallback/Fuse/Strip/Metaspace) decoder")
                        .arg(fileName, type));
    }
    m_steps.push_back(std::move(step));
}

QByteArray TokenDecoder::decode(std::vector<QByteArray> pieces) const {
    for (const Step &step : m_steps) {
        switch (step.kind) {
        case Kind::Replace:
            for (QByteArray &piece : pieces)
                piece.replace(step.pattern, step.content);
            break;
        case Kind::ByteFallback:
            for (QByteArray &piece : pieces) {
                const int value = byteFallbackValue(piece);
                if (value >= 0)
                    piece = QByteArray(1, char(value));
            }
            break;
        case Kind::Fuse: {
            QByteArray fused;
            for (const QByteArray &piece : pieces)
                fused += piece;
            pieces.assign(1, fused);
            break;
        }
        case Kind::Strip:
            for (QByteArray &piece : pieces) {
                const qsizetype width = step.pattern.size();
                if (width == 0)
                    continue;
                qsizetype begin = 0;
                for (int n = 0; n < step.start && piece.mid(begin, width) == step.pattern; ++n)
                    begin += width;
                qsizetype end = piece.size();
                for (int n = 0; n < step.stop && end - width >= begin &&
                                piece.mid(end - width, width) == step.pattern;
                     ++n)
                    end -= width;
                piece = piece.mid(begin, end - begin);
            }
            break;
        case Kind::Metaspace:
            for (size_t i = 0; i < pieces.size(); ++i)
                pieces[i].replace(step.pattern,
                                  i == 0 && step.prepend ? QByteArray() : QByteArray(" "));
            break;
        }
    }
    QByteArray out;
    for (const QByteArray &piece : pieces)
        out += piece;
    return out;
}

} // namespace nwc
