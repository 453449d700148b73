#pragma once
// Compress › Sweep…: which methods and bit rates to measure, on which text, and where the
// session file goes.

#include "analysis/sweepsession.h"

#include <QDialog>
#include <QMap>
#include <vector>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace nwc {

/// Asks for the settings of a rate–distortion sweep of the open model: bit rates ("2,3,4"),
/// methods (check boxes), evaluation text and windows, calibration text and windows, group
/// size, session file and whether to keep each point's container. Validates as the user types
/// (the reason is shown under the form and OK is disabled); settings() and sessionPath() return
/// what the form describes.
class SweepDialog : public QDialog {
    Q_OBJECT
public:
    /// The model to sweep: its spec, a short name (default session file name) and whether it is
    /// a built-in demo model (evaluated on the demo held-out text and calibrated on the demo
    /// corpus unless other texts are chosen).
    SweepDialog(const QString &modelSpec, const QString &modelName, bool demoModel,
                QWidget *parent = nullptr);

    /// The sweep the form describes.
    SweepSettings settings() const;
    /// The session file (absolute path).
    QString sessionPath() const;
    /// Why the form cannot be accepted; empty when it can.
    QString problem() const { return m_problem; }

    void setBitsText(const QString &text);
    /// Checks exactly the methods in `methods` (unknown names are ignored).
    void setMethods(const QStringList &methods);
    /// Sets the evaluation text (empty: the demo held-out text for demo models).
    void setEvaluationText(const QString &path);
    void setCalibrationText(const QString &path);
    void setSessionPath(const QString &path);
    /// The model's longest context (positions); the context length is limited to it.
    void setMaxContext(int positions);

    /// Every method the dialog offers, in order.
    static QStringList methodNames();
    /// Parses "2, 3,4.5" into rates; false with a message in `error` for an empty list, a
    /// value that is not a number, or one outside (0, 16].
    static bool parseBits(const QString &text, std::vector<double> *bits, QString *error);
    /// <AppDataLocation>/sweeps/<model name>-sweep.h5.
    static QString defaultSessionPath(const QString &modelName);
    /// The folder of defaultSessionPath() (created when a sweep starts).
    static QString defaultSessionFolder();

    // Parts of the form, for tests and screenshots.
    QLineEdit *bitsEdit() const { return m_bits; }
    QCheckBox *methodBox(const QString &method) const { return m_methodBoxes.value(method); }
    QLineEdit *evaluationEdit() const { return m_evaluation; }
    QSpinBox *contextBox() const { return m_context; }
    QSpinBox *strideBox() const { return m_stride; }
    QSpinBox *maxBytesBox() const { return m_maxBytes; }
    QLineEdit *calibrationEdit() const { return m_calibration; }
    QSpinBox *calibrationSamplesBox() const { return m_calibrationSamples; }
    QSpinBox *calibrationLengthBox() const { return m_calibrationLength; }
    QSpinBox *groupSizeBox() const { return m_groupSize; }
    QLineEdit *sessionEdit() const { return m_session; }
    QCheckBox *keepContainersBox() const { return m_keepContainers; }
    QPushButton *okButton() const { return m_ok; }
    QLabel *problemLabel() const { return m_problemLabel; }

private:
    void browseText(QLineEdit *edit, const QString &title);
    void chooseSession();
    void validate();
    QStringList checkedMethods() const;
    QString containerFolder() const;
    /// The evaluation text: the edit's, or for demo models with an empty edit the demo
    /// held-out text.
    QString evaluationTextPath() const;

    QString m_modelSpec;
    QString m_modelName;
    bool m_demoModel;
    QString m_problem;

    QLineEdit *m_bits;
    QMap<QString, QCheckBox *> m_methodBoxes;
    QLineEdit *m_evaluation;
    QSpinBox *m_context;
    QSpinBox *m_stride;
    QSpinBox *m_maxBytes;
    QLineEdit *m_calibration;
    QSpinBox *m_calibrationSamples;
    QSpinBox *m_calibrationLength;
    QSpinBox *m_groupSize;
    QLineEdit *m_session;
    QCheckBox *m_keepContainers;
    QLabel *m_problemLabel;
    QPushButton *m_ok;
};

} // namespace nwc
