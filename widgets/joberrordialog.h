#pragma once
// The warning dialog for a failed job: mismatched inputs get a title that names the mismatch,
// advice on what to do, and the facts behind it under "Show Details…".

#include "jobs/joberror.h"

#include <QCoreApplication>
#include <QString>

class QMessageBox;
class QWidget;

namespace nwc {

/// Builds the dialog texts for a failed job; separate from the QMessageBox so tests and the
/// CLI-free code paths can check the wording.
class JobErrorDialog {
    Q_DECLARE_TR_FUNCTIONS(JobErrorDialog)
public:
    /// Opens a non-modal warning (deleted on close) parented to `parent` and returns it.
    /// `title` and `text` frame a plain failure ("Open Model", "Could not open x: …"); a
    /// MismatchError replaces the title with its kind's and adds advice and details.
    static QMessageBox *show(QWidget *parent, const QString &title, const QString &text,
                             const JobError &error);
    /// The window title for `kind` ("Tokenizers Do Not Match", ...).
    static QString titleFor(MismatchKind kind);
    /// What the user can do about `kind`.
    static QString adviceFor(MismatchKind kind);
};

} // namespace nwc
