// NwcReader: opens and verifies a .nwc container.
#include "codec/nwccontainer.h"

#include "codec/nwccontainerformat.h"

#include "codec/codecgroup.h"
#include "codec/compressibletensor.h"
#include "codec/laneransstream.h"
#include "io/h5util.h"
#include "io/modelconfig.h"
#include "jobs/mismatcherror.h"
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <QtEndian>
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <zlib.h>

namespace nwc {
using namespace container;

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
    /// The stored model configuration, parsed once; nullptr when it is absent or not one this
    /// build reads (tensor layout is then not cross-checked). Call with the mutex held.
    const ModelConfig *modelConfig() const {
        if (!configTried) {
            configTried = true;
            try {
                const QJsonDocument document = QJsonDocument::fromJson(readCheckedBytes(
                    root, QStringLiteral("config_json"), path, header.formatVersion));
                if (document.isObject())
                    config = ModelConfig::fromJson(document.object(), path);
            } catch (const Error &) {
                config.reset();
            } catch (const H5::Exception &) {
                config.reset();
            }
        }
        return config ? &*config : nullptr;
    }
    mutable bool configTried = false;
    mutable std::optional<ModelConfig> config;
    void requireTensor(const QString &name) const {
        if (!tensors.contains(name))
            throw Error(QStringLiteral("%1: has no compressed tensor named '%2'").arg(path, name));
    }
    void requirePassthrough(const QString &name) const {
        if (!passthrough.contains(name))
            throw Error(QStringLiteral("%1: has no passthrough tensor named '%2'").arg(path, name));
    }
};

namespace {

/// Whether `packed` holds exactly the 2-bit levels of `count` columns (`count` is read from the
/// file, so no arithmetic on it that could overflow).
bool levelsFit(int64_t count, const std::vector<uint8_t> &packed) {
    const int64_t bytes = int64_t(packed.size());
    return count >= 0 && count <= 4 * bytes && count > 4 * (bytes - 1);
}

/// The quality level of every column of the NWC tensor stored in `group`; throws nwc::Error
/// naming `context` when the stored count and the packed bytes disagree.
std::vector<uint8_t> readLevels(const H5::Group &group, const QString &context) {
    const int64_t levelCount = h5::intAttribute(group, QStringLiteral("level_count"), context);
    const std::vector<uint8_t> packed = h5::readU8(group, QStringLiteral("levels"), context);
    if (!levelsFit(levelCount, packed))
        throw Error(QStringLiteral("%1 is corrupt (%2 bytes of levels for %3 columns) — "
                                   "the file is damaged; re-export it")
                        .arg(context)
                        .arg(packed.size())
                        .arg(levelCount));
    return unpackLevels(packed, size_t(levelCount));
}

} // namespace

