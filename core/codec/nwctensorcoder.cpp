#include "codec/nwctensorcoder.h"

#include "codec/factorizeddensity.h"
#include "codec/neuralcodec.h"
#include "codec/outputerrormeter.h"
#include "codec/ransstream.h"
#include "codec/symboltables.h"
#include "compute/parallelblocks.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>

namespace nwc {
namespace {

constexpr int64_t kBatchChunks = 16384;
/// Latent values per block of the per-weight loops (parallelblocks.h); columns per block of the
/// per-column ones.
constexpr int64_t kLatentBlock = 65536;
constexpr int64_t kColumnBlock = 16;

} // namespace

struct NwcTensorCoder::Private {
    CodecParameters codec;
    torch::Device device = torch::kCPU;
    mutable NeuralCodec network{nullptr};
    std::unique_ptr<FactorizedDensity> density;
    mutable std::mutex tablesMutex;
    mutable std::map<double, std::shared_ptr<const SymbolTables>> codingTables;
    mutable std::map<double, std::shared_ptr<const SymbolTables>> estimateTables;
    double rateWeight = 0.0;

    // The prepared tensor. Latents and levels are read through pointers: host memory.
    ColumnChunks chunks;
    std::vector<uint8_t> levels;
    std::vector<double> importance;
    torch::Tensor latents;                               // [chunkCount, d], host
    torch::Tensor chunkLevels;                           // [chunkCount] int64, host
    std::shared_ptr<const OutputErrorMeter> outputError; // from H on the device, or null

    std::shared_ptr<const SymbolTables> tablesFor(double step, bool withFrequencies) const {
        std::lock_guard<std::mutex> lock(tablesMutex);
        // Tables with frequencies also serve rate estimates.
        auto full = codingTables.find(step);
        if (full != codingTables.end())
            return full->second;
        if (!withFrequencies) {
            auto estimate = estimateTables.find(step);
            if (estimate != estimateTables.end())
                return estimate->second;
        }
        auto built =
            std::make_shared<const SymbolTables>(*density, step, withFrequencies, rateWeight);
        (withFrequencies ? codingTables : estimateTables)[step] = built;
        return built;
    }

    /// Stored column scales: σ_j times the gain Σx² / Σx·x̂ that makes the decoded column
    /// unbiased (a learned decoder's MSE-optimal output shrinks toward zero, and shrinkage that
    /// is small in every layer adds up across layers). Clamped to [0.5, 2]; 1 for an all-zero
    /// column. x and r are the normalized and reconstructed chunks, column-major.
    std::vector<uint16_t> storedScales(const float *x, const float *r) const {
        const int64_t perColumn = chunks.chunksPerColumn * chunks.chunk;
        std::vector<uint16_t> bits(static_cast<size_t>(chunks.columns));
        forEachBlock(chunks.columns, kColumnBlock, [&](int64_t first, int64_t last) {
            for (int64_t j = first; j < last; ++j) {
                double energy = 0.0;
                double cross = 0.0;
                for (int64_t k = 0; k < chunks.rows; ++k) {
                    const double value = x[j * perColumn + k];
                    energy += value * value;
                    cross += value * double(r[j * perColumn + k]);
                }
                const double gain = cross > 0.0 ? std::clamp(energy / cross, 0.5, 2.0) : 1.0;
                bits[size_t(j)] = floatToHalf(float(double(chunks.scales[size_t(j)]) * gain));
            }
        });
        return bits;
    }

