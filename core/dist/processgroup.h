#pragma once
// A c10d process group (docs/distributed.md): the ranks of one job rendezvous through a TCPStore
// on rank 0 and exchange data with PyTorch's Gloo backend over TCP. The collectives nwc's jobs
// need — sums, byte blobs gathered from every rank, a barrier — each with a name that errors
// repeat. Torch-free header; tensorcollectives.h adds LibTorch tensors.

#include "dist/launchenvironment.h"
#include "jobs/computeoptions.h"
#include "jobs/error.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <vector>

namespace nwc::dist {

/// The ranks of one job. Every rank must call the same collectives in the same order; a
/// collective that fails (a rank died, or did not answer within the timeout) throws nwc::Error
/// naming this rank, the collective and what to do, and the group must not be used again.
class ProcessGroup {
public:
    /// Joins the job `launch` describes: rank 0 serves the TCPStore at MASTER_ADDR:MASTER_PORT,
    /// every rank connects to it and builds a Gloo group, waiting at most launch.timeoutSeconds
    /// for the others. `compute` picks the backend: Gloo for the CPU; a CUDA device needs NCCL,
    /// which is refused with the LibTorch build named when the build has none. Throws
    /// nwc::Error.
    static std::unique_ptr<ProcessGroup> join(const LaunchEnvironment &launch,
                                              const ComputeOptions &compute);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup &) = delete;
    ProcessGroup &operator=(const ProcessGroup &) = delete;

    int rank() const { return m_launch.rank; }
    int size() const { return m_launch.worldSize; }
    bool isRoot() const { return m_launch.rank == 0; }
    const LaunchEnvironment &launch() const { return m_launch; }
    /// "gloo".
    QString backendName() const;

    /// Waits until every rank arrives.
    void barrier(const QString &what);
    /// Replaces `values` by their element-wise sum over the ranks (same length everywhere).
    void allReduceSum(std::vector<double> &values, const QString &what);
    /// True when every rank passes true.
    bool allAgree(bool value, const QString &what);
    /// Every rank's blob, indexed by rank, on every rank (blobs may differ in size).
    std::vector<QByteArray> allGather(const QByteArray &blob, const QString &what);
    /// Every rank's blob, indexed by rank, on `root`; an empty list elsewhere.
    std::vector<QByteArray> gather(const QByteArray &blob, int root, const QString &what);
    /// `root`'s blob on every rank (the argument is ignored elsewhere).
    QByteArray broadcast(const QByteArray &blob, int root, const QString &what);

    /// LibTorch's side (tensorcollectives.h).
    struct Backend;
    Backend &backend() { return *m_backend; }
    /// The error a failed collective `what` throws, with the backend's `detail`.
    Error failure(const QString &what, const QString &detail) const;

private:
    ProcessGroup(const LaunchEnvironment &launch, std::unique_ptr<Backend> backend);

    LaunchEnvironment m_launch;
    std::unique_ptr<Backend> m_backend;
};

} // namespace nwc::dist
