#include "languagesetup.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace nwc {
namespace {

const QString kLanguageKey = QStringLiteral("language");
const QString kCatalogFolder = QStringLiteral(":/i18n");
const QString kCatalogName = QStringLiteral("nwc-workbench");

} // namespace

QString languageSetting() {
    return QSettings().value(kLanguageKey).toString();
}

void setLanguageSetting(const QString &code) {
    QSettings settings;
    if (code.isEmpty())
        settings.remove(kLanguageKey);
    else
        settings.setValue(kLanguageKey, code);
}

QStringList availableTranslations() {
    QStringList codes;
    const QStringList files =
        QDir(kCatalogFolder).entryList({kCatalogName + QStringLiteral("_*.qm")}, QDir::Files);
    for (const QString &file : files) {
        const qsizetype start = kCatalogName.size() + 1;
        codes.append(file.mid(start, file.size() - start - 3));
    }
    return codes;
}

QLocale interfaceLocale() {
    const QString code = languageSetting();
    return code.isEmpty() ? QLocale::system() : QLocale(code);
}

InstalledTranslations installTranslators(const QLocale &locale) {
    InstalledTranslations installed;
    QCoreApplication *app = QCoreApplication::instance();
    if (!app)
        return installed;
    if (locale != QLocale::system())
        QLocale::setDefault(locale);

    // QTranslator::load(QLocale, …) tries each of the locale's UI languages in order
    // ("de_DE", then "de", …); English, the source language, has no catalog.
    auto *workbench = new QTranslator(app);
    if (!workbench->load(locale, kCatalogName, QStringLiteral("_"), kCatalogFolder)) {
        delete workbench;
        return installed;
    }
    QCoreApplication::installTranslator(workbench);
    installed.language = QLocale(workbench->language()).name().section(QLatin1Char('_'), 0, 0);

    // Qt's strings (dialog buttons, file dialogs) in the same language as the workbench's, not
    // in another UI language the system might list first.
    auto *qt = new QTranslator(app);
    if (qt->load(QLocale(workbench->language()), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
        installed.qtCatalog = true;
    } else {
        delete qt;
    }
    return installed;
}

} // namespace nwc
