#pragma once
// Compress › Compress at Bit Rate…: what to compress to, how, and where to write it.

#include "compressionjob.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace nwc {

/// Asks for target bits per weight, method (NWC, RTN, GPTQ), codec (the shipped ladder, one
/// codec file or a file chosen by the user), error compensation (NWC only), calibration text,
/// output file and whether to evaluate the result. Validates as the user types: when something is
/// missing (for example a calibration text for a model that is not a demo model) the reason is
/// shown under the form and the Compress button is disabled. settings() returns the plain job
/// settings.
class CompressDialog : public QDialog {
    Q_OBJECT
public:
    /// The model to compress: its spec (path or demo:NAME), a short name used in the default
    /// output file name, and whether it is a built-in demo model (which may calibrate on and be
    /// evaluated with the demo corpus).
    CompressDialog(const QString &modelSpec, const QString &modelName, bool demoModel,
                   QWidget *parent = nullptr);

    /// The job settings the form describes.
    CompressionJobSettings settings() const;
    /// Why the form cannot be accepted; empty when it can.
    QString problem() const { return m_problem; }

    /// Sets the output file (as if typed by the user: it no longer follows bits and method).
    void setOutputPath(const QString &path);
    /// Selects the method (updates the bit range and the note).
    void setMethod(CompressionMethod method);
    /// Sets the target, rounded to what the method allows.
    void setTargetBitsPerWeight(double bits);
    void setCalibrationText(const QString &path);
    void setEvaluate(bool evaluate);
    /// Selects the error compensation ("none", "ldlq", "finetune" or "all"; NWC only).
    void setCompensation(const QString &name);
    /// Marks the model as one the runtime cannot run (no tokenizer, unsupported architecture):
    /// `reason` says why. Only RTN is accepted then, and evaluation is turned off.
    void setModelNotRunnable(const QString &reason);

    /// `<model>-<bits>bpw-<method>.nwc` next to the model (folder models: beside the folder),
    /// or in the user's documents folder (home when there is none) for demo models and models
    /// in folders that cannot be written.
    static QString defaultOutputPath(const QString &modelSpec, const QString &modelName,
                                     double bits, CompressionMethod method);

    // Parts of the form, for tests and screenshots.
    QDoubleSpinBox *targetBox() const { return m_target; }
    QComboBox *methodBox() const { return m_method; }
    QComboBox *codecBox() const { return m_codec; }
    QComboBox *compensationBox() const { return m_compensation; }
    QLineEdit *calibrationEdit() const { return m_calibration; }
    QLineEdit *outputEdit() const { return m_output; }
    QCheckBox *evaluateBox() const { return m_evaluate; }
    QPushButton *okButton() const { return m_ok; }
    QLabel *problemLabel() const { return m_problemLabel; }
    QLabel *noteLabel() const { return m_note; }

private:
    void fillCodecs();
    void codecActivated(int index);
    void methodChanged();
    void browseCalibration();
    void chooseOutput();
    void updateDefaultOutput();
    void updateEvaluationText();
    void validate();
    CompressionMethod currentMethod() const;
    QStringList currentCodecPaths() const;
    QString evaluationTextPath() const;

    QString m_modelSpec;
    QString m_modelName;
    bool m_demoModel;
    bool m_outputEdited = false;
    int m_lastCodecIndex = 0;
    int m_ladderSize = 0;
    double m_nwcTarget = 4.0;
    QString m_problem;
    QString m_notRunnable;

    QComboBox *m_method;
    QDoubleSpinBox *m_target;
    QLabel *m_note;
    QComboBox *m_codec;
    QComboBox *m_compensation;
    QLineEdit *m_calibration;
    QPushButton *m_browseCalibration;
    QLineEdit *m_output;
    QCheckBox *m_evaluate;
    QLabel *m_evaluationText;
    QLabel *m_problemLabel;
    QPushButton *m_ok;
};

} // namespace nwc
