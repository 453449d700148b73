#include "compensationview.h"

#include "compensationablationtab.h"
#include "compensationcolumnstab.h"
#include "compensationlayerstab.h"
#include "compensationplotting.h"
#include "customplot.h"
#include "plotexport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace nwc {

QStringList CompensationView::ablationMethods() {
    return CompensationAblationTab::methods();
}

CompensationView::CompensationView(QWidget *parent)
    : AnalysisView(parent) {
    auto *layout = new QVBoxLayout(this);
    m_caption = addCaption(layout);

    auto *controls = new QHBoxLayout;
    m_granularity = new QComboBox(this);
    m_granularity->setObjectName(QStringLiteral("granularityCombo"));
    m_granularity->addItem(tr("Per layer"));
    m_granularity->addItem(tr("Per decoder block"));
    m_granularity->setToolTip(tr("Block output errors are measured only when fine-tuning runs"));
    m_layerCombo = new QComboBox(this);
    m_layerCombo->setObjectName(QStringLiteral("layerCombo"));
    m_layerCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_layerCombo->setMinimumContentsLength(28);
    m_targetLabel = new QLabel(tr("&Target:"), this);
    m_targetCombo = new QComboBox(this);
    m_targetCombo->setObjectName(QStringLiteral("targetCombo"));
    m_targetLabel->setBuddy(m_targetCombo);
    m_targetCombo->setToolTip(tr("Target bit rate of the compared runs"));
    m_logCheck = new QCheckBox(tr("Lo&g scale"), this);
    m_logCheck->setObjectName(QStringLiteral("logCheck"));
    controls->addWidget(m_granularity);
    controls->addWidget(m_layerCombo, 1);
    controls->addWidget(m_targetLabel);
    controls->addWidget(m_targetCombo);
    controls->addWidget(m_logCheck);
    addControls(layout, controls, tr("Save the shown plot as PNG or PDF, or its data as CSV"));

    m_tabs = createTabs();
    m_layers = new CompensationLayersTab(m_report, this);
    m_tabs->addTab(m_layers->plot(), tr("Layers"));
    m_columns = new CompensationColumnsTab(m_report, this);
    m_tabs->addTab(m_columns->plot(), tr("Columns"));
    m_ablation = new CompensationAblationTab(m_session, this);
    m_tabs->addTab(m_ablation->plot(), tr("Ablation"));
    layout->addWidget(m_tabs, 1);

    m_readout = addReadout(layout, true);

    connect(m_layers, &CompensationLayersTab::readout, m_readout, &QLabel::setText);
    connect(m_columns, &CompensationColumnsTab::readout, m_readout, &QLabel::setText);
    connect(m_ablation, &CompensationAblationTab::readout, m_readout, &QLabel::setText);
    connect(m_layers, &CompensationLayersTab::layerActivated, this, [this](int layer) {
        setCurrentLayer(layer);
        Q_EMIT layerActivated(layer);
    });
    connect(m_layers, &CompensationLayersTab::blockActivated, this,
            &CompensationView::blockActivated);
    connect(m_columns, &CompensationColumnsTab::columnActivated, this,
            &CompensationView::columnActivated);
    connect(m_ablation, &CompensationAblationTab::ablationPointActivated, this,
            &CompensationView::ablationPointActivated);

    connect(m_granularity, &QComboBox::currentIndexChanged, this,
            [this](int index) { setShowBlocks(index == 1); });
    connect(m_layerCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { setCurrentLayer(index); });
    connect(m_targetCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && index < int(m_targets.size()))
            setAblationTarget(m_targets[size_t(index)]);
    });
    connect(m_logCheck, &QCheckBox::toggled, this, &CompensationView::setLogarithmic);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { updateControls(); });

    setReport(CompensationReport());
    setAblation(SweepSession());
}

CompensationView::~CompensationView() = default;

void CompensationView::setReport(const CompensationReport &report) {
    m_report = report;
    m_columns->setLayer(m_report.layers.empty() ? -1 : 0);
    m_layers->setShowBlocks(m_layers->showsBlocks());
    {
        const QSignalBlocker blocker(m_layerCombo);
        m_layerCombo->clear();
        for (const LayerCompensation &layer : m_report.layers)
            m_layerCombo->addItem(layer.name);
        m_layerCombo->setCurrentIndex(m_columns->layer());
    }
    {
        const QSignalBlocker blocker(m_granularity);
        m_granularity->setCurrentIndex(showsBlocks() ? 1 : 0);
    }
    m_readout->clear();
    updateCaption();
    updateControls();
    m_layers->rebuild();
    m_columns->rebuild();
}

void CompensationView::setAblation(const SweepSession &session) {
    m_session = session;
    const QStringList methods = ablationMethods();
    const double previous = ablationTarget();
    m_targets.clear();
    for (const SweepPoint &point : m_session.points) {
        if (methods.contains(point.method) &&
            std::find(m_targets.begin(), m_targets.end(), point.targetBits) == m_targets.end())
            m_targets.push_back(point.targetBits);
    }
    std::sort(m_targets.begin(), m_targets.end());
    int chosen = 0;
    for (size_t i = 0; i < m_targets.size(); ++i) {
        if (m_targets[i] == previous)
            chosen = int(i);
    }
    {
        const QSignalBlocker blocker(m_targetCombo);
        m_targetCombo->clear();
        for (double target : m_targets)
            m_targetCombo->addItem(tr("%1 bpw").arg(formatNumber(target, 4)));
        m_targetCombo->setCurrentIndex(m_targets.empty() ? -1 : chosen);
    }
    updateCaption();
    updateControls();
    rebuildAblation();
}

