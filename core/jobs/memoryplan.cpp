#include "jobs/memoryplan.h"

#include "jobs/memorybudget.h"
#include "jobs/mismatcherror.h"

#include <QStringList>
#include <algorithm>

namespace nwc {

int64_t MemoryPhase::bytes() const {
    int64_t total = 0;
    for (const MemoryItem &item : items)
        total += item.bytes;
    return total;
}

MemoryPhase &MemoryPlan::addPhase(const QString &name) {
    phases.push_back(MemoryPhase{name, {}});
    return phases.back();
}

const MemoryPhase *MemoryPlan::peak() const {
    const MemoryPhase *largest = nullptr;
    for (const MemoryPhase &phase : phases)
        if (!largest || phase.bytes() > largest->bytes())
            largest = &phase;
    return largest;
}

int64_t MemoryPlan::peakBytes() const {
    const MemoryPhase *largest = peak();
    return largest ? largest->bytes() : 0;
}

QString MemoryPlan::describe() const {
    QStringList lines;
    for (const MemoryPhase &phase : phases) {
        lines << QStringLiteral("%1: %2").arg(phase.name, formatBytes(phase.bytes()));
        for (const MemoryItem &item : phase.items)
            lines << QStringLiteral("  %1: %2").arg(item.what, formatBytes(item.bytes));
    }
    return lines.join(QLatin1Char('\n'));
}

void requireMemoryPlan(const MemoryPlan &plan, const QString &job) {
    const MemoryPhase *largest = plan.peak();
    const int64_t available = availableMemoryBytes();
    if (!largest || available < 0 || largest->bytes() <= available)
        return;
    const auto biggest = std::max_element(
        largest->items.begin(), largest->items.end(),
        [](const MemoryItem &a, const MemoryItem &b) { return a.bytes < b.bytes; });
    const bool configured = !qEnvironmentVariable("NWC_MEMORY_LIMIT").isEmpty();
    const QString source = configured ? QStringLiteral("set by NWC_MEMORY_LIMIT")
                                      : QStringLiteral("MemAvailable / cgroup limit");
    QString message =
        QStringLiteral("%1 would need %2 of memory while %3, but only %4 is available (%5)")
            .arg(job, formatBytes(largest->bytes()), largest->name, formatBytes(available), source);
    if (biggest != largest->items.end())
        message += QStringLiteral("; the largest part is %1 (%2)")
                       .arg(biggest->what, formatBytes(biggest->bytes));
    message += QStringLiteral(". Close other programs, use a machine with more memory, or "
                              "choose fewer calibration windows or another method.");
    const QString details = QStringLiteral("memory available: %1 (%2 bytes, %3)\n%4")
                                .arg(formatBytes(available))
                                .arg(available)
                                .arg(source, plan.describe());
    throw MismatchError(MismatchKind::InsufficientMemory, message, details);
}

} // namespace nwc
