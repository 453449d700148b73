#pragma once
// The GUI's language: the choice stored in the settings, and the translators that apply it.

#include <QLocale>
#include <QString>
#include <QStringList>

namespace nwc {

/// What installTranslators() installed.
struct InstalledTranslations {
    /// Language of the workbench's catalog that was loaded ("de"); empty when the GUI stays
    /// English (the source language, which needs no catalog).
    QString language;
    /// True when Qt's own catalog (qtbase_<language>.qm: standard buttons, file dialogs) was
    /// found in QLibraryInfo's translations folder as well.
    bool qtCatalog = false;
};

/// The language chosen in Settings: "" follows the system locale, else a language code ("en",
/// "de"). Read from the QSettings key "language".
QString languageSetting();
/// Stores the language choice; it applies from the next start.
void setLanguageSetting(const QString &code);
/// Language codes of the embedded catalogs (":/i18n/nwc-workbench_<code>.qm"), besides English.
QStringList availableTranslations();
/// The locale the GUI should use: the system locale, or the one of the chosen language.
QLocale interfaceLocale();

/// Installs on the application the workbench's catalog for the first of `locale`'s UI
/// languages that has one, and Qt's own catalog for that language, as QTranslator children of
/// the application. An explicit `locale` (not the system's) also becomes the default QLocale,
/// so numbers and dates match the language. Call after QCoreApplication exists and before the
/// first window is built.
InstalledTranslations installTranslators(const QLocale &locale);

} // namespace nwc
