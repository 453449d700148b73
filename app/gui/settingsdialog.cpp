#include "settingsdialog.h"

#include "languagesetup.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace nwc {
namespace {

/// A language's name in that language, capitalised as at the start of a sentence ("Deutsch").
QString nativeLanguageName(const QString &code) {
    const QString name = QLocale(code).nativeLanguageName();
    return name.isEmpty() ? code : name.left(1).toUpper() + name.mid(1);
}

} // namespace

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_language(new QComboBox(this)) {
    setWindowTitle(tr("Settings"));
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->addItem(tr("System default"), QString());
    // English is the source language; the others are the embedded catalogs. Each is named in
    // its own language, so it can be found whatever the interface language is.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    const QStringList codes = availableTranslations();
    for (const QString &code : codes)
        m_language->addItem(nativeLanguageName(code), code);
    const int current = m_language->findData(languageSetting());
    m_language->setCurrentIndex(current < 0 ? 0 : current);
    m_language->setToolTip(tr("The language of menus, dialogs and plots. The system default "
                              "follows the language of your desktop session."));

    auto *languageLabel = new QLabel(tr("&Language:"), this);
    languageLabel->setBuddy(m_language);
    auto *note = new QLabel(tr("A new language applies the next time NWC Workbench starts."), this);
    note->setObjectName(QStringLiteral("restartNote"));
    note->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(languageLabel, m_language);
    form->addRow(QString(), note);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

QString SettingsDialog::selectedLanguage() const {
    return m_language->currentData().toString();
}

void SettingsDialog::accept() {
    setLanguageSetting(selectedLanguage());
    QDialog::accept();
}

} // namespace nwc
