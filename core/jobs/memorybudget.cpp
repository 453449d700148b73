#include "jobs/memorybudget.h"

#include "jobs/mismatcherror.h"

#include <QFile>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace nwc {

namespace {

/// Parses "123", "512M", "4G", "1.5g": bytes, or -1 when the text is not a size.
int64_t parseSize(const QString &text) {
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kKmMgGtT]?)[bB]?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return -1;
    double value = match.captured(1).toDouble();
    const QString unit = match.captured(2).toUpper();
    const QString units = QStringLiteral("KMGT");
    for (int i = 0; i <= units.indexOf(unit) && !unit.isEmpty(); ++i)
        value *= 1024.0;
    return int64_t(value);
}

/// The lines of a small kernel file (read whole: /proc files report a size of 0).
QStringList readLines(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

int64_t memInfoAvailable() {
    for (const QString &line : readLines(QStringLiteral("/proc/meminfo"))) {
        if (line.startsWith(QLatin1String("MemAvailable:"))) {
            const QStringList fields = line.simplified().split(QLatin1Char(' '));
            if (fields.size() >= 2)
                return fields.at(1).toLongLong() * 1024; // reported in kB
        }
    }
    return -1;
}

/// Room left under this process's cgroup v2 limit, or -1 when there is no limit.
int64_t cgroupRoom() {
    for (const QString &membership : readLines(QStringLiteral("/proc/self/cgroup"))) {
        if (!membership.startsWith(QLatin1String("0::")))
            continue;
        const QString folder = QStringLiteral("/sys/fs/cgroup") + membership.mid(3);
        const QStringList limit = readLines(folder + QStringLiteral("/memory.max"));
        const QStringList current = readLines(folder + QStringLiteral("/memory.current"));
        if (limit.isEmpty() || current.isEmpty() || limit.first() == QLatin1String("max"))
            return -1;
        return std::max<int64_t>(0, limit.first().toLongLong() - current.first().toLongLong());
    }
    return -1;
}

} // namespace

int64_t availableMemoryBytes() {
    const QString configured = qEnvironmentVariable("NWC_MEMORY_LIMIT");
    if (!configured.isEmpty()) {
        const int64_t bytes = parseSize(configured);
        if (bytes < 0)
            throw Error(QStringLiteral("NWC_MEMORY_LIMIT=%1 is not a size; write bytes or a "
                                       "number with K, M or G (for example 8G)")
                            .arg(configured));
        return bytes;
    }
    const int64_t available = memInfoAvailable();
    const int64_t room = cgroupRoom();
    if (available < 0)
        return room;
    return room < 0 ? available : std::min(available, room);
}

void requireAvailableMemory(int64_t neededBytes, const QString &what) {
    const int64_t available = availableMemoryBytes();
    if (available < 0 || neededBytes <= available)
        return;
    const bool configured = !qEnvironmentVariable("NWC_MEMORY_LIMIT").isEmpty();
    QStringList details;
    details << QStringLiteral("model: %1").arg(what)
            << QStringLiteral("memory needed: %1 (%2 bytes)")
                   .arg(formatBytes(neededBytes))
                   .arg(neededBytes)
            << QStringLiteral("memory available: %1 (%2 bytes)%3")
                   .arg(formatBytes(available))
                   .arg(available)
                   .arg(configured ? QStringLiteral(", set by NWC_MEMORY_LIMIT")
                                   : QStringLiteral(", MemAvailable / cgroup limit"));
    throw MismatchError(MismatchKind::InsufficientMemory,
                        QStringLiteral("%1 needs %2 of memory but only %3 is available; close "
                                       "other programs, use a machine with more memory, or "
                                       "compress the model (compression streams one tensor at a "
                                       "time and does not need it all in memory)")
                            .arg(what, formatBytes(neededBytes), formatBytes(available)),
                        details.join(QLatin1Char('\n')));
}

QString formatBytes(int64_t bytes) {
    const double value = double(bytes);
    if (value >= 1e9)
        return QStringLiteral("%1 GB").arg(value / 1e9, 0, 'f', 2);
    if (value >= 1e6)
        return QStringLiteral("%1 MB").arg(value / 1e6, 0, 'f', 2);
    if (value >= 1e3)
        return QStringLiteral("%1 kB").arg(value / 1e3, 0, 'f', 2);
    return QStringLiteral("%1 bytes").arg(bytes);
}

void releaseFreedMemory() {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int64_t peakResidentBytes() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return 0;
}

} // namespace nwc
