// Codec throughput (issue 3, "Benchmarks"): rANS encode/decode, NWC tensor compress, evaluate
// and decompress per preset, one large tensor, and the RTN/GPTQ baselines for comparison.
// Not a test: `cmake --build --preset dev --target bench-codec` runs it.
//
// The rANS benchmarks run on one thread and their rates use that thread's CPU time (steady on
// a shared machine). The NWC and baseline benchmarks use several threads (QtConcurrent over
// streams, OpenBLAS): their rates use wall-clock time and their CPU column is the whole
// process's CPU time. One LibTorch intra-op thread, as in the app.
//
// Target (issue 3): rANS decode of one 16-bit table >= 300 MB/s on one core, counting one byte
// per decoded symbol ("symbols_MBps").
#include "analysis/gptqquantizer.h"
#include "analysis/rtnquantizer.h"
#include "codec/columnchunks.h"
#include "codec/factorizeddensity.h"
#include "codec/neuralcodec.h"
#include "codec/nwctensorcoder.h"
#include "codec/rans.h"
#include "codec/ransstream.h"
#include "codec/symboltables.h"
#include "codecfixtures.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <random>

using namespace nwc;
using namespace nwc::test;

namespace {

constexpr size_t kSymbols = size_t(16) << 20; // 16M
constexpr int kHalfRange = 40;                // symbols -40..40 (alphabet 81)
constexpr double kStep = 0.5;                 // latent quantization step of the NWC benchmarks

// ---- rANS data --------------------------------------------------------------------------------

/// Probabilities of round(N(0, sigma²)) on -kHalfRange..kHalfRange.
std::vector<double> quantizedGaussian(double sigma) {
    std::vector<double> p(2 * kHalfRange + 1);
    double total = 0.0;
    for (int k = -kHalfRange; k <= kHalfRange; ++k) {
        const double a = (k - 0.5) / (sigma * std::sqrt(2.0));
        const double b = (k + 0.5) / (sigma * std::sqrt(2.0));
        p[size_t(k + kHalfRange)] = 0.5 * (std::erf(b) - std::erf(a)) + 1e-12;
        total += p[size_t(k + kHalfRange)];
    }
    for (double &value : p)
        value /= total;
    return p;
}

/// A 16-bit table for `p`, built the way SymbolTables builds its tables.
FrequencyTable tableFor(const std::vector<double> &p) {
    std::vector<uint64_t> counts(p.size());
    for (size_t i = 0; i < p.size(); ++i)
        counts[i] = std::max<uint64_t>(1, uint64_t(std::llround(p[i] * 1099511627776.0)));
    return FrequencyTable::fromCounts(counts, SymbolTables::kPrecision);
}

double entropyBits(const std::vector<double> &p) {
    double h = 0.0;
    for (double value : p)
        h -= value > 0.0 ? value * std::log2(value) : 0.0;
    return h;
}

/// 16M symbols of one quantized Gaussian (sigma 4: about 4.05 bits of entropy) and its table.
struct SingleTableData {
    std::vector<double> probabilities = quantizedGaussian(4.0);
    FrequencyTable table = tableFor(probabilities);
    std::vector<int32_t> symbols;
    QByteArray stream;

    SingleTableData() {
        std::mt19937_64 rng(1);
        std::discrete_distribution<int32_t> draw(probabilities.begin(), probabilities.end());
        symbols.resize(kSymbols);
        for (int32_t &symbol : symbols)
            symbol = draw(rng);
        stream = ransEncode(symbols, table);
    }
    static const SingleTableData &get() {
        static const SingleTableData data;
        return data;
    }
};

/// 16M symbols, symbol i drawn from and coded with table i % tableCount (sigma 2.5 to 5.5: 3.4
/// to 4.5 bits), like the NWC coder's latent channels (16 per quality level, 64 in all).
struct MultiTableData {
    size_t tableCount = 0;
    std::vector<FrequencyTable> tables;
    std::vector<int32_t> symbols;
    QByteArray stream;
    double entropy = 0.0; // mean over tables

