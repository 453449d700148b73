#include "tokenstreamview.h"

#include "presentationscale.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QScrollBar>
#include <QTextCursor>
#include <QTextEdit>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

/// The char-format property holding a span's step index.
constexpr int kStepProperty = QTextFormat::UserProperty + 1;

/// A token for display: escaped for HTML, newlines and tabs made visible, quoted.
QString shownToken(const QString &text) {
    QString copy = text;
    copy.replace(QLatin1Char('\n'), QStringLiteral("\\n"))
        .replace(QLatin1Char('\t'), QStringLiteral("\\t"));
    return QStringLiteral("\u201c") + copy.toHtmlEscaped() + QStringLiteral("\u201d");
}

QString number(double value, int decimals = 3) {
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    return QLocale().toString(value, 'f', decimals);
}

QString topColumn(const QVector<TokenProbability> &entries, int row) {
    if (row >= entries.size())
        return QStringLiteral("<td></td><td></td>");
    const TokenProbability &entry = entries[row];
    return QStringLiteral("<td>%1</td><td align=\"right\">%2</td>")
        .arg(shownToken(entry.text), number(entry.value));
}

QString sourceText(const StepTrace &step) {
    switch (step.source) {
    case TokenSource::Student:
        return step.teacherRan ? TokenStreamView::tr("student (gate closed: α_eff = 0)")
                               : TokenStreamView::tr("student");
    case TokenSource::TeacherSteered:
        return TokenStreamView::tr("teacher-steered");
    case TokenSource::StudentAfterN:
        return TokenStreamView::tr("student (after the first N tokens)");
    case TokenSource::Teacher:
        return TokenStreamView::tr("teacher alone");
    }
    return QString();
}

} // namespace

TokenCategory tokenCategory(const StepTrace &step) {
    if (step.flipped)
        return TokenCategory::Flipped;
    if (step.source == TokenSource::TeacherSteered || step.source == TokenSource::Teacher)
        return TokenCategory::Steered;
    return TokenCategory::Student;
}

QColor tokenForeground(TokenCategory category, const QPalette &palette) {
    switch (category) {
    case TokenCategory::Student:
        return palette.color(QPalette::Text);
    case TokenCategory::Steered:
        return QColor(0x1f, 0x5f, 0xa8);
    case TokenCategory::Flipped:
        return QColor(0xb3, 0x40, 0x00);
    }
    return palette.color(QPalette::Text);
}

QColor tokenBackground(TokenCategory category) {
    switch (category) {
    case TokenCategory::Student:
        return QColor();
    case TokenCategory::Steered:
        return QColor(0xd8, 0xe8, 0xf8);
    case TokenCategory::Flipped:
        return QColor(0xfd, 0xdc, 0xbd);
    }
    return QColor();
}

QString stepToolTip(const StepTrace &step) {
    QString html = QStringLiteral("<b>%1</b> · %2 %3<br>")
                       .arg(shownToken(step.tokenText), TokenStreamView::tr("token"))
                       .arg(step.index + 1);
    html += TokenStreamView::tr("Decided by: %1").arg(sourceText(step));
    if (step.flipped)
        html += QStringLiteral("<br>") +
                TokenStreamView::tr("Flipped: the student alone would have chosen %1")
                    .arg(step.studentTop.isEmpty() ? QString::number(step.studentChoice)
                                                   : shownToken(step.studentTop.first().text));
    html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\"><tr>");
    html += QStringLiteral("<th colspan=\"2\" align=\"left\">%1</th>")
                .arg(TokenStreamView::tr("top-5 p_s"));
    if (step.teacherRan) {
        html += QStringLiteral("<th colspan=\"2\" align=\"left\">%1</th>")
                    .arg(TokenStreamView::tr("top-5 p_t"));
        html += QStringLiteral("<th colspan=\"2\" align=\"left\">%1</th>")
                    .arg(TokenStreamView::tr("top-5 S"));
    }
    html += QStringLiteral("</tr>");
    int rows = step.studentTop.size();
    if (step.teacherRan)
        rows = std::max({rows, int(step.teacherTop.size()), int(step.mixedTop.size())});
    for (int row = 0; row < rows; ++row) {
        html += QStringLiteral("<tr>") + topColumn(step.studentTop, row);
        if (step.teacherRan)
            html += topColumn(step.teacherTop, row) + topColumn(step.mixedTop, row);
        html += QStringLiteral("</tr>");
    }
    html += QStringLiteral("</table>");
    html += TokenStreamView::tr("H(p_s) = %1 nats").arg(number(step.studentEntropy));
    if (step.teacherRan) {
        html += QStringLiteral(" · ") +
                TokenStreamView::tr("H(p_t) = %1 nats").arg(number(step.teacherEntropy));
        html += QStringLiteral("<br>") +
                TokenStreamView::tr("KL(p_t ‖ p_s) = %1 nats").arg(number(step.klTeacherStudent));
        html += QStringLiteral(" · ") +
                TokenStreamView::tr("α_eff = %1").arg(number(step.alphaEffective, 2));
    }
    return html;
}

