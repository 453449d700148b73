#include "analysis/compressionsharing.h"

#include "analysis/compressionplan.h"
#include "dist/processgroup.h"
#include "dist/workshare.h"
#include "jobs/error.h"

#include <QDataStream>
#include <QIODevice>

namespace nwc {
namespace {

/// Bumped when the exchanged layout changes (ranks must run the same build anyway).
constexpr qint32 kLayoutVersion = 1;

template <typename T> void put(QDataStream &out, const std::vector<T> &values) {
    out << qint64(values.size());
    for (const T &value : values)
        out << value;
}

template <typename T> void take(QDataStream &in, std::vector<T> &values) {
    qint64 count = 0;
    in >> count;
    if (count < 0 || in.status() != QDataStream::Ok)
        throw Error(QStringLiteral("a rank sent damaged data (a vector of %1 items)").arg(count));
    values.resize(size_t(count));
    for (T &value : values)
        in >> value;
}

void put(QDataStream &out, const std::vector<uint8_t> &values) {
    out << QByteArray(reinterpret_cast<const char *>(values.data()), qsizetype(values.size()));
}

void take(QDataStream &in, std::vector<uint8_t> &values) {
    QByteArray bytes;
    in >> bytes;
    values.assign(bytes.begin(), bytes.end());
}

void put(QDataStream &out, const RateOption &option) {
    out << qint32(option.codec) << option.step << option.bits << option.distortion;
}

void take(QDataStream &in, RateOption &option) {
    qint32 codec = 0;
    in >> codec >> option.step >> option.bits >> option.distortion;
    option.codec = codec;
}

void put(QDataStream &out, const CompressedTensor &t) {
    out << t.name << qint64(t.rows) << qint64(t.columns) << t.transposed << qint32(t.originalDtype)
        << qint32(t.method) << t.codecId << t.step;
    put(out, t.levels);
    put(out, t.columnScales);
    out << t.bitstream;
    put(out, std::vector<quint64>(t.streamOffsets.begin(), t.streamOffsets.end()));
    out << qint32(t.columnsPerStream) << t.estimatedBits << quint32(t.tableChecksum)
        << qint32(t.bits) << qint32(t.groupSize) << t.packedCodes;
    put(out, t.groupScales);
    put(out, t.groupZeros);
}

void take(QDataStream &in, CompressedTensor &t) {
    qint64 rows = 0;
    qint64 columns = 0;
    qint32 dtype = 0;
    qint32 method = 0;
    in >> t.name >> rows >> columns >> t.transposed >> dtype >> method >> t.codecId >> t.step;
    t.rows = rows;
    t.columns = columns;
    t.originalDtype = DType(dtype);
    t.method = CompressionMethod(method);
    take(in, t.levels);
    take(in, t.columnScales);
    in >> t.bitstream;
    std::vector<quint64> offsets;
    take(in, offsets);
    t.streamOffsets.assign(offsets.begin(), offsets.end());
    qint32 columnsPerStream = 0;
    quint32 checksum = 0;
    qint32 bits = 0;
    qint32 groupSize = 0;
    in >> columnsPerStream >> t.estimatedBits >> checksum >> bits >> groupSize >> t.packedCodes;
    t.columnsPerStream = columnsPerStream;
    t.tableChecksum = checksum;
    t.bits = bits;
    t.groupSize = groupSize;
    take(in, t.groupScales);
    take(in, t.groupZeros);
}

void put(QDataStream &out, const CompressedTensorSummary &row) {
    out << row.name << qint64(row.rows) << qint64(row.columns) << qint32(row.method) << row.codecId
        << row.step << qint32(row.bits) << qint64(row.countedBytes) << row.bitsPerWeight
        << row.estimatedBits << row.weightedError;
    put(out, std::vector<qint64>(row.levelColumns.begin(), row.levelColumns.end()));
}

void take(QDataStream &in, CompressedTensorSummary &row) {
    qint64 rows = 0;
    qint64 columns = 0;
    qint32 method = 0;
    qint32 bits = 0;
    qint64 counted = 0;
    in >> row.name >> rows >> columns >> method >> row.codecId >> row.step >> bits >> counted >>
        row.bitsPerWeight >> row.estimatedBits >> row.weightedError;
    row.rows = rows;
    row.columns = columns;
    row.method = CompressionMethod(method);
    row.bits = bits;
    row.countedBytes = counted;
    std::vector<qint64> levels;
    take(in, levels);
    row.levelColumns.assign(levels.begin(), levels.end());
}

/// Starts a stream written with openReader()'s settings.
void openWriter(QDataStream &out) {
    out.setFloatingPointPrecision(QDataStream::DoublePrecision);
    out << kLayoutVersion;
}

/// Reads the layout version and refuses another.
void openReader(QDataStream &in) {
    in.setFloatingPointPrecision(QDataStream::DoublePrecision);
    qint32 version = 0;
    in >> version;
    if (version != kLayoutVersion)
        throw Error(QStringLiteral("a rank sent data of layout %1, this one reads %2: run the "
                                   "same nwc build on every rank")
                        .arg(version)
                        .arg(kLayoutVersion));
}

void requireIntact(const QDataStream &in, const char *what) {
    if (in.status() != QDataStream::Ok)
        throw Error(QStringLiteral("a rank sent a damaged %1; run the same nwc build on every "
                                   "rank")
                        .arg(QLatin1String(what)));
}

/// Blob of (index, payload) pairs for `mine`.
template <typename Serialize>
QByteArray indexedBlob(const std::vector<size_t> &mine, Serialize serialize) {
    QByteArray blob;
    QDataStream out(&blob, QIODevice::WriteOnly);
    openWriter(out);
    out << qint64(mine.size());
    for (size_t i = 0; i < mine.size(); ++i)
        out << quint64(mine[i]) << serialize(i);
    return blob;
}

/// Calls `accept(index, payload)` for each pair of a blob; checks indices against `jobs`.
template <typename Accept>
void readIndexedBlob(const QByteArray &blob, size_t jobs, Accept accept) {
    QDataStream in(blob);
    openReader(in);
    qint64 count = 0;
    in >> count;
    for (qint64 i = 0; i < count && in.status() == QDataStream::Ok; ++i) {
        quint64 index = 0;
        QByteArray payload;
        in >> index >> payload;
        if (index >= jobs)
            throw Error(QStringLiteral("a rank sent tensor %1 of a plan with %2 tensors; run "
                                       "every rank with the same model and settings")
                            .arg(index)
                            .arg(jobs));
        accept(size_t(index), payload);
    }
    requireIntact(in, "list of tensors");
}

} // namespace

std::vector<size_t> tensorsOfRank(const CompressionPlan &plan, const dist::ProcessGroup *group) {
    if (!group)
        return plan.allTensors();
    std::vector<double> costs;
    const bool gptq = plan.settings.method == CompressionMethod::Gptq;
    for (const TensorJob &job : plan.jobs)
        costs.push_back(double(job.rows) * double(job.columns) +
                        (gptq ? double(job.columns) * double(job.columns) : 0.0));
    return dist::itemsOf(dist::assignByCost(costs, group->size()), group->rank());
}

QByteArray serializeMeasurement(const TensorMeasurement &m) {
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    openWriter(out);
    out << m.rate.fixedBits << qint64(m.rate.options.size());
    for (const RateOption &option : m.rate.options)
        put(out, option);
    put(out, m.levels);
    out << m.distortionWeight;
    return bytes;
}

TensorMeasurement deserializeMeasurement(const QByteArray &bytes) {
    QDataStream in(bytes);
    openReader(in);
    TensorMeasurement m;
    qint64 options = 0;
    in >> m.rate.fixedBits >> options;
    if (options < 0 || in.status() != QDataStream::Ok)
        throw Error(QStringLiteral("a rank sent a damaged measurement"));
    m.rate.options.resize(size_t(options));
    for (RateOption &option : m.rate.options)
        take(in, option);
    take(in, m.levels);
    in >> m.distortionWeight;
    requireIntact(in, "measurement");
    return m;
}

QByteArray serializeCodingResult(const TensorCodingResult &result) {
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    openWriter(out);
    put(out, result.tensor);
    put(out, result.row);
    put(out, result.option);
    out << result.hasLayer << result.layer.name << qint32(result.layer.block)
        << result.layer.relativeErrorOff << result.layer.relativeErrorOn;
    put(out, result.layer.columnErrorOff);
    put(out, result.layer.columnErrorOn);
    return bytes;
}

TensorCodingResult deserializeCodingResult(const QByteArray &bytes) {
    QDataStream in(bytes);
    openReader(in);
    TensorCodingResult result;
    take(in, result.tensor);
    take(in, result.row);
    take(in, result.option);
    qint32 block = 0;
    in >> result.hasLayer >> result.layer.name >> block >> result.layer.relativeErrorOff >>
        result.layer.relativeErrorOn;
    result.layer.block = block;
    take(in, result.layer.columnErrorOff);
    take(in, result.layer.columnErrorOn);
    requireIntact(in, "coded tensor");
    return result;
}

double shareAchievedRate(dist::ProcessGroup &group, const CompressionSummary &summary) {
    std::vector<double> rate = {group.isRoot() ? summary.achievedBitsPerWeight : 0.0};
    group.allReduceSum(rate, QStringLiteral("sharing the achieved rate"));
    return rate.front();
}

void shareMeasurements(dist::ProcessGroup &group, const std::vector<size_t> &mine,
                       std::vector<TensorMeasurement> &measurements) {
    const QByteArray blob =
        indexedBlob(mine, [&](size_t i) { return serializeMeasurement(measurements[mine[i]]); });
    const std::vector<QByteArray> blobs =
        group.allGather(blob, QStringLiteral("sharing the tensors' rate measurements"));
    for (int rank = 0; rank < group.size(); ++rank) {
        if (rank == group.rank())
            continue;
        readIndexedBlob(blobs[size_t(rank)], measurements.size(),
                        [&](size_t index, const QByteArray &payload) {
                            measurements[index] = deserializeMeasurement(payload);
                        });
    }
}

std::vector<TensorCodingResult> gatherCodedTensors(dist::ProcessGroup &group, size_t jobs,
                                                   const std::vector<size_t> &mine,
                                                   const std::vector<TensorCodingResult> &coded) {
    const QByteArray blob =
        indexedBlob(mine, [&](size_t i) { return serializeCodingResult(coded[i]); });
    const std::vector<QByteArray> blobs =
        group.gather(blob, 0, QStringLiteral("sending the coded tensors to rank 0"));
    std::vector<TensorCodingResult> all;
    if (!group.isRoot())
        return all;
    all.resize(jobs);
    std::vector<bool> seen(jobs, false);
    for (const QByteArray &rankBlob : blobs)
        readIndexedBlob(rankBlob, jobs, [&](size_t index, const QByteArray &payload) {
            all[index] = deserializeCodingResult(payload);
            seen[index] = true;
        });
    for (size_t i = 0; i < jobs; ++i)
        if (!seen[i])
            throw Error(QStringLiteral("no rank coded tensor %1 of the plan; run every rank with "
                                       "the same model and settings")
                            .arg(i));
    return all;
}

} // namespace nwc
