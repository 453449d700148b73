#include "tourpanel.h"

#include "compressionsummarydialog.h"
#include "guidedtour.h"
#include "presentationscale.h"

#include <QDockWidget>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QVBoxLayout>
#include <QVariantAnimation>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

constexpr double kPi = 3.14159265358979323846;

QLabel *richLabel(QWidget *parent, const QString &objectName) {
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    return label;
}

QPointer<TourHighlight> &currentHighlight() {
    static QPointer<TourHighlight> highlight;
    return highlight;
}

} // namespace

TourPanel::TourPanel(GuidedTour *tour, QWidget *parent)
    : QWidget(parent)
    , m_tour(tour) {
    setObjectName(QStringLiteral("tourPanel"));
    auto *content = new QWidget(this);
    m_step = new QLabel(content);
    m_step->setObjectName(QStringLiteral("tourStep"));
    m_step->setForegroundRole(QPalette::PlaceholderText);
    m_title = richLabel(content, QStringLiteral("tourTitle"));
    m_text = richLabel(content, QStringLiteral("tourExplanation"));
    m_run = new QPushButton(content);
    m_run->setObjectName(QStringLiteral("tourRunButton"));
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), content);
    m_cancel->setObjectName(QStringLiteral("tourCancelButton"));
    m_cancel->setToolTip(tr("Stop the running step (its job is cancelled)"));
    m_run->setToolTip(tr("Let the workbench do this step (Page Down)"));
    m_progress = new QProgressBar(content);
    m_progress->setObjectName(QStringLiteral("tourProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_status = richLabel(content, QStringLiteral("tourStatus"));
    m_result = richLabel(content, QStringLiteral("tourResult"));
    m_result->setTextInteractionFlags(Qt::TextBrowserInteraction);

    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addStretch(1);

    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(m_step);
    contentLayout->addWidget(m_title);
    contentLayout->addWidget(m_text);
    contentLayout->addSpacing(4);
    contentLayout->addLayout(runRow);
    contentLayout->addWidget(m_progress);
    contentLayout->addWidget(m_status);
    contentLayout->addWidget(m_result);
    contentLayout->addStretch(1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    m_back = new QPushButton(tr("◀ &Back"), this);
    m_back->setObjectName(QStringLiteral("tourBackButton"));
    m_back->setToolTip(tr("The previous step; what it showed is kept (Page Up)"));
    m_next = new QPushButton(this);
    m_next->setObjectName(QStringLiteral("tourNextButton"));
    m_close = new QPushButton(tr("&Close"), this);
    m_close->setObjectName(QStringLiteral("tourCloseButton"));
    m_close->setToolTip(tr("End the tour (a running step is cancelled)"));
    auto *navigation = new QHBoxLayout;
    navigation->addWidget(m_back);
    navigation->addWidget(m_next);
    navigation->addStretch(1);
    navigation->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(scroll, 1);
    layout->addLayout(navigation);

    const auto fitWidth = [this] { setMinimumWidth(fontMetrics().averageCharWidth() * 36); };
    fitWidth();
    // Queued: the widgets get the new application font through posted events.
    connect(PresentationScale::instance(), &PresentationScale::factorChanged, this, fitWidth,
            Qt::QueuedConnection);

    connect(m_run, &QPushButton::clicked, m_tour, &GuidedTour::run);
    connect(m_cancel, &QPushButton::clicked, m_tour, &GuidedTour::cancel);
    connect(m_back, &QPushButton::clicked, m_tour, &GuidedTour::back);
    connect(m_next, &QPushButton::clicked, this, [this] {
        if (m_tour->currentStep() + 1 >= m_tour->stepCount()) {
            Q_EMIT closeRequested();
            return;
        }
        m_tour->next();
    });
    connect(m_close, &QPushButton::clicked, this, [this] {
        m_tour->cancel();
        Q_EMIT closeRequested();
    });
    // What presentation remotes send: Page Down does the step, or moves on once it is done;
    // Page Up goes back.
    auto *forward = new QShortcut(QKeySequence(Qt::Key_PageDown), this);
    forward->setContext(Qt::WindowShortcut);
    connect(forward, &QShortcut::activated, this, &TourPanel::advance);
    auto *backward = new QShortcut(QKeySequence(Qt::Key_PageUp), this);
    backward->setContext(Qt::WindowShortcut);
    connect(backward, &QShortcut::activated, m_tour, &GuidedTour::back);
    connect(m_result, &QLabel::linkActivated, this, &TourPanel::openLink);
    connect(m_tour, &GuidedTour::changed, this, &TourPanel::refresh);
    connect(m_tour, &GuidedTour::highlightRequested, this, [](QWidget *widget) {
        if (widget)
            TourHighlight::flash(widget);
    });
    refresh();
}

QDockWidget *TourPanel::createDock(GuidedTour *tour, QMainWindow *window) {
    auto *dock = new QDockWidget(tr("Guided Tour"), window);
    dock->setObjectName(QStringLiteral("guidedTourDock"));
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    auto *panel = new TourPanel(tour, dock);
    dock->setWidget(panel);
    // The panel takes the full height at the right, a quarter of the width.
    window->setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    window->setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    window->resizeDocks({dock}, {std::max(panel->minimumWidth(), window->width() / 4)},
                        Qt::Horizontal);
    connect(panel, &TourPanel::closeRequested, dock, &QDockWidget::hide);
    return dock;
}

void TourPanel::refresh() {
    const int step = m_tour->currentStep();
    const int count = m_tour->stepCount();
    const GuidedTour::State state = m_tour->state();
    const bool running = state == GuidedTour::State::Running;
    m_step->setText(tr("Step %1 of %2").arg(step + 1).arg(count));
    m_title->setText(QStringLiteral("<h3>%1</h3>").arg(m_tour->title(step).toHtmlEscaped()));
    m_text->setText(m_tour->explanation(step));

    const bool action = m_tour->hasAction(step);
    m_run->setVisible(action);
    m_run->setEnabled(action && !running);
    m_run->setText(state == GuidedTour::State::Done ? tr("▶ %1 again").arg(m_tour->actionText(step))
                                                    : tr("▶ %1").arg(m_tour->actionText(step)));
    m_cancel->setVisible(running);
    m_progress->setVisible(running);
    if (running) {
        const double fraction = m_tour->progress();
        if (fraction < 0) {
            m_progress->setRange(0, 0); // busy
        } else {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(std::lround(fraction * 1000)));
        }
    }

    QString status;
    switch (state) {
    case GuidedTour::State::Ready:
        status = action ? tr("Press the button to let the workbench do this step.") : QString();
        break;
    case GuidedTour::State::Running:
        status = tr("Running: %1").arg(m_tour->progressText().toHtmlEscaped());
        break;
    case GuidedTour::State::Done:
        status = action ? tr("<span style=\"color:#2a7a2a\">Done.</span>") : QString();
        break;
    case GuidedTour::State::Failed:
        status = tr("<span style=\"color:#b03020\"><b>Failed:</b> %1</span>")
                     .arg(m_tour->errorText(step).toHtmlEscaped());
        break;
    case GuidedTour::State::Cancelled:
        status = tr("Cancelled. Run the step again when you are ready.");
        break;
    }
    m_status->setText(status);
    m_status->setVisible(!status.isEmpty());
    const QString result = m_tour->resultText(step);
    m_result->setText(result);
    m_result->setVisible(!result.isEmpty());

    m_back->setEnabled(m_tour->canGoBack());
    const bool last = step + 1 >= count;
    m_next->setText(last ? tr("&Finish") : tr("&Next ▶"));
    m_next->setEnabled(last ? !running : m_tour->canGoNext());
    m_next->setToolTip(last                  ? tr("End the tour")
                       : m_next->isEnabled() ? tr("The next step (Page Down)")
                                             : tr("Run this step first: the next one builds on "
                                                  "what it shows."));
}

void TourPanel::advance() {
    if (m_tour->isRunning())
        return;
    const int step = m_tour->currentStep();
    if (m_tour->hasAction(step) && m_tour->state() != GuidedTour::State::Done)
        m_tour->run();
    else
        m_tour->next();
}

void TourPanel::openLink(const QString &link) {
    if (!link.startsWith(QLatin1String("summary:")))
        return;
    const int index = link.mid(8).toInt();
    const auto &results = m_tour->compressions();
    if (index < 0 || size_t(index) >= results.size())
        return;
    auto *dialog = new CompressionSummaryDialog(results[size_t(index)], window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

// TourHighlight ----------------------------------------------------------------------------------

TourHighlight *TourHighlight::flash(QWidget *target, int milliseconds) {
    if (TourHighlight *previous = currentHighlight())
        previous->deleteLater();
    if (!target || !target->window())
        return nullptr;
    auto *highlight = new TourHighlight(target, milliseconds);
    currentHighlight() = highlight;
    return highlight;
}

TourHighlight *TourHighlight::current() {
    return currentHighlight();
}

TourHighlight::TourHighlight(QWidget *target, int milliseconds)
    : QWidget(target->window())
    , m_target(target)
    , m_pulse(new QVariantAnimation(this)) {
    setObjectName(QStringLiteral("tourHighlight"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setFocusPolicy(Qt::NoFocus);
    target->installEventFilter(this);
    m_pulse->setStartValue(0.0);
    m_pulse->setEndValue(1.0);
    m_pulse->setDuration(milliseconds);
    connect(m_pulse, &QVariantAnimation::valueChanged, this, [this](const QVariant &value) {
        // Three pulses, then a fade-out over the last fifth.
        const double t = value.toDouble();
        m_opacity =
            t < 0.8 ? 0.55 + 0.45 * std::abs(std::cos(3.0 * kPi * t / 0.8)) : (1.0 - t) / 0.2;
        follow(); // the layout may move the target (docks are raised as the tour goes)
        QWidget::update();
    });
    connect(m_pulse, &QVariantAnimation::finished, this, &QObject::deleteLater);
    follow();
    show();
    raise();
    m_pulse->start();
}

void TourHighlight::follow() {
    if (!m_target || !m_target->isVisible()) {
        hide();
        return;
    }
    QWidget *window = parentWidget();
    const int margin = int(std::lround(PresentationScale::scaled(3)));
    const QRect area(m_target->mapTo(window, QPoint(0, 0)), m_target->size());
    setGeometry(area.adjusted(-margin, -margin, margin, margin) & window->rect());
    if (isHidden())
        show();
    raise();
}

bool TourHighlight::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_target) {
        switch (event->type()) {
        case QEvent::Move:
        case QEvent::Resize:
        case QEvent::Show:
        case QEvent::Hide:
            follow();
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void TourHighlight::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QColor color(255, 140, 0);
    color.setAlphaF(std::clamp(m_opacity, 0.0, 1.0));
    const double width = PresentationScale::scaled(3.5);
    painter.setPen(QPen(color, width));
    painter.setBrush(Qt::NoBrush);
    const double inset = width / 2;
    painter.drawRoundedRect(QRectF(rect()).adjusted(inset, inset, -inset, -inset), 6, 6);
}

} // namespace nwc
