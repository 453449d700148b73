// nwc inspect F.nwc: header, per-tensor bit accounting and totals of a .nwc container.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"

#include "codec/nwccontainer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QStringList>
#include <QTextStream>

#include <algorithm>

namespace nwc::cli {
namespace {

QString formatBytes(int64_t bytes) {
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString shapeOf(const NwcTensorSummary &tensor) {
    const int64_t first = tensor.transposed ? tensor.columns : tensor.rows;
    const int64_t second = tensor.transposed ? tensor.rows : tensor.columns;
    return QStringLiteral("[%1, %2]").arg(first).arg(second);
}

/// "step 0.75" for NWC, "4 bit g128" for RTN/GPTQ.
QString stepOrBits(const NwcTensorSummary &tensor) {
    if (tensor.method == CompressionMethod::Nwc)
        return QStringLiteral("step %1").arg(QString::number(tensor.step, 'g', 4));
    return QStringLiteral("%1 bit g%2").arg(tensor.bits).arg(tensor.groupSize);
}

/// Columns per quality level, "900/90/9/1", or "-".
QString levelText(const NwcTensorSummary &tensor) {
    if (tensor.levelColumns.empty())
        return QStringLiteral("-");
    QStringList parts;
    for (int64_t count : tensor.levelColumns)
        parts.append(QString::number(count));
    return parts.join(QLatin1Char('/'));
}

QString bitsText(double bits) {
    return QString::number(bits, 'f', 0);
}

QJsonObject headerJson(const NwcSummary &summary) {
    const NwcHeader &h = summary.header;
    QJsonObject header;
    header[QStringLiteral("source_model")] = h.sourceModel;
    header[QStringLiteral("method")] = h.method;
    header[QStringLiteral("target_bpw")] = h.targetBitsPerWeight;
    header[QStringLiteral("achieved_bpw")] = h.achievedBitsPerWeight;
    header[QStringLiteral("format_version")] = double(h.formatVersion);
    header[QStringLiteral("tool_version")] = h.toolVersion;
    header[QStringLiteral("created")] = h.created;
    header[QStringLiteral("settings_json")] = h.settingsJson;
    return header;
}

QJsonObject tensorJson(const NwcTensorSummary &t) {
    QJsonObject json;
    json[QStringLiteral("name")] = t.name;
    QJsonArray shape;
    shape.append(double(t.transposed ? t.columns : t.rows));
    shape.append(double(t.transposed ? t.rows : t.columns));
    json[QStringLiteral("shape")] = shape;
    json[QStringLiteral("rows")] = double(t.rows);
    json[QStringLiteral("columns")] = double(t.columns);
    json[QStringLiteral("transposed")] = t.transposed;
    json[QStringLiteral("original_dtype")] = dtypeName(t.originalDtype);
    json[QStringLiteral("method")] = compressionMethodName(t.method);
    if (t.method == CompressionMethod::Nwc) {
        json[QStringLiteral("codec")] = t.codecId;
        json[QStringLiteral("step")] = t.step;
        json[QStringLiteral("columns_per_stream")] = t.columnsPerStream;
        json[QStringLiteral("level_columns")] =
            jsonArray(t.levelColumns, [](int64_t count) { return double(count); });
        json[QStringLiteral("estimated_bits")] = t.estimatedBits;
        json[QStringLiteral("bitstream_bits")] = 8.0 * double(t.payloadBytes);
    } else {
        json[QStringLiteral("bits")] = t.bits;
        json[QStringLiteral("group_size")] = t.groupSize;
    }
    json[QStringLiteral("payload_bytes")] = double(t.payloadBytes);
    json[QStringLiteral("counted_bytes")] = double(t.countedBytes);
    json[QStringLiteral("weights")] = double(t.weightCount());
    json[QStringLiteral("bpw")] = t.bitsPerWeight();
    return json;
}

/// Reads every tensor, the config, the tokenizer files and the codecs so that their sizes and
/// checksums are checked; throws on the first damage. Returns the number of tensors.
int verifyAll(const NwcReader &reader) {
    reader.configJson();
    for (const QString &name : reader.tokenizerFileNames())
        reader.tokenizerFile(name);
    for (const QString &id : reader.codecIds())
        reader.codec(id);
    reader.analysisJson();
    int checked = 0;
    for (const QString &name : reader.order()) {
        if (reader.hasTensor(name))
            reader.tensor(name);
        else
            reader.passthrough(name);
        ++checked;
        printProgress(double(checked) / double(reader.order().size()),
                      QStringLiteral("verified %1").arg(name));
    }
    return checked;
}

/// The container as JSON; `verified`: the tensors verifyAll() checked (-1: not verified).
QJsonObject containerJson(const NwcReader &reader, const NwcSummary &summary, int verified) {
    const std::vector<QString> tokenizerFiles = reader.tokenizerFileNames();
    const std::vector<QString> codecIds = reader.codecIds();
    QJsonObject root;
    root[QStringLiteral("file")] = summary.path;
    root[QStringLiteral("header")] = headerJson(summary);
    root[QStringLiteral("tokenizer_files")] = jsonArray(tokenizerFiles);
    root[QStringLiteral("tokenizer_file")] = reader.primaryTokenizerFile();
    root[QStringLiteral("codecs")] = jsonArray(codecIds, [&reader](const QString &id) {
        const CodecParameters codec = reader.codec(id);
        QJsonObject c;
        c[QStringLiteral("id")] = codec.id;
        c[QStringLiteral("preset")] = codec.preset;
        c[QStringLiteral("chunk")] = codec.chunk;
        c[QStringLiteral("hidden")] = codec.hidden;
        c[QStringLiteral("blocks")] = codec.blocks;
        c[QStringLiteral("levels")] = codec.levels;
        c[QStringLiteral("lambda")] = codec.lambda;
        return c;
    });
    root[QStringLiteral("tensors")] = jsonArray(summary.tensors, tensorJson);
    QJsonObject totals;
    totals[QStringLiteral("compressed_tensors")] = double(summary.tensors.size());
    totals[QStringLiteral("compressed_weights")] = double(summary.compressedWeights);
    totals[QStringLiteral("counted_bytes")] = double(summary.countedBytes);
    totals[QStringLiteral("bpw")] = summary.bitsPerWeight;
    totals[QStringLiteral("estimated_bitstream_bits")] = summary.estimatedBitstreamBits;
    totals[QStringLiteral("actual_bitstream_bits")] = summary.actualBitstreamBits;
    totals[QStringLiteral("passthrough_tensors")] = double(summary.passthroughCount);
    totals[QStringLiteral("passthrough_weights")] = double(summary.passthroughWeights);
    totals[QStringLiteral("passthrough_bytes")] = double(summary.passthroughBytes);
    totals[QStringLiteral("codec_bytes")] = double(summary.codecBytes);
    totals[QStringLiteral("file_bytes")] = double(summary.fileBytes);
    root[QStringLiteral("totals")] = totals;
    root[QStringLiteral("analysis_arrays")] = jsonArray(reader.analysisArrayNames());
    if (verified >= 0)
        root[QStringLiteral("verified_tensors")] = verified;
    return root;
}

/// The container as text: its header, then a table of the tensors and the totals.
void printContainer(QTextStream &out, const NwcReader &reader, const NwcSummary &summary,
                    int verified) {
    const std::vector<QString> tokenizerFiles = reader.tokenizerFileNames();
    const std::vector<QString> codecIds = reader.codecIds();
    const QLocale c = QLocale::c();
    const NwcHeader &h = summary.header;
    if (verified >= 0)
        endProgressLine();
    out << "file           " << summary.path << "  (" << formatBytes(summary.fileBytes) << ", "
        << c.toString(qlonglong(summary.fileBytes)) << " bytes)\n";
    out << "source model   " << h.sourceModel << '\n';
    out << "method         " << h.method << "   target "
        << QString::number(h.targetBitsPerWeight, 'f', 3) << " bpw   achieved "
        << QString::number(h.achievedBitsPerWeight, 'f', 3) << " bpw\n";
    out << "created        " << h.created << " by NWC Workbench " << h.toolVersion
        << " (format version " << h.formatVersion << ")\n";
    QStringList tokenizerText;
    for (const QString &name : tokenizerFiles)
        tokenizerText.append(name == reader.primaryTokenizerFile() ? name + QStringLiteral(" *")
                                                                   : name);
    out << "tokenizer      "
        << (tokenizerText.isEmpty() ? QStringLiteral("none")
                                    : tokenizerText.join(QStringLiteral(", ")))
        << '\n';
    QStringList codecText;
    for (const QString &id : codecIds) {
        const CodecParameters codec = reader.codec(id);
        codecText.append(QStringLiteral("%1 (%2, d %3, h %4, K %5, lambda %6)")
                             .arg(codec.id, codec.preset)
                             .arg(codec.chunk)
                             .arg(codec.hidden)
                             .arg(codec.blocks)
                             .arg(codec.lambda));
    }
    out << "codecs         "
        << (codecText.isEmpty() ? QStringLiteral("none") : codecText.join(QStringLiteral(", ")))
        << '\n';
    if (verified >= 0)
        out << "verified       " << verified
            << " tensors, config and tokenizer files: all checksums match\n";
    out << '\n';

    const QStringList headers = {QStringLiteral("name"),      QStringLiteral("shape"),
                                 QStringLiteral("method"),    QStringLiteral("codec"),
                                 QStringLiteral("step/bits"), QStringLiteral("levels 0/1/2/3"),
                                 QStringLiteral("counted B"), QStringLiteral("bpw"),
                                 QStringLiteral("est. bits"), QStringLiteral("stream bits")};
    std::vector<QStringList> rows;
    for (const NwcTensorSummary &t : summary.tensors) {
        const bool nwc = t.method == CompressionMethod::Nwc;
        rows.push_back({t.name, shapeOf(t), compressionMethodName(t.method),
                        nwc ? t.codecId : QStringLiteral("-"), stepOrBits(t), levelText(t),
                        c.toString(qlonglong(t.countedBytes)),
                        QString::number(t.bitsPerWeight(), 'f', 3),
                        nwc ? bitsText(t.estimatedBits) : QStringLiteral("-"),
                        nwc ? bitsText(8.0 * double(t.payloadBytes)) : QStringLiteral("-")});
    }
    const bool anyNwc = summary.actualBitstreamBits > 0;
    rows.push_back({QStringLiteral("total (%1 tensors)").arg(summary.tensors.size()),
                    QString::number(summary.compressedWeights) + QStringLiteral(" weights"),
                    QString(), QString(), QString(), QString(),
                    c.toString(qlonglong(summary.countedBytes)),
                    QString::number(summary.bitsPerWeight, 'f', 3),
                    anyNwc ? bitsText(summary.estimatedBitstreamBits) : QStringLiteral("-"),
                    anyNwc ? bitsText(summary.actualBitstreamBits) : QStringLiteral("-")});
    std::vector<int> widths(size_t(headers.size()), 0);
    for (int i = 0; i < headers.size(); ++i)
        widths[size_t(i)] = int(headers.at(i).size());
    for (const QStringList &row : rows)
        for (int i = 0; i < row.size(); ++i)
            widths[size_t(i)] = std::max(widths[size_t(i)], int(row.at(i).size()));
    // Text columns left-aligned, numbers right-aligned.
    auto printRow = [&](const QStringList &row) {
        QString line;
        for (int i = 0; i < row.size(); ++i) {
            const int width = widths[size_t(i)];
            if (i > 0)
                line += QStringLiteral("  ");
            line += i >= 6 ? row.at(i).rightJustified(width) : row.at(i).leftJustified(width);
        }
        out << line.trimmed() << '\n';
    };
    printRow(headers);
    for (size_t i = 0; i < rows.size(); ++i) {
        if (i + 1 == rows.size()) {
            int total = 0;
            for (int width : widths)
                total += width + 2;
            out << QString(total - 2, QLatin1Char('-')) << '\n';
        }
        printRow(rows[i]);
    }
    out << '\n';
    out << "passthrough    " << summary.passthroughCount << " tensors, "
        << c.toString(qlonglong(summary.passthroughWeights)) << " values, "
        << c.toString(qlonglong(summary.passthroughBytes)) << " bytes\n";
    out << "codec params   " << c.toString(qlonglong(summary.codecBytes)) << " bytes\n";
    if (anyNwc)
        out << "estimate       entropy model " << bitsText(summary.estimatedBitstreamBits)
            << " bits vs. " << bitsText(summary.actualBitstreamBits) << " written ("
            << QString::number(100.0 * (summary.actualBitstreamBits /
                                            std::max(1.0, summary.estimatedBitstreamBits) -
                                        1.0),
                               'f', 2)
            << " %)\n";
    out << "file size      " << c.toString(qlonglong(summary.fileBytes)) << " bytes ("
        << QString::number(8.0 * double(summary.fileBytes) /
                               double(std::max<int64_t>(1, summary.compressedWeights +
                                                               summary.passthroughWeights)),
                           'f', 3)
        << " bits per model weight, everything included)\n";
}

} // namespace

int runInspect(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("inspect"));
    options.addPositional(QStringLiteral("FILE"), QStringLiteral("Compressed model (.nwc)."));
    options.addFlag(
        QStringLiteral("verify"),
        QStringLiteral("Read every tensor and check its checksum (reads the whole file)."));
    CommonSpec commonSpec;
    commonSpec.compute = false;
    commonSpec.onePositional = QStringLiteral("FILE");
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    const OutputOptions output = readCommonOptions(options, commonSpec).output;

    const NwcReader reader(options.positionalArguments().first());
    const NwcSummary summary = reader.summary();
    const int verified = options.isSet(QStringLiteral("verify")) ? verifyAll(reader) : -1;
    output.writeResult(QJsonDocument(containerJson(reader, summary, verified)),
                       [&](QTextStream &out) { printContainer(out, reader, summary, verified); });
    return 0;
}

} // namespace nwc::cli
