#pragma once
// Where and how core computes: device, compute dtype and intra-op threads. Torch-free, so the
// CLI and the GUI can hold and show it; core/compute/torchcompute.h turns it into LibTorch terms.

#include <QString>
#include <QStringList>

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

/// Whether this build can compute on CUDA devices.
enum class CudaAvailability {
    Available, ///< LibTorch has CUDA and sees at least one device.
    NotBuilt,  ///< LibTorch was built without CUDA (e.g. Debian's CPU LibTorch).
    NoDevice,  ///< LibTorch has CUDA but sees no device (no GPU, no driver, or all hidden).
};

/// The compute devices a build can use, as availableComputeDevices() (compute/computedevices.h)
/// reports them. A plain value, so choosers and tests can hold one.
struct ComputeDevices {
    /// "cpu" first, then "cuda:0" … "cuda:K-1" when CUDA is available.
    QStringList devices = {QStringLiteral("cpu")};
    CudaAvailability cuda = CudaAvailability::NotBuilt;
    /// LibTorch's version ("1.13.0"), named by cudaUnavailableReason().
    QString libTorchVersion;

    /// Whether `device` ("cpu", "cuda:N"; case and surrounding spaces ignored) is listed.
    bool contains(const QString &device) const;
    /// Why no CUDA device can be chosen, as a sentence for the user (translated when the GUI
    /// installed a catalog); empty when CUDA is available.
    QString cudaUnavailableReason() const;
};

/// `device` (normalised: trimmed, lower case) when `available` lists it, else "cpu": what a
/// stored choice becomes when its device is gone.
QString usableComputeDevice(const QString &device, const ComputeDevices &available);

} // namespace nwc
