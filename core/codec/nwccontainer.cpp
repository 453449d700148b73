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

uint32_t compressedTensorChecksum(const CompressedTensor &t, int64_t formatVersion) {
    uint32_t crc = uint32_t(crc32_z(0, nullptr, 0));
    crc = crcUpdate(crc, t.bitstream.constData(), size_t(t.bitstream.size()));
    crc = crcValues(crc, packLevels(t.levels));
    crc = crcValues(crc, t.columnScales);
    crc = crcValues(crc, offsetsToU32(t.streamOffsets));
    crc = crcUpdate(crc, t.packedCodes.constData(), size_t(t.packedCodes.size()));
    crc = crcValues(crc, t.groupScales);
    crc = crcValues(crc, t.groupZeros);
    if (formatVersion < 2)
        return crc;
    CrcBuilder attributes;
    attributes.add(int64_t(crc))
        .add(t.name)
        .add(int64_t(t.rows))
        .add(int64_t(t.columns))
        .add(int64_t(t.transposed ? 1 : 0))
        .add(dtypeName(t.originalDtype))
        .add(compressionMethodName(t.method))
        .add(t.codecId)
        .add(t.step)
        .add(int64_t(t.columnsPerStream))
        .add(t.estimatedBits)
        .add(int64_t(t.tableChecksum))
        .add(int64_t(t.bits))
        .add(int64_t(t.groupSize))
        .add(int64_t(t.levels.size()))
        .add(int64_t(t.streamFormat));
    return attributes.value();
}

uint32_t passthroughChecksum(const PassthroughTensor &p, int64_t formatVersion) {
    if (formatVersion < 2)
        return crcOf(p.bytes);
    CrcBuilder crc;
    crc.add(p.name).add(dtypeName(p.dtype)).add(int64_t(p.shape.size()));
    for (qint64 dimension : p.shape)
        crc.add(int64_t(dimension));
    crc.add(p.bytes);
    return crc.value();
}

uint32_t codecChecksum(const CodecParameters &codec) {
    CrcBuilder crc;
    crc.add(codec.id)
        .add(codec.preset)
        .add(int64_t(codec.chunk))
        .add(int64_t(codec.hidden))
        .add(int64_t(codec.blocks))
        .add(int64_t(codec.levels))
        .add(codec.lambda)
        .add(int64_t(codec.steps))
        .add(codec.nominalBitsPerWeight)
        .addValues(codec.rateWeights)
        .add(int64_t(codec.trainedOn.size()));
    for (const QString &model : codec.trainedOn)
        crc.add(model);
    crc.add(int64_t(codec.arrays.size()));
    for (const NamedArray &array : codec.arrays) {
        crc.add(array.name).addValues(array.shape);
        crc.addValues(array.values);
    }
    return crc.value();
}

uint32_t analysisArrayChecksum(const QString &name, const std::vector<double> &values,
                               const std::vector<int64_t> &shape) {
    return CrcBuilder().add(name).addValues(shape).addValues(values).value();
}

std::vector<QString> containerMembers(const std::vector<QString> &codecIds,
                                      const std::vector<QString> &tokenizerFiles,
                                      const std::vector<QString> &analysisArrays,
                                      bool hasAnalysisJson) {
    std::vector<QString> members;
    for (const QString &id : codecIds)
        members.push_back(QStringLiteral("codec:") + id);
    for (const QString &file : tokenizerFiles)
        members.push_back(QStringLiteral("tokenizer:") + file);
    for (const QString &name : analysisArrays)
        members.push_back(QStringLiteral("analysis-array:") + name);
    if (hasAnalysisJson)
        members.push_back(QStringLiteral("analysis-json"));
    std::sort(members.begin(), members.end());
    return members;
}

uint32_t headerChecksum(const NwcHeader &h, const QString &tokenizerFile,
                        const std::vector<QString> &order, const std::vector<QString> &members) {
    CrcBuilder crc;
    crc.add(QStringLiteral("nwc"))
        .add(int64_t(h.formatVersion))
        .add(h.toolVersion)
        .add(h.sourceModel)
        .add(h.method)
        .add(h.targetBitsPerWeight)
        .add(h.achievedBitsPerWeight)
        .add(h.created)
        .add(h.settingsJson)
        .add(tokenizerFile)
        .add(int64_t(order.size()));
    for (const QString &name : order)
        crc.add(name);
    crc.add(int64_t(members.size()));
    for (const QString &name : members)
        crc.add(name);
    return crc.value();
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

} // namespace nwc
