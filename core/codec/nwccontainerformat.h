#pragma once
// Layout constants and helpers shared by the .nwc writer and reader (nwcwriter.cpp,
// nwcreader.cpp, nwccontainer.cpp). Core-internal header: includes H5Cpp.h.

#include "codec/nwccontainer.h"

#include "io/h5util.h"
#include "jobs/error.h"

#include <QFileInfo>
#include <QtEndian>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace nwc::container {

inline const QString kTensorsGroup = QStringLiteral("tensors");
inline const QString kPassthroughGroup = QStringLiteral("passthrough");
inline const QString kCodecsGroup = QStringLiteral("codecs");
inline const QString kTokenizerGroup = QStringLiteral("tokenizer");
inline const QString kAnalysisGroup = QStringLiteral("analysis");
inline const QString kChecksum = QStringLiteral("checksum");
inline const QString kCrc32 = QStringLiteral("crc32");

/// Largest tensor the container accepts (elements); guards size arithmetic.
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// Tokenizer file names in the order a tokenizer is looked for (tok*.bin after these).
inline const char *const kPrimaryTokenizerNames[] = {"tokenizer.json", "tokenizer.model",
                                                     "vocab.json", "encoder.json"};
/// Files that travel with a tokenizer when they sit beside it.
inline const char *const kTokenizerCompanions[] = {
    "tokenizer.json",    "tokenizer_config.json", "special_tokens_map.json",
    "added_tokens.json", "tokenizer.model",       "vocab.json",
    "merges.txt",        "encoder.json",          "vocab.bpe"};

inline std::string toStd(const QString &text) {
    return text.toStdString();
}

/// Names become HDF5 link names: no '/', not "." and no line break (the order list is
/// newline-separated).
inline void checkName(const QString &name, const QString &kind, const QString &path) {
    if (name.isEmpty() || name == QLatin1String(".") || name.contains(QLatin1Char('/')) ||
        name.contains(QLatin1Char('\n')))
        throw Error(QStringLiteral("%1: cannot store %2 '%3': names must be non-empty and contain "
                                   "no '/' or line break")
                        .arg(path, kind, name));
}

inline uint32_t crcUpdate(uint32_t crc, const void *data, size_t bytes) {
    // zlib resets the CRC for a null buffer, so empty parts are skipped.
    if (bytes == 0)
        return crc;
    return uint32_t(crc32_z(crc, static_cast<const Bytef *>(data), bytes));
}

template <typename T> uint32_t crcValues(uint32_t crc, const std::vector<T> &values) {
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
    return crcUpdate(crc, values.data(), values.size() * sizeof(T));
#else
    std::vector<T> little(values.size());
    for (size_t i = 0; i < values.size(); ++i)
        little[i] = qToLittleEndian(values[i]);
    return crcUpdate(crc, little.data(), little.size() * sizeof(T));
#endif
}

/// CRC-32 over a sequence of typed values, each in a fixed little-endian encoding (strings and
/// byte arrays with their length first), for the checksums of format version 2 that cover
/// attributes as well as payloads.
class CrcBuilder {
public:
    CrcBuilder &add(int64_t value) {
        uint8_t bytes[8];
        for (int i = 0; i < 8; ++i)
            bytes[i] = uint8_t(uint64_t(value) >> (8 * i));
        m_crc = crcUpdate(m_crc, bytes, 8);
        return *this;
    }
    CrcBuilder &add(double value) {
        uint64_t bits = 0;
        std::memcpy(&bits, &value, 8);
        return add(int64_t(bits));
    }
    CrcBuilder &add(const QByteArray &bytes) {
        add(int64_t(bytes.size()));
        m_crc = crcUpdate(m_crc, bytes.constData(), size_t(bytes.size()));
        return *this;
    }
    CrcBuilder &add(const QString &text) { return add(text.toUtf8()); }
    template <typename T> CrcBuilder &addValues(const std::vector<T> &values) {
        add(int64_t(values.size()));
        m_crc = crcValues(m_crc, values);
        return *this;
    }
    uint32_t value() const { return m_crc; }

private:
    uint32_t m_crc = uint32_t(crc32_z(0, nullptr, 0));
};

inline uint32_t crcOf(const QByteArray &bytes) {
    return crcUpdate(uint32_t(crc32_z(0, nullptr, 0)), bytes.constData(), size_t(bytes.size()));
}

