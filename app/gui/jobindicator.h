#pragma once
// The status bar's running-jobs indicator.

#include <QLabel>

namespace nwc {

class JobRunner;

/// A link in the status bar while jobs run: "n jobs running", or the one running job's title
/// and progress (so a sweep or calibration can be followed while an analysis view covers the
/// Jobs panel). Hidden while none runs; clicking it emits jobsPanelRequested().
class JobIndicator : public QLabel {
    Q_OBJECT
public:
    explicit JobIndicator(JobRunner *runner, QWidget *parent = nullptr);

Q_SIGNALS:
    /// The link was clicked: show the Jobs panel.
    void jobsPanelRequested();

private:
    void showActive(int active);

    JobRunner *m_runner;
};

} // namespace nwc
