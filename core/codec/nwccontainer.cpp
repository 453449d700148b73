#include "codec/nwccontainer.h"

#include "codec/codecgroup.h"

#include "io/h5util.h"
#include "jobs/error.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QtEndian>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

namespace nwc {
namespace {

const QString kTensorsGroup = QStringLiteral("tensors");
const QString kPassthroughGroup = QStringLiteral("passthrough");
const QString kCodecsGroup = QStringLiteral("codecs");
const QString kTokenizerGroup = QStringLiteral("tokenizer");
const QString kAnalysisGroup = QStringLiteral("analysis");
const QString kChecksum = QStringLiteral("checksum");
const QString kCrc32 = QStringLiteral("crc32");

/// Largest tensor the container accepts (elements); guards size arithmetic.
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// Tokenizer file names in the order a tokenizer is looked for (tok*.bin after these).
const char *const kPrimaryTokenizerNames[] = {"tokenizer.json", "tokenizer.model", "vocab.json",
                                              "encoder.json"};
/// Files that travel with a tokenizer when they sit beside it.
const char *const kTokenizerCompanions[] = {
    "tokenizer.json",    "tokenizer_config.json", "special_tokens_map.json",
    "added_tokens.json", "tokenizer.model",       "vocab.json",
    "merges.txt",        "encoder.json",          "vocab.bpe"};

std::string toStd(const QString &text) {
    return text.toStdString();
}

/// Names become HDF5 link names: no '/', not "." and no line break (the order list is
/// newline-separated).
void checkName(const QString &name, const QString &kind, const QString &path) {
    if (name.isEmpty() || name == QLatin1String(".") || name.contains(QLatin1Char('/')) ||
        name.contains(QLatin1Char('\n')))
        throw Error(QStringLiteral("%1: cannot store %2 '%3': names must be non-empty and contain "
                                   "no '/' or line break")
                        .arg(path, kind, name));
}

uint32_t crcUpdate(uint32_t crc, const void *data, size_t bytes) {
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

uint32_t crcOf(const QByteArray &bytes) {
    return crcUpdate(uint32_t(crc32_z(0, nullptr, 0)), bytes.constData(), size_t(bytes.size()));
}

std::vector<uint8_t> packLevels(const std::vector<uint8_t> &levels) {
    std::vector<uint8_t> packed((levels.size() + 3) / 4, 0);
    for (size_t i = 0; i < levels.size(); ++i)
        packed[i / 4] |= uint8_t((levels[i] & 3u) << (2 * (i % 4)));
    return packed;
}

std::vector<uint8_t> unpackLevels(const std::vector<uint8_t> &packed, size_t count) {
    std::vector<uint8_t> levels(count);
    for (size_t i = 0; i < count; ++i)
        levels[i] = uint8_t((packed[i / 4] >> (2 * (i % 4))) & 3u);
    return levels;
}

std::vector<uint32_t> offsetsToU32(const std::vector<uint64_t> &offsets) {
    std::vector<uint32_t> narrow(offsets.size());
    for (size_t i = 0; i < offsets.size(); ++i)
        narrow[i] = uint32_t(offsets[i]);
    return narrow;
}

QString methodList() {
    return QStringLiteral("nwc, rtn, gptq");
}

bool isLlama2cTokenizerName(const QString &name) {
    return name.startsWith(QLatin1String("tok")) && name.endsWith(QLatin1String(".bin"));
}

/// Elements of `shape`; throws for a negative dimension or an implausible size.
int64_t elementsOf(const QVector<qint64> &shape, const QString &context) {
    int64_t count = 1;
    for (qint64 d : shape) {
        if (d < 0 || (d > 0 && count > kMaxElements / d))
            throw Error(QStringLiteral("%1: invalid shape").arg(context));
        count *= d;
    }
    return count;
}

QString shapeText(const QVector<qint64> &shape) {
    QStringList parts;
    for (qint64 d : shape)
        parts.append(QString::number(d));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

/// Elements of a one-dimensional dataset without reading it.
int64_t datasetLength(const H5::Group &group, const QString &name, const QString &context) {
    if (!h5::exists(group, name))
        throw Error(QStringLiteral("%1: dataset '%2' is missing (the file is incomplete or "
                                   "damaged; re-export it)")
                        .arg(context, name));
    const H5::DataSet dataset = group.openDataSet(toStd(name));
    const H5::DataSpace space = dataset.getSpace();
    const int rank = space.getSimpleExtentNdims();
    if (rank != 1)
        throw Error(QStringLiteral("%1: dataset '%2' is not one-dimensional (the file is "
                                   "damaged; re-export it)")
                        .arg(context, name));
    hsize_t length = 0;
    space.getSimpleExtentDims(&length);
    return int64_t(length);
}

void writeCheckedBytes(H5::Group &group, const QString &name, const QByteArray &bytes) {
    h5::writeBytes(group, name, bytes);
    H5::DataSet dataset = group.openDataSet(toStd(name));
    h5::setAttribute(dataset, kCrc32, int64_t(crcOf(bytes)));
}

QByteArray readCheckedBytes(const H5::Group &group, const QString &name, const QString &context) {
    const QByteArray bytes = h5::readBytes(group, name, context);
    const H5::DataSet dataset = group.openDataSet(toStd(name));
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

} // namespace

double NwcTensorSummary::bitsPerWeight() const {
    const int64_t weights = weightCount();
    return weights > 0 ? 8.0 * double(countedBytes) / double(weights) : 0.0;
}

void validateCompressedTensor(const CompressedTensor &t, const QString &context) {
    const QString what = QStringLiteral("%1: tensor '%2'").arg(context, t.name);
    auto fail = [&](const QString &problem) { throw Error(what + QLatin1Char(' ') + problem); };
    if (t.rows < 1 || t.columns < 1 || t.rows > kMaxElements / t.columns)
        fail(QStringLiteral("has an invalid shape %1 x %2").arg(t.rows).arg(t.columns));
    if (!dtypeIsFloat(t.originalDtype))
        fail(QStringLiteral("has original dtype %1; only float tensors are compressed")
                 .arg(dtypeName(t.originalDtype)));
    const size_t columns = size_t(t.columns);
    if (t.method == CompressionMethod::Nwc) {
        if (t.codecId.isEmpty())
            fail(QStringLiteral("names no codec"));
        if (!std::isfinite(t.step) || t.step <= 0)
            fail(QStringLiteral("has an invalid quantization step %1").arg(t.step));
        if (t.levels.size() != columns)
            fail(QStringLiteral("has %1 quality levels for %2 columns")
                     .arg(t.levels.size())
                     .arg(t.columns));
        for (uint8_t level : t.levels)
            if (level > 3)
                fail(QStringLiteral("has a quality level %1; levels are 0..3").arg(level));
        if (t.columnScales.size() != columns)
            fail(QStringLiteral("has %1 column scales for %2 columns")
                     .arg(t.columnScales.size())
                     .arg(t.columns));
        if (t.columnsPerStream < 1)
            fail(QStringLiteral("has %1 columns per stream").arg(t.columnsPerStream));
        const int64_t streams = (t.columns + t.columnsPerStream - 1) / t.columnsPerStream;
        if (int64_t(t.streamOffsets.size()) != streams + 1)
            fail(QStringLiteral("has %1 stream offsets; %2 streams need %3")
                     .arg(t.streamOffsets.size())
                     .arg(streams)
                     .arg(streams + 1));
        if (uint64_t(t.bitstream.size()) > std::numeric_limits<uint32_t>::max())
            fail(QStringLiteral("has a bitstream over 4 GiB"));
        if (t.streamOffsets.front() != 0 || t.streamOffsets.back() != uint64_t(t.bitstream.size()))
            fail(QStringLiteral("has stream offsets that do not span its %1-byte bitstream")
                     .arg(t.bitstream.size()));
        for (size_t i = 1; i < t.streamOffsets.size(); ++i)
            if (t.streamOffsets[i] < t.streamOffsets[i - 1])
                fail(QStringLiteral("has decreasing stream offsets"));
        if (!t.packedCodes.isEmpty() || !t.groupScales.empty() || !t.groupZeros.empty())
            fail(QStringLiteral("is an NWC tensor but carries RTN/GPTQ codes"));
    } else {
        if (t.bits < 1 || t.bits > 16)
            fail(QStringLiteral("has %1-bit codes; 1..16 are possible").arg(t.bits));
        if (t.groupSize < 1)
            fail(QStringLiteral("has group size %1").arg(t.groupSize));
        const int64_t groups = (t.columns + t.groupSize - 1) / t.groupSize;
        const int64_t parameters = t.rows * groups;
        if (int64_t(t.groupScales.size()) != parameters ||
            int64_t(t.groupZeros.size()) != parameters)
            fail(QStringLiteral("has %1 group scales and %2 zeros; %3 x %4 groups need %5 each")
                     .arg(t.groupScales.size())
                     .arg(t.groupZeros.size())
                     .arg(t.rows)
                     .arg(groups)
                     .arg(parameters));
        const int64_t codeBytes = (t.weightCount() * t.bits + 7) / 8;
        if (int64_t(t.packedCodes.size()) != codeBytes)
            fail(QStringLiteral("has %1 bytes of packed codes; %2 weights at %3 bits need %4")
                     .arg(t.packedCodes.size())
                     .arg(t.weightCount())
                     .arg(t.bits)
                     .arg(codeBytes));
        if (!t.bitstream.isEmpty() || !t.levels.empty() || !t.columnScales.empty() ||
            !t.streamOffsets.empty())
            fail(QStringLiteral("is an %1 tensor but carries NWC streams")
                     .arg(compressionMethodName(t.method).toUpper()));
    }
}

uint32_t compressedTensorChecksum(const CompressedTensor &t) {
    uint32_t crc = uint32_t(crc32_z(0, nullptr, 0));
    crc = crcUpdate(crc, t.bitstream.constData(), size_t(t.bitstream.size()));
    crc = crcValues(crc, packLevels(t.levels));
    crc = crcValues(crc, t.columnScales);
    crc = crcValues(crc, offsetsToU32(t.streamOffsets));
    crc = crcUpdate(crc, t.packedCodes.constData(), size_t(t.packedCodes.size()));
    crc = crcValues(crc, t.groupScales);
    crc = crcValues(crc, t.groupZeros);
    return crc;
}

std::vector<std::pair<QString, QByteArray>> collectTokenizerFiles(const QString &tokenizerPath) {
    std::vector<std::pair<QString, QByteArray>> files;
    if (tokenizerPath.isEmpty())
        return files;
    const QFileInfo info(tokenizerPath);
    auto readFile = [](const QString &path) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("%1: cannot read the tokenizer file (%2); check that it "
                                       "exists and is readable")
                            .arg(path, file.errorString()));
        return file.readAll();
    };
    files.emplace_back(info.fileName(), readFile(info.filePath()));
    const QDir dir = info.dir();
    for (const char *name : kTokenizerCompanions) {
        const QString fileName = QLatin1String(name);
        if (fileName == info.fileName() || !QFileInfo(dir.filePath(fileName)).isFile())
            continue;
        files.emplace_back(fileName, readFile(dir.filePath(fileName)));
    }
    return files;
}

// --- writer ---

struct NwcWriter::Impl {
    explicit Impl(const QString &finalPath)
        : path(finalPath)
        , file(finalPath) {}

