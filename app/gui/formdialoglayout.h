#pragma once
// The layout the workbench's job dialogs share: a form, a line for what keeps the job from
// starting, and OK/Cancel at the bottom with OK renamed after the job.

#include <initializer_list>

class QDialog;
class QFormLayout;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QString;
class QWidget;

namespace nwc {

/// Lays out `dialog` as `form`, then `problemLabel`, then OK/Cancel; OK reads `okText`,
/// accepts the dialog and is returned (so the dialog can disable it while input is invalid).
QPushButton *layOutFormDialog(QDialog *dialog, QFormLayout *form, QLabel *problemLabel,
                              const QString &okText);

/// Shows `problem` (in red, with OK disabled) or else `hint` (OK enabled) in `label`; hides
/// the label when both are empty.
void showProblemOrHint(QLabel *label, QPushButton *ok, const QString &problem, const QString &hint);

/// A label for a form row with a mnemonic pointing at `buddy`.
QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent);

/// A form field: `field` taking the width, then `button` (Browse…, Save As…) after it.
QHBoxLayout *fieldWithButton(QWidget *field, QWidget *button);
/// A form field of small inputs and their labels: the widgets of each group side by side, the
/// groups 8 px apart, then a stretch.
QHBoxLayout *inlineGroups(std::initializer_list<std::initializer_list<QWidget *>> groups);

} // namespace nwc
