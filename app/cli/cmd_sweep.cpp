// nwc sweep MODEL --bits 2,3,4 --methods nwc,rtn --text FILE [--calib-text FILE]: the sweep, one
// compression + evaluation per (method, bit rate), resumable through its session file.
#include "cli/calibrationgroup.h"
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/distributedgroup.h"
#include "cli/evaluationgroup.h"
#include "cli/ratecontrolgroup.h"

#include "analysis/sweepsession.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>

#include <unistd.h>

namespace nwc::cli {
namespace {

/// The held-out text shipped with the demo models (beside demo:teacher); empty when missing.
QString demoHeldoutText() {
    const QString teacher = Checkpoint::resolveSpec(QStringLiteral("demo:teacher"));
    const QString path = QFileInfo(teacher).dir().filePath(QStringLiteral("heldout.txt"));
    return QFileInfo::exists(path) ? path : QString();
}

/// Progress as a live line on a terminal; otherwise (logs) a line every 30 seconds. Skipped
/// points are always printed on a line of their own.
class SweepProgress : public ProgressSink {
public:
    SweepProgress()
        : m_tty(isatty(2) != 0) {
        m_timer.start();
    }
    void report(double fraction, const QString &message) override {
        if (message.contains(QLatin1String("skipped"))) {
            printLine(message);
            return;
        }
        if (m_tty) {
            printProgress(fraction, message);
        } else if (m_timer.elapsed() >= 30000) {
            QTextStream(stderr) << QStringLiteral("[%1%] ").arg(int(fraction * 100), 3) << message
                                << '\n';
            m_timer.restart();
        }
    }
    bool cancelled() const override { return false; }
    /// A line of its own (the live line is cleared first).
    void printLine(const QString &line) {
        clearProgressLine();
        QTextStream(stderr) << line << '\n';
    }
    void finish() { clearProgressLine(); }

private:
    bool m_tty;
    QElapsedTimer m_timer;
};

std::vector<double> parseBits(const QString &text) {
    std::vector<double> bits;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double value = part.trimmed().toDouble(&ok);
        if (!ok || value <= 0.0)
            throw Error(
                QStringLiteral("--bits expects positive numbers separated by commas, got '%1'")
                    .arg(text));
        bits.push_back(value);
    }
    if (bits.empty())
        throw Error(QStringLiteral("--bits is empty"));
    return bits;
}

QStringList parseMethods(const QString &text) {
    QStringList methods;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = part.trimmed().toLower();
        if (!sweepMethodSettings(name, nullptr))
            throw Error(QStringLiteral("unknown method '%1' in --methods (use nwc, nwc+ldlq, "
                                       "nwc+finetune, nwc+comp, rtn or gptq)")
                            .arg(name));
        if (!methods.contains(name))
            methods.append(name);
    }
    if (methods.isEmpty())
        throw Error(QStringLiteral("--methods is empty"));
    return methods;
}

/// <model name>-sweep.h5 in the current folder.
QString defaultSessionPath(const QString &model) {
    QString name = Checkpoint::open(model)->displayName();
    for (QChar &c : name) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_') &&
            c != QLatin1Char('.'))
            c = QLatin1Char('_');
    }
    if (name.isEmpty())
        name = QStringLiteral("model");
    return QDir::current().filePath(name + QStringLiteral("-sweep.h5"));
}

QString cell(double value, int precision) {
    return QString::number(value, 'f', precision);
}

/// Column widths of the table; the first column is left-aligned.
const QList<int> kWidths = {13, 6, 7, 8, 12, 9, 9, 7, 8, 8, 8, 8};

void printRow(QTextStream &out, const QStringList &cells) {
    out << fixedColumns(cells, kWidths, QStringLiteral(" ")) << '\n';
}

