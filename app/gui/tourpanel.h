#pragma once
// The panel of the guided tour (Help › Guided Tour…) and the frame it draws around the widget a
// step is about.

#include <QPointer>
#include <QWidget>

class QDockWidget;
class QLabel;
class QMainWindow;
class QProgressBar;
class QPushButton;
class QVariantAnimation;

namespace nwc {

class GuidedTour;

/// Shows the current step of a GuidedTour: "Step k of n", the title, the explanation, a button
/// that runs the step (Cancel while it runs, with the job's progress), what the step measured or
/// why it failed, and Back / Next / Close. Next is enabled once the step is done; on the last
/// step it reads Finish. Close cancels a running step and hides the panel's dock. The widget a
/// step is about is framed for a few seconds (TourHighlight). Page Down (what presentation
/// remotes send) runs the step, or moves to the next one once it is done; Page Up goes back.
class TourPanel : public QWidget {
    Q_OBJECT
public:
    explicit TourPanel(GuidedTour *tour, QWidget *parent = nullptr);

    /// A dock on the right of `window` holding a panel for `tour` (movable and floatable; it
    /// is closed with the panel's Close button, which ends the tour).
    static QDockWidget *createDock(GuidedTour *tour, QMainWindow *window);

    GuidedTour *tour() const { return m_tour; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *backButton() const { return m_back; }
    QPushButton *nextButton() const { return m_next; }
    QPushButton *closeButton() const { return m_close; }
    QLabel *stepLabel() const { return m_step; }
    QLabel *titleLabel() const { return m_title; }
    QLabel *explanationLabel() const { return m_text; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *resultLabel() const { return m_result; }

Q_SIGNALS:
    /// Close was pressed (the running step was cancelled).
    void closeRequested();

private:
    void refresh();
    /// Page Down: runs the current step, or moves on once it is done.
    void advance();
    void openLink(const QString &link);

    GuidedTour *m_tour;
    QLabel *m_step;
    QLabel *m_title;
    QLabel *m_text;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    QLabel *m_result;
    QPushButton *m_back;
    QPushButton *m_next;
    QPushButton *m_close;
};

/// A pulsing frame drawn over a widget (in its window, not taking mouse events) that follows
/// the widget's geometry and disappears after a few seconds or when the widget hides. One at a
/// time: flashing another widget removes the previous frame.
class TourHighlight : public QWidget {
    Q_OBJECT
public:
    /// Frames `target` for `milliseconds`.
    static TourHighlight *flash(QWidget *target, int milliseconds = 4500);
    /// The frame shown now (nullptr when none).
    static TourHighlight *current();
    QWidget *target() const { return m_target; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    TourHighlight(QWidget *target, int milliseconds);
    void follow();

    QPointer<QWidget> m_target;
    QVariantAnimation *m_pulse;
    double m_opacity = 1.0;
};

} // namespace nwc
