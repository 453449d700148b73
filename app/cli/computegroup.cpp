#include "cli/computegroup.h"

#include "jobs/error.h"
// The one CLI file that sees LibTorch (through core's ComputeOptions bridge).
#include "compute/torchcompute.h"

namespace nwc::cli {

void addComputeOptions(CommandOptions &options) {
    const ComputeOptions defaults;
    options.addValue(
        QStringLiteral("device"),
        QStringLiteral("Compute device: cpu (default), cuda or cuda:N; CUDA needs a CUDA build "
                       "of LibTorch (this program: %1).")
            .arg(libTorchBuildDescription()),
        QStringLiteral("NAME"), defaults.device);
    options.addValue(
        QStringLiteral("threads"),
        QStringLiteral("LibTorch intra-op threads (default 0: each operation's measured "
                       "default)."),
        QStringLiteral("N"), QString::number(defaults.threads));
    options.addValue(
        QStringLiteral("compute-dtype"),
        QStringLiteral("Floating-point type of the matrix products: float32 (default); "
                       "bfloat16 and float16 are not implemented yet."),
        QStringLiteral("TYPE"), computeDtypeName(defaults.dtype));
}

ComputeOptions readComputeOptions(const CommandOptions &options) {
    ComputeOptions compute;
    compute.device = options.value(QStringLiteral("device")).trimmed();
    compute.threads = options.intValue(QStringLiteral("threads"));
    compute.dtype = parseComputeDtype(options.value(QStringLiteral("compute-dtype")));
    if (compute.dtype != ComputeDtype::Float32)
        throw Error(QStringLiteral("--compute-dtype %1 is not implemented yet: the models "
                                   "compute in float32 only (use --compute-dtype float32)")
                        .arg(computeDtypeName(compute.dtype)));
    requireUsableComputeOptions(compute);
    return compute;
}

ComputeOptions useComputeOptions(const CommandOptions &options) {
    const ComputeOptions compute = readComputeOptions(options);
    applyThreads(compute);
    return compute;
}

void applyThreads(const ComputeOptions &compute) {
    applyComputeThreads(compute);
}

} // namespace nwc::cli
