#include "guidedtour.h"

#include "analysis/calibrationwindows.h"
#include "compressdialog.h"
#include "customplot.h"
#include "decode/collabbenchmark.h"
#include "generationpane.h"
#include "histogramplot.h"
#include "importanceview.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "jobspanel.h"
#include "lm/qabenchmark.h"
#include "mainwindow.h"
#include "modelbrowser.h"
#include "ratedistortionview.h"
#include "sweepdialog.h"
#include "tokenstreamview.h"

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLocale>
#include <QSpinBox>
#include <QTextEdit>
#include <QTimer>
#include <QTreeView>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

const QString kTeacher = QStringLiteral("demo:teacher");
const QString kStudent = QStringLiteral("demo:student");
/// The tensor of the histogram step: the last block's MLP down projection, the demo teacher's
/// matrix with the heaviest tails (largest weight 7.4 standard deviations out).
const QString kTensor = QStringLiteral("model.layers.3.mlp.down_proj.weight");
/// The held-out question of the generation steps (index into collab_heldout_qa.jsonl): one the
/// student alone gets wrong (68 instead of 67), the steered student gets right at α = 0.5 and 1
/// with N = 16, and over-trust (α = 2) gets wrong again (77).
constexpr int kQuestionIndex = 228;
/// Tokens generated per column in the generation steps (greedy).
constexpr int kMaxTokens = 48;
/// Bytes of the demo held-out text the sweep evaluates on (as the compress dialog's default).
constexpr int kSweepEvaluationBytes = 30000;

constexpr double kAlphas[] = {0.5, 1.0, 2.0};

QString number(double value, int decimals) {
    return QLocale().toString(value, 'f', decimals);
}

QString significant(double value, int digits = 3) {
    return QLocale().toString(value, 'g', digits);
}

/// The answer part of a completion: up to a following "Question:" (as the QA benchmark cuts
/// it), on one line.
QString answerText(const QString &completion) {
    QString text = completion;
    const int next = text.indexOf(QLatin1String("Question:"));
    if (next >= 0)
        text.truncate(next);
    return text.simplified();
}

/// p of token `id` in a top-5 list, as text ("—" when it is not among them).
QString probabilityIn(const QVector<TokenProbability> &top, int32_t id) {
    for (const TokenProbability &entry : top) {
        if (entry.id == id)
            return QLocale().toString(entry.value, 'f', 2);
    }
    return QStringLiteral("—");
}

QString quoted(const QString &token) {
    return QStringLiteral("“%1”").arg(token.toHtmlEscaped());
}

/// The first flipped step of `steps`: what the student would have written and what S chose,
/// with p_s, p_t and S of both.
QString describeFirstFlip(const std::vector<StepTrace> &steps) {
    for (const StepTrace &step : steps) {
        if (!step.flipped || step.studentTop.isEmpty())
            continue;
        const int32_t own = step.studentChoice;
        QString ownText = step.studentTop.first().text;
        for (const TokenProbability &entry : step.studentTop) {
            if (entry.id == own)
                ownText = entry.text;
        }
        return GuidedTour::tr("Token %1: the student would write %2 (p<sub>s</sub> %3, "
                              "p<sub>t</sub> %4, S %5); S chose %6 (p<sub>s</sub> %7, "
                              "p<sub>t</sub> %8, S %9).")
            .arg(step.index + 1)
            .arg(quoted(ownText), probabilityIn(step.studentTop, own),
                 probabilityIn(step.teacherTop, own), probabilityIn(step.mixedTop, own),
                 quoted(step.tokenText), probabilityIn(step.studentTop, step.tokenId),
                 probabilityIn(step.teacherTop, step.tokenId),
                 probabilityIn(step.mixedTop, step.tokenId));
    }
    return QString();
}

/// Where the largest of `count` Gaussian values lies, in standard deviations: the t with
/// count · P(|z| > t) = 1.
double gaussianLargest(qint64 count) {
    double low = 0;
    double high = 40;
    for (int i = 0; i < 100; ++i) {
        const double t = (low + high) / 2;
        if (double(count) * std::erfc(t / std::sqrt(2.0)) > 1.0)
            low = t;
        else
            high = t;
    }
    return low;
}

QString mark(bool correct) {
    return correct ? QStringLiteral("<span style=\"color:#2a7a2a\">✔</span>")
                   : QStringLiteral("<span style=\"color:#b03020\">✘</span>");
}

