#pragma once
// The generation pane's "Run Benchmark…" dialog.

#include "decode/collabbenchmark.h"
#include "lm/languagemodel.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace nwc {

struct BuiltInQaSet;

class CollabBenchView;
class JobRunner;

/// Sets up and runs the collaborative QA benchmark of a student steered by a teacher as one
/// cancellable job, and shows its plots (CollabBenchView). The setup chooses the data (the
/// built-in held-out demo set or a JSONL file: GSM8K-style or other fields, a prompt template,
/// an answer pattern), the alpha, N and tau grids, the answer length, the calibration share
/// on which alpha and tau are chosen, and a session file (an existing one is resumed, as
/// `nwc collab-bench --session` does). The form keeps its values between runs.
class CollabBenchDialog : public QDialog {
    Q_OBJECT
public:
    CollabBenchDialog(JobRunner *runner, QWidget *parent = nullptr);

    /// Shows the dialog ready to benchmark `student` steered by `teacher` (`teacherName` names
    /// it); Start runs it. Does nothing while a benchmark runs.
    void prepare(const LanguageModelPtr &student, const LanguageModelPtr &teacher,
                 const QString &teacherName);
    /// Starts the benchmark with the form's settings; false (and the reason in the status line)
    /// when the form is invalid or no models were given.
    bool start();
    /// True while a benchmark job runs.
    bool isRunning() const { return m_job != 0; }
    CollabBenchView *view() const { return m_view; }
    /// The settings the form describes (and, when not null, how to read the data file); throws
    /// nwc::Error naming the field that is invalid.
    CollabBenchSettings settingsFromForm(QaFormat *format = nullptr) const;
    /// The status line (progress, the outcome, or why the form cannot start).
    QString statusText() const;

Q_SIGNALS:
    /// A benchmark finished; view() shows it.
    void finished();
    /// A benchmark job started or ended (finished, failed or cancelled).
    void runningChanged(bool running);

private:
    void end(const QString &status);
    void updateEnabled();
    /// The built-in set the data combo shows (null: a JSONL file).
    const BuiltInQaSet *chosenBuiltInSet() const;
    /// Fills template and answer pattern from the chosen built-in set.
    void applyBuiltInSet();

    JobRunner *m_runner;
    CollabBenchView *m_view;
    QComboBox *m_data;
    QLineEdit *m_dataFile;
    QPushButton *m_browseData;
    QLineEdit *m_questionField;
    QLineEdit *m_answerField;
    QLineEdit *m_answerPattern;
    QLineEdit *m_template;
    QLineEdit *m_alphas;
    QLineEdit *m_ns;
    QLineEdit *m_taus;
    QSpinBox *m_maxTokens;
    QDoubleSpinBox *m_calibrationShare;
    QLineEdit *m_session;
    QLabel *m_status;
    QPushButton *m_start;
    QPushButton *m_cancel;
    LanguageModelPtr m_student;
    LanguageModelPtr m_teacher;
    QString m_teacherName;
    quint64 m_job = 0;
};

} // namespace nwc
