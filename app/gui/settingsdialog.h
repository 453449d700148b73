#pragma once
// File › Settings…: the workbench's preferences (for now, the language of the interface).

#include <QDialog>

class QComboBox;

namespace nwc {

/// The Settings dialog. The language combo offers "System default" and every language the
/// workbench is translated into (named in that language); OK stores the choice with
/// setLanguageSetting(), and the dialog says that it applies from the next start.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    /// The language code selected in the combo ("" for the system default).
    QString selectedLanguage() const;
    QComboBox *languageCombo() const { return m_language; }

    void accept() override;

private:
    QComboBox *m_language;
};

} // namespace nwc
