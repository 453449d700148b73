#include "jobs/computeoptions.h"

#include "jobs/error.h"

#include <QCoreApplication>

namespace nwc {

QString computeDtypeName(ComputeDtype dtype) {
    switch (dtype) {
    case ComputeDtype::Float32:
        return QStringLiteral("float32");
    case ComputeDtype::BFloat16:
        return QStringLiteral("bfloat16");
    case ComputeDtype::Float16:
        return QStringLiteral("float16");
    }
    return QStringLiteral("float32");
}

ComputeDtype parseComputeDtype(const QString &text) {
    const QString value = text.trimmed().toLower();
    if (value == QLatin1String("float32") || value == QLatin1String("fp32") ||
        value == QLatin1String("f32"))
        return ComputeDtype::Float32;
    if (value == QLatin1String("bfloat16") || value == QLatin1String("bf16"))
        return ComputeDtype::BFloat16;
    if (value == QLatin1String("float16") || value == QLatin1String("fp16") ||
        value == QLatin1String("f16"))
        return ComputeDtype::Float16;
    throw Error(
        QStringLiteral("'%1' is not a compute dtype: use float32, bfloat16 or float16").arg(text));
}

QString describeComputeOptions(const ComputeOptions &options) {
    const QString threads = options.threads > 0 ? QStringLiteral("%1 threads").arg(options.threads)
                                                : QStringLiteral("default threads");
    return QStringLiteral("%1, %2, %3")
        .arg(options.device, computeDtypeName(options.dtype), threads);
}

bool ComputeDevices::contains(const QString &device) const {
    return devices.contains(device.trimmed().toLower());
}

QString ComputeDevices::cudaUnavailableReason() const {
    switch (cuda) {
    case CudaAvailability::Available:
        return QString();
    case CudaAvailability::NotBuilt:
        return QCoreApplication::translate("nwc::ComputeDevices",
                                           "This build's LibTorch %1 has no CUDA support: rebuild "
                                           "against a CUDA LibTorch (see README, GPU).")
            .arg(libTorchVersion);
    case CudaAvailability::NoDevice:
        return QCoreApplication::translate("nwc::ComputeDevices",
                                           "LibTorch %1 has CUDA, but no GPU was found: check the "
                                           "NVIDIA driver and CUDA_VISIBLE_DEVICES.")
            .arg(libTorchVersion);
    }
    return QString();
}

QString usableComputeDevice(const QString &device, const ComputeDevices &available) {
    const QString name = device.trimmed().toLower();
    return available.contains(name) ? name : QStringLiteral("cpu");
}

} // namespace nwc