void printTable(QTextStream &out, const SweepSession &session, const QString &sessionPath,
                int newPoints) {
    out << sweepSettingsText(session.settings) << '\n';
    out << "session " << sessionPath << " (" << session.points.size() << " points, " << newPoints
        << " measured in this run)\n\n";
    printRow(out,
             {QStringLiteral("method"), QStringLiteral("target"), QStringLiteral("bpw"),
              QStringLiteral("MB"), QStringLiteral("weighted MSE"), QStringLiteral("ppl"),
              QStringLiteral("ppl ratio"), QStringLiteral("bpb"), QStringLiteral("KL mean"),
              QStringLiteral("KL p99"), QStringLiteral("same-top"), QStringLiteral("seconds")});
    const SweepReference &r = session.reference;
    if (session.hasReference) {
        const QString dash = QStringLiteral("-");
        printRow(out, {QStringLiteral("fp16"), dash, cell(16.0, 3),
                       cell(double(r.fp16Bytes) / 1e6, 3), dash, cell(r.perplexity, 4),
                       cell(1.0, 4), cell(r.bitsPerByte, 4), dash, dash, dash, dash});
    }
    // Methods in the order they were first measured, rates ascending.
    std::vector<SweepPoint> points = session.points;
    const QStringList methods = session.methods();
    std::stable_sort(points.begin(), points.end(), [&](const SweepPoint &a, const SweepPoint &b) {
        const qsizetype ia = methods.indexOf(a.method);
        const qsizetype ib = methods.indexOf(b.method);
        return ia != ib ? ia < ib : a.targetBits < b.targetBits;
    });
    for (const SweepPoint &p : points) {
        const double ratio = r.perplexity > 0.0 ? p.perplexity / r.perplexity : 0.0;
        printRow(out,
                 {p.method, QString::number(p.targetBits), cell(p.bitsPerWeight, 3),
                  cell(double(p.countedBytes) / 1e6, 3), QString::number(p.weightedMse, 'e', 3),
                  cell(p.perplexity, 4), cell(ratio, 4), cell(p.bitsPerByte, 4), cell(p.klMean, 4),
                  cell(p.klP99, 4), cell(p.sameTopRate, 4), cell(p.seconds, 1)});
    }
    out << "\nMB: bytes counted for the compressed weights (codes or bitstreams + side "
           "information; fp16: 2 bytes per weight); ppl ratio: perplexity / the original's; KL: "
           "KL(original || compressed) per scored token, nats\n";
    for (const QString &line : session.skipped)
        out << "skipped " << line << '\n';
}

/// Everything `nwc sweep` was asked to do.
struct SweepCommand {
    SweepSettings sweep;
    CommonOptions common;
};

} // namespace

