#include "analysis/sweepsharing.h"

#include "dist/processgroup.h"
#include "jobs/error.h"

#include <QDataStream>
#include <QIODevice>

namespace nwc {
namespace {

void put(QDataStream &out, const SweepPoint &p) {
    out << p.method << p.targetBits << p.bitsPerWeight << qint64(p.fileBytes)
        << qint64(p.countedBytes) << p.weightedMse << p.perplexity << p.bitsPerByte << p.klMean
        << p.klP99 << p.sameTopRate << p.seconds << p.containerPath;
}

void take(QDataStream &in, SweepPoint &p) {
    qint64 fileBytes = 0;
    qint64 countedBytes = 0;
    in >> p.method >> p.targetBits >> p.bitsPerWeight >> fileBytes >> countedBytes >>
        p.weightedMse >> p.perplexity >> p.bitsPerByte >> p.klMean >> p.klP99 >> p.sameTopRate >>
        p.seconds >> p.containerPath;
    p.fileBytes = fileBytes;
    p.countedBytes = countedBytes;
}

void requireIntact(const QDataStream &in, const QString &what) {
    if (in.status() != QDataStream::Ok)
        throw Error(QStringLiteral("a rank sent a damaged %1; run the same nwc build on every "
                                   "rank")
                        .arg(what));
}

} // namespace

void sharePlan(dist::ProcessGroup &group, std::vector<PlannedPoint> &planned, bool &hasReference) {
    QByteArray blob;
    if (group.isRoot()) {
        QDataStream out(&blob, QIODevice::WriteOnly);
        out.setFloatingPointPrecision(QDataStream::DoublePrecision);
        out << hasReference << qint64(planned.size());
        for (const PlannedPoint &point : planned)
            out << point.method << point.bits;
    }
    blob = group.broadcast(blob, 0, QStringLiteral("sharing the sweep's remaining points"));
    QDataStream in(blob);
    in.setFloatingPointPrecision(QDataStream::DoublePrecision);
    qint64 count = 0;
    in >> hasReference >> count;
    planned.assign(size_t(std::max<qint64>(0, count)), PlannedPoint());
    for (PlannedPoint &point : planned)
        in >> point.method >> point.bits;
    requireIntact(in, QStringLiteral("list of sweep points"));
}

std::vector<PointOutcome> shareRound(dist::ProcessGroup &group,
                                     const std::optional<PointOutcome> &mine, int round) {
    QByteArray blob;
    if (mine) {
        QDataStream out(&blob, QIODevice::WriteOnly);
        out.setFloatingPointPrecision(QDataStream::DoublePrecision);
        out << mine->skipped << mine->skipLine;
        put(out, mine->point);
    }
    const std::vector<QByteArray> blobs = group.allGather(
        blob, QStringLiteral("gathering the sweep points of round %1").arg(round + 1));
    std::vector<PointOutcome> outcomes;
    for (const QByteArray &rankBlob : blobs) {
        if (rankBlob.isEmpty())
            continue;
        QDataStream in(rankBlob);
        in.setFloatingPointPrecision(QDataStream::DoublePrecision);
        PointOutcome outcome;
        in >> outcome.skipped >> outcome.skipLine;
        take(in, outcome.point);
        requireIntact(in, QStringLiteral("sweep point"));
        outcomes.push_back(outcome);
    }
    return outcomes;
}

} // namespace nwc