    /// The root group (H5File itself must not be used as a Group: copying it slices the id).
    H5::Group root() { return file.file().openGroup("/"); }
    QString nameContext(const QString &kind, const QString &name) const {
        return QStringLiteral("%1: %2 '%3'").arg(path, kind, name);
    }
    void claimTensorName(const QString &name) {
        checkName(name, QStringLiteral("tensor"), path);
        if (names.contains(name))
            throw Error(QStringLiteral("%1: tensor '%2' was added twice").arg(path, name));
    }

    QString path;
    h5::AtomicFile file;
    NwcHeader header;
    bool hasConfig = false;
    bool hasAnalysisJson = false;
    bool committed = false;
    QString primaryTokenizer;
    std::vector<QString> tokenizerFiles;
    std::vector<QString> order;
    QSet<QString> names;
    QSet<QString> codecs;
    QSet<QString> analysisArrays;
    int64_t countedBytes = 0;
    int64_t compressedWeights = 0;
};

NwcWriter::NwcWriter(const QString &path)
    : m_impl(std::make_unique<Impl>(path)) {}

NwcWriter::~NwcWriter() = default;

const std::vector<QString> &NwcWriter::order() const {
    return m_impl->order;
}

QString NwcWriter::path() const {
    return m_impl->path;
}

void NwcWriter::setHeader(const NwcHeader &header) {
    m_impl->header = header;
}

void NwcWriter::setConfigJson(const QByteArray &json) {
    Impl &d = *m_impl;
    try {
        H5::Group root = d.root();
        if (d.hasConfig)
            root.unlink(toStd(QStringLiteral("config_json")));
        writeCheckedBytes(root, QStringLiteral("config_json"), json);
        d.hasConfig = true;
    } catch (const H5::Exception &error) {
        throw Error(
            QStringLiteral("%1: cannot write config_json: %2").arg(d.path, h5::errorText(error)));
    }
}

void NwcWriter::addTokenizerFile(const QString &fileName, const QByteArray &bytes, bool primary) {
    Impl &d = *m_impl;
    checkName(fileName, QStringLiteral("tokenizer file"), d.path);
    if (fileName == QLatin1String("..") || fileName.contains(QLatin1Char('\\')))
        throw Error(QStringLiteral("%1: cannot store tokenizer file '%2': give a plain file name")
                        .arg(d.path, fileName));
    if (std::find(d.tokenizerFiles.begin(), d.tokenizerFiles.end(), fileName) !=
        d.tokenizerFiles.end())
        throw Error(
            QStringLiteral("%1: tokenizer file '%2' was added twice").arg(d.path, fileName));
    try {
        H5::Group root = d.root();
        H5::Group group = h5::ensureGroup(root, kTokenizerGroup);
        writeCheckedBytes(group, fileName, bytes);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write tokenizer file '%2': %3")
                        .arg(d.path, fileName, h5::errorText(error)));
    }
    d.tokenizerFiles.push_back(fileName);
    if (primary)
        d.primaryTokenizer = fileName;
}

void NwcWriter::addCodec(const CodecParameters &codec) {
    Impl &d = *m_impl;
    checkName(codec.id, QStringLiteral("codec"), d.path);
    if (d.codecs.contains(codec.id))
        throw Error(QStringLiteral("%1: codec '%2' was added twice").arg(d.path, codec.id));
    const QString context = d.nameContext(QStringLiteral("codec"), codec.id);
    std::vector<QString> arrayNames;
    for (const NamedArray &array : codec.arrays) {
        checkName(array.name, QStringLiteral("codec array"), context);
        if (std::find(arrayNames.begin(), arrayNames.end(), array.name) != arrayNames.end())
            throw Error(QStringLiteral("%1: array '%2' appears twice").arg(context, array.name));
        arrayNames.push_back(array.name);
    }
    try {
        H5::Group root = d.root();
        H5::Group codecs = h5::ensureGroup(root, kCodecsGroup);
        H5::Group group = codecs.createGroup(toStd(codec.id));
        writeCodecGroup(group, codec, context);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write: %2").arg(context, h5::errorText(error)));
    }
    d.codecs.insert(codec.id);
}

void NwcWriter::addTensor(const CompressedTensor &t) {
    Impl &d = *m_impl;
    d.claimTensorName(t.name);
    validateCompressedTensor(t, d.path);
    const QString context = d.nameContext(QStringLiteral("tensor"), t.name);
    try {
        H5::Group root = d.root();
        H5::Group tensors = h5::ensureGroup(root, kTensorsGroup);
        H5::Group group = tensors.createGroup(toStd(t.name));
        h5::setAttribute(group, QStringLiteral("rows"), int64_t(t.rows));
        h5::setAttribute(group, QStringLiteral("columns"), int64_t(t.columns));
        h5::setAttribute(group, QStringLiteral("transposed"), int64_t(t.transposed ? 1 : 0));
        h5::setAttribute(group, QStringLiteral("original_dtype"), dtypeName(t.originalDtype));
        h5::setAttribute(group, QStringLiteral("method"), compressionMethodName(t.method));
        h5::setAttribute(group, QStringLiteral("codec_id"), t.codecId);
        h5::setAttribute(group, QStringLiteral("step"), t.step);
        h5::setAttribute(group, QStringLiteral("columns_per_stream"), int64_t(t.columnsPerStream));
        h5::setAttribute(group, QStringLiteral("estimated_bits"), t.estimatedBits);
        h5::setAttribute(group, QStringLiteral("table_checksum"), int64_t(t.tableChecksum));
        h5::setAttribute(group, QStringLiteral("bits"), int64_t(t.bits));
        h5::setAttribute(group, QStringLiteral("group_size"), int64_t(t.groupSize));
        h5::setAttribute(group, QStringLiteral("level_count"), int64_t(t.levels.size()));
        h5::setAttribute(group, kChecksum, int64_t(compressedTensorChecksum(t)));
        if (t.method == CompressionMethod::Nwc) {
            h5::writeU8(group, QStringLiteral("levels"), packLevels(t.levels));
            h5::writeU16(group, QStringLiteral("column_scales"), t.columnScales);
            h5::writeBytes(group, QStringLiteral("bitstream"), t.bitstream);
            h5::writeU32(group, QStringLiteral("stream_offsets"), offsetsToU32(t.streamOffsets));
        } else {
            h5::writeBytes(group, QStringLiteral("packed_codes"), t.packedCodes);
            h5::writeU16(group, QStringLiteral("group_scales"), t.groupScales);
            h5::writeU16(group, QStringLiteral("group_zeros"), t.groupZeros);
        }
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write: %2").arg(context, h5::errorText(error)));
    }
    d.names.insert(t.name);
    d.order.push_back(t.name);
    d.countedBytes += t.countedBytes();
    d.compressedWeights += t.weightCount();
}

void NwcWriter::addPassthrough(const QString &name, DType dtype, const QVector<qint64> &shape,
                               const QByteArray &bytes) {
    Impl &d = *m_impl;
    d.claimTensorName(name);
    const QString context = d.nameContext(QStringLiteral("passthrough tensor"), name);
    const int64_t elements = elementsOf(shape, context);
    if (int64_t(bytes.size()) != elements * dtypeSize(dtype))
        throw Error(QStringLiteral("%1: %2 bytes given for %3 %4 elements (%5 bytes)")
                        .arg(context)
                        .arg(bytes.size())
                        .arg(shapeText(shape), dtypeName(dtype))
                        .arg(elements * dtypeSize(dtype)));
    try {
        H5::Group root = d.root();
        H5::Group passthrough = h5::ensureGroup(root, kPassthroughGroup);
        H5::Group group = passthrough.createGroup(toStd(name));
        h5::setAttribute(group, QStringLiteral("dtype"), dtypeName(dtype));
        h5::setAttribute(group, kChecksum, int64_t(crcOf(bytes)));
        h5::writeI64(group, QStringLiteral("shape"),
                     std::vector<int64_t>(shape.begin(), shape.end()));
        h5::writeBytes(group, QStringLiteral("data"), bytes);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write: %2").arg(context, h5::errorText(error)));
    }
    d.names.insert(name);
    d.order.push_back(name);
}

void NwcWriter::addAnalysisArray(const QString &name, const std::vector<double> &values,
                                 const std::vector<int64_t> &shape) {
    Impl &d = *m_impl;
    checkName(name, QStringLiteral("analysis array"), d.path);
    if (d.analysisArrays.contains(name))
        throw Error(QStringLiteral("%1: analysis array '%2' was added twice").arg(d.path, name));
    try {
        H5::Group root = d.root();
        H5::Group arrays = h5::ensureGroup(root, kAnalysisGroup + QStringLiteral("/arrays"));
        h5::writeDoubles(arrays, name, values, shape, true);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write analysis array '%2': %3")
                        .arg(d.path, name, h5::errorText(error)));
    }
    d.analysisArrays.insert(name);
}

