#pragma once
// LDLQ error feedback for NWC (docs/architecture.md, Inside a layer): the columns of a weight
// matrix are coded in blocks, and after each block its coding error is pushed onto the columns not
// yet coded through the LDL factor of the damped input statistics H, so that the layer's output
// error, not its weight error, is what coding minimizes. Torch-free header.

#include "jobs/computeoptions.h"

#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace nwc {

class NwcTensorCoder;

/// Codes one layer with feedback; the factor of H is computed once and reused for every step.
class LdlqCoder {
public:
    /// `hessian` is H per token ([columns, columns] row-major). Blocks are `blockSize` columns,
    /// or columns / 8 for layers narrower than 8 blocks. H's factors and the feedback live on
    /// the options' device (float32 by design, whatever the compute dtype; output errors as
    /// OutputErrorMeter measures them); the coder's blocks go through host memory. Throws
    /// nwc::Error naming `name` when H cannot be factored or the options are unusable.
    LdlqCoder(const QString &name, const std::vector<float> &hessian, int64_t columns,
              int blockSize = 128, double dampening = 0.01, const ComputeOptions &options = {});
    ~LdlqCoder();
    LdlqCoder(const LdlqCoder &) = delete;
    LdlqCoder &operator=(const LdlqCoder &) = delete;

    struct Result {
        /// The weights as they were when each column was coded ([rows, columns]): what
        /// encode() must code so that the container decodes to `decoded`.
        std::vector<float> updated;
        /// The decoded weights.
        std::vector<float> decoded;
        /// Sum of the blocks' entropy-model code lengths (bits).
        double estimatedBits = 0.0;
        /// tr(E H Eᵀ) with E = W − Ŵ against the original weights.
        double weightedError = 0.0;
    };

    /// Codes `weights` ([rows, columns] row-major, coding orientation) with `coder` at `step`,
    /// block by block with feedback. Columns no calibration input reached (H_jj = 0) are
    /// zeroed, as GPTQ does.
    Result code(NwcTensorCoder &coder, const std::vector<float> &weights, int64_t rows,
                const std::vector<uint8_t> &levels, const std::vector<double> &importance,
                double step) const;

    /// tr(E H Eᵀ) for E = a − b ([rows, columns] each).
    double outputError(const std::vector<float> &a, const std::vector<float> &b,
                       int64_t rows) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// tr(E H Eᵀ) for E = a − b ([rows, columns] each) and H [columns, columns].
double outputErrorWithHessian(const std::vector<float> &a, const std::vector<float> &b,
                              int64_t rows, int64_t columns, const std::vector<float> &hessian);

} // namespace nwc
