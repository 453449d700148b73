// NwcWriter: builds a .nwc container under a temporary name.
#include "codec/nwccontainer.h"

#include "codec/nwccontainerformat.h"

#include "codec/codecgroup.h"
#include "io/h5util.h"
#include "jobs/error.h"
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QtEndian>
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <zlib.h>

namespace nwc {
using namespace container;

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
    int64_t formatVersion = kNwcFormatVersion;
    bool started = false;
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

void NwcWriter::setFormatVersion(int64_t version) {
    Impl &d = *m_impl;
    if (version < 1 || version > kNwcFormatVersion)
        throw Error(QStringLiteral("%1: cannot write container format version %2 (this build "
                                   "writes 1 to %3)")
                        .arg(d.path)
                        .arg(version)
                        .arg(kNwcFormatVersion));
    if (d.started)
        throw Error(QStringLiteral("%1: the format version must be set before anything is added")
                        .arg(d.path));
    d.formatVersion = version;
}

void NwcWriter::setConfigJson(const QByteArray &json) {
    Impl &d = *m_impl;
    d.started = true;
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
    d.started = true;
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
    d.started = true;
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
        if (d.formatVersion >= 2)
            h5::setAttribute(group, kChecksum, int64_t(codecChecksum(codec)));
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write: %2").arg(context, h5::errorText(error)));
    }
    d.codecs.insert(codec.id);
}

void NwcWriter::addTensor(const CompressedTensor &t) {
    Impl &d = *m_impl;
    d.started = true;
    d.claimTensorName(t.name);
    validateCompressedTensor(t, d.path);
    if (t.method == CompressionMethod::Nwc && d.formatVersion < 2 &&
        t.streamFormat != CompressedTensor::kSingleStateStreams)
        throw Error(QStringLiteral("%1: tensor '%2' is in lane streams, which container format "
                                   "version %3 cannot hold")
                        .arg(d.path, t.name)
                        .arg(d.formatVersion));
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
        if (d.formatVersion >= 2)
            h5::setAttribute(group, QStringLiteral("stream_format"), int64_t(t.streamFormat));
        h5::setAttribute(group, kChecksum, int64_t(compressedTensorChecksum(t, d.formatVersion)));
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
    d.started = true;
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
        PassthroughTensor stored;
        stored.name = name;
        stored.dtype = dtype;
        stored.shape = shape;
        stored.bytes = bytes;
        h5::setAttribute(group, kChecksum, int64_t(passthroughChecksum(stored, d.formatVersion)));
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
        if (d.formatVersion >= 2) {
            H5::DataSet dataset = arrays.openDataSet(toStd(name));
            std::vector<int64_t> dimensions = shape;
            if (dimensions.empty())
                dimensions.push_back(int64_t(values.size()));
            h5::setAttribute(dataset, kCrc32,
                             int64_t(analysisArrayChecksum(name, values, dimensions)));
        }
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
        NwcHeader &h = d.header;
        h.formatVersion = d.formatVersion;
        h.toolVersion = QStringLiteral(NWC_VERSION);
        h.created = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        h5::setAttribute(root, QStringLiteral("format_version"), d.formatVersion);
        h5::setAttribute(root, QStringLiteral("tool_version"), h.toolVersion);
        h5::setAttribute(root, QStringLiteral("source_model"), d.header.sourceModel);
        h5::setAttribute(root, QStringLiteral("method"), d.header.method);
        h5::setAttribute(root, QStringLiteral("target_bpw"), d.header.targetBitsPerWeight);
        if (!(h.achievedBitsPerWeight > 0) && d.compressedWeights > 0)
            h.achievedBitsPerWeight = 8.0 * double(d.countedBytes) / double(d.compressedWeights);
        h5::setAttribute(root, QStringLiteral("achieved_bpw"), h.achievedBitsPerWeight);
        h5::setAttribute(root, QStringLiteral("created"), h.created);
        h5::setAttribute(root, QStringLiteral("settings_json"), d.header.settingsJson);
        h5::setAttribute(root, QStringLiteral("tokenizer_file"), primary);
        h5::writeStrings(root, QStringLiteral("order"), d.order);
        if (d.formatVersion >= 2)
            h5::setAttribute(
                root, kHeaderChecksum,
                int64_t(headerChecksum(
                    h, primary, d.order,
                    containerMembers(
                        std::vector<QString>(d.codecs.begin(), d.codecs.end()), d.tokenizerFiles,
                        std::vector<QString>(d.analysisArrays.begin(), d.analysisArrays.end()),
                        d.hasAnalysisJson))));
    } catch (const H5::Exception &error) {
        throw Error(
            QStringLiteral("%1: cannot write the header: %2").arg(d.path, h5::errorText(error)));
    }
    d.file.commit();
    d.committed = true;
}

// --- reader ---

} // namespace nwc
