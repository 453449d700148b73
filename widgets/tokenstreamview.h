#pragma once
// One column of the generation pane (docs/architecture.md, GUI): a continuation streamed token by
// token, each token coloured by who decided it, with the step's numbers in a tooltip and the
// student's entropy per token in a strip underneath.

#include "decode/collaborativedecoder.h"

#include <QColor>
#include <QWidget>
#include <vector>

class QLabel;
class QTextEdit;

namespace nwc {

/// How a token is shown: decided by the student, by the steering rule (agreeing with the
/// student's own choice), or flipped (the rule changed the student's choice).
enum class TokenCategory { Student, Steered, Flipped };

/// The category of a traced step: flipped when `step.flipped`, steered for teacher-steered and
/// teacher-only steps, else student.
TokenCategory tokenCategory(const StepTrace &step);
/// Text colour of a category (student: the palette's text colour).
QColor tokenForeground(TokenCategory category, const QPalette &palette);
/// Background tint of a category (student: none, an invalid colour).
QColor tokenBackground(TokenCategory category);
/// Rich-text tooltip of a step: token, who decided it, top-5 of p_s (and of p_t and S when the
/// teacher ran), H(p_s), H(p_t), KL(p_t || p_s) and alpha_eff.
QString stepToolTip(const StepTrace &step);
/// A small row explaining the three token colours.
QWidget *createTokenLegend(QWidget *parent);

/// A painted bar strip of H(p_s), one bar per token, coloured like the tokens; hovering a bar
/// shows its step number and entropy.
class EntropyStrip : public QWidget {
    Q_OBJECT
public:
    explicit EntropyStrip(QWidget *parent = nullptr);
    void clear();
    void append(const StepTrace &step);
    /// H(p_s) of each token shown, nats.
    const std::vector<double> &values() const { return m_values; }
    /// The token index under x (widget pixels), -1 when none.
    int indexAt(int x) const;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    double barWidth() const;
    std::vector<double> m_values;
    std::vector<TokenCategory> m_categories;
};

/// A titled column: read-only text with the prompt in the placeholder colour followed by the
/// continuation, one span per traced step, and an EntropyStrip. The text view is named
/// `textObjectName`. Hovering a token shows stepToolTip() of its step.
class TokenStreamView : public QWidget {
    Q_OBJECT
public:
    TokenStreamView(const QString &title, const QString &textObjectName, QWidget *parent = nullptr);

    void setTitle(const QString &title);
    QString title() const;
    /// Shown while the column is empty (e.g. why it cannot generate).
    void setPlaceholderText(const QString &text);
    /// Clears the column and shows `prompt` in the placeholder colour.
    void start(const QString &prompt);
    /// Appends the step's piece with its category's colours and remembers the step.
    void appendStep(const StepTrace &step);
    /// Replaces the shown continuation with `text` in the student's colours (used when the
    /// streamed pieces and a final result disagree).
    void replaceCompletion(const QString &prompt, const QString &text);

    /// The continuation shown so far (without the prompt).
    QString completion() const { return m_completion; }
    const std::vector<StepTrace> &steps() const { return m_steps; }
    /// The step whose text lies at `position` in the document, -1 when none.
    int stepAtPosition(int position) const;
    /// The tooltip for a point in the text view's viewport ("" when over no token).
    QString toolTipAt(const QPoint &viewportPosition) const;
    QTextEdit *textView() const { return m_text; }
    EntropyStrip *entropyStrip() const { return m_strip; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QLabel *m_title;
    QTextEdit *m_text;
    EntropyStrip *m_strip;
    QString m_completion;
    std::vector<StepTrace> m_steps;
};

} // namespace nwc
