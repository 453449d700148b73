#include "text/utf8.h"

#include <QStringDecoder>

namespace nwc {

QString Utf8::decode(const QByteArray &bytes) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom |
                                                     QStringDecoder::Flag::Stateless);
    return decoder.decode(bytes);
}

bool Utf8::isValid(const QByteArray &bytes) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom |
                                                     QStringDecoder::Flag::Stateless);
    decoder.decode(bytes);
    return !decoder.hasError();
}

} // namespace nwc
