#pragma once
// The generation pane's "Run Benchmark…" dialog.

#include "lm/languagemodel.h"

#include <QDialog>

class QLabel;
class QPushButton;

namespace nwc {

class CollabBenchView;
class JobRunner;

/// Runs the collaborative QA benchmark (the built-in held-out demo set, default grids) of a
/// student steered by a teacher as one cancellable job and shows its plots (CollabBenchView),
/// the job's progress, and Cancel Run / Close.
class CollabBenchDialog : public QDialog {
    Q_OBJECT
public:
    CollabBenchDialog(JobRunner *runner, QWidget *parent = nullptr);

    /// Starts the benchmark of `student` steered by `teacher` (`teacherName` names it) and
    /// shows the dialog; does nothing while one runs.
    void run(const LanguageModelPtr &student, const LanguageModelPtr &teacher,
             const QString &teacherName);
    /// True while a benchmark job runs.
    bool isRunning() const { return m_job != 0; }
    CollabBenchView *view() const { return m_view; }

Q_SIGNALS:
    /// A benchmark finished; view() shows it.
    void finished();
    /// A benchmark job started or ended (finished, failed or cancelled).
    void runningChanged(bool running);

private:
    void end(const QString &status);

    JobRunner *m_runner;
    CollabBenchView *m_view;
    QLabel *m_status;
    QPushButton *m_cancel;
    quint64 m_job = 0;
};

} // namespace nwc
