// A Gloo process group over a TCPStore rendezvous.
#include "dist/processgroup.h"

#include "compute/torchcompute.h"
#include "dist/tensorcollectives.h"
#include "jobs/error.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace nwc::dist {
namespace {

/// Runs one c10d call, turning its exceptions into `group`'s failure for `what`.
template <typename Call> auto guarded(const ProcessGroup &group, const QString &what, Call call) {
    try {
        return call();
    } catch (const Error &) {
        throw;
    } catch (const std::exception &error) {
        // c10::Error carries a backtrace after the first line: keep the first line.
        const QString detail =
            QString::fromStdString(error.what()).section(QLatin1Char('\n'), 0, 0);
        throw group.failure(what, detail);
    }
}

void wait(const c10::intrusive_ptr<c10d::Work> &work) {
    work->wait();
}

torch::Tensor bytesTensor(const QByteArray &blob, int64_t size) {
    torch::Tensor tensor = torch::zeros({size}, torch::kUInt8);
    std::memcpy(tensor.data_ptr<uint8_t>(), blob.constData(), size_t(blob.size()));
    return tensor;
}

QByteArray tensorBytes(const torch::Tensor &tensor, int64_t size) {
    return QByteArray(reinterpret_cast<const char *>(tensor.data_ptr<uint8_t>()), qsizetype(size));
}

/// Every rank's blob size, indexed by rank (Gloo exchanges tensors of one size: blobs are
/// padded to the largest).
std::vector<double> blobSizes(ProcessGroup &group, const QByteArray &blob, const QString &what) {
    std::vector<double> sizes(size_t(group.size()), 0.0);
    sizes[size_t(group.rank())] = double(blob.size());
    group.allReduceSum(sizes, what + QStringLiteral(" (sizes)"));
    return sizes;
}

std::shared_ptr<::gloo::transport::Device> glooDevice(const LaunchEnvironment &launch) {
    if (!launch.interfaceName.isEmpty())
        return c10d::ProcessGroupGloo::createDeviceForInterface(launch.interfaceName.toStdString());
    // Ranks meeting on loopback stay on loopback (no other address is ever touched).
    if (launch.isLoopback())
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

} // namespace

ProcessGroup::ProcessGroup(const LaunchEnvironment &launch, std::unique_ptr<Backend> backend)
    : m_launch(launch)
    , m_backend(std::move(backend)) {}

ProcessGroup::~ProcessGroup() = default;

std::unique_ptr<ProcessGroup> ProcessGroup::join(const LaunchEnvironment &launch,
                                                 const ComputeOptions &compute) {
    if (torchDevice(compute).is_cuda())
        throw Error(QStringLiteral("distributed jobs on %1 need NCCL, and this program's "
                                   "LibTorch has no NCCL backend (%2; Debian's LibTorch is "
                                   "built without it): run the ranks with --device cpu (Gloo), "
                                   "or build nwc against a CUDA LibTorch with NCCL")
                        .arg(compute.device, libTorchBuildDescription()));
    const std::chrono::milliseconds timeout(int64_t(launch.timeoutSeconds) * 1000);
    auto backend = std::make_unique<Backend>();
    const QString where = QStringLiteral("%1:%2").arg(launch.masterAddress).arg(launch.masterPort);
    try {
        c10d::TCPStoreOptions options;
        options.port = uint16_t(launch.masterPort);
        options.isServer = launch.rank == 0;
        options.numWorkers = size_t(launch.worldSize);
        options.waitWorkers = true;
        options.timeout = timeout;
        backend->store =
            c10::make_intrusive<c10d::TCPStore>(launch.masterAddress.toStdString(), options);
        auto glooOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        glooOptions->devices.push_back(glooDevice(launch));
        glooOptions->threads = 2;
        backend->group = c10::make_intrusive<c10d::ProcessGroupGloo>(backend->store, launch.rank,
                                                                     launch.worldSize, glooOptions);
    } catch (const std::exception &error) {
        throw Error(
            QStringLiteral("rank %1 of %2 could not join the process group at %3 within "
                           "%4 s (NWC_DIST_TIMEOUT): %5. Check that every rank was "
                           "started with the same MASTER_ADDR, MASTER_PORT and "
                           "WORLD_SIZE, that rank 0 runs and that the port is free")
                .arg(launch.rank)
                .arg(launch.worldSize)
                .arg(where)
                .arg(launch.timeoutSeconds)
                .arg(QString::fromStdString(error.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    return std::unique_ptr<ProcessGroup>(new ProcessGroup(launch, std::move(backend)));
}

QString ProcessGroup::backendName() const {
    return QStringLiteral("gloo");
}

Error ProcessGroup::failure(const QString &what, const QString &detail) const {
    return Error(QStringLiteral("rank %1 of %2: %3 failed: %4. Another rank stopped (see its "
                                "output) or did not answer within %5 s (NWC_DIST_TIMEOUT); "
                                "nothing was written; rerun the job")
                     .arg(rank())
                     .arg(size())
                     .arg(what, detail)
                     .arg(m_launch.timeoutSeconds));
}

void ProcessGroup::barrier(const QString &what) {
    guarded(*this, what, [&] {
        wait(m_backend->group->barrier());
        return 0;
    });
}

void allReduceSum(ProcessGroup &group, torch::Tensor &tensor, const QString &what) {
    guarded(group, what, [&] {
        const bool host = tensor.device().is_cpu() && tensor.is_contiguous();
        std::vector<torch::Tensor> tensors = {host ? tensor : toHost(tensor)};
        wait(group.backend().group->allreduce(tensors));
        if (!host)
            tensor.copy_(tensors.front());
        return 0;
    });
}

void ProcessGroup::allReduceSum(std::vector<double> &values, const QString &what) {
    torch::Tensor tensor =
        torch::from_blob(values.data(), {int64_t(values.size())}, torch::kDouble);
    dist::allReduceSum(*this, tensor, what);
}

bool ProcessGroup::allAgree(bool value, const QString &what) {
    std::vector<double> disagreeing = {value ? 0.0 : 1.0};
    allReduceSum(disagreeing, what);
    return disagreeing.front() == 0.0;
}

std::vector<QByteArray> ProcessGroup::allGather(const QByteArray &blob, const QString &what) {
    const std::vector<double> sizes = blobSizes(*this, blob, what);
    const int64_t largest =
        std::max<int64_t>(1, int64_t(*std::max_element(sizes.begin(), sizes.end())));
    return guarded(*this, what, [&] {
        std::vector<torch::Tensor> input = {bytesTensor(blob, largest)};
        std::vector<std::vector<torch::Tensor>> output(1);
        for (int r = 0; r < size(); ++r)
            output.front().push_back(torch::empty({largest}, torch::kUInt8));
        wait(m_backend->group->allgather(output, input));
        std::vector<QByteArray> blobs;
        for (int r = 0; r < size(); ++r)
            blobs.push_back(tensorBytes(output.front()[size_t(r)], int64_t(sizes[size_t(r)])));
        return blobs;
    });
}

std::vector<QByteArray> ProcessGroup::gather(const QByteArray &blob, int root,
                                             const QString &what) {
    const std::vector<double> sizes = blobSizes(*this, blob, what);
    const int64_t largest =
        std::max<int64_t>(1, int64_t(*std::max_element(sizes.begin(), sizes.end())));
    return guarded(*this, what, [&] {
        std::vector<torch::Tensor> input = {bytesTensor(blob, largest)};
        std::vector<std::vector<torch::Tensor>> output;
        if (rank() == root) {
            output.resize(1);
            for (int r = 0; r < size(); ++r)
                output.front().push_back(torch::empty({largest}, torch::kUInt8));
        }
        c10d::GatherOptions options;
        options.rootRank = root;
        wait(m_backend->group->gather(output, input, options));
        std::vector<QByteArray> blobs;
        if (rank() == root) {
            for (int r = 0; r < size(); ++r)
                blobs.push_back(tensorBytes(output.front()[size_t(r)], int64_t(sizes[size_t(r)])));
        }
        return blobs;
    });
}

QByteArray ProcessGroup::broadcast(const QByteArray &blob, int root, const QString &what) {
    std::vector<double> length = {rank() == root ? double(blob.size()) : 0.0};
    allReduceSum(length, what + QStringLiteral(" (size)"));
    const int64_t bytes = int64_t(length.front());
    const int64_t padded = std::max<int64_t>(1, bytes);
    return guarded(*this, what, [&] {
        std::vector<torch::Tensor> tensors = {
            rank() == root ? bytesTensor(blob, padded) : torch::empty({padded}, torch::kUInt8)};
        c10d::BroadcastOptions options;
        options.rootRank = root;
        wait(m_backend->group->broadcast(tensors, options));
        return tensorBytes(tensors.front(), bytes);
    });
}

} // namespace nwc::dist