void CompensationView::setCurrentTab(Tab tab) {
    m_tabs->setCurrentIndex(int(tab));
}

CompensationView::Tab CompensationView::currentTab() const {
    return Tab(m_tabs->currentIndex());
}

bool CompensationView::showsBlocks() const {
    return m_layers->showsBlocks();
}

void CompensationView::setShowBlocks(bool blocks) {
    if (blocks && m_report.blocks.empty())
        blocks = false;
    setCurrentIndexQuietly(m_granularity, blocks ? 1 : 0);
    if (blocks == showsBlocks())
        return;
    m_layers->setShowBlocks(blocks);
    m_layers->rebuild();
}

void CompensationView::setLogarithmic(bool logarithmic) {
    if (!syncChecked(m_logCheck, m_logarithmic, logarithmic))
        return;
    m_layers->setLogarithmic(logarithmic);
    m_columns->setLogarithmic(logarithmic);
    m_layers->rebuild();
    m_columns->rebuild();
}

int CompensationView::currentLayer() const {
    return m_columns->layer();
}

void CompensationView::setCurrentLayer(int layer) {
    if (layer < 0 || layer >= int(m_report.layers.size()))
        return;
    setCurrentIndexQuietly(m_layerCombo, layer);
    if (layer == currentLayer())
        return;
    m_columns->setLayer(layer);
    m_columns->rebuild();
}

void CompensationView::setAblationTarget(double bits) {
    const auto found = std::find(m_targets.begin(), m_targets.end(), bits);
    if (found == m_targets.end())
        return;
    setCurrentIndexQuietly(m_targetCombo, int(found - m_targets.begin()));
    rebuildAblation();
}

double CompensationView::ablationTarget() const {
    const int index = m_targetCombo->currentIndex();
    return index >= 0 && index < int(m_targets.size()) ? m_targets[size_t(index)]
                                                       : compensationplotting::kNaN;
}

std::vector<int> CompensationView::ablationPoints() const {
    return m_ablation->points();
}

void CompensationView::rebuildAblation() {
    m_ablation->setTarget(ablationTarget());
    m_ablation->rebuild();
}

QCustomPlot *CompensationView::layersPlot() const {
    return m_layers->plot();
}

QCustomPlot *CompensationView::columnsPlot() const {
    return m_columns->plot();
}

QCustomPlot *CompensationView::ablationPlot() const {
    return m_ablation->plot();
}

QCustomPlot *CompensationView::plot() const {
    switch (currentTab()) {
    case Tab::Columns:
        return columnsPlot();
    case Tab::Ablation:
        return ablationPlot();
    case Tab::Layers:
        break;
    }
    return layersPlot();
}

QString CompensationView::readoutText() const {
    return m_readout->text();
}

void CompensationView::updateCaption() {
    QStringList parts;
    if (m_report.empty()) {
        parts << tr("No compensation report.");
    } else {
        parts
            << tr("Compensation: %1").arg(m_report.mode.isEmpty() ? tr("unknown") : m_report.mode);
        parts << tr("%n layer(s)", nullptr, int(m_report.layers.size()));
        if (!m_report.blocks.empty()) {
            parts << tr("%n block(s), fine-tuned on %1 windows, measured on %2 held-out windows",
                        nullptr, int(m_report.blocks.size()))
                         .arg(m_report.tuneWindows)
                         .arg(m_report.heldOutWindows);
        }
    }
    if (!m_session.points.empty() && !m_session.settings.model.isEmpty())
        parts << tr("ablation sweep of %1").arg(m_session.settings.model);
    m_caption->setText(parts.join(QStringLiteral(" · ")));
}

void CompensationView::updateControls() {
    const Tab tab = currentTab();
    m_granularity->setVisible(tab == Tab::Layers);
    m_granularity->setEnabled(!m_report.blocks.empty());
    m_layerCombo->setVisible(tab == Tab::Columns);
    m_layerCombo->setEnabled(!m_report.layers.empty());
    m_targetLabel->setVisible(tab == Tab::Ablation);
    m_targetCombo->setVisible(tab == Tab::Ablation);
    m_targetCombo->setEnabled(!m_targets.empty());
    m_logCheck->setVisible(tab != Tab::Ablation);
}

void CompensationView::resetView() {
    switch (currentTab()) {
    case Tab::Layers:
        m_layers->resetView();
        break;
    case Tab::Columns:
        m_columns->resetView();
        break;
    case Tab::Ablation:
        m_ablation->resetView();
        break;
    }
    plot()->replot();
}

QString CompensationView::csv() const {
    switch (currentTab()) {
    case Tab::Columns:
        return m_columns->csv();
    case Tab::Ablation:
        return m_ablation->csv();
    case Tab::Layers:
        break;
    }
    return m_layers->csv();
}

QString CompensationView::exportTitle() const {
    const QCPTextElement *title = plotTitle(plot());
    return title ? title->text() : QString();
}

QString CompensationView::exportName() const {
    static const char *const names[] = {"compensation-layers", "compensation-columns",
                                        "compensation-ablation"};
    return QString::fromLatin1(names[int(currentTab())]);
}

} // namespace nwc