void NwcWriter::setAnalysisJson(const QByteArray &json) {
    Impl &d = *m_impl;
    try {
        H5::Group root = d.root();
        H5::Group analysis = h5::ensureGroup(root, kAnalysisGroup);
        if (d.hasAnalysisJson)
            analysis.unlink("json");
        writeCheckedBytes(analysis, QStringLiteral("json"), json);
        d.hasAnalysisJson = true;
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write the analysis JSON: %2")
                        .arg(d.path, h5::errorText(error)));
    }
}

void NwcWriter::commit() {
    Impl &d = *m_impl;
    if (d.committed)
        throw Error(QStringLiteral("%1: the container was already written").arg(d.path));
    if (!d.hasConfig)
        throw Error(QStringLiteral("%1: no config.json was given; a container must hold the "
                                   "model's config to be decompressed")
                        .arg(d.path));
    QString primary = d.primaryTokenizer;
    for (const char *name : kPrimaryTokenizerNames) {
        if (!primary.isEmpty())
            break;
        if (std::find(d.tokenizerFiles.begin(), d.tokenizerFiles.end(), QLatin1String(name)) !=
            d.tokenizerFiles.end())
            primary = QLatin1String(name);
    }
    for (const QString &name : d.tokenizerFiles) {
        if (primary.isEmpty() && isLlama2cTokenizerName(name))
            primary = name;
    }
    if (primary.isEmpty() && !d.tokenizerFiles.empty())
        primary = d.tokenizerFiles.front();

    try {
        H5::Group root = d.root();
        h5::setAttribute(root, QStringLiteral("format"), QStringLiteral("nwc"));
        h5::setAttribute(root, QStringLiteral("format_version"), kNwcFormatVersion);
        h5::setAttribute(root, QStringLiteral("tool_version"), QStringLiteral(NWC_VERSION));
        h5::setAttribute(root, QStringLiteral("source_model"), d.header.sourceModel);
        h5::setAttribute(root, QStringLiteral("method"), d.header.method);
        h5::setAttribute(root, QStringLiteral("target_bpw"), d.header.targetBitsPerWeight);
        const double achieved = d.header.achievedBitsPerWeight > 0 || d.compressedWeights == 0
                                    ? d.header.achievedBitsPerWeight
                                    : 8.0 * double(d.countedBytes) / double(d.compressedWeights);
        h5::setAttribute(root, QStringLiteral("achieved_bpw"), achieved);
        h5::setAttribute(root, QStringLiteral("created"),
                         QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        h5::setAttribute(root, QStringLiteral("settings_json"), d.header.settingsJson);
        h5::setAttribute(root, QStringLiteral("tokenizer_file"), primary);
        h5::writeStrings(root, QStringLiteral("order"), d.order);
    } catch (const H5::Exception &error) {
        throw Error(
            QStringLiteral("%1: cannot write the header: %2").arg(d.path, h5::errorText(error)));
    }
    d.file.commit();
    d.committed = true;
}

// --- reader ---

struct NwcReader::Impl {
    QString path;
    H5::H5File file;
    /// Opened from `file`; all access goes through it (see NwcWriter::Impl::root).
    H5::Group root;
    NwcHeader header;
    QString primaryTokenizer;
    std::vector<QString> order;
    QSet<QString> tensors;
    QSet<QString> passthrough;
    mutable std::mutex mutex;

    QString tensorContext(const QString &name) const {
        return QStringLiteral("%1: tensor '%2'").arg(path, name);
    }
    H5::Group group(const QString &name) const { return root.openGroup(toStd(name)); }
    H5::Group child(const QString &parent, const QString &name) const {
        return root.openGroup(toStd(parent)).openGroup(toStd(name));
    }
    std::vector<QString> childrenOf(const QString &name) const {
        if (!h5::exists(root, name))
            return {};
        return h5::childNames(group(name));
    }
    std::vector<QString> inOrder(const QSet<QString> &members) const {
        std::vector<QString> names;
        for (const QString &name : order)
            if (members.contains(name))
                names.push_back(name);
        return names;
    }
    CompressedTensor readTensorAttributes(const H5::Group &group, const QString &name) const;
    void requireTensor(const QString &name) const {
        if (!tensors.contains(name))
            throw Error(QStringLiteral("%1: has no compressed tensor named '%2'").arg(path, name));
    }
    void requirePassthrough(const QString &name) const {
        if (!passthrough.contains(name))
            throw Error(QStringLiteral("%1: has no passthrough tensor named '%2'").arg(path, name));
    }
};

CompressedTensor NwcReader::Impl::readTensorAttributes(const H5::Group &group,
                                                       const QString &name) const {
    const QString context = tensorContext(name);
    CompressedTensor t;
    t.name = name;
    t.rows = h5::intAttribute(group, QStringLiteral("rows"), context);
    t.columns = h5::intAttribute(group, QStringLiteral("columns"), context);
    t.transposed = h5::intAttribute(group, QStringLiteral("transposed"), context) != 0;
    const QString dtype = h5::stringAttribute(group, QStringLiteral("original_dtype"), context);
    if (!dtypeFromName(dtype, &t.originalDtype))
        throw Error(QStringLiteral("%1: unknown original dtype '%2' (the file is damaged or from "
                                   "a newer version)")
                        .arg(context, dtype));
    const QString method = h5::stringAttribute(group, QStringLiteral("method"), context);
    if (!compressionMethodFromName(method, &t.method))
        throw Error(QStringLiteral("%1: unknown method '%2'; this version reads %3 (update NWC "
                                   "Workbench)")
                        .arg(context, method, methodList()));
    t.codecId = h5::stringAttribute(group, QStringLiteral("codec_id"), context);
    t.step = h5::doubleAttribute(group, QStringLiteral("step"), context);
    t.columnsPerStream =
        int32_t(h5::intAttribute(group, QStringLiteral("columns_per_stream"), context));
    t.estimatedBits = h5::doubleAttribute(group, QStringLiteral("estimated_bits"), context);
    t.tableChecksum = uint32_t(h5::intAttribute(group, QStringLiteral("table_checksum"), context));
    t.bits = int32_t(h5::intAttribute(group, QStringLiteral("bits"), context));
    t.groupSize = int32_t(h5::intAttribute(group, QStringLiteral("group_size"), context));
    if (t.rows < 1 || t.columns < 1 || t.rows > kMaxElements / t.columns)
        throw Error(QStringLiteral("%1: invalid shape %2 x %3 (the file is damaged; re-export "
                                   "it)")
                        .arg(context)
                        .arg(t.rows)
                        .arg(t.columns));
    return t;
}

NwcReader::NwcReader(const QString &path)
    : m_impl(std::make_unique<Impl>()) {
    Impl &d = *m_impl;
    d.path = path;
    d.file = h5::openReadOnly(path);
    guarded(path, [&] {
        d.root = d.file.openGroup("/");
        if (!h5::hasAttribute(d.root, QStringLiteral("format")) ||
            h5::stringAttribute(d.root, QStringLiteral("format"), path) != QLatin1String("nwc"))
            throw Error(QStringLiteral("%1: not an NWC container (an HDF5 file without "
                                       "format=\"nwc\"); open a .nwc file written by 'nwc "
                                       "compress' or the workbench")
                            .arg(path));
        NwcHeader &h = d.header;
        h.formatVersion = h5::intAttribute(d.root, QStringLiteral("format_version"), path);
        h.toolVersion = h5::hasAttribute(d.root, QStringLiteral("tool_version"))
                            ? h5::stringAttribute(d.root, QStringLiteral("tool_version"), path)
                            : QString();
        if (h.formatVersion > kNwcFormatVersion)
            throw Error(QStringLiteral("%1: written by a newer NWC Workbench (%2) in container "
                                       "format version %3; this version (%4) reads format "
                                       "version %5 and older. Update NWC Workbench to open it.")
                            .arg(path, h.toolVersion)
                            .arg(h.formatVersion)
                            .arg(QStringLiteral(NWC_VERSION))
                            .arg(kNwcFormatVersion));
        if (h.formatVersion < 1)
            throw Error(QStringLiteral("%1: invalid container format version %2 (the file is "
                                       "damaged)")
                            .arg(path)
                            .arg(h.formatVersion));
        h.sourceModel = h5::stringAttribute(d.root, QStringLiteral("source_model"), path);
        h.method = h5::stringAttribute(d.root, QStringLiteral("method"), path);
        h.targetBitsPerWeight = h5::doubleAttribute(d.root, QStringLiteral("target_bpw"), path);
        h.achievedBitsPerWeight = h5::doubleAttribute(d.root, QStringLiteral("achieved_bpw"), path);
        h.created = h5::stringAttribute(d.root, QStringLiteral("created"), path);
        h.settingsJson = h5::stringAttribute(d.root, QStringLiteral("settings_json"), path);
        d.primaryTokenizer = h5::stringAttribute(d.root, QStringLiteral("tokenizer_file"), path);
        d.order = h5::readStrings(d.root, QStringLiteral("order"), path);
        for (const QString &name : d.childrenOf(kTensorsGroup))
            d.tensors.insert(name);
        for (const QString &name : d.childrenOf(kPassthroughGroup))
            d.passthrough.insert(name);
        QSet<QString> listed;
        for (const QString &name : d.order) {
            if (listed.contains(name) ||
                !(d.tensors.contains(name) || d.passthrough.contains(name)))
                throw Error(QStringLiteral("%1: the tensor list names '%2', which is missing or "
                                           "listed twice (the file is damaged; re-export it)")
                                .arg(path, name));
            listed.insert(name);
        }
        if (listed.size() != d.tensors.size() + d.passthrough.size())
            throw Error(QStringLiteral("%1: holds tensors that are not in its tensor list (the "
                                       "file is damaged; re-export it)")
                            .arg(path));
        if (!d.primaryTokenizer.isEmpty() &&
            !h5::exists(d.root, kTokenizerGroup + QLatin1Char('/') + d.primaryTokenizer))
            throw Error(QStringLiteral("%1: the tokenizer file '%2' is missing (the file is "
                                       "damaged; re-export it)")
                            .arg(path, d.primaryTokenizer));
    });
}

NwcReader::~NwcReader() = default;

QString NwcReader::path() const {
    return m_impl->path;
}

const NwcHeader &NwcReader::header() const {
    return m_impl->header;
}

const std::vector<QString> &NwcReader::order() const {
    return m_impl->order;
}

QByteArray NwcReader::configJson() const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    return guarded(d.path,
                   [&] { return readCheckedBytes(d.root, QStringLiteral("config_json"), d.path); });
}