/// A table cell; numbers (right-aligned) are not broken across lines.
QString cell(const QString &text, bool header = false, bool right = false) {
    const QString tag = header ? QStringLiteral("th") : QStringLiteral("td");
    return QStringLiteral("<%1 align=\"%2\"%3 style=\"padding:1px 6px\">%4</%1>")
        .arg(tag, right ? QStringLiteral("right") : QStringLiteral("left"),
             right ? QStringLiteral(" nowrap") : QString(), text);
}

QString row(const QStringList &cells) {
    return QStringLiteral("<tr>") + cells.join(QString()) + QStringLiteral("</tr>");
}

} // namespace

GuidedTour::GuidedTour(MainWindow *window, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_states(StepCount, State::Ready)
    , m_errors(StepCount) {
    m_states[Welcome] = State::Done;
    connect(window->jobRunner(), &JobRunner::jobUpdated, this, &GuidedTour::jobUpdated);
    loadQuestion();
}

GuidedTour::~GuidedTour() {
    clearWaits();
}

void GuidedTour::loadQuestion() {
    try {
        const QString teacher = Checkpoint::resolveSpec(kTeacher);
        const QVector<QaItem> items =
            loadQaSet(QFileInfo(teacher).dir().filePath(QStringLiteral("collab_heldout_qa.jsonl")));
        if (kQuestionIndex < items.size()) {
            m_question = items[kQuestionIndex].question;
            m_expected = items[kQuestionIndex].answer;
        }
    } catch (const Error &error) {
        // The generation steps say so when they run.
        m_errors[SteerHalf] = error.message();
    }
}

QString GuidedTour::prompt() const {
    QString prompt = CollabBenchSettings().promptTemplate;
    prompt.replace(QLatin1String("{question}"), m_question);
    return prompt;
}

GuidedTour::State GuidedTour::stateOf(int step) const {
    return step >= 0 && step < StepCount ? m_states[size_t(step)] : State::Ready;
}

QString GuidedTour::errorText(int step) const {
    return stateOf(step) == State::Failed ? m_errors[size_t(step)] : QString();
}

bool GuidedTour::canGoNext() const {
    return m_current + 1 < StepCount && state() == State::Done;
}

QString GuidedTour::title(int step) const {
    switch (step) {
    case Welcome:
        return tr("A guided tour of the workbench");
    case OpenTeacher:
        return tr("Open a model");
    case Histogram:
        return tr("A weight matrix and its histogram");
    case Importance:
        return tr("Which weights matter: importance");
    case Compress:
        return tr("Compress at 3 and at 5 bits per weight");
    case RateDistortion:
        return tr("Reading a rate–distortion curve");
    case SteerHalf:
        return tr("A small model steered by a large one: α = 0.5");
    case SteerOne:
        return tr("α = 1: the teacher decides");
    case SteerTwo:
        return tr("α = 2: over-trusting the teacher");
    default:
        return QString();
    }
}

QString GuidedTour::explanation(int step) const {
    switch (step) {
    case Welcome:
        return tr("This tour runs the real workbench on its built-in demo: two small "
                  "Llama-style models trained by this project, <i>demo:teacher</i> (3.2 M "
                  "parameters) and <i>demo:student</i> (0.4 M). Each step says what you are "
                  "about to see; its button makes the workbench do it with the same commands "
                  "as the menus. Long steps run as jobs, which you can follow in the Jobs panel "
                  "and cancel.");
    case OpenTeacher:
        return tr("A language model is a set of named weight tensors. Opening demo:teacher "
                  "lists them in the Model Browser: the token embeddings and, in each of the 4 "
                  "layers, the attention matrices (q, k, v, o) and the MLP matrices (gate, up, "
                  "down). These matrices hold almost all of the parameters, so they are what "
                  "compression works on.");
    case Histogram:
        return tr("This is the last layer's MLP down projection, with the counts on a "
                  "logarithmic axis. Its values pile up around zero in a bell shape, but the "
                  "tails reach further out than a Gaussian's. A quantizer must spend its levels "
                  "where most values are, yet these rare large weights do the most damage when "
                  "they are rounded badly.");
    case Importance:
        return tr("Not every input of a layer matters equally. The workbench runs the teacher "
                  "on calibration text (32 windows of 256 tokens of the demo corpus) and "
                  "measures how much signal enters each input column of each matrix: the mean "
                  "x² per token. In the heat map a few bright columns carry far more signal than "
                  "the rest; NWC codes those columns at a higher quality level.");
    case Compress:
        return tr("Now the teacher's matrices are compressed by the neural codec (NWC), once "
                  "to 3 and once to 5 bits per weight, from 32. Each run writes a real .nwc "
                  "file and then measures both models on held-out text. Bits per weight are "
                  "counted from the bytes written; KL divergence says how far the compressed "
                  "model's next-token probabilities moved from the original's.");
    case RateDistortion:
        return tr("A sweep repeats this at several rates for several methods: here NWC at 3, 4 "
                  "and 5 bits per weight and round-to-nearest (RTN), the simplest baseline, "
                  "with 3-, 4- and 5-bit codes. The x axis is the rate, bits per weight counted "
                  "from the bytes written (RTN's scales cost it 0.26 bits more); the y axis is "
                  "the damage, the mean KL divergence from the original in nats, on a log "
                  "scale. Lower is better, and methods are compared at the same x.");
    case SteerHalf:
        return tr("The generation pane runs demo:student alone (left) and steered by "
                  "demo:teacher (right) on an arithmetic question it has never seen. For the "
                  "first N = 16 tokens each token is argmax S, with S = p<sub>s</sub> + α "
                  "(p<sub>t</sub> − p<sub>s</sub>); the demo answers restate the question first "
                  "and the student only goes wrong at the first result, 10–16 tokens in, which "
                  "is why N ≤ 5 changes nothing here. α = 0.5 mixes the two distributions half "
                  "and half.");
    case SteerOne:
        return tr("With α = 1, S = p<sub>t</sub>: the teacher picks each of the first 16 tokens "
                  "and the student carries on alone. Blue tokens agree with what the student "
                  "would have chosen, orange ones were flipped by the teacher. Hover a token to "
                  "see p<sub>s</sub>, p<sub>t</sub> and S.");
    case SteerTwo:
        return tr("α above 1 extrapolates beyond the teacher: S = p<sub>t</sub> + (α − 1) "
                  "(p<sub>t</sub> − p<sub>s</sub>) amplifies every disagreement between the two "
                  "models. Where the teacher is sure and right this changes little, but it also "
                  "inflates the teacher's own doubts and can favour tokens neither model "
                  "prefers. Compare the three runs: more trust is not automatically better.");
    default:
        return QString();
    }
}

QString GuidedTour::actionText(int step) const {
    switch (step) {
    case OpenTeacher:
        return tr("Open demo:teacher");
    case Histogram:
        return tr("Show the histogram");
    case Importance:
        return tr("Compute importance");
    case Compress:
        return tr("Compress twice");
    case RateDistortion:
        return tr("Run the sweep");
    case SteerHalf:
        return tr("Generate with α = 0.5");
    case SteerOne:
        return tr("Generate with α = 1");
    case SteerTwo:
        return tr("Generate with α = 2");
    default:
        return QString();
    }
}

QWidget *GuidedTour::focusWidget(int step) const {
    switch (step) {
    case OpenTeacher:
        return m_window->modelBrowser()->view();
    case Histogram:
        return m_window->modelBrowser()->histogram();
    case Importance:
        return m_window->importanceView();
    case Compress:
        return m_window->jobsPanel();
    case RateDistortion:
        return m_window->rateDistortionView()->plot();
    case SteerHalf:
    case SteerOne:
    case SteerTwo:
        return m_window->generationPane()->collaborativeView();
    default:
        return nullptr;
    }
}

QString GuidedTour::resultText(int step) const {
    const QLocale locale;
    switch (step) {
    case OpenTeacher: {
        const WorkbenchModel &model = m_window->currentModel();
        if (stateOf(step) != State::Done || !model.checkpoint)
            return QString();
        qint64 parameters = 0;
        qint64 matrixWeights = 0;
        int matrices = 0;
        for (const TensorInfo &tensor : model.checkpoint->tensors()) {
            parameters += tensor.elementCount();
            if (tensor.shape.size() == 2 && tensor.name.contains(QLatin1String(".layers."))) {
                matrixWeights += tensor.elementCount();
                ++matrices;
            }
        }
        return tr("<b>%1</b>: %2 parameters in %3 tensors; the %4 matrices inside the layers "
                  "hold %5 of them (%6 %).")
            .arg(model.checkpoint->displayName().toHtmlEscaped(), locale.toString(parameters))
            .arg(model.checkpoint->tensors().size())
            .arg(matrices)
            .arg(
                locale.toString(matrixWeights),
                number(100.0 * double(matrixWeights) / double(std::max<qint64>(1, parameters)), 1));
    }
    case Histogram: {
        const auto statistics = m_window->modelBrowser()->currentStatistics();
        if (stateOf(step) != State::Done || !statistics || !(statistics->std > 0))
            return QString();
        const double extreme = std::max(std::abs(statistics->max - statistics->mean),
                                        std::abs(statistics->min - statistics->mean)) /
                               statistics->std;
        return tr("<b>%1</b>: %2 values, mean %3, standard deviation %4, from %5 to %6. The "
                  "largest weight lies %7 standard deviations from the mean; among as many "
                  "values drawn from a Gaussian the largest would lie about %8 out.")
            .arg(m_window->modelBrowser()->currentTensor().toHtmlEscaped(),
                 locale.toString(statistics->count), significant(statistics->mean),
                 significant(statistics->std), significant(statistics->min),
                 significant(statistics->max), number(extreme, 1),
                 number(gaussianLargest(statistics->count), 1));
    }
    case Importance: {
        const ImportanceMap &map = m_window->importanceView()->importance();
        if (stateOf(step) != State::Done || map.layers.empty())
            return QString();
        // The layer whose strongest column stands out most from its median column.
        QString layerName;
        double ratio = 0;
        for (const LayerImportance &layer : map.layers) {
            if (layer.importance.empty())
                continue;
            std::vector<double> sorted = layer.importance;
            std::sort(sorted.begin(), sorted.end());
            const double median = sorted[sorted.size() / 2];
            if (median > 0 && sorted.back() / median > ratio) {
                ratio = sorted.back() / median;
                layerName = layer.name;
            }
        }
        return tr("Importance of %1 matrices. In <b>%2</b> the strongest input column carries "
                  "%3× the signal of the median column.")
            .arg(map.layers.size())
            .arg(layerName.toHtmlEscaped(), number(ratio, ratio < 10 ? 1 : 0));
    }
    case Compress: {
        if (m_compressions.empty())
            return QString();
        QString html = QStringLiteral("<table cellspacing=\"0\">");
        QStringList header = {cell(QString(), true)};
        for (const CompressionJobResult &result : m_compressions)
            header << cell(tr("target %1").arg(number(result.summary.targetBitsPerWeight, 0)), true,
                           true);
        html += row(header);
        const auto addRow = [&](const QString &label, const auto &text) {
            QStringList cells = {cell(label)};
            for (const CompressionJobResult &result : m_compressions)
                cells << cell(text(result), false, true);
            html += row(cells);
        };
        addRow(tr("bits per weight"), [&](const CompressionJobResult &r) {
            return QStringLiteral("<b>%1</b>").arg(number(r.summary.achievedBitsPerWeight, 3));
        });
        addRow(tr("matrix bytes"), [&](const CompressionJobResult &r) {
            return locale.toString(qlonglong(r.summary.countedBytes));
        });
        addRow(tr(".nwc file"), [&](const CompressionJobResult &r) {
            return locale.formattedDataSize(r.summary.fileBytes);
        });
        addRow(tr("perplexity"), [&](const CompressionJobResult &r) {
            return r.evaluated ? number(r.evaluation.compressed.perplexity, 3)
                               : QStringLiteral("—");
        });
        addRow(tr("mean KL (nats)"), [&](const CompressionJobResult &r) {
            return r.evaluated ? QStringLiteral("<b>%1</b>")
                                     .arg(significant(r.evaluation.comparison.meanKl))
                               : QStringLiteral("—");
        });
        addRow(tr("same top token"), [&](const CompressionJobResult &r) {
            return r.evaluated ? QStringLiteral("%1 %").arg(
                                     number(100.0 * r.evaluation.comparison.sameTopRate, 1))
                               : QStringLiteral("—");
        });
        addRow(QString(), [&](const CompressionJobResult &r) {
            const int index = int(&r - m_compressions.data());
            return QStringLiteral("<a href=\"summary:%1\">%2</a>").arg(index).arg(tr("details"));
        });
        html += QStringLiteral("</table>");
        const CompressionJobResult &first = m_compressions.front();
        if (first.evaluated)
            html += tr("<p>Original: %1 weights at 32 bits = %2 bytes, perplexity %3. "
                       "Perplexity and KL are measured on %4 tokens of the demo held-out "
                       "text.</p>")
                        .arg(locale.toString(qlonglong(first.summary.compressedWeights)),
                             locale.toString(qlonglong(first.summary.compressedWeights * 4)),
                             number(first.evaluation.original.perplexity, 3),
                             locale.toString(first.evaluation.compressed.tokensScored));
        return html;
    }
    case RateDistortion: {
        const SweepSession &session = m_window->rateDistortionView()->session();
        if (stateOf(step) != State::Done || session.points.empty())
            return QString();
        std::vector<SweepPoint> points = session.points;
        std::sort(points.begin(), points.end(), [](const SweepPoint &a, const SweepPoint &b) {
            return a.method != b.method ? a.method < b.method : a.bitsPerWeight < b.bitsPerWeight;
        });
        QString html = QStringLiteral("<table cellspacing=\"0\">");
        html += row({cell(tr("method"), true), cell(tr("bpw"), true, true),
                     cell(tr("mean KL"), true, true), cell(tr("perplexity"), true, true)});
        for (const SweepPoint &point : points)
            html += row({cell(point.method), cell(number(point.bitsPerWeight, 2), false, true),
                         cell(significant(point.klMean), false, true),
                         cell(number(point.perplexity, 3), false, true)});
        html += QStringLiteral("</table>");
        if (session.hasReference)
            html += tr("<p>Original perplexity %1 on the same %2 tokens.</p>")
                        .arg(number(session.reference.perplexity, 3),
                             locale.toString(session.reference.tokensScored));
        return html;
    }
    case SteerHalf:
    case SteerOne:
    case SteerTwo: {
        if (m_runs.empty() || m_question.isEmpty())
            return QString();
        QString html = tr("<p><i>%1</i><br>Reference answer: <b>%2</b>. The teacher steers the "
                          "first %3 tokens.</p>")
                           .arg(m_question.toHtmlEscaped(), m_expected.toHtmlEscaped())
                           .arg(kSteeredTokens);
        html += QStringLiteral("<table cellspacing=\"0\">");
        html += row({cell(QString(), true), cell(tr("answer"), true, true), cell(QString(), true),
                     cell(tr("flipped"), true, true)});
        const SteeringRun &first = m_runs.front();
        html += row({cell(tr("student alone")),
                     cell(first.studentAnswer.isEmpty() ? QStringLiteral("—")
                                                        : first.studentAnswer.toHtmlEscaped(),
                          false, true),
                     cell(mark(first.studentCorrect)), cell(QString())});
        for (const SteeringRun &run : m_runs)
            html +=
                row({cell(tr("α = %1").arg(locale.toString(run.alpha, 'g', 3))),
                     cell(run.answer.isEmpty() ? QStringLiteral("—") : run.answer.toHtmlEscaped(),
                          false, true),
                     cell(mark(run.correct)), cell(QString::number(run.flipped), false, true)});
        html += QStringLiteral("</table>");
        // The flip of the run this step made.
        const double alpha = kAlphas[step - SteerHalf];
        for (const SteeringRun &run : m_runs) {
            if (run.alpha == alpha && !run.firstFlip.isEmpty())
                html += QStringLiteral("<p>α = %1. %2</p>")
                            .arg(locale.toString(alpha, 'g', 3), run.firstFlip);
        }
        return html;
    }
    default:
        return QString();
    }
}

// Navigation ---------------------------------------------------------------------------------

bool GuidedTour::next() {
    if (!canGoNext())
        return false;
    goTo(m_current + 1);
    return true;
}

bool GuidedTour::back() {
    if (!canGoBack())
        return false;
    goTo(m_current - 1);
    return true;
}

void GuidedTour::goTo(int step) {
    if (step < 0 || step >= StepCount)
        return;
    if (isRunning())
        cancel();
    m_current = step;
    m_progress = -1;
    m_progressText.clear();
    raiseFocus(step);
    Q_EMIT changed();
}

void GuidedTour::raiseFocus(int step) {
    QWidget *widget = focusWidget(step);
    if (!widget)
        return;
    for (QWidget *w = widget; w; w = w->parentWidget()) {
        if (auto *dock = qobject_cast<QDockWidget *>(w)) {
            dock->show();
            dock->raise();
            break;
        }
    }
    Q_EMIT highlightRequested(widget);
}

void GuidedTour::setState(int step, State state) {
    m_states[size_t(step)] = state;
    Q_EMIT changed();
}

// Running a step -------------------------------------------------------------------------------

void GuidedTour::run() {
    const int step = m_current;
    if (!hasAction(step) || isRunning())
        return;
    ++m_token;
    clearWaits();
    m_jobs.clear();
    m_errors[size_t(step)].clear();
    m_progress = -1;
    m_progressText = tr("Starting…");
    setState(step, State::Running);
    raiseFocus(step);

    const Continuation done = [this] { finishStep(); };
    switch (step) {
    case OpenTeacher:
        ensureModel(kTeacher, done);
        break;
    case Histogram:
        ensureModel(kTeacher, [this, done] { showTensor(kTensor, done); });
        break;
    case Importance:
        ensureModel(kTeacher, [this, done] { computeImportance(done); });
        break;
    case Compress:
        ensureModel(kTeacher, [this, done] {
            compress(kLowBits, [this, done] { compress(kHighBits, done); });
        });
        break;
    case RateDistortion:
        ensureModel(kTeacher, [this, done] { sweep(done); });
        break;
    case SteerHalf:
    case SteerOne:
    case SteerTwo: {
        const double alpha = kAlphas[step - SteerHalf];
        if (m_question.isEmpty()) {
            failStep(tr("The demo question set could not be read: %1").arg(m_errors[SteerHalf]));
            return;
        }
        ensureModel(kStudent, [this, alpha, done] {
            ensureTeacher([this, alpha, done] { generate(alpha, done); });
        });
        break;
    }
    default:
        break;
    }
}

void GuidedTour::cancel() {
    if (!isRunning())
        return;
    const QList<quint64> jobs = m_jobs;
    for (quint64 id : jobs)
        m_window->jobRunner()->cancel(id);
    // A step between two jobs (or whose job ended already) stops here.
    cancelStep();
}

void GuidedTour::finishStep() {
    if (!isRunning())
        return;
    ++m_token;
    clearWaits();
    m_jobs.clear();
    m_progress = -1;
    m_progressText.clear();
    const int step = m_current;
    if (step == Importance)
        m_window->importanceView()->setCurrentTab(ImportanceView::Tab::HeatMap);
    setState(step, State::Done);
    raiseFocus(step);
    Q_EMIT stepDone(step);
}

void GuidedTour::failStep(const QString &message) {
    if (!isRunning())
        return;
    ++m_token;
    clearWaits();
    m_jobs.clear();
    m_progress = -1;
    m_progressText.clear();
    const int step = m_current;
    m_errors[size_t(step)] = message;
    setState(step, State::Failed);
    Q_EMIT stepFailed(step, message);
}

void GuidedTour::cancelStep() {
    if (!isRunning())
        return;
    ++m_token;
    clearWaits();
    m_jobs.clear();
    m_progress = -1;
    m_progressText.clear();
    setState(m_current, State::Cancelled);
}

void GuidedTour::jobUpdated(const JobInfo &job) {
    if (!m_jobs.contains(job.id))
        return;
    switch (job.state) {
    case JobState::Failed:
        failStep(job.error);
        break;
    case JobState::Cancelled:
        cancelStep();
        break;
    case JobState::Finished:
        break; // the task continues once the workbench shows the result
    default:
        m_progress = job.fraction;
        m_progressText = job.message.isEmpty()
                             ? job.title
                             : QStringLiteral("%1 — %2").arg(job.title, job.message);
        Q_EMIT changed();
        break;
    }
}

int GuidedTour::followJobsOf(const std::function<void()> &start) {
    QList<quint64> added;
    const QMetaObject::Connection connection =
        connect(m_window->jobRunner(), &JobRunner::jobAdded, this,
                [&added](const JobInfo &job) { added.append(job.id); });
    start();
    disconnect(connection);
    m_jobs = added;
    return int(added.size());
}

void GuidedTour::proceed(const Continuation &then) {
    const Continuation next = then; // `then` may live in a connection dropped here
    clearWaits();
    m_jobs.clear();
    const quint64 token = m_token;
    QTimer::singleShot(0, this, [this, token, next] {
        if (token == m_token && isRunning())
            next();
    });
}

template <typename Sender, typename Signal, typename Slot>
void GuidedTour::await(Sender *sender, Signal signal, Slot slot) {
    m_waits.append(connect(sender, signal, this, slot));
}

void GuidedTour::clearWaits() {
    for (const QMetaObject::Connection &connection : std::as_const(m_waits))
        disconnect(connection);
    m_waits.clear();
}

// Tasks --------------------------------------------------------------------------------------

void GuidedTour::ensureModel(const QString &spec, const Continuation &then) {
    const WorkbenchModel &model = m_window->currentModel();
    if (model.spec == spec && model.languageModel) {
        proceed(then);
        return;
    }
    await(m_window, &MainWindow::modelOpened, [this, spec, then](const QString &opened) {
        if (opened == spec)
            proceed(then);
    });
    await(m_window, &MainWindow::modelOpenFailed,
          [this, spec](const QString &failed, const QString &message) {
              if (failed == spec)
                  failStep(tr("Could not open %1: %2").arg(spec, message));
          });
    followJobsOf([this, spec] { m_window->openModel(spec); });
}

void GuidedTour::showTensor(const QString &name, const Continuation &then) {
    ModelBrowser *browser = m_window->modelBrowser();
    const auto shown = [browser, name] {
        return browser->currentTensor() == name && browser->currentStatistics() &&
               browser->histogram()->hasData();
    };
    // The tails only show on a logarithmic count axis.
    browser->histogram()->setLogarithmic(true);
    if (shown()) {
        proceed(then);
        return;
    }
    await(browser, &ModelBrowser::statisticsShown, [this, name, then](const QString &tensor) {
        if (tensor == name)
            proceed(then);
    });
    bool found = true;
    followJobsOf([browser, name, &found] { found = browser->selectTensor(name); });
    if (!found)
        failStep(tr("The open model has no tensor named %1.").arg(name));
}

void GuidedTour::computeImportance(const Continuation &then) {
    await(m_window, &MainWindow::importanceComputed, [this, then] { proceed(then); });
    quint64 job = 0;
    // What Compress › Compute Importance… does for a demo model: the demo corpus, the default
    // calibration settings.
    followJobsOf([this, &job] { job = m_window->computeImportance(QString()); });
    if (job == 0)
        failStep(tr("The open model cannot be run, so its importance cannot be computed."));
}

void GuidedTour::compress(double bits, const Continuation &then) {
    const WorkbenchModel &model = m_window->currentModel();
    // The settings the Compress at Bit Rate… dialog gives for these choices.
    CompressDialog dialog(model.spec, model.checkpoint->displayName(),
                          isDemoModel(*model.checkpoint), m_window);
    dialog.setMethod(CompressionMethod::Nwc);
    dialog.setTargetBitsPerWeight(bits);
    dialog.setEvaluate(true);
    dialog.setOutputPath(
        QDir(workFolder()).filePath(QStringLiteral("tour-%1bpw-nwc.nwc").arg(bits)));
    if (!dialog.problem().isEmpty()) {
        failStep(dialog.problem());
        return;
    }
    const CompressionJobSettings settings = dialog.settings();
    await(m_window, &MainWindow::compressionCompleted,
          [this, settings, then](const CompressionJobResult &result) {
              if (result.settings.outputPath != settings.outputPath)
                  return;
              const auto same = std::find_if(
                  m_compressions.begin(), m_compressions.end(), [&](const CompressionJobResult &r) {
                      return r.summary.targetBitsPerWeight == result.summary.targetBitsPerWeight;
                  });
              if (same != m_compressions.end())
                  *same = result;
              else
                  m_compressions.push_back(result);
              std::sort(m_compressions.begin(), m_compressions.end(),
                        [](const CompressionJobResult &a, const CompressionJobResult &b) {
                            return a.summary.targetBitsPerWeight < b.summary.targetBitsPerWeight;
                        });
              Q_EMIT changed();
              proceed(then);
          });
    followJobsOf([this, &settings] { m_window->startCompression(settings, false); });
}

void GuidedTour::sweep(const Continuation &then) {
    const WorkbenchModel &model = m_window->currentModel();
    // The settings the Rate–Distortion Sweep… dialog gives for these choices.
    SweepDialog dialog(model.spec, model.checkpoint->displayName(), isDemoModel(*model.checkpoint),
                       m_window);
    dialog.setMaxContext(model.checkpoint->config().maxPositions);
    dialog.setBitsText(QStringLiteral("%1,4,%2").arg(kLowBits).arg(kHighBits));
    dialog.setMethods({QStringLiteral("nwc"), QStringLiteral("rtn")});
    dialog.maxBytesBox()->setValue(kSweepEvaluationBytes);
    dialog.setSessionPath(QDir(workFolder()).filePath(QStringLiteral("tour-sweep.h5")));
    if (!dialog.problem().isEmpty()) {
        failStep(dialog.problem());
        return;
    }
    const QString sessionPath = dialog.sessionPath();
    RateDistortionView *view = m_window->rateDistortionView();
    view->setXQuantity(RateDistortionView::XQuantity::BitsPerWeight);
    view->setYQuantity(RateDistortionView::YQuantity::KlMean);
    view->setLogX(false);
    view->setLogY(true);
    await(m_window, &MainWindow::sweepFinished, [this, sessionPath, then](const QString &path) {
        if (path == sessionPath)
            proceed(then);
    });
    await(m_window, &MainWindow::sweepFailed,
          [this](const QString &message) { failStep(tr("The sweep failed: %1").arg(message)); });
    await(m_window, &MainWindow::sweepCancelled, [this](const QString &) { cancelStep(); });
    const SweepSettings settings = dialog.settings();
    followJobsOf([this, &settings, &sessionPath] { m_window->startSweep(settings, sessionPath); });
}

void GuidedTour::ensureTeacher(const Continuation &then) {
    GenerationPane *pane = m_window->generationPane();
    const auto ready = [this, pane, then] {
        const QString reason = pane->collaborativeUnavailableReason();
        if (reason.isEmpty())
            proceed(then);
        else
            failStep(reason);
    };
    if (pane->teacher() && pane->teacherSpec() == kTeacher) {
        ready();
        return;
    }
    await(pane, &GenerationPane::teacherLoaded, ready);
    await(pane, &GenerationPane::teacherLoadFailed, [this](const QString &message) {
        failStep(tr("The teacher %1 could not be loaded: %2").arg(kTeacher, message));
    });
    // Loads (again) what the pane's teacher box would load, superseding a load in progress.
    followJobsOf([pane] { pane->setTeacherSpec(kTeacher); });
}

void GuidedTour::generate(double alpha, const Continuation &then) {
    GenerationPane *pane = m_window->generationPane();
    if (pane->isGenerating()) {
        failStep(tr("A generation is running: stop it (Esc) and run this step again."));
        return;
    }
    pane->setPrompt(prompt());
    SamplingSettings sampling = pane->settings();
    sampling.maxTokens = kMaxTokens;
    sampling.temperature = 0; // greedy: the same run every time
    sampling.topK = 0;
    sampling.topP = 1;
    pane->setSettings(sampling);
    CollaborativeSettings collaborative = pane->collaborativeSettings();
    collaborative.mode = CollaborativeMode::FixedAlpha;
    collaborative.alpha = alpha;
    collaborative.steeredTokens = kSteeredTokens;
    pane->setCollaborativeSettings(collaborative);

    await(pane, &GenerationPane::generationFinished, [this, pane, alpha, then] {
        SteeringRun run;
        run.alpha = alpha;
        run.steeredTokens = kSteeredTokens;
        run.studentCompletion = answerText(pane->completion());
        run.completion = answerText(pane->collaborativeCompletion());
        run.studentAnswer = extractAnswer(run.studentCompletion);
        run.answer = extractAnswer(run.completion);
        run.studentCorrect = run.studentAnswer == m_expected;
        run.correct = run.answer == m_expected;
        for (const StepTrace &step : pane->collaborativeSteps())
            run.flipped += step.flipped ? 1 : 0;
        run.firstFlip = describeFirstFlip(pane->collaborativeSteps());
        const auto same = std::find_if(m_runs.begin(), m_runs.end(),
                                       [alpha](const SteeringRun &r) { return r.alpha == alpha; });
        if (same != m_runs.end())
            *same = run;
        else
            m_runs.push_back(run);
        std::sort(m_runs.begin(), m_runs.end(),
                  [](const SteeringRun &a, const SteeringRun &b) { return a.alpha < b.alpha; });
        Q_EMIT changed();
        proceed(then);
    });
    await(pane, &GenerationPane::generationFailed,
          [this](const QString &message) { failStep(tr("Generation failed: %1").arg(message)); });
    await(pane, &GenerationPane::generationStopped, [this] { cancelStep(); });
    followJobsOf([pane] { pane->generate(); });
    if (!pane->isGenerating())
        failStep(tr("The generation pane could not start: %1")
                     .arg(pane->collaborativeUnavailableReason()));
}

} // namespace nwc