    explicit MultiTableData(size_t count)
        : tableCount(count) {
        std::mt19937_64 rng(2);
        std::vector<std::discrete_distribution<int32_t>> draws;
        for (size_t t = 0; t < count; ++t) {
            const auto p = quantizedGaussian(2.5 + 3.0 * double(t) / double(count - 1));
            tables.push_back(tableFor(p));
            draws.emplace_back(p.begin(), p.end());
            entropy += entropyBits(p) / double(count);
        }
        symbols.resize(kSymbols);
        for (size_t i = 0; i < kSymbols; ++i)
            symbols[i] = draws[i % count](rng);
        stream = encode();
    }
    QByteArray encode() const {
        RansEncoder encoder;
        for (size_t i = symbols.size(); i-- > 0;)
            encoder.pushReverse(symbols[i], tables[i % tableCount]);
        return encoder.finish();
    }
    static const MultiTableData &get(size_t count) {
        static std::map<size_t, std::unique_ptr<MultiTableData>> cache;
        auto &entry = cache[count];
        if (!entry)
            entry = std::make_unique<MultiTableData>(count);
        return *entry;
    }
};

void symbolCounters(benchmark::State &state, const QByteArray &stream, double entropy) {
    const double symbols = double(kSymbols) * double(state.iterations());
    state.counters["symbols/s"] = benchmark::Counter(symbols, benchmark::Counter::kIsRate);
    // One byte per symbol: MB/s of decoded (or encoded) 8-bit symbols.
    state.counters["symbols_MBps"] = benchmark::Counter(symbols / 1e6, benchmark::Counter::kIsRate);
    state.counters["bits/symbol"] = double(stream.size()) * 8.0 / double(kSymbols);
    state.counters["entropy"] = entropy;
}

void BM_RansEncodeOneTable(benchmark::State &state) {
    const auto &data = SingleTableData::get();
    QByteArray stream;
    for (auto _ : state) {
        stream = ransEncode(data.symbols, data.table);
        benchmark::DoNotOptimize(stream.constData());
    }
    symbolCounters(state, stream, entropyBits(data.probabilities));
}

/// ransDecode: returns a new 64 MiB vector each time (allocation and page faults included).
void BM_RansDecodeOneTable(benchmark::State &state) {
    const auto &data = SingleTableData::get();
    for (auto _ : state) {
        const std::vector<int32_t> decoded = ransDecode(data.stream, kSymbols, data.table);
        benchmark::DoNotOptimize(decoded.data());
        if (decoded != data.symbols)
            state.SkipWithError("ransDecode does not reproduce the symbols");
    }
    symbolCounters(state, data.stream, entropyBits(data.probabilities));
}

/// RansDecoder::decode(table, symbols, count) into a reused buffer: the decoding itself (the
/// loop ransDecode runs). The 300 MB/s target applies here.
void BM_RansDecoderBulkOneTable(benchmark::State &state) {
    const auto &data = SingleTableData::get();
    std::vector<int32_t> decoded(kSymbols);
    for (auto _ : state) {
        RansDecoder decoder(reinterpret_cast<const uint8_t *>(data.stream.constData()),
                            size_t(data.stream.size()));
        decoder.decode(data.table, decoded.data(), kSymbols);
        decoder.finish();
        benchmark::DoNotOptimize(decoded.data());
    }
    if (decoded != data.symbols)
        state.SkipWithError("RansDecoder does not reproduce the symbols");
    symbolCounters(state, data.stream, entropyBits(data.probabilities));
}

/// RansDecoder::decode(table) once per symbol with the same table.
void BM_RansDecoderOneTable(benchmark::State &state) {
    const auto &data = SingleTableData::get();
    std::vector<int32_t> decoded(kSymbols);
    for (auto _ : state) {
        RansDecoder decoder(reinterpret_cast<const uint8_t *>(data.stream.constData()),
                            size_t(data.stream.size()));
        for (size_t i = 0; i < kSymbols; ++i)
            decoded[i] = decoder.decode(data.table);
        decoder.finish();
        benchmark::DoNotOptimize(decoded.data());
    }
    if (decoded != data.symbols)
        state.SkipWithError("RansDecoder does not reproduce the symbols");
    symbolCounters(state, data.stream, entropyBits(data.probabilities));
}

/// RansEncoder with a table per symbol (argument: how many tables alternate).
void BM_RansEncodeTables(benchmark::State &state) {
    const auto &data = MultiTableData::get(size_t(state.range(0)));
    QByteArray stream;
    for (auto _ : state) {
        stream = data.encode();
        benchmark::DoNotOptimize(stream.constData());
    }
    symbolCounters(state, stream, data.entropy);
}

/// RansDecoder with a table per symbol, as NwcTensorCoder::decode runs it (argument: how many
/// tables alternate; 16 is a tensor at quality level 0, 64 all levels at once). Symbols are
/// written as floats like the coder's latents.
void BM_RansDecodeTables(benchmark::State &state) {
    const auto &data = MultiTableData::get(size_t(state.range(0)));
    const size_t tableCount = data.tableCount;
    std::vector<float> decoded(kSymbols);
    for (auto _ : state) {
        RansDecoder decoder(reinterpret_cast<const uint8_t *>(data.stream.constData()),
                            size_t(data.stream.size()));
        for (size_t i = 0; i < kSymbols; ++i)
            decoded[i] = float(decoder.decode(data.tables[i % tableCount]));
        decoder.finish();
        benchmark::DoNotOptimize(decoded.data());
    }
    for (size_t i = 0; i < kSymbols; ++i) {
        if (decoded[i] != float(data.symbols[i])) {
            state.SkipWithError("RansDecoder does not reproduce the symbols");
            break;
        }
    }
    symbolCounters(state, data.stream, data.entropy);
}

BENCHMARK(BM_RansEncodeOneTable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RansDecodeOneTable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RansDecoderBulkOneTable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RansDecoderOneTable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RansEncodeTables)->Arg(64)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RansDecodeTables)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

