#pragma once
// Sweeps over many processes (docs/distributed.md, Sweeps): rank 0 reads the session and says
// which points remain; the points are dealt to the ranks in rounds, each rank measures its point
// on its own, and every round's outcomes are gathered so that rank 0 saves them to the one
// session file (a stopped sweep resumes from the rounds saved). Torch-free header.

#include "analysis/sweepsession.h"

#include <QString>
#include <optional>
#include <vector>

namespace nwc {

namespace dist {
class ProcessGroup;
}

/// A point still to measure.
struct PlannedPoint {
    QString method;
    double bits = 0.0;
};

/// What measuring one point gave: the point, or the reason it was skipped.
struct PointOutcome {
    bool skipped = false;
    /// The skip line ("<method> @ <bits>: <why>") when skipped.
    QString skipLine;
    SweepPoint point;
};

/// Rank 0's remaining points and whether its session holds the reference, on every rank
/// (the arguments are ignored on the other ranks).
void sharePlan(dist::ProcessGroup &group, std::vector<PlannedPoint> &planned, bool &hasReference);

/// Every rank's outcome of one round, in rank order (ranks without a point this round pass
/// nothing and are left out).
std::vector<PointOutcome> shareRound(dist::ProcessGroup &group,
                                     const std::optional<PointOutcome> &mine, int round);

} // namespace nwc
