#include "formdialoglayout.h"

#include <QColor>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPalette>
#include <QPushButton>
#include <QVBoxLayout>

namespace nwc {

QPushButton *layOutFormDialog(QDialog *dialog, QFormLayout *form, QLabel *problemLabel,
                              const QString &okText) {
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setText(okText);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);

    auto *layout = new QVBoxLayout(dialog);
    layout->addLayout(form);
    layout->addWidget(problemLabel);
    layout->addStretch(1);
    layout->addSpacing(6);
    layout->addWidget(buttons);
    return ok;
}

void showProblemOrHint(QLabel *label, QPushButton *ok, const QString &problem,
                       const QString &hint) {
    ok->setEnabled(problem.isEmpty());
    const QString shown = problem.isEmpty() ? hint : problem;
    label->setText(shown);
    label->setVisible(!shown.isEmpty());
    QPalette palette = label->parentWidget() ? label->parentWidget()->palette() : label->palette();
    if (!problem.isEmpty())
        palette.setColor(QPalette::WindowText, QColor(0xb0, 0x20, 0x20));
    label->setPalette(palette);
}

QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent) {
    auto *label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

QHBoxLayout *fieldWithButton(QWidget *field, QWidget *button) {
    auto *row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(button);
    return row;
}

QHBoxLayout *inlineGroups(std::initializer_list<std::initializer_list<QWidget *>> groups) {
    auto *row = new QHBoxLayout;
    bool first = true;
    for (const auto &group : groups) {
        if (!first)
            row->addSpacing(8);
        first = false;
        for (QWidget *widget : group)
            row->addWidget(widget);
    }
    row->addStretch(1);
    return row;
}

} // namespace nwc
