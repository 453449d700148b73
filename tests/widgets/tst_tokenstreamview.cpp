// TokenStreamView: tokens coloured by who decided them, the step's numbers in the tooltip, and
// the entropy strip, from a hand-made StepTrace sequence.
#include "tokenstreamview.h"

#include <QAbstractTextDocumentLayout>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextEdit>

using namespace nwc;

namespace {

TokenProbability entry(int32_t id, const QString &text, double value) {
    TokenProbability probability;
    probability.id = id;
    probability.text = text;
    probability.value = value;
    return probability;
}

/// A step that chose token `id` (`text`) from `source`; the student would have chosen
/// `studentChoice` with entropy `studentEntropy`.
StepTrace tokenStep(int index, TokenSource source, int32_t id, const QString &text,
                    int32_t studentChoice, double studentEntropy) {
    StepTrace step;
    step.index = index;
    step.source = source;
    step.tokenId = id;
    step.tokenText = text;
    step.piece = text;
    step.studentChoice = studentChoice;
    step.studentEntropy = studentEntropy;
    return step;
}

/// Marks `step` as one the teacher ran on, with the steering strength and the teacher's numbers.
void setTeacherRan(StepTrace *step, double alphaEffective, double teacherEntropy,
                   double klTeacherStudent) {
    step->teacherRan = true;
    step->alphaEffective = alphaEffective;
    step->teacherEntropy = teacherEntropy;
    step->klTeacherStudent = klTeacherStudent;
}

/// Step 0 steered and agreeing with the student, step 1 flipped, step 2 the student alone.
std::vector<StepTrace> handMadeSteps() {
    std::vector<StepTrace> steps;
    steps.push_back(tokenStep(0, TokenSource::TeacherSteered, 7, QStringLiteral(" The"), 7, 0.5));
    setTeacherRan(&steps[0], 1.0, 0.25, 0.125);
    steps[0].studentTop = {entry(7, QStringLiteral(" The"), 0.75),
                           entry(9, QStringLiteral(" A"), 0.25)};
    steps[0].teacherTop = {entry(7, QStringLiteral(" The"), 0.875),
                           entry(9, QStringLiteral(" A"), 0.125)};
    steps[0].mixedTop = steps[0].teacherTop;

    steps.push_back(
        tokenStep(1, TokenSource::TeacherSteered, 12, QStringLiteral(" answer"), 13, 1.5));
    steps[1].flipped = true;
    setTeacherRan(&steps[1], 2.0, 0.375, 0.625);
    steps[1].studentTop = {entry(13, QStringLiteral(" cat"), 0.5),
                           entry(12, QStringLiteral(" answer"), 0.25)};
    steps[1].teacherTop = {entry(12, QStringLiteral(" answer"), 0.75),
                           entry(13, QStringLiteral(" cat"), 0.125)};
    steps[1].mixedTop = {entry(12, QStringLiteral(" answer"), 1.25),
                         entry(13, QStringLiteral(" cat"), -0.25)};

    steps.push_back(tokenStep(2, TokenSource::StudentAfterN, 20, QStringLiteral(" is"), 20, 0.75));
    steps[2].studentTop = {entry(20, QStringLiteral(" is"), 0.875)};
    return steps;
}

/// The char format of the character at `position` of `document`.
QTextCharFormat formatAt(QTextDocument *document, int position) {
    QTextCursor cursor(document);
    cursor.setPosition(position + 1);
    return cursor.charFormat();
}

} // namespace

class TestTokenStreamView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void categories_data();
    void categories();
    void spansAreColouredBySource();
    void toolTipText();
    void hoverShowsTheStepsToolTip();
    void entropyStrip();
};

void TestTokenStreamView::categories_data() {
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("category");
    QTest::newRow("steered") << 0 << int(TokenCategory::Steered);
    QTest::newRow("flipped") << 1 << int(TokenCategory::Flipped);
    QTest::newRow("student after N") << 2 << int(TokenCategory::Student);
}

void TestTokenStreamView::categories() {
    QFETCH(int, step);
    QFETCH(int, category);
    QCOMPARE(int(tokenCategory(handMadeSteps()[size_t(step)])), category);
}