    /// The latents quantized at `tables`' step into `q` (dequantized values, the latents'
    /// shape); returns the estimated bits when `withBits` is true (else 0). Blocks of latents in
    /// parallel, their bits added in block order.
    double quantizeLatents(const SymbolTables &tables, float *q, bool withBits) const {
        const int32_t dim = codec.chunk;
        const int64_t count = latents.size(0) * dim;
        const float *y = latents.data_ptr<float>();
        const int64_t *levelOf = chunkLevels.data_ptr<int64_t>();
        const int64_t block = std::max<int64_t>(1, kLatentBlock / dim) * dim;
        std::vector<double> blockBits(size_t((count + block - 1) / block), 0.0);
        forEachBlock(count, block, [&](int64_t first, int64_t last) {
            double bits = 0.0;
            for (int64_t c = first / dim; c < last / dim; ++c) {
                const int base = int(levelOf[c]) * dim;
                for (int32_t i = 0; i < dim; ++i) {
                    const int64_t n = c * dim + i;
                    const int64_t symbol = tables.quantize(base + i, y[n]);
                    if (withBits)
                        bits += tables.bits(base + i, symbol);
                    q[n] = tables.dequantize(base + i, symbol);
                }
            }
            blockBits[size_t(first / block)] = bits;
        });
        double total = 0.0;
        for (double bits : blockBits)
            total += bits;
        return total;
    }

    /// Runs the decoder on the device over host latents [N, d]; the result is in host memory.
    torch::Tensor decodeLatents(const torch::Tensor &quantized,
                                const torch::Tensor &levelsOfChunks) const {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> parts;
        for (int64_t start = 0; start < quantized.size(0); start += kBatchChunks) {
            const int64_t end = std::min(quantized.size(0), start + kBatchChunks);
            parts.push_back(
                toHost(network->decode(quantized.slice(0, start, end).to(device),
                                       levelsOfChunks.slice(0, start, end).to(device))));
        }
        return parts.empty() ? torch::zeros_like(quantized) : torch::cat(parts);
    }
};

NwcTensorCoder::NwcTensorCoder(const CodecParameters &codec, const ComputeOptions &options,
                               double rateWeight)
    : d(std::make_unique<Private>()) {
    if (!(rateWeight >= 0.0) || !std::isfinite(rateWeight))
        throw Error(QStringLiteral("rate weight of the index choice must be finite and "
                                   "non-negative, got %1")
                        .arg(rateWeight));
    d->rateWeight = rateWeight;
    d->codec = codec;
    d->device = torchDevice(options);
    d->network = NeuralCodec(codec, 1, options);
    d->network->load(codec);
    d->network->eval();
    d->density = std::make_unique<FactorizedDensity>(codec);
}

NwcTensorCoder::~NwcTensorCoder() = default;

const CodecParameters &NwcTensorCoder::codec() const {
    return d->codec;
}

int32_t NwcTensorCoder::columnsPerStream(int64_t rows, int32_t chunk) {
    const int64_t symbolsPerColumn = ((rows + chunk - 1) / chunk) * chunk;
    return int32_t(std::max<int64_t>(1, (65536 + symbolsPerColumn - 1) / symbolsPerColumn));
}

void NwcTensorCoder::setTensor(const ColumnChunks &chunks, const std::vector<uint8_t> &levels,
                               const std::vector<double> &importance,
                               const std::vector<float> &hessian) {
    if (!hessian.empty() && int64_t(hessian.size()) != chunks.columns * chunks.columns)
        throw Error(QStringLiteral("input statistics of %1 values for %2 columns")
                        .arg(hessian.size())
                        .arg(chunks.columns));
    setTensor(chunks, levels, importance,
              hessian.empty() ? nullptr
                              : OutputErrorMeter::fromHost(hessian, chunks.columns, d->device));
}

void NwcTensorCoder::setTensor(const ColumnChunks &chunks, const std::vector<uint8_t> &levels,
                               const std::vector<double> &importance,
                               std::shared_ptr<const OutputErrorMeter> outputError) {
    if (outputError && outputError->columns() != chunks.columns)
        throw Error(QStringLiteral("input statistics of %1 columns for %2 columns")
                        .arg(outputError->columns())
                        .arg(chunks.columns));
    d->outputError = std::move(outputError);
    if (chunks.chunk != d->codec.chunk)
        throw Error(QStringLiteral("chunk length %1 does not match codec '%2' (%3)")
                        .arg(chunks.chunk)
                        .arg(d->codec.id)
                        .arg(d->codec.chunk));
    if (int64_t(levels.size()) != chunks.columns)
        throw Error(QStringLiteral("%1 quality levels for %2 columns")
                        .arg(levels.size())
                        .arg(chunks.columns));
    for (uint8_t level : levels) {
        if (level >= d->codec.levels)
            throw Error(QStringLiteral("quality level %1 exceeds codec '%2' (%3 levels)")
                            .arg(level)
                            .arg(d->codec.id)
                            .arg(d->codec.levels));
    }
    d->chunks = chunks;
    d->levels = levels;
    d->importance =
        importance.empty() ? std::vector<double>(size_t(chunks.columns), 1.0) : importance;
    std::vector<int64_t> perChunk(static_cast<size_t>(chunks.chunkCount()));
    for (int64_t j = 0; j < chunks.columns; ++j)
        std::fill_n(perChunk.begin() + j * chunks.chunksPerColumn, chunks.chunksPerColumn,
                    int64_t(levels[size_t(j)]));
    d->chunkLevels = torch::tensor(perChunk, torch::kInt64);
    const torch::Tensor x =
        hostView(d->chunks.values.data(), {chunks.chunkCount(), int64_t(chunks.chunk)});
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < x.size(0); start += kBatchChunks) {
        const int64_t end = std::min(x.size(0), start + kBatchChunks);
        parts.push_back(
            toHost(d->network->encode(x.slice(0, start, end).to(d->device),
                                      d->chunkLevels.slice(0, start, end).to(d->device))));
    }
    d->latents = parts.empty() ? torch::zeros({0, chunks.chunk}) : torch::cat(parts).contiguous();
}