std::vector<QString> NwcReader::tokenizerFileNames() const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    return guarded(d.path, [&] { return d.childrenOf(kTokenizerGroup); });
}

QString NwcReader::primaryTokenizerFile() const {
    return m_impl->primaryTokenizer;
}

QByteArray NwcReader::tokenizerFile(const QString &fileName) const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    const QString context = QStringLiteral("%1: tokenizer file").arg(d.path);
    return guarded(context, [&] {
        if (!h5::exists(d.root, kTokenizerGroup + QLatin1Char('/') + fileName))
            throw Error(QStringLiteral("%1: has no tokenizer file '%2'").arg(d.path, fileName));
        return readCheckedBytes(d.group(kTokenizerGroup), fileName, context);
    });
}

std::vector<QString> NwcReader::codecIds() const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    return guarded(d.path, [&] { return d.childrenOf(kCodecsGroup); });
}

CodecParameters NwcReader::codec(const QString &id) const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    const QString context = QStringLiteral("%1: codec '%2'").arg(d.path, id);
    return guarded(context, [&] {
        if (id.contains(QLatin1Char('/')) ||
            !h5::exists(d.root, kCodecsGroup + QLatin1Char('/') + id))
            throw Error(QStringLiteral("%1: has no codec '%2' (the file is damaged or "
                                       "incomplete; re-export it)")
                            .arg(d.path, id));
        const H5::Group group = d.child(kCodecsGroup, id);
        return readCodecGroup(group, id, context);
    });
}

