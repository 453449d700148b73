#include "recentmodels.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace nwc {
namespace {

const QString kKey = QStringLiteral("recentModels");

bool isDemoSpec(const QString &spec) {
    return spec.startsWith(QLatin1String("demo:"));
}

} // namespace

RecentModels::RecentModels() {
    const QStringList stored = QSettings().value(kKey).toStringList();
    for (const QString &entry : stored) {
        const QString spec = normalized(entry);
        if (!spec.isEmpty() && !m_entries.contains(spec) && m_entries.size() < kMaximum)
            m_entries.append(spec);
    }
}

QString RecentModels::normalized(const QString &spec) {
    if (spec.isEmpty() || isDemoSpec(spec) || spec.startsWith(QLatin1Char(':')))
        return spec;
    return QDir::cleanPath(QFileInfo(spec).absoluteFilePath());
}

bool RecentModels::exists(const QString &spec) {
    return isDemoSpec(spec) || QFileInfo::exists(spec);
}

void RecentModels::add(const QString &spec) {
    const QString entry = normalized(spec);
    m_entries.removeAll(entry);
    m_entries.prepend(entry);
    while (m_entries.size() > kMaximum)
        m_entries.removeLast();
    save();
}

void RecentModels::remove(const QString &spec) {
    m_entries.removeAll(normalized(spec));
    save();
}

void RecentModels::clear() {
    m_entries.clear();
    save();
}

void RecentModels::save() const {
    QSettings().setValue(kKey, m_entries);
}

} // namespace nwc