NwcTensorCoder::Trial NwcTensorCoder::evaluate(double step, std::vector<float> *decoded) const {
    const auto tables = d->tablesFor(step, false);
    torch::Tensor quantized = torch::empty_like(d->latents);
    Trial trial;
    trial.step = step;
    trial.estimatedBits = d->quantizeLatents(*tables, quantized.data_ptr<float>(), true);
    const torch::Tensor reconstructed = d->decodeLatents(quantized, d->chunkLevels).contiguous();
    const float *r = reconstructed.data_ptr<float>();
    const float *x = d->chunks.values.data();
    const int64_t rows = d->chunks.rows;
    const int64_t columns = d->chunks.columns;
    const int64_t perColumn = d->chunks.chunksPerColumn * d->codec.chunk;
    const std::vector<uint16_t> stored = d->storedScales(x, r);
    // Errors in the original scale: w − ŵ = σ_j x − s_j x̂ with the stored scale s_j.
    torch::Tensor errorT = torch::empty({columns, rows}, torch::kFloat64);
    double *e = errorT.data_ptr<double>();
    if (decoded)
        decoded->assign(size_t(rows * columns), 0.0f);
    std::vector<double> columnErrors(size_t(columns), 0.0);
    forEachBlock(columns, kColumnBlock, [&](int64_t first, int64_t last) {
        for (int64_t j = first; j < last; ++j) {
            const double sigma = double(d->chunks.scales[size_t(j)]);
            const double scale = double(halfToFloat(stored[size_t(j)]));
            if (decoded) {
                const float storedScale = halfToFloat(stored[size_t(j)]);
                for (int64_t k = 0; k < rows; ++k)
                    (*decoded)[size_t(k * columns + j)] = storedScale * r[j * perColumn + k];
            }
            double error = 0.0;
            for (int64_t k = 0; k < rows; ++k) {
                const double diff =
                    sigma * double(x[j * perColumn + k]) - scale * double(r[j * perColumn + k]);
                e[j * rows + k] = diff;
                error += diff * diff;
            }
            columnErrors[size_t(j)] = error;
        }
    });
    for (int64_t j = 0; j < columns; ++j) {
        trial.squaredError += columnErrors[size_t(j)];
        trial.weightedError += d->importance[size_t(j)] * columnErrors[size_t(j)];
    }
    if (d->outputError)
        trial.weightedError = (*d->outputError)(errorT);
    return trial;
}