QWidget *createTokenLegend(QWidget *parent) {
    auto *legend = new QWidget(parent);
    legend->setObjectName(QStringLiteral("tokenLegend"));
    auto *layout = new QHBoxLayout(legend);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    const auto add = [&](TokenCategory category, const QString &text, const QString &toolTip) {
        auto *label = new QLabel(legend);
        const QColor background = tokenBackground(category);
        label->setText(QStringLiteral("<span style=\"color:%1;%2\">&nbsp;%3&nbsp;</span>")
                           .arg(tokenForeground(category, legend->palette()).name(),
                                background.isValid()
                                    ? QStringLiteral("background-color:%1;").arg(background.name())
                                    : QString(),
                                text.toHtmlEscaped()));
        label->setToolTip(toolTip);
        layout->addWidget(label);
    };
    add(TokenCategory::Student, TokenStreamView::tr("student"),
        TokenStreamView::tr("Chosen by the student alone"));
    add(TokenCategory::Steered, TokenStreamView::tr("teacher-steered"),
        TokenStreamView::tr(
            "One of the first N tokens, chosen by argmax S = p_s + α (p_t − p_s) and equal to the "
            "student's own choice"));
    add(TokenCategory::Flipped, TokenStreamView::tr("flipped"),
        TokenStreamView::tr(
            "Steering changed the student's choice: argmax S differs from argmax p_s"));
    auto *hint = new QLabel(
        TokenStreamView::tr("Hover a token for p_s, p_t and S; the strip under each column is "
                            "H(p_s) per token."),
        legend);
    hint->setForegroundRole(QPalette::PlaceholderText);
    hint->setWordWrap(true); // so that the pane stays narrow with large (presentation) fonts
    layout->addWidget(hint, 1);
    return legend;
}

// EntropyStrip ------------------------------------------------------------------------------

EntropyStrip::EntropyStrip(QWidget *parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("entropyStrip"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("H(p_s), the student's entropy, per generated token"));
    connect(PresentationScale::instance(), &PresentationScale::factorChanged, this, [this] {
        updateGeometry();
        update();
    });
}

void EntropyStrip::clear() {
    m_values.clear();
    m_categories.clear();
    update();
}

void EntropyStrip::append(const StepTrace &step) {
    m_values.push_back(step.studentEntropy);
    m_categories.push_back(tokenCategory(step));
    update();
}

QSize EntropyStrip::sizeHint() const {
    return QSize(200, int(PresentationScale::scaled(30)));
}

double EntropyStrip::barWidth() const {
    if (m_values.empty())
        return 0;
    return std::min(PresentationScale::scaled(8.0), double(width()) / double(m_values.size()));
}

int EntropyStrip::indexAt(int x) const {
    const double bar = barWidth();
    if (bar <= 0 || x < 0)
        return -1;
    const int index = int(x / bar);
    return index < int(m_values.size()) ? index : -1;
}

void EntropyStrip::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
    if (m_values.empty())
        return;
    double top = 1.0;
    for (double value : m_values) {
        if (std::isfinite(value))
            top = std::max(top, value);
    }
    const double bar = barWidth();
    const double height = this->height() - 2;
    painter.setPen(Qt::NoPen);
    for (size_t i = 0; i < m_values.size(); ++i) {
        const double value = std::isfinite(m_values[i]) ? std::max(0.0, m_values[i]) : 0;
        const double h = std::max(1.0, height * value / top);
        QColor color = m_categories[i] == TokenCategory::Student
                           ? palette().color(QPalette::Mid)
                           : tokenForeground(m_categories[i], palette());
        painter.setBrush(color);
        painter.drawRect(QRectF(i * bar + 0.5, 1 + height - h, std::max(1.0, bar - 1), h));
    }
}

