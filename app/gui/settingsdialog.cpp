#include "settingsdialog.h"

#include "compute/computedevices.h"
#include "languagesetup.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QVBoxLayout>

namespace nwc {
namespace {

const QString kComputeDeviceKey = QStringLiteral("compute/device");

/// A language's name in that language, capitalised as at the start of a sentence ("Deutsch").
QString nativeLanguageName(const QString &code) {
    const QString name = QLocale(code).nativeLanguageName();
    return name.isEmpty() ? code : name.left(1).toUpper() + name.mid(1);
}

} // namespace

QString computeDeviceSetting() {
    const QString stored = QSettings().value(kComputeDeviceKey).toString();
    if (stored.isEmpty())
        return QStringLiteral("cpu");
    return usableComputeDevice(stored, availableComputeDevices());
}

void setComputeDeviceSetting(const QString &device) {
    QSettings().setValue(kComputeDeviceKey, device);
}

ComputeOptions guiComputeOptions() {
    ComputeOptions options;
    options.device = computeDeviceSetting();
    return options;
}

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_language(new QComboBox(this))
    , m_device(new QComboBox(this))
    , m_deviceNote(new QLabel(this)) {
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

    // The compute device: the CPU, and each GPU when this build's LibTorch can use one.
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    const ComputeDevices available = availableComputeDevices();
    for (const QString &device : available.devices)
        m_device->addItem(device == QLatin1String("cpu") ? tr("CPU") : device, device);
    const int device = m_device->findData(computeDeviceSetting());
    m_device->setCurrentIndex(device < 0 ? 0 : device);
    m_deviceNote->setObjectName(QStringLiteral("deviceNote"));
    m_deviceNote->setWordWrap(true);
    const QString reason = available.cudaUnavailableReason();
    if (reason.isEmpty()) {
        m_device->setToolTip(tr("Where models are loaded and compression, sweeps and importance "
                                "compute."));
        m_deviceNote->setText(tr("A new device applies to the models opened and the jobs "
                                 "started afterwards."));
    } else {
        m_device->setEnabled(false);
        m_device->setToolTip(reason);
        m_deviceNote->setText(reason);
        m_deviceNote->setToolTip(reason);
    }
    auto *deviceLabel = new QLabel(tr("Compute &device:"), this);
    deviceLabel->setBuddy(m_device);

    auto *form = new QFormLayout;
    form->addRow(languageLabel, m_language);
    form->addRow(QString(), note);
    form->addRow(deviceLabel, m_device);
    form->addRow(QString(), m_deviceNote);

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

QString SettingsDialog::selectedDevice() const {
    return m_device->currentData().toString();
}

void SettingsDialog::accept() {
    setLanguageSetting(selectedLanguage());
    // A disabled combo offers no choice: a GPU stored before (and gone now) stays stored.
    if (m_device->isEnabled())
        setComputeDeviceSetting(selectedDevice());
    QDialog::accept();
}

} // namespace nwc