CompressedTensor NwcTensorCoder::encode(const QString &name, double step, bool transposedLayout,
                                        DType originalDtype, int32_t streamFormat) const {
    if (streamFormat != CompressedTensor::kLaneStreams &&
        streamFormat != CompressedTensor::kSingleStateStreams)
        throw Error(
            QStringLiteral("tensor %1: unknown rANS stream format %2").arg(name).arg(streamFormat));
    const auto tables = d->tablesFor(step, true);
    CompressedTensor t;
    t.streamFormat = streamFormat;
    t.name = name;
    t.rows = d->chunks.rows;
    t.columns = d->chunks.columns;
    t.transposed = transposedLayout;
    t.originalDtype = originalDtype;
    t.method = CompressionMethod::Nwc;
    t.codecId = d->codec.id;
    t.step = step;
    t.levels = d->levels;
    t.tableChecksum = tables->checksum();
    {
        // The reconstruction evaluate() measured, for the stored (unbiasing) column scales.
        torch::Tensor quantized = torch::empty_like(d->latents);
        d->quantizeLatents(*tables, quantized.data_ptr<float>(), false);
        const torch::Tensor reconstructed =
            d->decodeLatents(quantized, d->chunkLevels).contiguous();
        t.columnScales = d->storedScales(d->chunks.values.data(), reconstructed.data_ptr<float>());
    }
    t.columnsPerStream = columnsPerStream(t.rows, d->codec.chunk);
    const int32_t dim = d->codec.chunk;
    const int64_t perColumn = d->chunks.chunksPerColumn * dim;
    const float *y = d->latents.data_ptr<float>();
    const int64_t streams = (t.columns + t.columnsPerStream - 1) / t.columnsPerStream;
    std::vector<QByteArray> encoded(static_cast<size_t>(streams));
    std::vector<double> streamBits(static_cast<size_t>(streams), 0.0);
    std::vector<int64_t> indices(static_cast<size_t>(streams));
    std::iota(indices.begin(), indices.end(), int64_t(0));
    std::mutex errorMutex;
    QString firstError;
    QtConcurrent::blockingMap(indices, [&](int64_t s) {
        try {
            std::vector<int32_t> values;
            std::vector<const FrequencyTable *> used;
            std::vector<uint32_t> escapes;
            const int64_t first = s * t.columnsPerStream;
            const int64_t last = std::min(t.columns, first + t.columnsPerStream);
            const bool lanes = t.streamFormat == CompressedTensor::kLaneStreams;
            double bits = 0.0;
            for (int64_t j = first; j < last; ++j) {
                const int base = int(d->levels[size_t(j)]) * dim;
                for (int64_t k0 = 0; k0 < perColumn; k0 += dim) {
                    for (int32_t i = 0; i < dim; ++i) {
                        const int channel = base + i;
                        const int64_t symbol = tables->quantize(channel, y[j * perColumn + k0 + i]);
                        bits += tables->bits(channel, symbol);
                        if (!lanes) {
                            tables->appendSymbols(channel, symbol, &values, &used);
                            continue;
                        }
                        const SymbolTables::LaneSymbol coded = tables->laneSymbol(channel, symbol);
                        values.push_back(coded.index);
                        used.push_back(&tables->table(channel));
                        if (coded.escaped)
                            escapes.push_back(coded.payload);
                    }
                }
            }
            if (lanes) {
                encoded[size_t(s)] = encodeLaneStream(values, used, escapes);
            } else {
                RansEncoder encoder;
                for (size_t i = values.size(); i-- > 0;)
                    encoder.pushReverse(values[i], *used[i]);
                encoded[size_t(s)] = encoder.finish();
            }
            streamBits[size_t(s)] = bits;
        } catch (const Error &error) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (firstError.isEmpty())
                firstError = error.message();
        }
    });
    if (!firstError.isEmpty())
        throw Error(QStringLiteral("tensor %1: %2").arg(name, firstError));
    t.streamOffsets.push_back(0);
    // Exactly the streams' bytes (appending alone can leave up to twice that allocated, and
    // fine-tuning keeps every coded tensor until the container is written).
    qsizetype total = 0;
    for (const QByteArray &stream : encoded)
        total += stream.size();
    t.bitstream.reserve(total);
    for (int64_t s = 0; s < streams; ++s) {
        t.bitstream += encoded[size_t(s)];
        t.streamOffsets.push_back(uint64_t(t.bitstream.size()));
        t.estimatedBits += streamBits[size_t(s)];
    }
    return t;
}