std::vector<QString> NwcReader::tensorNames() const {
    return m_impl->inOrder(m_impl->tensors);
}

bool NwcReader::hasTensor(const QString &name) const {
    return m_impl->tensors.contains(name);
}

CompressedTensor NwcReader::tensor(const QString &name) const {
    const Impl &d = *m_impl;
    d.requireTensor(name);
    std::lock_guard<std::mutex> lock(d.mutex);
    const QString context = d.tensorContext(name);
    return guarded(context, [&] {
        const H5::Group group = d.child(kTensorsGroup, name);
        CompressedTensor t = d.readTensorAttributes(group, name);
        const uint32_t stored = uint32_t(h5::intAttribute(group, kChecksum, context));
        if (t.method == CompressionMethod::Nwc) {
            const int64_t levelCount =
                h5::intAttribute(group, QStringLiteral("level_count"), context);
            const std::vector<uint8_t> packed =
                h5::readU8(group, QStringLiteral("levels"), context);
            if (levelCount < 0 || int64_t(packed.size()) != (levelCount + 3) / 4)
                throw Error(QStringLiteral("%1 is corrupt (%2 bytes of levels for %3 columns) — "
                                           "the file is damaged; re-export it")
                                .arg(context)
                                .arg(packed.size())
                                .arg(levelCount));
            t.levels = unpackLevels(packed, size_t(levelCount));
            t.columnScales = h5::readU16(group, QStringLiteral("column_scales"), context);
            t.bitstream = h5::readBytes(group, QStringLiteral("bitstream"), context);
            const std::vector<uint32_t> offsets =
                h5::readU32(group, QStringLiteral("stream_offsets"), context);
            t.streamOffsets.assign(offsets.begin(), offsets.end());
        } else {
            t.packedCodes = h5::readBytes(group, QStringLiteral("packed_codes"), context);
            t.groupScales = h5::readU16(group, QStringLiteral("group_scales"), context);
            t.groupZeros = h5::readU16(group, QStringLiteral("group_zeros"), context);
        }
        try {
            validateCompressedTensor(t, d.path);
        } catch (const Error &error) {
            throw Error(error.message() + QStringLiteral(" — the file is damaged; re-export it"));
        }
        if (compressedTensorChecksum(t) != stored)
            throw Error(QStringLiteral("%1: tensor %2 is corrupt (checksum mismatch) — the file "
                                       "is damaged; re-export it")
                            .arg(d.path, name));
        return t;
    });
}