CompressedTensor NwcReader::Impl::readTensorAttributes(const H5::Group &group,
                                                       const QString &name) const {
    const QString context = tensorContext(name);
    CompressedTensor t;
    t.name = name;
    t.rows = h5::intAttribute(group, QStringLiteral("rows"), context);
    t.columns = h5::intAttribute(group, QStringLiteral("columns"), context);
    // The flag is outside the payload checksum: anything but 0 or 1 is damage, not "true".
    const int64_t transposed = h5::intAttribute(group, QStringLiteral("transposed"), context);
    if (transposed != 0 && transposed != 1)
        throw Error(QStringLiteral("%1: invalid transposed flag %2 (the file is damaged; "
                                   "re-export it)")
                        .arg(context)
                        .arg(transposed));
    t.transposed = transposed == 1;
    // The layout follows from the architecture: a flag that contradicts it would silently
    // transpose the decoded weights.
    if (const ModelConfig *config = modelConfig()) {
        if (t.transposed != isStoredTransposed(*config, name))
            throw Error(QStringLiteral("%1: the transposed flag contradicts the model "
                                       "configuration (the file is damaged; re-export it)")
                            .arg(context));
    }
    const QString dtype = h5::stringAttribute(group, QStringLiteral("original_dtype"), context);
    if (!dtypeFromName(dtype, &t.originalDtype))
        throw Error(QStringLiteral("%1: unknown original dtype '%2' (the file is damaged or from "
                                   "a newer version)")
                        .arg(context, dtype));
    const QString method = h5::stringAttribute(group, QStringLiteral("method"), context);
    if (!compressionMethodFromName(method, &t.method))
        throw MismatchError(MismatchKind::NewerFormat,
                            QStringLiteral("%1: unknown method '%2'; this version reads %3 "
                                           "(update NWC Workbench)")
                                .arg(context, method, methodList()),
                            QStringLiteral("tensor: %1\nmethod: %2\nthis build (%3) reads: %4")
                                .arg(context, method, QStringLiteral(NWC_VERSION), methodList()));
    t.codecId = h5::stringAttribute(group, QStringLiteral("codec_id"), context);
    t.step = h5::doubleAttribute(group, QStringLiteral("step"), context);
    t.columnsPerStream =
        int32_t(h5::intAttribute(group, QStringLiteral("columns_per_stream"), context));
    t.estimatedBits = h5::doubleAttribute(group, QStringLiteral("estimated_bits"), context);
    t.tableChecksum = uint32_t(h5::intAttribute(group, QStringLiteral("table_checksum"), context));
    t.bits = int32_t(h5::intAttribute(group, QStringLiteral("bits"), context));
    t.groupSize = int32_t(h5::intAttribute(group, QStringLiteral("group_size"), context));
    if (header.formatVersion >= 2) {
        t.streamFormat = int32_t(h5::intAttribute(group, QStringLiteral("stream_format"), context));
        if (t.streamFormat != CompressedTensor::kLaneStreams &&
            t.streamFormat != CompressedTensor::kSingleStateStreams)
            throw Error(QStringLiteral("%1: unknown rANS stream format %2 (the file is damaged "
                                       "or from a newer version)")
                            .arg(context)
                            .arg(t.streamFormat));
    } else {
        t.streamFormat = CompressedTensor::kSingleStateStreams;
    }
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
            throw MismatchError(
                MismatchKind::NewerFormat,
                QStringLiteral("%1: written by a newer NWC Workbench (%2) in container format "
                               "version %3; this version (%4) reads format version %5 and older. "
                               "Update NWC Workbench to open it.")
                    .arg(path, h.toolVersion)
                    .arg(h.formatVersion)
                    .arg(QStringLiteral(NWC_VERSION))
                    .arg(kNwcFormatVersion),
                QStringLiteral("file: %1\ncontainer format version: %2\nwritten by: NWC "
                               "Workbench %3\nthis build: NWC Workbench %4, reads container "
                               "format versions 1 to %5")
                    .arg(path)
                    .arg(h.formatVersion)
                    .arg(h.toolVersion.isEmpty() ? QStringLiteral("(unknown)") : h.toolVersion,
                         QStringLiteral(NWC_VERSION))
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
        if (h.formatVersion >= 2 &&
            (!h5::hasAttribute(d.root, kHeaderChecksum) ||
             uint32_t(h5::intAttribute(d.root, kHeaderChecksum, path)) !=
                 headerChecksum(
                     h, d.primaryTokenizer, d.order,
                     containerMembers(
                         d.childrenOf(kCodecsGroup), d.childrenOf(kTokenizerGroup),
                         d.childrenOf(kAnalysisGroup + QStringLiteral("/arrays")),
                         h5::exists(d.root, kAnalysisGroup + QStringLiteral("/json")))))) {
            // A codec that a tensor needs and the file lacks is the likelier story than a
            // flipped header byte; say so by name.
            const std::vector<QString> codecs = d.childrenOf(kCodecsGroup);
            for (const QString &name : d.childrenOf(kTensorsGroup)) {
                const H5::Group group = d.group(kTensorsGroup + QLatin1Char('/') + name);
                if (!h5::hasAttribute(group, QStringLiteral("codec_id")))
                    continue;
                const QString codec = h5::stringAttribute(group, QStringLiteral("codec_id"), path);
                if (!codec.isEmpty() &&
                    std::find(codecs.begin(), codecs.end(), codec) == codecs.end())
                    throwMissingCodec(path, name, codec, codecs);
            }
            throw Error(QStringLiteral("%1: the container header is corrupt (checksum mismatch) — "
                                       "the file is damaged; re-export it")
                            .arg(path));
        }
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
    return guarded(d.path, [&] {
        return readCheckedBytes(d.root, QStringLiteral("config_json"), d.path,
                                d.header.formatVersion);
    });
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
        return readCheckedBytes(d.group(kTokenizerGroup), fileName, context,
                                d.header.formatVersion);
    });
}