void TestTokenStreamView::spansAreColouredBySource() {
    TokenStreamView view(QStringLiteral("Student + teacher"), QStringLiteral("tokens"));
    view.start(QStringLiteral("Q:"));
    for (const StepTrace &step : handMadeSteps())
        view.appendStep(step);
    QCOMPARE(view.completion(), QStringLiteral(" The answer is"));
    QTextDocument *document = view.textView()->document();
    QCOMPARE(document->toPlainText(), QStringLiteral("Q: The answer is"));

    const QPalette palette = view.palette();
    // The prompt is shown in the placeholder colour and belongs to no step.
    QCOMPARE(formatAt(document, 0).foreground().color(), palette.color(QPalette::PlaceholderText));
    QCOMPARE(view.stepAtPosition(0), -1);
    struct Expected {
        int position;
        int step;
        TokenCategory category;
    };
    const Expected expected[] = {{2, 0, TokenCategory::Steered},  {5, 0, TokenCategory::Steered},
                                 {6, 1, TokenCategory::Flipped},  {12, 1, TokenCategory::Flipped},
                                 {13, 2, TokenCategory::Student}, {15, 2, TokenCategory::Student}};
    for (const Expected &e : expected) {
        const QTextCharFormat format = formatAt(document, e.position);
        QCOMPARE(view.stepAtPosition(e.position), e.step);
        QCOMPARE(format.foreground().color(), tokenForeground(e.category, palette));
        const QColor background = tokenBackground(e.category);
        if (background.isValid())
            QCOMPARE(format.background().color(), background);
        else
            QCOMPARE(format.background().style(), Qt::NoBrush);
    }
    // The three categories look different.
    QVERIFY(tokenForeground(TokenCategory::Steered, palette) !=
            tokenForeground(TokenCategory::Flipped, palette));
    QVERIFY(tokenForeground(TokenCategory::Student, palette) !=
            tokenForeground(TokenCategory::Steered, palette));
}

void TestTokenStreamView::toolTipText() {
    const std::vector<StepTrace> steps = handMadeSteps();
    const QString flipped = stepToolTip(steps[1]);
    for (const QString &part :
         {QStringLiteral("teacher-steered"), QStringLiteral("Flipped"), QStringLiteral("top-5 p_s"),
          QStringLiteral("top-5 p_t"), QStringLiteral("top-5 S"), QStringLiteral("cat"),
          QStringLiteral("1.250"), QStringLiteral("-0.250"), QStringLiteral("H(p_s) = 1.500"),
          QStringLiteral("H(p_t) = 0.375"), QStringLiteral("0.625"),
          QStringLiteral("α_eff = 2.00")}) {
        QVERIFY2(flipped.contains(part), qPrintable(part + QStringLiteral(" in ") + flipped));
    }
    // A student step has no teacher columns.
    const QString student = stepToolTip(steps[2]);
    QVERIFY(student.contains(QStringLiteral("H(p_s) = 0.750")));
    QVERIFY(!student.contains(QStringLiteral("p_t")));
    QVERIFY(!student.contains(QStringLiteral("α_eff")));
}

void TestTokenStreamView::hoverShowsTheStepsToolTip() {
    TokenStreamView view(QStringLiteral("column"), QStringLiteral("tokens"));
    view.resize(500, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.start(QString());
    const std::vector<StepTrace> steps = handMadeSteps();
    for (const StepTrace &step : steps)
        view.appendStep(step);
    QTextEdit *text = view.textView();
    // The middle of the second token (" answer", positions 4..10).
    QTextCursor cursor(text->document());
    cursor.setPosition(7);
    const QRect rect = text->cursorRect(cursor);
    QCOMPARE(view.toolTipAt(rect.center()), stepToolTip(steps[1]));
    // Far below the text there is no token.
    QCOMPARE(view.toolTipAt(QPoint(5, text->viewport()->height() - 3)), QString());
}

void TestTokenStreamView::entropyStrip() {
    TokenStreamView view(QStringLiteral("column"), QStringLiteral("tokens"));
    view.resize(400, 200);
    view.start(QString());
    for (const StepTrace &step : handMadeSteps())
        view.appendStep(step);
    EntropyStrip *strip = view.entropyStrip();
    QCOMPARE(strip->values(), (std::vector<double>{0.5, 1.5, 0.75}));
    strip->resize(80, 30);
    QCOMPARE(strip->indexAt(0), 0);
    QCOMPARE(strip->indexAt(9), 1);
    QCOMPARE(strip->indexAt(79), -1);
    QVERIFY(!strip->grab().isNull());
    view.start(QString());
    QVERIFY(strip->values().empty());
}

QTEST_MAIN(TestTokenStreamView)
#include "tst_tokenstreamview.moc"