NwcTensorSummary NwcReader::tensorSummary(const QString &name) const {
    const Impl &d = *m_impl;
    d.requireTensor(name);
    std::lock_guard<std::mutex> lock(d.mutex);
    const QString context = d.tensorContext(name);
    return guarded(context, [&] {
        const H5::Group group = d.child(kTensorsGroup, name);
        CompressedTensor t = d.readTensorAttributes(group, name);
        NwcTensorSummary s;
        if (t.method == CompressionMethod::Nwc) {
            const int64_t levelCount =
                h5::intAttribute(group, QStringLiteral("level_count"), context);
            const std::vector<uint8_t> packed =
                h5::readU8(group, QStringLiteral("levels"), context);
            if (levelCount < 0 || int64_t(packed.size()) != (levelCount + 3) / 4)
                throw Error(QStringLiteral("%1 is corrupt (levels do not match its columns) — "
                                           "the file is damaged; re-export it")
                                .arg(context));
            t.levels = unpackLevels(packed, size_t(levelCount));
            s.levelColumns.assign(4, 0);
            for (uint8_t level : t.levels)
                ++s.levelColumns[level];
            t.columnScales.resize(
                size_t(datasetLength(group, QStringLiteral("column_scales"), context)));
            t.streamOffsets.resize(
                size_t(datasetLength(group, QStringLiteral("stream_offsets"), context)));
            s.payloadBytes = datasetLength(group, QStringLiteral("bitstream"), context);
        } else {
            t.groupScales.resize(
                size_t(datasetLength(group, QStringLiteral("group_scales"), context)));
            t.groupZeros.resize(
                size_t(datasetLength(group, QStringLiteral("group_zeros"), context)));
            s.payloadBytes = datasetLength(group, QStringLiteral("packed_codes"), context);
        }
        // countedBytes() counts the bitstream / packed codes byte for byte.
        s.countedBytes = t.countedBytes() + s.payloadBytes;
        s.name = name;
        s.rows = t.rows;
        s.columns = t.columns;
        s.transposed = t.transposed;
        s.originalDtype = t.originalDtype;
        s.method = t.method;
        s.codecId = t.codecId;
        s.step = t.step;
        s.bits = t.bits;
        s.groupSize = t.groupSize;
        s.columnsPerStream = t.columnsPerStream;
        s.estimatedBits = t.estimatedBits;
        return s;
    });
}

