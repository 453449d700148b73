#include "analysisview.h"

#include "plotexport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace nwc {
namespace {

// A selectable text line named `objectName` at the end of `layout`.
QLabel *addTextLine(QWidget *parent, QVBoxLayout *layout, const QString &objectName,
                    bool wordWrap) {
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(wordWrap);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
    return label;
}

} // namespace

AnalysisView::AnalysisView(QWidget *parent)
    : QWidget(parent) {}

AnalysisView::~AnalysisView() = default;

bool AnalysisView::exportTo(const QString &path, QString *error) {
    return exportPlot(plot(), path, csv(), exportTitle(), error);
}

void AnalysisView::exportWithDialog() {
    nwc::exportWithDialog(this, exportName(), [this](const QString &path, QString *error) {
        return exportTo(path, error);
    });
}

QLabel *AnalysisView::addCaption(QVBoxLayout *layout) {
    return addTextLine(this, layout, QStringLiteral("caption"), true);
}

void AnalysisView::addControls(QVBoxLayout *layout, QHBoxLayout *controls,
                               const QString &exportToolTip) {
    auto *resetButton = new QPushButton(tr("&Reset View"), this);
    resetButton->setToolTip(tr("Fit the plot to its data (or double-click the plot)"));
    auto *exportButton = new QPushButton(tr("&Export…"), this);
    exportButton->setToolTip(exportToolTip);
    controls->addStretch();
    controls->addWidget(resetButton);
    controls->addWidget(exportButton);
    layout->addLayout(controls);
    connect(resetButton, &QPushButton::clicked, this, &AnalysisView::resetView);
    connect(exportButton, &QPushButton::clicked, this, &AnalysisView::exportWithDialog);
}

QTabWidget *AnalysisView::createTabs() {
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("tabs"));
    tabs->setDocumentMode(true);
    return tabs;
}

QLabel *AnalysisView::addReadout(QVBoxLayout *layout, bool wordWrap) {
    return addTextLine(this, layout, QStringLiteral("readout"), wordWrap);
}

void setCheckedQuietly(QCheckBox *box, bool checked) {
    if (box->isChecked() == checked)
        return;
    const QSignalBlocker blocker(box);
    box->setChecked(checked);
}

void setCurrentIndexQuietly(QComboBox *combo, int index) {
    if (combo->currentIndex() == index)
        return;
    const QSignalBlocker blocker(combo);
    combo->setCurrentIndex(index);
}

} // namespace nwc
