#pragma once
// Test helper: compression results with made-up but consistent numbers, for the dialogs that
// show them (the summary dialog, the German interface check).
#include "compressionjob.h"

#include <vector>

namespace nwc::test {

/// One tensor row; NWC rows carry a codec and step, the others 4-bit codes.
inline CompressedTensorSummary sampleTensorRow(const QString &name, int64_t rows, int64_t columns,
                                               CompressionMethod method, int64_t bytes) {
    CompressedTensorSummary row;
    row.name = name;
    row.rows = rows;
    row.columns = columns;
    row.method = method;
    row.countedBytes = bytes;
    row.bitsPerWeight = 8.0 * double(bytes) / double(rows * columns);
    if (method == CompressionMethod::Nwc) {
        row.codecId = QStringLiteral("fast-l28");
        row.step = 0.7071;
    } else {
        row.bits = 4;
    }
    return row;
}

/// NWC at 4 bpw of `model` into `outputPath` with `tensors`; totals follow from the rows,
/// the bitstream was estimated at `estimatedBits` and came to `actualBits`, and the result was
/// evaluated (perplexity 5.25 → 5.5 on 256-token windows).
inline CompressionJobResult sampleCompressionResult(const QString &model, const QString &outputPath,
                                                    std::vector<CompressedTensorSummary> tensors,
                                                    double estimatedBits, double actualBits,
                                                    int64_t fileBytes) {
    CompressionJobResult result;
    result.settings.modelSpec = model;
    result.settings.compression.targetBitsPerWeight = 4.0;
    result.settings.outputPath = outputPath;
    CompressionSummary &summary = result.summary;
    summary.outputPath = outputPath;
    summary.sourceModel = model;
    summary.method = CompressionMethod::Nwc;
    summary.targetBitsPerWeight = 4.0;
    summary.tensors = std::move(tensors);
    for (const CompressedTensorSummary &row : summary.tensors) {
        summary.countedBytes += row.countedBytes;
        summary.compressedWeights += row.rows * row.columns;
    }
    summary.achievedBitsPerWeight =
        8.0 * double(summary.countedBytes) / double(summary.compressedWeights);
    summary.estimatedBitstreamBits = estimatedBits;
    summary.actualBitstreamBits = actualBits;
    summary.passthroughBytes = 600000;
    summary.codecBytes = 45000;
    summary.fileBytes = fileBytes;
    summary.seconds = 12.5;
    summary.peakResidentBytes = int64_t(850) << 20;
    result.evaluated = true;
    CompressionEvaluation &evaluation = result.evaluation;
    evaluation.textPath = QStringLiteral("/data/heldout.txt");
    evaluation.original.perplexity = 5.25;
    evaluation.compressed.perplexity = 5.5;
    evaluation.compressed.contextLength = 256;
    evaluation.compressed.stride = 128;
    evaluation.compressed.bytes = 30000;
    return result;
}

} // namespace nwc::test