std::vector<QString> NwcReader::passthroughNames() const {
    return m_impl->inOrder(m_impl->passthrough);
}

bool NwcReader::hasPassthrough(const QString &name) const {
    return m_impl->passthrough.contains(name);
}

PassthroughTensor NwcReader::passthroughInfo(const QString &name) const {
    const Impl &d = *m_impl;
    d.requirePassthrough(name);
    std::lock_guard<std::mutex> lock(d.mutex);
    const QString context = QStringLiteral("%1: passthrough tensor '%2'").arg(d.path, name);
    return guarded(context, [&] {
        const H5::Group group = d.child(kPassthroughGroup, name);
        PassthroughTensor p;
        p.name = name;
        const QString dtype = h5::stringAttribute(group, QStringLiteral("dtype"), context);
        if (!dtypeFromName(dtype, &p.dtype))
            throw Error(QStringLiteral("%1: unknown dtype '%2' (the file is damaged or from a "
                                       "newer version)")
                            .arg(context, dtype));
        for (int64_t dimension : h5::readI64(group, QStringLiteral("shape"), context))
            p.shape.append(dimension);
        const int64_t elements = elementsOf(p.shape, context);
        if (datasetLength(group, QStringLiteral("data"), context) != elements * dtypeSize(p.dtype))
            throw Error(QStringLiteral("%1 is corrupt (its size does not match %2 %3) — the "
                                       "file is damaged; re-export it")
                            .arg(context, shapeText(p.shape), dtype));
        return p;
    });
}