bool EntropyStrip::event(QEvent *event) {
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = indexAt(help->pos().x());
        if (index < 0)
            QToolTip::showText(help->globalPos(), toolTip(), this);
        else
            QToolTip::showText(help->globalPos(),
                               tr("token %1: H(p_s) = %2 nats")
                                   .arg(index + 1)
                                   .arg(number(m_values[size_t(index)])),
                               this);
        return true;
    }
    return QWidget::event(event);
}

// TokenStreamView ---------------------------------------------------------------------------

TokenStreamView::TokenStreamView(const QString &title, const QString &textObjectName,
                                 QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(title, this))
    , m_text(new QTextEdit(this))
    , m_strip(new EntropyStrip(this)) {
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setObjectName(textObjectName + QStringLiteral("Title"));
    m_text->setObjectName(textObjectName);
    m_text->setReadOnly(true);
    m_text->setAcceptRichText(false);
    // The text is 1.1 × the application font, also after presentation mode changed that.
    const auto updateTextFont = [this] {
        QFont font = QApplication::font(m_text);
        font.setPointSizeF(font.pointSizeF() * 1.1);
        m_text->setFont(font);
    };
    updateTextFont();
    connect(PresentationScale::instance(), &PresentationScale::factorChanged, this, updateTextFont);
    m_text->viewport()->installEventFilter(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_title);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_strip);
}

void TokenStreamView::setTitle(const QString &title) {
    m_title->setText(title);
}

QString TokenStreamView::title() const {
    return m_title->text();
}

void TokenStreamView::setPlaceholderText(const QString &text) {
    m_text->setPlaceholderText(text);
}

void TokenStreamView::start(const QString &prompt) {
    m_completion.clear();
    m_steps.clear();
    m_strip->clear();
    m_text->clear();
    QTextCharFormat promptFormat;
    promptFormat.setForeground(palette().color(QPalette::PlaceholderText));
    QTextCursor cursor(m_text->document());
    cursor.insertText(prompt, promptFormat);
}

void TokenStreamView::appendStep(const StepTrace &step) {
    const int index = int(m_steps.size());
    m_steps.push_back(step);
    m_strip->append(step);
    if (step.piece.isEmpty())
        return;
    m_completion += step.piece;
    const TokenCategory category = tokenCategory(step);
    QTextCharFormat format;
    format.setForeground(tokenForeground(category, palette()));
    const QColor background = tokenBackground(category);
    if (background.isValid())
        format.setBackground(background);
    format.setProperty(kStepProperty, index);
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(step.piece, format);
    QScrollBar *bar = m_text->verticalScrollBar();
    bar->setValue(bar->maximum());
}

void TokenStreamView::replaceCompletion(const QString &prompt, const QString &text) {
    start(prompt);
    m_completion = text;
    QTextCharFormat format;
    format.setForeground(palette().color(QPalette::Text));
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text, format);
}

int TokenStreamView::stepAtPosition(int position) const {
    QTextDocument *document = m_text->document();
    if (position < 0 || position + 1 >= document->characterCount())
        return -1;
    QTextCursor cursor(document);
    cursor.setPosition(position + 1);
    const QVariant value = cursor.charFormat().property(kStepProperty);
    if (!value.isValid())
        return -1;
    const int index = value.toInt();
    return index >= 0 && index < int(m_steps.size()) ? index : -1;
}

QString TokenStreamView::toolTipAt(const QPoint &viewportPosition) const {
    const QPointF documentPosition =
        QPointF(viewportPosition) +
        QPointF(m_text->horizontalScrollBar()->value(), m_text->verticalScrollBar()->value());
    const int position =
        m_text->document()->documentLayout()->hitTest(documentPosition, Qt::ExactHit);
    const int index = stepAtPosition(position);
    return index < 0 ? QString() : stepToolTip(m_steps[size_t(index)]);
}

bool TokenStreamView::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_text->viewport() && event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, m_text->viewport());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace nwc