void throwMissingCodec(const QString &path, const QString &tensor, const QString &codecId,
                       const std::vector<QString> &codecsInFile) {
    QStringList present;
    for (const QString &codec : codecsInFile)
        present << codec;
    const QString user =
        tensor.isEmpty() ? QString() : QStringLiteral("tensor '%1' uses ").arg(tensor);
    throw MismatchError(
        MismatchKind::CodecMissing,
        QStringLiteral("%1: %2codec '%3', which the file does not hold; the file is damaged or "
                       "incomplete, re-export it")
            .arg(path, user, codecId),
        QStringLiteral("file: %1\n%2codec needed: %3\ncodecs in the file: %4")
            .arg(path, tensor.isEmpty() ? QString() : QStringLiteral("tensor: %1\n").arg(tensor),
                 codecId,
                 present.isEmpty() ? QStringLiteral("(none)")
                                   : present.join(QStringLiteral(", "))));
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
            throwMissingCodec(d.path, QString(), id, d.childrenOf(kCodecsGroup));
        const H5::Group group = d.child(kCodecsGroup, id);
        CodecParameters codec = readCodecGroup(group, id, context);
        if (d.header.formatVersion >= 2 &&
            uint32_t(h5::intAttribute(group, kChecksum, context)) != codecChecksum(codec))
            throw Error(QStringLiteral("%1 is corrupt (checksum mismatch) — the file is damaged; "
                                       "re-export it")
                            .arg(context));
        return codec;
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
            t.levels = readLevels(group, context);
            t.columnScales = h5::readU16(group, QStringLiteral("column_scales"), context);
            t.bitstream = h5::readBytes(group, QStringLiteral("bitstream"), context);
            const std::vector<uint32_t> offsets =
                h5::readU32(group, QStringLiteral("stream_offsets"), context);
            t.streamOffsets.assign(offsets.begin(), offsets.end());
        } else {
            if (d.header.formatVersion >= 2 &&
                h5::intAttribute(group, QStringLiteral("level_count"), context) != 0)
                throw Error(QStringLiteral("%1 is corrupt (quality levels on an %2 tensor) — the "
                                           "file is damaged; re-export it")
                                .arg(context, compressionMethodName(t.method).toUpper()));
            t.packedCodes = h5::readBytes(group, QStringLiteral("packed_codes"), context);
            t.groupScales = h5::readU16(group, QStringLiteral("group_scales"), context);
            t.groupZeros = h5::readU16(group, QStringLiteral("group_zeros"), context);
        }
        try {
            validateCompressedTensor(t, d.path);
        } catch (const Error &error) {
            throw Error(error.message() + QStringLiteral(" — the file is damaged; re-export it"));
        }
        if (compressedTensorChecksum(t, d.header.formatVersion) != stored)
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
            t.levels = readLevels(group, context);
            s.levelColumns.assign(4, 0);
            for (uint8_t level : t.levels)
                ++s.levelColumns[level];
            t.columnScales.resize(
                size_t(datasetLength(group, QStringLiteral("column_scales"), context)));
            t.streamOffsets.resize(
                size_t(datasetLength(group, QStringLiteral("stream_offsets"), context)));
            s.payloadBytes = datasetLength(group, QStringLiteral("bitstream"), context);
            s.streamHeaderBytes = std::min(
                s.payloadBytes,
                streamHeaderBytes(t.streamFormat,
                                  std::max<int64_t>(0, int64_t(t.streamOffsets.size()) - 1)));
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
        if (uint32_t(h5::intAttribute(group, kChecksum, context)) !=
            passthroughChecksum(p, d.header.formatVersion))
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
        std::vector<int64_t> dimensions;
        std::vector<double> values = h5::readDoubles(d.group(arrays), name, context, &dimensions);
        if (d.header.formatVersion >= 2) {
            const H5::DataSet dataset = d.group(arrays).openDataSet(toStd(name));
            if (!h5::hasAttribute(dataset, kCrc32) ||
                uint32_t(h5::intAttribute(dataset, kCrc32, context)) !=
                    analysisArrayChecksum(name, values, dimensions))
                throw Error(QStringLiteral("%1 is corrupt (checksum mismatch) — the file is "
                                           "damaged; re-export it")
                                .arg(context));
        }
        if (shape)
            *shape = dimensions;
        return values;
    });
}

QByteArray NwcReader::analysisJson() const {
    const Impl &d = *m_impl;
    std::lock_guard<std::mutex> lock(d.mutex);
    return guarded(d.path, [&] {
        if (!h5::exists(d.root, kAnalysisGroup + QStringLiteral("/json")))
            return QByteArray();
        return readCheckedBytes(d.group(kAnalysisGroup), QStringLiteral("json"),
                                d.path + QStringLiteral(": analysis"), d.header.formatVersion);
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
                summary.actualBitstreamBits += 8.0 * double(s.payloadBytes - s.streamHeaderBytes);
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
