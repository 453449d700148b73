#pragma once
// An environment variable set for one scope (e.g. NWC_MEMORY_LIMIT in memory-guard tests).

#include <QByteArray>
#include <QtGlobal>

namespace nwc::testing {

/// Sets `name` to `value` and unsets it when the scope ends.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char *name, const QByteArray &value)
        : m_name(name) {
        qputenv(name, value);
    }
    ~ScopedEnvironment() { qunsetenv(m_name); }
    ScopedEnvironment(const ScopedEnvironment &) = delete;
    ScopedEnvironment &operator=(const ScopedEnvironment &) = delete;

private:
    const char *m_name;
};

} // namespace nwc::testing
