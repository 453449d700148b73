#include "compute/threadwaiting.h"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace nwc {
namespace {

constexpr const char *kPolicy = "OMP_WAIT_POLICY";
constexpr const char *kSetByUs = "NWC_WAIT_POLICY_SET";
constexpr const char *kChoice = "NWC_THREAD_WAITING";

} // namespace

void restartWithPassiveThreadWaiting(char *argv[]) {
    if (std::getenv(kPolicy) != nullptr || argv == nullptr || argv[0] == nullptr)
        return;
    if (const char *choice = std::getenv(kChoice); choice && std::strcmp(choice, "default") == 0)
        return;
    if (::setenv(kPolicy, "PASSIVE", 1) != 0 || ::setenv(kSetByUs, "1", 1) != 0)
        return;
    // The executable's own path rather than /proc/self/exe, so that the process keeps its name
    // (ps, top, pkill see "nwc", not "exe").
    char path[4096];
    const ssize_t length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (length > 0) {
        path[length] = '\0';
        ::execv(path, argv);
    }
    ::execv("/proc/self/exe", argv);
    // exec failed (no /proc): go on with libgomp's default, and say so.
    ::unsetenv(kPolicy);
    ::unsetenv(kSetByUs);
}

QString threadWaitingDescription() {
    const QString policy = qEnvironmentVariable(kPolicy).trimmed().toLower();
    if (policy.isEmpty())
        return QStringLiteral("spin, then sleep (libgomp's default)");
    if (policy == QLatin1String("passive"))
        return qEnvironmentVariableIsSet(kSetByUs) ? QStringLiteral("passive (set at start)")
                                                   : QStringLiteral("passive (OMP_WAIT_POLICY)");
    return QStringLiteral("%1 (OMP_WAIT_POLICY)").arg(policy);
}

} // namespace nwc
