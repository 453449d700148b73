#include "compute/torchcompute.h"

#include "compute/computedevices.h"
#include "jobs/error.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

namespace nwc {

QString libTorchBuildDescription() {
    const QString version = QStringLiteral(TORCH_VERSION);
    return torch::cuda::is_available() || at::hasCUDA()
               ? QStringLiteral("LibTorch %1 (CUDA build)").arg(version)
               : QStringLiteral("LibTorch %1 (CPU build)").arg(version);
}

ComputeDevices availableComputeDevices() {
    ComputeDevices available;
    available.libTorchVersion = QStringLiteral(TORCH_VERSION);
    if (!at::hasCUDA() && !torch::cuda::is_available()) {
        available.cuda = CudaAvailability::NotBuilt;
        return available;
    }
    const int64_t count = torch::cuda::is_available() ? int64_t(torch::cuda::device_count()) : 0;
    if (count <= 0) {
        available.cuda = CudaAvailability::NoDevice;
        return available;
    }
    available.cuda = CudaAvailability::Available;
    for (int64_t index = 0; index < count; ++index)
        available.devices.append(QStringLiteral("cuda:%1").arg(index));
    return available;
}

torch::Device torchDevice(const ComputeOptions &options) {
    const QString name = options.device.trimmed().toLower();
    if (name.isEmpty() || name == QLatin1String("cpu"))
        return torch::Device(torch::kCPU);
    try {
        const torch::Device device(name.toStdString());
        if (device.is_cuda()) {
            if (!at::hasCUDA())
                throw Error(QStringLiteral("device '%1' needs a CUDA build of LibTorch; this "
                                           "program is built with %2, which computes on the "
                                           "CPU only: use --device cpu")
                                .arg(options.device, libTorchBuildDescription()));
            const int64_t count = int64_t(torch::cuda::device_count());
            if (!torch::cuda::is_available() || (device.has_index() && device.index() >= count))
                throw Error(QStringLiteral("device '%1' is not available: %2 sees %3 CUDA "
                                           "device(s)")
                                .arg(options.device, libTorchBuildDescription())
                                .arg(count));
            return device;
        }
        if (device.is_cpu())
            return device;
    } catch (const c10::Error &) {
    }
    throw Error(QStringLiteral("'%1' is not a compute device: use cpu, cuda or cuda:N (%2)")
                    .arg(options.device, libTorchBuildDescription()));
}

torch::ScalarType torchComputeType(const ComputeOptions &options) {
    switch (options.dtype) {
    case ComputeDtype::Float32:
        return torch::kFloat32;
    case ComputeDtype::BFloat16:
        return torch::kBFloat16;
    case ComputeDtype::Float16:
        return torch::kFloat16;
    }
    return torch::kFloat32;
}

torch::TensorOptions computeTensorOptions(const ComputeOptions &options) {
    return torch::TensorOptions().device(torchDevice(options)).dtype(torchComputeType(options));
}

torch::TensorOptions floatTensorOptions(const ComputeOptions &options) {
    return torch::TensorOptions().device(torchDevice(options)).dtype(torch::kFloat32);
}

void requireUsableComputeOptions(const ComputeOptions &options) {
    torchDevice(options);
    if (options.threads < 0)
        throw Error(QStringLiteral("--threads %1: the thread count must be 0 (default) or more")
                        .arg(options.threads));
}

void applyComputeThreads(const ComputeOptions &options, int64_t largestMatrixElements) {
    int threads = kDefaultIntraOpThreads;
    if (options.threads > 0)
        threads = options.threads;
    else if (largestMatrixElements >= kParallelMatrixElements)
        threads = std::max(1, int(std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
}

torch::Tensor toHost(const torch::Tensor &tensor) {
    return tensor.detach().to(torch::kCPU).contiguous();
}

torch::Tensor toHost(const torch::Tensor &tensor, torch::ScalarType dtype) {
    return tensor.detach().to(torch::kCPU, dtype).contiguous();
}

torch::Tensor hostTokenRow(const std::vector<int32_t> &ids) {
    const std::vector<int64_t> wide(ids.begin(), ids.end());
    return torch::tensor(wide, torch::kLong).view({1, int64_t(wide.size())});
}

} // namespace nwc
