#pragma once
// Where and how core computes: device, compute dtype and intra-op threads. Torch-free, so the
// CLI and the GUI can hold and show it; core/compute/torchcompute.h turns it into LibTorch terms.

#include <QString>

namespace nwc {

/// The floating-point type matrix products run in (weights may be stored narrower).
enum class ComputeDtype { Float32, BFloat16, Float16 };

/// One value passed to every core entry point that creates tensors. The defaults reproduce the
/// results of the CPU / float32 runtime bit for bit.
struct ComputeOptions {
    /// "cpu", "cuda" or "cuda:N" (LibTorch device syntax).
    QString device = QStringLiteral("cpu");
    ComputeDtype dtype = ComputeDtype::Float32;
    /// LibTorch intra-op threads; 0 keeps each operation's measured default.
    int threads = 0;

    bool operator==(const ComputeOptions &other) const {
        return device == other.device && dtype == other.dtype && threads == other.threads;
    }
    bool operator!=(const ComputeOptions &other) const { return !(*this == other); }
};

/// "float32", "bfloat16", "float16".
QString computeDtypeName(ComputeDtype dtype);

/// Parses "float32"/"fp32"/"f32", "bfloat16"/"bf16", "float16"/"fp16"/"f16"; throws nwc::Error
/// naming the valid values otherwise.
ComputeDtype parseComputeDtype(const QString &text);

/// "cpu, float32, 2 threads"-style description for reports and logs.
QString describeComputeOptions(const ComputeOptions &options);

} // namespace nwc
