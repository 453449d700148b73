#pragma once
// The "Open Recent" list, kept in QSettings.

#include <QStringList>

namespace nwc {

/// Most recently opened model specs (paths or demo:NAME), newest first, at most kMaximum,
/// stored under the settings key "recentModels".
class RecentModels {
public:
    static constexpr int kMaximum = 8;

    /// Loads the list from QSettings.
    RecentModels();

    QStringList entries() const { return m_entries; }
    /// Moves `spec` to the front (adding it if new) and saves.
    void add(const QString &spec);
    /// Removes `spec` and saves.
    void remove(const QString &spec);
    /// Empties the list and saves.
    void clear();
    /// True when `spec` still exists on disk (demo:NAME always does).
    static bool exists(const QString &spec);
    /// Canonical form used for comparison and storage (absolute, clean path).
    static QString normalized(const QString &spec);

private:
    void save() const;

    QStringList m_entries;
};

} // namespace nwc