int runSweep(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("sweep"));
    addModelPositional(options);
    options.addValue(
        QStringLiteral("bits"),
        QStringLiteral("Target bits per weight, comma-separated (default 2,3,4,5,6,8; RTN/GPTQ "
                       "use them as code widths 2–8)."),
        QStringLiteral("LIST"), QStringLiteral("2,3,4,5,6,8"));
    options.addValue(
        QStringLiteral("methods"),
        QStringLiteral("Methods, comma-separated: nwc, nwc+ldlq, nwc+finetune, nwc+comp (both "
                       "compensations), rtn, gptq (default nwc,nwc+comp,rtn,gptq)."),
        QStringLiteral("LIST"), QStringLiteral("nwc,nwc+comp,rtn,gptq"));
    EvaluationSpec evaluationSpec;
    evaluationSpec.textHelp = QStringLiteral("UTF-8 evaluation text (default for demo models: "
                                             "the demo held-out text).");
    evaluationSpec.stride = 128;
    // The sweep always starts windows with BOS.
    evaluationSpec.bosOption = false;
    addEvaluationOptions(options, evaluationSpec);
    addCalibrationOptions(options);
    addRateControlOptions(options);
    addGroupSizeOption(options);
    options.addValue(
        QStringLiteral("session"),
        QStringLiteral("Session file: measured points are kept there and a rerun resumes "
                       "(default <model name>-sweep.h5 in the current folder)."),
        QStringLiteral("FILE"));
    options.addValue(
        QStringLiteral("keep-containers"),
        QStringLiteral("Keep each point's .nwc container in this folder (default: deleted after "
                       "measuring)."),
        QStringLiteral("DIR"));
    options.addValue(QStringLiteral("csv"), QStringLiteral("Also write the points as CSV."),
                     QStringLiteral("FILE"));
    CommonSpec commonSpec;
    commonSpec.output.jsonFileSpelling = true;
    commonSpec.onePositional = QStringLiteral("MODEL");
    commonSpec.distributed = runsDistributed(options.command());
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;

    SweepCommand command;
    SweepSettings &settings = command.sweep;
    settings.model = options.positionalArguments().first();
    settings.bits = parseBits(options.value(QStringLiteral("bits")));
    settings.methods = parseMethods(options.value(QStringLiteral("methods")));
    const EvaluationOptions evaluation = readEvaluationOptions(options, evaluationSpec);
    settings.textPath = evaluation.textPath;
    if (settings.textPath.isEmpty()) {
        if (!settings.model.startsWith(QLatin1String("demo:")))
            throw Error(QStringLiteral("sweep needs an evaluation text: pass --text FILE"));
        settings.textPath = demoHeldoutText();
        if (settings.textPath.isEmpty())
            throw Error(QStringLiteral("the demo held-out text was not found beside the demo "
                                       "models; pass --text FILE"));
    }
    settings.contextLength = evaluation.windows.contextLength;
    settings.stride = evaluation.windows.stride;
    settings.maxBytes = evaluation.windows.maxBytes;
    applyCalibration(readCalibrationOptions(options), settings);
    readRateControlInto(options, settings);
    if (settings.groupSize < 1)
        throw Error(QStringLiteral("--group-size must be positive"));
    settings.containerFolder = options.value(QStringLiteral("keep-containers"));
    command.common = readCommonOptions(options, commonSpec);
    settings.compute = command.common.compute;
    const QString sessionPath = options.isSet(QStringLiteral("session"))
                                    ? options.value(QStringLiteral("session"))
                                    : defaultSessionPath(settings.model);

    SweepProgress progress;
    int newPoints = 0;
    size_t known = 0;
    bool first = true;
    const SweepSession session =
        nwc::runSweep(settings, sessionPath, &progress, [&](const SweepSession &current) {
            if (first) {
                first = false;
                known = current.points.size();
                if (current.hasReference)
                    progress.printLine(QStringLiteral("fp16 reference: perplexity %1, %2 bits "
                                                      "per byte; %3 points in the session")
                                           .arg(current.reference.perplexity, 0, 'f', 4)
                                           .arg(current.reference.bitsPerByte, 0, 'f', 4)
                                           .arg(current.points.size()));
                return;
            }
            for (size_t i = known; i < current.points.size(); ++i) {
                const SweepPoint &p = current.points[i];
                ++newPoints;
                progress.printLine(QStringLiteral("%1: %2 bits per weight, perplexity %3, KL "
                                                  "%4 (%5 s)")
                                       .arg(sweepPointName(p.method, p.targetBits))
                                       .arg(p.bitsPerWeight, 0, 'f', 3)
                                       .arg(p.perplexity, 0, 'f', 4)
                                       .arg(p.klMean, 0, 'f', 4)
                                       .arg(p.seconds, 0, 'f', 1));
            }
            known = current.points.size();
        });
    progress.finish();
    if (!printsResults())
        return 0; // rank 0 saved the session and prints it

    if (options.isSet(QStringLiteral("csv")))
        writeFileAtomically(options.value(QStringLiteral("csv")), sweepCsv(session).toUtf8());
    command.common.output.writeResult(sweepJson(session), [&](QTextStream &out) {
        printTable(out, session, sessionPath, newPoints);
    });
    return 0;
}

} // namespace nwc::cli
