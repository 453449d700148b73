#include "dist/world.h"

#include "jobs/error.h"

#include <QDir>
#include <QTemporaryDir>

#include <memory>

namespace nwc::dist {
namespace {

std::unique_ptr<ProcessGroup> &worldGroup() {
    static std::unique_ptr<ProcessGroup> group;
    return group;
}

/// Nesting depth of LocalOnly scopes (the CLI runs jobs on one thread).
int &hiddenDepth() {
    static int depth = 0;
    return depth;
}

} // namespace

ProcessGroup *world() {
    return hiddenDepth() > 0 ? nullptr : worldGroup().get();
}

void setWorld(std::unique_ptr<ProcessGroup> group) {
    worldGroup() = std::move(group);
}

ProcessGroup *releaseWorld() {
    return worldGroup().release();
}

bool isRoot() {
    const ProcessGroup *group = world();
    return !group || group->isRoot();
}

LocalOnly::LocalOnly()
    : m_previousDepth(hiddenDepth()) {
    ++hiddenDepth();
}

LocalOnly::~LocalOnly() {
    hiddenDepth() = m_previousDepth;
}

QString privateFolder() {
    static const std::unique_ptr<QTemporaryDir> folder = [] {
        const QString scratch = qEnvironmentVariable(kLaunchScratchVariable);
        return scratch.isEmpty() ? std::make_unique<QTemporaryDir>()
                                 : std::make_unique<QTemporaryDir>(
                                       QDir(scratch).filePath(QStringLiteral("rank-XXXXXX")));
    }();
    if (!folder->isValid())
        throw Error(QStringLiteral("cannot create a temporary folder for this rank's files: %1; "
                                   "set TMPDIR to a writable folder")
                        .arg(folder->errorString()));
    return folder->path();
}

} // namespace nwc::dist