inline std::vector<uint8_t> packLevels(const std::vector<uint8_t> &levels) {
    std::vector<uint8_t> packed((levels.size() + 3) / 4, 0);
    for (size_t i = 0; i < levels.size(); ++i)
        packed[i / 4] |= uint8_t((levels[i] & 3u) << (2 * (i % 4)));
    return packed;
}

inline std::vector<uint8_t> unpackLevels(const std::vector<uint8_t> &packed, size_t count) {
    std::vector<uint8_t> levels(count);
    for (size_t i = 0; i < count; ++i)
        levels[i] = uint8_t((packed[i / 4] >> (2 * (i % 4))) & 3u);
    return levels;
}

inline std::vector<uint32_t> offsetsToU32(const std::vector<uint64_t> &offsets) {
    std::vector<uint32_t> narrow(offsets.size());
    for (size_t i = 0; i < offsets.size(); ++i)
        narrow[i] = uint32_t(offsets[i]);
    return narrow;
}

inline QString methodList() {
    return QStringLiteral("nwc, rtn, gptq");
}

inline bool isLlama2cTokenizerName(const QString &name) {
    return name.startsWith(QLatin1String("tok")) && name.endsWith(QLatin1String(".bin"));
}

/// Elements of `shape`; throws for a negative dimension or an implausible size.
inline int64_t elementsOf(const QVector<qint64> &shape, const QString &context) {
    int64_t count = 1;
    for (qint64 d : shape) {
        if (d < 0 || (d > 0 && count > kMaxElements / d))
            throw Error(QStringLiteral("%1: invalid shape").arg(context));
        count *= d;
    }
    return count;
}

inline QString shapeText(const QVector<qint64> &shape) {
    QStringList parts;
    for (qint64 d : shape)
        parts.append(QString::number(d));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

/// Elements of a one-dimensional dataset without reading it.
inline int64_t datasetLength(const H5::Group &group, const QString &name, const QString &context) {
    if (!h5::exists(group, name))
        throw Error(QStringLiteral("%1: dataset '%2' is missing (the file is incomplete or "
                                   "damaged; re-export it)")
                        .arg(context, name));
    const H5::DataSet dataset = group.openDataSet(toStd(name));
    // Every element takes at least a byte, whatever a damaged type claims.
    const size_t elementSize = std::max<size_t>(1, dataset.getDataType().getSize());
    const std::vector<hsize_t> dims = h5::checkedDimensions(dataset, elementSize, context, name);
    if (dims.size() != 1)
        throw Error(QStringLiteral("%1: dataset '%2' is not one-dimensional (the file is "
                                   "damaged; re-export it)")
                        .arg(context, name));
    return int64_t(dims.front());
}

/// Root attribute holding the checksum of the header (format version 2).
inline const QString kHeaderChecksum = QStringLiteral("header_checksum");

inline void writeCheckedBytes(H5::Group &group, const QString &name, const QByteArray &bytes) {
    h5::writeBytes(group, name, bytes);
    H5::DataSet dataset = group.openDataSet(toStd(name));
    h5::setAttribute(dataset, kCrc32, int64_t(crcOf(bytes)));
}

/// Reads a byte dataset and checks its CRC-32 attribute, which format version 2 requires and
/// version 1 may lack.
inline QByteArray readCheckedBytes(const H5::Group &group, const QString &name,
                                   const QString &context, int64_t formatVersion = 1) {
    const QByteArray bytes = h5::readBytes(group, name, context);
    const H5::DataSet dataset = group.openDataSet(toStd(name));
    if (formatVersion >= 2 && !h5::hasAttribute(dataset, kCrc32))
        throw Error(QStringLiteral("%1: '%2' has no checksum — the file is damaged; re-export it")
                        .arg(context, name));
    if (h5::hasAttribute(dataset, kCrc32) &&
        uint32_t(h5::intAttribute(dataset, kCrc32, context)) != crcOf(bytes))
        throw Error(QStringLiteral("%1: '%2' is corrupt (checksum mismatch) — the file is "
                                   "damaged; re-export it")
                        .arg(context, name));
    return bytes;
}

/// Runs `body` turning any HDF5 exception that escaped the helpers into an nwc::Error.
template <typename Body> auto guarded(const QString &context, Body body) -> decltype(body()) {
    try {
        return body();
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read: %2 (the file is damaged or truncated; "
                                   "re-export it)")
                        .arg(context, h5::errorText(error)));
    }
}

} // namespace nwc::container