namespace {

/// Lane stream `s` of `t` (.nwc v2) set up for decoding: the channel of each latent of its
/// columns, column after column (perColumn per column, chunks of `dim` channels of the
/// column's quality level), and room for the decoded indices.
struct LaneStreamLatents {
    std::vector<uint16_t> channelOf;
    std::vector<uint16_t> indices;
    LaneStreamJob job;
};

void prepareLaneStream(const CompressedTensor &t, int32_t dim, int64_t perColumn, int64_t s,
                       const uint8_t *bytes, LaneStreamLatents *latents) {
    const int64_t first = s * t.columnsPerStream;
    const int64_t last = std::min(t.columns, first + t.columnsPerStream);
    const size_t count = size_t((last - first) * perColumn);
    latents->channelOf.resize(count);
    for (int64_t j = first; j < last; ++j) {
        uint16_t *column = latents->channelOf.data() + (j - first) * perColumn;
        const int base = int(t.levels[size_t(j)]) * dim;
        // base + k mod dim, counted rather than divided
        for (int64_t k = 0, channel = 0; k < perColumn; ++k) {
            column[k] = uint16_t(base + channel);
            if (++channel == dim)
                channel = 0;
        }
    }
    latents->indices.resize(count);
    const uint64_t begin = t.streamOffsets[size_t(s)];
    latents->job.data = bytes + begin;
    latents->job.size = size_t(t.streamOffsets[size_t(s) + 1] - begin);
    latents->job.tableOf = latents->channelOf.data();
    latents->job.count = count;
    latents->job.symbols = latents->indices.data();
}

/// The latent values of a decoded lane stream into `out`, escapes resolved. Throws nwc::Error
/// when the escapes do not match.
void dequantizeLaneStream(const SymbolTables &tables, const LaneStreamLatents &latents,
                          float *out) {
    const LaneEscapes &escapes = latents.job.escapes;
    uint32_t escape = 0;
    for (size_t n = 0; n < latents.channelOf.size(); ++n) {
        const int channel = latents.channelOf[n];
        const int32_t index = latents.indices[n];
        int64_t symbol;
        if (!tables.isEscape(channel, index)) {
            symbol = tables.indexedSymbol(channel, index);
        } else {
            if (escape >= escapes.count)
                throw Error(QStringLiteral("more escaped latents than the stream's %1 escape "
                                           "values")
                                .arg(escapes.count));
            symbol = tables.escapedSymbol(channel, escapes.at(escape++));
        }
        out[n] = tables.dequantize(channel, symbol);
    }
    if (escape != escapes.count)
        throw Error(QStringLiteral("%1 escape values for %2 escaped latents")
                        .arg(escapes.count)
                        .arg(escape));
}

/// Decodes lane streams `s` to `s` + `together` − 1 of `t` into their latent values (`q` holds
/// column c0 onward), in one call of the multi-stream loop where the CPU has one. Throws
/// nwc::Error naming the stream that is corrupt.
void decodeLaneStreamLatents(const CompressedTensor &t, const SymbolTables &tables, int32_t dim,
                             int64_t perColumn, int64_t s, int together, const uint8_t *bytes,
                             int64_t c0, float *q) {
    LaneStreamLatents latents[kMaxLaneStreamsTogether];
    LaneStreamJob jobs[kMaxLaneStreamsTogether];
    for (int i = 0; i < together; ++i) {
        prepareLaneStream(t, dim, perColumn, s + i, bytes, &latents[i]);
        jobs[i] = latents[i].job;
    }
    try {
        decodeLaneStreams(jobs, size_t(together), tables.laneTables());
    } catch (const Error &error) {
        // Which one: each on its own (only on this error path).
        for (int i = 0; i < together; ++i) {
            try {
                decodeLaneStreams(&latents[i].job, 1, tables.laneTables());
            } catch (const Error &single) {
                throw Error(QStringLiteral("stream %1: %2").arg(s + i).arg(single.message()));
            }
        }
        throw Error(QStringLiteral("stream %1: %2").arg(s).arg(error.message()));
    }
    for (int i = 0; i < together; ++i) {
        latents[i].job.escapes = jobs[i].escapes;
        try {
            dequantizeLaneStream(tables, latents[i],
                                 q + ((s + i) * t.columnsPerStream - c0) * perColumn);
        } catch (const Error &error) {
            throw Error(QStringLiteral("stream %1: %2").arg(s + i).arg(error.message()));
        }
    }
}

} // namespace

