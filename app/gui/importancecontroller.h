#pragma once
// Compress › Compute Importance… and the Importance dock's hint bar.

#include "analysis/calibrationdata.h"
#include "windowcontroller.h"

class QAction;
class QLabel;
class QPushButton;

namespace nwc {

class ImportanceView;
class ModelController;
struct ImportanceMap;

/// Calibrates the open model in a job and shows its importance in the Importance view. Above
/// the view a bar says why it is empty (no model, a model that cannot run, a container written
/// without calibration, a job running) and offers to compute the importance.
class ImportanceController : public WindowController {
    Q_OBJECT
public:
    ImportanceController(QMainWindow *window, JobRunner *runner, const ModelController *models,
                         ImportanceView *view);

    /// The Importance dock's content: the hint bar above the view.
    QWidget *page() const { return m_page; }
    ImportanceView *view() const { return m_view; }
    /// Whether the Importance view shows importance.
    bool hasData() const;
    QAction *computeImportanceAction() const { return m_action; }
    /// The calibration the computed importance comes from (windows of the text and their
    /// length).
    const CalibrationSettings &calibrationSettings() const { return m_settings; }

    /// Calibrates the open model on `textPath` (empty: the demo corpus, demo models only) in a
    /// job and shows the importance. Returns the job id (0 when no runnable model is open).
    quint64 computeImportance(const QString &textPath = QString());
    /// Shows `map`; while it is empty the hint bar says `emptyNote` (when given).
    void setImportance(const ImportanceMap &map, const QString &emptyNote);
    /// Enables the action and sets its tooltip for the open model.
    void updateActions();

Q_SIGNALS:
    /// A Compute Importance job finished and its importance is shown.
    void importanceComputed();
    /// The Importance view shows another map.
    void importanceShown();

private:
    void requestImportance();
    void updateHint();

    const ModelController *m_models;
    ImportanceView *m_view;
    CalibrationSettings m_settings;
    QAction *m_action;
    QWidget *m_page;
    QWidget *m_hint;
    QLabel *m_hintLabel;
    QPushButton *m_hintButton;
    quint64 m_job = 0;
    /// What the Importance view says when it is empty (why the model has no importance).
    QString m_note;
};

} // namespace nwc
