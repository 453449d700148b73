#include "analysis/compressionsummary.h"

#include <QJsonArray>

namespace nwc {

QJsonObject compressionSummaryJson(const CompressionSummary &summary) {
    QJsonObject root;
    root.insert(QStringLiteral("output"), summary.outputPath);
    root.insert(QStringLiteral("source_model"), summary.sourceModel);
    root.insert(QStringLiteral("method"), compressionMethodName(summary.method));
    root.insert(QStringLiteral("target_bpw"), summary.targetBitsPerWeight);
    root.insert(QStringLiteral("achieved_bpw"), summary.achievedBitsPerWeight);
    root.insert(QStringLiteral("compressed_weights"), double(summary.compressedWeights));
    root.insert(QStringLiteral("counted_bytes"), double(summary.countedBytes));
    root.insert(QStringLiteral("estimated_bitstream_bits"), summary.estimatedBitstreamBits);
    root.insert(QStringLiteral("actual_bitstream_bits"), summary.actualBitstreamBits);
    root.insert(QStringLiteral("passthrough_bytes"), double(summary.passthroughBytes));
    root.insert(QStringLiteral("codec_bytes"), double(summary.codecBytes));
    root.insert(QStringLiteral("file_bytes"), double(summary.fileBytes));
    if (!summary.compensation.empty())
        root.insert(QStringLiteral("compensation"), compensationReportJson(summary.compensation));
    root.insert(QStringLiteral("seconds"), summary.seconds);
    root.insert(QStringLiteral("peak_resident_bytes"), double(summary.peakResidentBytes));
    QJsonArray tensors;
    for (const CompressedTensorSummary &t : summary.tensors) {
        QJsonObject row;
        row.insert(QStringLiteral("name"), t.name);
        row.insert(QStringLiteral("rows"), double(t.rows));
        row.insert(QStringLiteral("columns"), double(t.columns));
        row.insert(QStringLiteral("codec"), t.codecId);
        row.insert(QStringLiteral("step"), t.step);
        row.insert(QStringLiteral("bits"), t.bits);
        row.insert(QStringLiteral("counted_bytes"), double(t.countedBytes));
        row.insert(QStringLiteral("bpw"), t.bitsPerWeight);
        row.insert(QStringLiteral("estimated_bits"), t.estimatedBits);
        tensors.append(row);
    }
    root.insert(QStringLiteral("tensors"), tensors);
    return root;
}

} // namespace nwc
