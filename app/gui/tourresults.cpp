#include "tourresults.h"

#include "analysis/importancemap.h"
#include "analysis/sweepsession.h"
#include "decode/collaborativedecoder.h"
#include "io/checkpoint.h"

#include <QLocale>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

QString number(double value, int decimals) {
    return QLocale().toString(value, 'f', decimals);
}

QString significant(double value, int digits = 3) {
    return QLocale().toString(value, 'g', digits);
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

QString TourResults::model(const Checkpoint &checkpoint) {
    const QLocale locale;
    qint64 parameters = 0;
    qint64 matrixWeights = 0;
    int matrices = 0;
    for (const TensorInfo &tensor : checkpoint.tensors()) {
        parameters += tensor.elementCount();
        if (tensor.shape.size() == 2 && tensor.name.contains(QLatin1String(".layers."))) {
            matrixWeights += tensor.elementCount();
            ++matrices;
        }
    }
    return tr("<b>%1</b>: %2 parameters in %3 tensors; the %4 matrices inside the layers "
              "hold %5 of them (%6 %).")
        .arg(checkpoint.displayName().toHtmlEscaped(), locale.toString(parameters))
        .arg(checkpoint.tensors().size())
        .arg(matrices)
        .arg(locale.toString(matrixWeights),
             number(100.0 * double(matrixWeights) / double(std::max<qint64>(1, parameters)), 1));
}

QString TourResults::histogram(const QString &tensor, const TensorStatistics &statistics) {
    const double extreme = std::max(std::abs(statistics.max - statistics.mean),
                                    std::abs(statistics.min - statistics.mean)) /
                           statistics.std;
    return tr("<b>%1</b>: %2 values, mean %3, standard deviation %4, from %5 to %6. The "
              "largest weight lies %7 standard deviations from the mean; among as many "
              "values drawn from a Gaussian the largest would lie about %8 out.")
        .arg(tensor.toHtmlEscaped(), QLocale().toString(statistics.count),
             significant(statistics.mean), significant(statistics.std), significant(statistics.min),
             significant(statistics.max), number(extreme, 1),
             number(gaussianLargest(statistics.count), 1));
}

QString TourResults::importance(const ImportanceMap &map) {
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

QString TourResults::compressions(const std::vector<CompressionJobResult> &results,
                                  double originalBits) {
    const QLocale locale;
    QString html = QStringLiteral("<table cellspacing=\"0\">");
    QStringList header = {cell(QString(), true)};
    for (const CompressionJobResult &result : results)
        header << cell(tr("target %1").arg(significant(result.summary.targetBitsPerWeight)), true,
                       true);
    html += row(header);
    const auto addRow = [&](const QString &label, const auto &text) {
        QStringList cells = {cell(label)};
        for (const CompressionJobResult &result : results)
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
        return r.evaluated ? number(r.evaluation.compressed.perplexity, 3) : QStringLiteral("—");
    });
    addRow(tr("mean KL (nats)"), [&](const CompressionJobResult &r) {
        return r.evaluated
                   ? QStringLiteral("<b>%1</b>").arg(significant(r.evaluation.comparison.meanKl))
                   : QStringLiteral("—");
    });
    addRow(tr("same top token"), [&](const CompressionJobResult &r) {
        return r.evaluated ? QStringLiteral("%1 %").arg(
                                 number(100.0 * r.evaluation.comparison.sameTopRate, 1))
                           : QStringLiteral("—");
    });
    addRow(QString(), [&](const CompressionJobResult &r) {
        const int index = int(&r - results.data());
        return QStringLiteral("<a href=\"summary:%1\">%2</a>").arg(index).arg(tr("details"));
    });
    html += QStringLiteral("</table>");
    const CompressionJobResult &first = results.front();
    if (first.evaluated && originalBits > 0)
        html += tr("<p>Original: %1 weights at %2 bits = %3 bytes, perplexity %4. Perplexity "
                   "and KL are measured on %5 tokens of the demo held-out text.</p>")
                    .arg(locale.toString(qlonglong(first.summary.compressedWeights)),
                         significant(originalBits),
                         locale.toString(qlonglong(std::llround(
                             double(first.summary.compressedWeights) * originalBits / 8))),
                         number(first.evaluation.original.perplexity, 3),
                         locale.toString(first.evaluation.compressed.tokensScored));
    return html;
}

QString TourResults::sweep(const SweepSession &session) {
    const QLocale locale;
    std::vector<SweepPoint> points = session.points;
    std::sort(points.begin(), points.end(), [](const SweepPoint &a, const SweepPoint &b) {
        return a.method != b.method ? a.method < b.method : a.bitsPerWeight < b.bitsPerWeight;
    });
    QString html = QStringLiteral("<table cellspacing=\"0\">");
    html += row({cell(tr("method"), true), cell(tr("bpw"), true, true),
                 cell(tr("mean KL"), true, true), cell(tr("perplexity"), true, true)});
    double rtnOverhead = 0;
    int rtnPoints = 0;
    for (const SweepPoint &point : points) {
        html += row({cell(point.method), cell(number(point.bitsPerWeight, 2), false, true),
                     cell(significant(point.klMean), false, true),
                     cell(number(point.perplexity, 3), false, true)});
        if (point.method == QLatin1String("rtn")) {
            rtnOverhead += point.bitsPerWeight - point.targetBits;
            ++rtnPoints;
        }
    }
    html += QStringLiteral("</table>");
    if (rtnPoints > 0)
        html += tr("<p>RTN's scales cost it %1 bits per weight on top of its codes.</p>")
                    .arg(number(rtnOverhead / rtnPoints, 2));
    if (session.hasReference)
        html += tr("<p>Original perplexity %1 on the same %2 tokens.</p>")
                    .arg(number(session.reference.perplexity, 3),
                         locale.toString(session.reference.tokensScored));
    return html;
}

QString TourResults::steering(const std::vector<TourSteeringRun> &runs, const QString &question,
                              const QString &expected, double alpha) {
    const QLocale locale;
    const TourSteeringRun &first = runs.front();
    QString html = tr("<p><i>%1</i><br>Reference answer: <b>%2</b>. The teacher steers the "
                      "first %3 tokens.</p>")
                       .arg(question.toHtmlEscaped(), expected.toHtmlEscaped())
                       .arg(first.steeredTokens);
    html += QStringLiteral("<table cellspacing=\"0\">");
    html += row({cell(QString(), true), cell(tr("answer"), true, true), cell(QString(), true),
                 cell(tr("flipped"), true, true)});
    html += row({cell(tr("student alone")),
                 cell(first.studentAnswer.isEmpty() ? QStringLiteral("—")
                                                    : first.studentAnswer.toHtmlEscaped(),
                      false, true),
                 cell(mark(first.studentCorrect)), cell(QString())});
    for (const TourSteeringRun &run : runs)
        html += row({cell(tr("α = %1").arg(locale.toString(run.alpha, 'g', 3))),
                     cell(run.answer.isEmpty() ? QStringLiteral("—") : run.answer.toHtmlEscaped(),
                          false, true),
                     cell(mark(run.correct)), cell(QString::number(run.flipped), false, true)});
    html += QStringLiteral("</table>");
    // The flip of the run this step made.
    for (const TourSteeringRun &run : runs) {
        if (run.alpha == alpha && !run.firstFlip.isEmpty())
            html += QStringLiteral("<p>α = %1. %2</p>")
                        .arg(locale.toString(alpha, 'g', 3), run.firstFlip);
    }
    return html;
}

QString TourResults::answerText(const QString &completion) {
    QString text = completion;
    const int next = text.indexOf(QLatin1String("Question:"));
    if (next >= 0)
        text.truncate(next);
    return text.simplified();
}

QString TourResults::firstFlip(const std::vector<StepTrace> &steps) {
    for (const StepTrace &step : steps) {
        if (!step.flipped || step.studentTop.isEmpty())
            continue;
        const int32_t own = step.studentChoice;
        QString ownText = step.studentTop.first().text;
        for (const TokenProbability &entry : step.studentTop) {
            if (entry.id == own)
                ownText = entry.text;
        }
        return tr("Token %1: the student would write %2 (p<sub>s</sub> %3, p<sub>t</sub> %4, S "
                  "%5); S chose %6 (p<sub>s</sub> %7, p<sub>t</sub> %8, S %9).")
            .arg(step.index + 1)
            .arg(quoted(ownText), probabilityIn(step.studentTop, own),
                 probabilityIn(step.teacherTop, own), probabilityIn(step.mixedTop, own),
                 quoted(step.tokenText), probabilityIn(step.studentTop, step.tokenId),
                 probabilityIn(step.teacherTop, step.tokenId),
                 probabilityIn(step.mixedTop, step.tokenId));
    }
    return QString();
}

} // namespace nwc
