#pragma once
// What a job will hold in memory, phase by phase, checked against the memory available before
// the job starts (docs/architecture.md, Memory guard). Torch-free.

#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

/// One thing held in memory during a phase ("runtime of model X", "H of the largest block").
struct MemoryItem {
    QString what;
    int64_t bytes = 0;
};

/// A phase of a job and everything held while it runs.
struct MemoryPhase {
    QString name;
    std::vector<MemoryItem> items;

    int64_t bytes() const;
};

/// The phases of a job in order. The job needs as much memory as its largest phase.
struct MemoryPlan {
    std::vector<MemoryPhase> phases;

    /// Adds a phase and returns it for its items.
    MemoryPhase &addPhase(const QString &name);
    /// The largest phase (null when there is none).
    const MemoryPhase *peak() const;
    /// Bytes of the largest phase (0 when there is none).
    int64_t peakBytes() const;
    /// One line per phase with its total, and its items indented below it.
    QString describe() const;
};

/// Throws MismatchError(InsufficientMemory) when the largest phase of `plan` needs more than
/// availableMemoryBytes(), before anything is loaded: the message names `job`, the phase that
/// does not fit and its largest item; the details list every phase and item.
void requireMemoryPlan(const MemoryPlan &plan, const QString &job);

} // namespace nwc