PassthroughTensor NwcReader::passthrough(const QString &name) const {
    PassthroughTensor p = passthroughInfo(name);
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    const QString context = QStringLiteral("%1: passthrough tensor '%2'").arg(d.path, name);
    return guarded(context, [&] {
        const H5::Group group = d.child(kPassthroughGroup, name);
        p.bytes = h5::readBytes(group, QStringLiteral("data"), context);
        if (int64_t(p.bytes.size()) != elementsOf(p.shape, context) * dtypeSize(p.dtype))
            throw Error(QStringLiteral("%1 is corrupt (wrong size) — the file is damaged; "
                                       "re-export it")
                            .arg(context));
        if (uint32_t(h5::intAttribute(group, kChecksum, context)) != crcOf(p.bytes))
            throw Error(QStringLiteral("%1: tensor %2 is corrupt (checksum mismatch) — the file "
                                       "is damaged; re-export it")
                            .arg(d.path, name));
        return p;
    });
}

std::vector<QString> NwcReader::analysisArrayNames() const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    return guarded(d.path,
                   [&] { return d.childrenOf(kAnalysisGroup + QStringLiteral("/arrays")); });
}

std::vector<double> NwcReader::analysisArray(const QString &name,
                                             std::vector<int64_t> *shape) const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    const QString context = QStringLiteral("%1: analysis array '%2'").arg(d.path, name);
    return guarded(context, [&] {
        const QString arrays = kAnalysisGroup + QStringLiteral("/arrays");
        if (name.contains(QLatin1Char('/')) ||
            !h5::exists(d.root, arrays + QLatin1Char('/') + name))
            throw Error(QStringLiteral("%1: has no analysis array '%2'").arg(d.path, name));
        return h5::readDoubles(d.group(arrays), name, context, shape);
    });
}

QByteArray NwcReader::analysisJson() const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    return guarded(d.path, [&] {
        if (!h5::exists(d.root, kAnalysisGroup + QStringLiteral("/json")))
            return QByteArray();
        return readCheckedBytes(d.group(kAnalysisGroup), QStringLiteral("json"),
                                d.path + QStringLiteral(": analysis"));
    });
}

NwcSummary NwcReader::summary() const {
    NwcSummary summary;
    summary.path = path();
    summary.header = header();
    for (const QString &name : order()) {
        if (hasTensor(name)) {
            NwcTensorSummary s = tensorSummary(name);
            summary.compressedWeights += s.weightCount();
            summary.countedBytes += s.countedBytes;
            if (s.method == CompressionMethod::Nwc) {
                summary.estimatedBitstreamBits += s.estimatedBits;
                summary.actualBitstreamBits += 8.0 * double(s.payloadBytes);
            }
            summary.tensors.push_back(std::move(s));
        } else {
            const PassthroughTensor p = passthroughInfo(name);
            const int64_t elements = elementsOf(p.shape, path());
            ++summary.passthroughCount;
            summary.passthroughWeights += elements;
            summary.passthroughBytes += elements * dtypeSize(p.dtype);
        }
    }
    if (summary.compressedWeights > 0)
        summary.bitsPerWeight =
            8.0 * double(summary.countedBytes) / double(summary.compressedWeights);
    for (const QString &id : codecIds()) {
        const CodecParameters codec = this->codec(id);
        summary.codecBytes += int64_t(codec.rateWeights.size()) * 8;
        for (const NamedArray &array : codec.arrays)
            summary.codecBytes += int64_t(array.values.size()) * 4;
    }
    summary.fileBytes = QFileInfo(path()).size();
    return summary;
}

} // namespace nwc
