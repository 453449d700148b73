#pragma once
// File › Settings…: the workbench's preferences: the language of the interface and the device
// the GUI's jobs compute on.

#include "jobs/computeoptions.h"

#include <QDialog>

class QComboBox;
class QLabel;

namespace nwc {

/// The compute device chosen in Settings (QSettings key "compute/device"): "cpu" when none was
/// chosen or when this build cannot use the stored one (a GPU that is gone, a CPU LibTorch).
QString computeDeviceSetting();
/// Stores the compute device choice ("cpu", "cuda:N"); it applies to the models opened and the
/// jobs started afterwards.
void setComputeDeviceSetting(const QString &device);
/// What the GUI's jobs compute with: the default ComputeOptions on computeDeviceSetting().
ComputeOptions guiComputeOptions();

/// The Settings dialog. The language combo offers "System default" and every language the
/// workbench is translated into (named in that language); OK stores the choice with
/// setLanguageSetting(), and the dialog says that it applies from the next start. The compute
/// device combo lists availableComputeDevices(); on a build without usable CUDA it holds the
/// CPU only, disabled, and the label beside it (and its tool tip) says why. OK stores the
/// device with setComputeDeviceSetting().
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    /// The language code selected in the combo ("" for the system default).
    QString selectedLanguage() const;
    QComboBox *languageCombo() const { return m_language; }
    /// The compute device selected in the combo ("cpu", "cuda:N").
    QString selectedDevice() const;
    QComboBox *deviceCombo() const { return m_device; }
    /// Why no GPU can be chosen, or, when one can, when a new device applies.
    QLabel *deviceNote() const { return m_deviceNote; }

    void accept() override;

private:
    QComboBox *m_language;
    QComboBox *m_device;
    QLabel *m_deviceNote;
};

} // namespace nwc