// ---- NWC tensor coding --------------------------------------------------------------------------

const char *const kPresets[] = {"identity", "fast", "paper"};

/// A square tensor with random importance and the quality levels it maps to.
struct TensorData {
    int64_t size = 0;
    std::vector<float> weights;
    std::vector<double> importance;
    std::vector<uint8_t> levels;

    explicit TensorData(int64_t n)
        : size(n)
        , weights(randomWeights(n, n, 5)) {
        std::mt19937_64 rng(6);
        std::lognormal_distribution<double> spread(0.0, 1.0);
        importance.resize(size_t(n));
        for (double &value : importance)
            value = spread(rng);
        levels = qualityLevels(importance);
    }
    double count() const { return double(size) * double(size); }
    static const TensorData &get(int64_t n) {
        static std::map<int64_t, std::unique_ptr<TensorData>> cache;
        auto &entry = cache[n];
        if (!entry)
            entry = std::make_unique<TensorData>(n);
        return *entry;
    }
};

/// One coder per preset, shared by the benchmarks (built once, like a compression job does).
NwcTensorCoder &coderFor(const QString &preset) {
    static std::map<QString, std::unique_ptr<NwcTensorCoder>> coders;
    auto &entry = coders[preset];
    if (!entry)
        entry = std::make_unique<NwcTensorCoder>(freshCodec(preset));
    return *entry;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void weightCounters(benchmark::State &state, double weights) {
    state.counters["weights/s"] =
        benchmark::Counter(weights * double(state.iterations()), benchmark::Counter::kIsRate);
}

/// makeColumnChunks + setTensor (encoder network) + encode at step 0.5 (quantize + rANS). The
/// coding tables of the step are built once before timing (a job builds them once per step).
void nwcCompress(benchmark::State &state, const QString &preset, int64_t n) {
    const TensorData &data = TensorData::get(n);
    NwcTensorCoder &coder = coderFor(preset);
    coder.setTensor(makeColumnChunks(data.weights.data(), n, n, 16), data.levels, data.importance);
    (void)coder.encode(QStringLiteral("warm-up"), kStep, false, DType::F32);
    double chunkSeconds = 0.0;
    double networkSeconds = 0.0;
    double codingSeconds = 0.0;
    double bits = 0.0;
    for (auto _ : state) {
        auto start = std::chrono::steady_clock::now();
        const ColumnChunks chunks = makeColumnChunks(data.weights.data(), n, n, 16);
        chunkSeconds += secondsSince(start);
        start = std::chrono::steady_clock::now();
        coder.setTensor(chunks, data.levels, data.importance);
        networkSeconds += secondsSince(start);
        start = std::chrono::steady_clock::now();
        const CompressedTensor t = coder.encode(QStringLiteral("w"), kStep, false, DType::F32);
        codingSeconds += secondsSince(start);
        bits = double(t.bitstream.size()) * 8.0;
        benchmark::DoNotOptimize(t.bitstream.constData());
    }
    weightCounters(state, data.count());
    const auto average = benchmark::Counter::kAvgIterations;
    state.counters["chunk_ms"] = benchmark::Counter(chunkSeconds * 1e3, average);
    state.counters["network_ms"] = benchmark::Counter(networkSeconds * 1e3, average);
    state.counters["rans_ms"] = benchmark::Counter(codingSeconds * 1e3, average);
    state.counters["bits/weight"] = bits / data.count();
}

/// evaluate(step) on a prepared tensor, at a step whose tables are not cached (what the bit
/// allocator pays per trial step).
void nwcEvaluate(benchmark::State &state, const QString &preset, int64_t n) {
    const TensorData &data = TensorData::get(n);
    NwcTensorCoder &coder = coderFor(preset);
    coder.setTensor(makeColumnChunks(data.weights.data(), n, n, 16), data.levels, data.importance);
    NwcTensorCoder::Trial trial;
    for (auto _ : state) {
        trial = coder.evaluate(0.7);
        benchmark::DoNotOptimize(&trial);
        benchmark::ClobberMemory();
    }
    weightCounters(state, data.count());
    state.counters["bits/weight"] = trial.estimatedBits / data.count();
}

/// decode() of an encoded tensor (rANS + decoder network + de-normalization).
void nwcDecompress(benchmark::State &state, const QString &preset, int64_t n) {
    const TensorData &data = TensorData::get(n);
    NwcTensorCoder &coder = coderFor(preset);
    coder.setTensor(makeColumnChunks(data.weights.data(), n, n, 16), data.levels, data.importance);
    const CompressedTensor t = coder.encode(QStringLiteral("w"), kStep, false, DType::F32);
    for (auto _ : state) {
        const std::vector<float> weights = coder.decode(t);
        benchmark::DoNotOptimize(weights.data());
    }
    weightCounters(state, data.count());
}

/// Building one step's coding tables (64 channels), with and without rANS frequencies.
void BM_SymbolTables(benchmark::State &state) {
    const CodecParameters codec = freshCodec(QStringLiteral("identity"));
    const FactorizedDensity density(codec);
    const bool withFrequencies = state.range(0) != 0;
    double step = 0.5;
    for (auto _ : state) {
        const SymbolTables tables(density, step, withFrequencies);
        benchmark::DoNotOptimize(tables.checksum());
        step += 1e-6;
    }
}
BENCHMARK(BM_SymbolTables)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void registerNwcBenchmarks() {
    for (const char *name : kPresets) {
        const QString preset = QString::fromLatin1(name);
        const bool paper = preset == QLatin1String("paper");
        const auto configure = [&](benchmark::internal::Benchmark *b) {
            b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
            if (paper)
                b->Iterations(1);
        };
        configure(benchmark::RegisterBenchmark(
            ("BM_NwcCompress/" + std::string(name) + "/1024").c_str(),
            [preset](benchmark::State &state) { nwcCompress(state, preset, 1024); }));
        configure(benchmark::RegisterBenchmark(
            ("BM_NwcEvaluate/" + std::string(name) + "/1024").c_str(),
            [preset](benchmark::State &state) { nwcEvaluate(state, preset, 1024); }));
        configure(benchmark::RegisterBenchmark(
            ("BM_NwcDecompress/" + std::string(name) + "/1024").c_str(),
            [preset](benchmark::State &state) { nwcDecompress(state, preset, 1024); }));
    }
    // One 4096 × 4096 tensor (the paper preset would take minutes here: 1024² only).
    for (const char *name : {"identity", "fast"}) {
        const QString preset = QString::fromLatin1(name);
        benchmark::RegisterBenchmark(
            ("BM_NwcCompress/" + std::string(name) + "/4096").c_str(),
            [preset](benchmark::State &state) { nwcCompress(state, preset, 4096); })
            ->Unit(benchmark::kMillisecond)
            ->MeasureProcessCPUTime()
            ->UseRealTime()
            ->Iterations(1);
        benchmark::RegisterBenchmark(
            ("BM_NwcDecompress/" + std::string(name) + "/4096").c_str(),
            [preset](benchmark::State &state) { nwcDecompress(state, preset, 4096); })
            ->Unit(benchmark::kMillisecond)
            ->MeasureProcessCPUTime()
            ->UseRealTime()
            ->Iterations(1);
    }
}

// ---- baselines ----------------------------------------------------------------------------------

constexpr int64_t kBaselineSize = 4096;

void BM_Rtn4Bit(benchmark::State &state) {
    const TensorData &data = TensorData::get(kBaselineSize);
    for (auto _ : state) {
        const CompressedTensor t = rtnCompress(QStringLiteral("w"), data.weights.data(),
                                               kBaselineSize, kBaselineSize, 4, 128);
        benchmark::DoNotOptimize(t.bitstream.constData());
    }
    weightCounters(state, data.count());
}

/// H = I + (1/16) Σ_k u_k u_kᵀ with 16 Gaussian u_k: positive definite, with correlations.
std::vector<float> randomHessian(int64_t n) {
    constexpr int kRank = 16;
    std::mt19937_64 rng(7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> u(size_t(kRank * n));
    for (float &value : u)
        value = normal(rng);
    std::vector<float> h(size_t(n * n), 0.0f);
    for (int k = 0; k < kRank; ++k) {
        const float *v = u.data() + k * n;
        for (int64_t a = 0; a < n; ++a) {
            float *row = h.data() + a * n;
            const float va = v[a] / kRank;
            for (int64_t b = 0; b < n; ++b)
                row[b] += va * v[b];
        }
    }
    for (int64_t a = 0; a < n; ++a)
        h[size_t(a * n + a)] += 1.0f;
    return h;
}

void BM_Gptq4Bit(benchmark::State &state) {
    const TensorData &data = TensorData::get(kBaselineSize);
    const std::vector<float> hessian = randomHessian(kBaselineSize);
    for (auto _ : state) {
        const CompressedTensor t = gptqCompress(QStringLiteral("w"), data.weights.data(),
                                                kBaselineSize, kBaselineSize, hessian, 4);
        benchmark::DoNotOptimize(t.bitstream.constData());
    }
    weightCounters(state, data.count());
}

void registerBaselineBenchmarks() {
    benchmark::RegisterBenchmark("BM_Rtn4Bit/4096", BM_Rtn4Bit)
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime()
        ->Iterations(1);
    benchmark::RegisterBenchmark("BM_Gptq4Bit/4096", BM_Gptq4Bit)
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime()
        ->Iterations(1);
}

} // namespace

int main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    // As in the app (docs/architecture.md, Threads and BLAS): one LibTorch intra-op thread,
    // OpenBLAS and QtConcurrent use the cores.
    at::set_num_threads(1);
    registerNwcBenchmarks();
    registerBaselineBenchmarks();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
