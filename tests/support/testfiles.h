#pragma once
// Helpers shared by tests that write small files and check the nwc::Error they cause.

#include "jobs/error.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTest>
#include <functional>

namespace nwc::test {

/// Writes `bytes` to `path`; fails the calling test function when that is not possible.
inline void writeFile(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

/// Runs `action`, which must throw nwc::Error; returns its message (empty if none was thrown).
inline QString errorOf(const std::function<void()> &action) {
    try {
        action();
    } catch (const Error &error) {
        return error.message();
    }
    return QString();
}

} // namespace nwc::test
