#pragma once
// Compression over many processes (docs/distributed.md, Compression): which rank measures and
// codes which tensor (by cost), and the exchange of measurements (to every rank, so that each
// runs the same allocation) and of coded tensors (to rank 0, which writes the container).
// Torch-free header.

#include "analysis/tensorcoding.h"
#include "analysis/tensormeasurement.h"

#include <vector>

namespace nwc {

namespace dist {
class ProcessGroup;
}

/// The plan's tensors `group`'s rank measures and codes (all of them without a group): tensors
/// are assigned to ranks by cost (weights, plus columns² for GPTQ's H inverse), largest first
/// to the least-loaded rank; every rank computes the same assignment.
std::vector<size_t> tensorsOfRank(const CompressionPlan &plan, const dist::ProcessGroup *group);

/// Completes `measurements` (indexed like plan.jobs; this rank filled the entries of `mine`)
/// with every other rank's entries, on every rank.
void shareMeasurements(dist::ProcessGroup &group, const std::vector<size_t> &mine,
                       std::vector<TensorMeasurement> &measurements);

/// Every rank's coded tensors (this rank's: `coded`, one per index of `mine`) in plan order on
/// rank 0 (`jobs` results); an empty list on the other ranks.
std::vector<TensorCodingResult> gatherCodedTensors(dist::ProcessGroup &group, size_t jobs,
                                                   const std::vector<size_t> &mine,
                                                   const std::vector<TensorCodingResult> &coded);

/// Rank 0's achieved bits per weight (from the bytes it summed) on every rank, for the rate
/// retry every rank takes together.
double shareAchievedRate(dist::ProcessGroup &group, const CompressionSummary &summary);

/// Byte form of the values exchanged (exact: integers and doubles as stored).
QByteArray serializeMeasurement(const TensorMeasurement &measurement);
TensorMeasurement deserializeMeasurement(const QByteArray &bytes);
QByteArray serializeCodingResult(const TensorCodingResult &result);
TensorCodingResult deserializeCodingResult(const QByteArray &bytes);

} // namespace nwc