std::vector<float> NwcTensorCoder::decode(const CompressedTensor &t) const {
    return decodeColumns(t, 0, t.columns);
}

std::vector<float> NwcTensorCoder::decodeColumns(const CompressedTensor &t, int64_t firstColumn,
                                                 int64_t columnCount) const {
    const auto fail = [&](const QString &what) {
        return Error(QStringLiteral("tensor %1: %2").arg(t.name, what));
    };
    if (t.method != CompressionMethod::Nwc)
        throw fail(QStringLiteral("is not NWC-coded"));
    if (t.codecId != d->codec.id)
        throw fail(
            QStringLiteral("was coded with codec '%1', not '%2'").arg(t.codecId, d->codec.id));
    if (t.rows <= 0 || t.columns <= 0 || int64_t(t.levels.size()) != t.columns ||
        int64_t(t.columnScales.size()) != t.columns || t.columnsPerStream <= 0)
        throw fail(
            QStringLiteral("shape, levels or scales are inconsistent (the file is damaged)"));
    const int64_t streams = (t.columns + t.columnsPerStream - 1) / t.columnsPerStream;
    if (int64_t(t.streamOffsets.size()) != streams + 1 || t.streamOffsets.front() != 0 ||
        t.streamOffsets.back() != uint64_t(t.bitstream.size()))
        throw fail(
            QStringLiteral("stream offsets do not match the bitstream (the file is damaged)"));
    for (size_t s = 0; s + 1 < t.streamOffsets.size(); ++s) {
        if (t.streamOffsets[s] > t.streamOffsets[s + 1])
            throw fail(QStringLiteral("stream offsets are not increasing (the file is damaged)"));
    }
    for (uint8_t level : t.levels) {
        if (level >= d->codec.levels)
            throw fail(
                QStringLiteral("quality level %1 out of range (the file is damaged)").arg(level));
    }
    if (!(t.step > 0.0) || !std::isfinite(t.step))
        throw fail(QStringLiteral("invalid latent step (the file is damaged)"));
    if (t.streamFormat != CompressedTensor::kLaneStreams &&
        t.streamFormat != CompressedTensor::kSingleStateStreams)
        throw fail(QStringLiteral("unknown rANS stream format %1 (the file is damaged or newer)")
                       .arg(t.streamFormat));
    // The shape is outside the payload checksum: the encoder's stream layout follows from the
    // row count, so a damaged row count shows here.
    if (t.columnsPerStream != columnsPerStream(t.rows, d->codec.chunk))
        throw fail(QStringLiteral("%1 columns per stream do not match its %2 rows (the file is "
                                  "damaged)")
                       .arg(t.columnsPerStream)
                       .arg(t.rows));
    const auto tables = d->tablesFor(t.step, true);
    if (tables->checksum() != t.tableChecksum)
        throw fail(QStringLiteral("the coding tables computed here differ from the encoder's "
                                  "(checksum %1 vs %2): the file was made by a different codec "
                                  "build or is damaged")
                       .arg(tables->checksum(), 8, 16, QLatin1Char('0'))
                       .arg(t.tableChecksum, 8, 16, QLatin1Char('0')));
    if (firstColumn < 0 || columnCount < 0 || firstColumn + columnCount > t.columns)
        throw fail(QStringLiteral("columns %1 to %2 are outside its %3 columns")
                       .arg(firstColumn)
                       .arg(firstColumn + columnCount)
                       .arg(t.columns));
    if (columnCount == 0)
        return {};
    // Only the streams holding the requested columns are decoded.
    const int64_t firstStream = firstColumn / t.columnsPerStream;
    const int64_t lastStream = (firstColumn + columnCount - 1) / t.columnsPerStream;
    const int64_t c0 = firstStream * t.columnsPerStream;
    const int64_t c1 = std::min(t.columns, (lastStream + 1) * t.columnsPerStream);
    const int32_t dim = d->codec.chunk;
    const int64_t chunksPerColumn = (t.rows + dim - 1) / dim;
    const int64_t perColumn = chunksPerColumn * dim;
    // Before allocating for the rows: every latent takes at least its channel's cheapest code
    // (less 0.0113 bits, what rANS can gain on the ideal length with a state >= 2^23), and a
    // stream of n bytes holds at most 8n bits, so a row count that the streams cannot hold
    // (one larger than written, where the stream layout cannot tell) is refused here.
    std::vector<double> chunkBits(size_t(d->codec.levels), 0.0); // per level, one chunk
    for (int32_t level = 0; level < d->codec.levels; ++level)
        for (int32_t i = 0; i < dim; ++i)
            chunkBits[size_t(level)] +=
                std::max(0.0, tables->cheapestBits(level * dim + i) - 0.0113);
    for (int64_t s = firstStream; s <= lastStream; ++s) {
        double bits = 0.0;
        const int64_t first = s * t.columnsPerStream;
        const int64_t last = std::min(t.columns, first + t.columnsPerStream);
        for (int64_t j = first; j < last; ++j)
            bits += double(chunksPerColumn) * chunkBits[t.levels[size_t(j)]];
        const uint64_t bytes = t.streamOffsets[size_t(s) + 1] - t.streamOffsets[size_t(s)];
        if (bits > 8.0 * double(bytes) + 1.0)
            throw fail(QStringLiteral("stream %1 of %2 bytes cannot hold %3 rows of %4 columns "
                                      "(the file is damaged)")
                           .arg(s)
                           .arg(bytes)
                           .arg(t.rows)
                           .arg(last - first));
    }
    torch::Tensor quantized = torch::empty({(c1 - c0) * chunksPerColumn, dim});
    float *q = quantized.data_ptr<float>();
    const auto *bytes = reinterpret_cast<const uint8_t *>(t.bitstream.constData());
    // Exceptions must not leave a QtConcurrent worker (they would arrive as
    // QUnhandledException): the first error is kept and thrown here.
    std::mutex errorMutex;
    QString firstError;
    const auto keepError = [&](const QString &message) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (firstError.isEmpty())
            firstError = message;
    };
    if (t.streamFormat == CompressedTensor::kLaneStreams) {
        // Lane streams several at a time where the SIMD decoder interleaves several, as many
        // as leave no thread idle.
        const int64_t streams = lastStream - firstStream + 1;
        const int64_t threads = std::max(1, QThreadPool::globalInstance()->maxThreadCount());
        const int together = int(std::clamp<int64_t>(
            streams / threads, 1,
            laneStreamsDecodedTogether(bestLaneDecoder(), tables->laneTables())));
        std::vector<int64_t> starts;
        for (int64_t s = firstStream; s <= lastStream; s += together)
            starts.push_back(s);
        QtConcurrent::blockingMap(starts, [&](int64_t s) {
            try {
                decodeLaneStreamLatents(t, *tables, dim, perColumn, s,
                                        int(std::min<int64_t>(together, lastStream - s + 1)), bytes,
                                        c0, q);
            } catch (const Error &error) {
                keepError(error.message());
            }
        });
        if (!firstError.isEmpty())
            throw fail(firstError + QStringLiteral(" (the file is damaged)"));
    }
    std::vector<int64_t> indices;
    if (t.streamFormat == CompressedTensor::kSingleStateStreams) {
        indices.resize(size_t(lastStream - firstStream + 1));
        std::iota(indices.begin(), indices.end(), firstStream);
    }
    QtConcurrent::blockingMap(indices, [&](int64_t s) {
        try {
            const uint64_t begin = t.streamOffsets[size_t(s)];
            RansDecoder decoder(bytes + begin, size_t(t.streamOffsets[size_t(s) + 1] - begin));
            const auto next = [&](const FrequencyTable &table) { return decoder.decode(table); };
            const int64_t first = s * t.columnsPerStream;
            const int64_t last = std::min(t.columns, first + t.columnsPerStream);
            for (int64_t j = first; j < last; ++j) {
                const int base = int(t.levels[size_t(j)]) * dim;
                float *out = q + (j - c0) * perColumn;
                for (int64_t k0 = 0; k0 < perColumn; k0 += dim) {
                    for (int32_t i = 0; i < dim; ++i) {
                        const int channel = base + i;
                        out[k0 + i] =
                            tables->dequantize(channel, tables->decodeSymbol(channel, next));
                    }
                }
            }
            decoder.finish();
        } catch (const Error &error) {
            keepError(QStringLiteral("stream %1: %2").arg(s).arg(error.message()));
        }
    });
    if (!firstError.isEmpty())
        throw fail(firstError + QStringLiteral(" (the file is damaged)"));
    std::vector<int64_t> perChunk(static_cast<size_t>((c1 - c0) * chunksPerColumn));
    for (int64_t j = c0; j < c1; ++j)
        std::fill_n(perChunk.begin() + (j - c0) * chunksPerColumn, chunksPerColumn,
                    int64_t(t.levels[size_t(j)]));
    const torch::Tensor reconstructed =
        d->decodeLatents(quantized, torch::tensor(perChunk, torch::kInt64)).contiguous();
    const float *r = reconstructed.data_ptr<float>();
    std::vector<float> weights(static_cast<size_t>(t.rows * columnCount));
    std::vector<float> scales(static_cast<size_t>(columnCount));
    for (int64_t j = 0; j < columnCount; ++j) {
        const float scale = halfToFloat(t.columnScales[size_t(firstColumn + j)]);
        scales[size_t(j)] = std::isfinite(scale) ? scale : 0.0f;
    }
    // Back to row-major in tiles (cache-friendly for large matrices).
    const float *columns = r + (firstColumn - c0) * perColumn;
    constexpr int64_t kTile = 64;
    for (int64_t j0 = 0; j0 < columnCount; j0 += kTile) {
        const int64_t j1 = std::min(columnCount, j0 + kTile);
        for (int64_t k0 = 0; k0 < t.rows; k0 += kTile) {
            const int64_t k1 = std::min(t.rows, k0 + kTile);
            for (int64_t k = k0; k < k1; ++k)
                for (int64_t j = j0; j < j1; ++j)
                    weights[size_t(k * columnCount + j)] =
                        columns[j * perColumn + k] * scales[size_t(j)];
        }
    }
    return weights;
}

} // namespace nwc
