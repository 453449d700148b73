#pragma once
// Codes one weight matrix with one NWC codec: normalize and chunk the columns, run the
// encoder, quantize the latents with a step, entropy-code them with rANS in independent
// streams of column blocks; and the reverse. Torch-free header (the network lives behind a
// pointer).

#include "codec/codecparameters.h"
#include "codec/columnchunks.h"
#include "codec/compressedtensor.h"
#include "jobs/computeoptions.h"

#include <memory>
#include <vector>

namespace nwc {

class OutputErrorMeter;

class NwcTensorCoder {
public:
    /// Builds the codec's network and entropy model. The network runs on the options' device (in
    /// float32, the codec's stored precision); latents, quantization and entropy coding stay in
    /// host memory. `rateWeight` k > 0 picks each latent index by (error/step)² + k · bits
    /// (rate–distortion optimised quantization, SymbolTables); 0 rounds to the nearest. Throws
    /// nwc::Error for incomplete parameters, unusable options or a negative k.
    explicit NwcTensorCoder(const CodecParameters &codec, const ComputeOptions &options = {},
                            double rateWeight = 0.0);
    ~NwcTensorCoder();
    NwcTensorCoder(const NwcTensorCoder &) = delete;
    NwcTensorCoder &operator=(const NwcTensorCoder &) = delete;

    const CodecParameters &codec() const;

    /// Rate and distortion of one latent step on the tensor given to setTensor.
    struct Trial {
        double step = 1.0;
        /// Model code length of all latent symbols (bits).
        double estimatedBits = 0.0;
        /// Output-error proxy of the decoded weights: tr(E H Eᵀ) with E = W − Ŵ when a
        /// Hessian was given to setTensor (the expected squared error of the layer's output per
        /// token), else Σ_j importance_j · Σ_rows E_rj² (its diagonal approximation).
        double weightedError = 0.0;
        /// Σ (w − ŵ)² (unweighted).
        double squaredError = 0.0;
    };

    /// Prepares `chunks` with quality `levels` (one per column), per-column `importance`
    /// (empty = all 1) and optionally the input statistics H ([columns, columns] row-major,
    /// normalized per token; empty = diagonal approximation from `importance`): runs the
    /// encoder once.
    void setTensor(const ColumnChunks &chunks, const std::vector<uint8_t> &levels,
                   const std::vector<double> &importance, const std::vector<float> &hessian = {});
    /// The same with the input statistics already prepared (OutputErrorMeter; null = diagonal
    /// approximation), so that the codecs measuring one tensor share one factorization.
    void setTensor(const ColumnChunks &chunks, const std::vector<uint8_t> &levels,
                   const std::vector<double> &importance,
                   std::shared_ptr<const OutputErrorMeter> outputError);
    /// Quantizes the latents with `step`, decodes and measures (does not entropy-code). With
    /// `decoded`, also returns the decoded weights [rows, columns] row-major, exactly what
    /// decode() gives for the tensor encode() writes at this step.
    Trial evaluate(double step, std::vector<float> *decoded = nullptr) const;
    /// Entropy-codes the prepared tensor at `step` in `streamFormat`
    /// (CompressedTensor::kLaneStreams, the default, or kSingleStateStreams for .nwc v1).
    /// `name`, `transposed` and `originalDtype` are copied into the result.
    CompressedTensor encode(const QString &name, double step, bool transposed, DType originalDtype,
                            int32_t streamFormat = CompressedTensor::kLaneStreams) const;
    /// Decodes an NWC tensor made with this codec to [rows, columns] (the coding orientation).
    /// Throws nwc::Error naming the tensor for inconsistent fields or corrupt streams.
    std::vector<float> decode(const CompressedTensor &tensor) const;
    /// Decodes only columns [firstColumn, firstColumn + columnCount) to [rows, columnCount]
    /// row-major, reading just the streams that hold them (partial decoding). Throws
    /// nwc::Error as decode() does, and for columns outside the tensor.
    std::vector<float> decodeColumns(const CompressedTensor &tensor, int64_t firstColumn,
                                     int64_t columnCount) const;

    /// Columns per rANS stream for a matrix of `rows` rows: about 64k symbols per stream.
    static int32_t columnsPerStream(int64_t rows, int32_t chunk);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace nwc
