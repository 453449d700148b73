// nwc calibrate MODEL [--text FILE] -o calib.h5: per-layer input statistics H = Σ x xᵀ and
// column importance diag(H), cached by model + data hash.
#include "cli/calibrationgroup.h"
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/distributedgroup.h"

#include "analysis/calibration.h"
#include "jobs/error.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <numeric>

namespace nwc::cli {
namespace {

constexpr int kTopColumns = 5;

/// Indices of the `count` largest values, largest first.
std::vector<int> topColumns(const std::vector<double> &values, int count) {
    std::vector<int> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    const int shown = std::min<int>(count, int(order.size()));
    std::partial_sort(order.begin(), order.begin() + shown, order.end(),
                      [&](int a, int b) { return values[size_t(a)] > values[size_t(b)]; });
    order.resize(size_t(shown));
    return order;
}

/// "q_proj.weight (+ k_proj, v_proj)" style label of weights sharing one input.
QString groupLabel(const QStringList &weights) {
    QString label = weights.first();
    if (weights.size() > 1) {
        QStringList others;
        for (int i = 1; i < weights.size(); ++i)
            others.append(weights[i].section(QLatin1Char('.'), -2, -2));
        label += QStringLiteral(" (+ %1)").arg(others.join(QStringLiteral(", ")));
    }
    return label;
}

/// The inputs shown in the table: those of the first block and lm_head's.
QList<QStringList> shownGroups(const QList<QStringList> &groups) {
    QList<QStringList> shown;
    if (groups.isEmpty())
        return shown;
    const QString firstBlock = groups.first().first().section(QLatin1Char('.'), 0, -4);
    for (const QStringList &group : groups) {
        if (group.first().section(QLatin1Char('.'), 0, -4) == firstBlock)
            shown.append(group);
    }
    if (!shown.contains(groups.last()))
        shown.append(groups.last());
    return shown;
}

/// Everything `nwc calibrate` was asked to do.
struct CalibrateCommand {
    CalibrationOptions calibration;
    quint64 seed = 1234;
    CommonOptions common;
};

} // namespace

int runCalibrate(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("calibrate"));
    addModelPositional(options);
    const CalibrationSpec calibrationSpec{false, true};
    addCalibrationOptions(options, calibrationSpec);
    options.addValue(QStringLiteral("seed"),
                     QStringLiteral("Seed of the window offsets (default 1234)."),
                     QStringLiteral("S"), QStringLiteral("1234"));
    CommonSpec commonSpec;
    commonSpec.model = true;
    commonSpec.output.outputHelp =
        QStringLiteral("Calibration file to write (default: the calibration cache).");
    commonSpec.onePositional = QStringLiteral("MODEL");
    commonSpec.distributed = runsDistributed(options.command());
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;

    CalibrateCommand command;
    command.calibration = readCalibrationOptions(options, calibrationSpec);
    command.seed = options.uint64Value(QStringLiteral("seed"));
    command.common = readCommonOptions(options, commonSpec);
    CalibrationSettings settings;
    settings.samples = command.calibration.samples;
    settings.sequenceLength = command.calibration.length;
    settings.seed = command.seed;
    const OutputOptions &output = command.common.output;

    QElapsedTimer timer;
    timer.start();
    const LanguageModelPtr model = loadModel(command.common, options.positionalArguments().first());
    PrintedProgress progress;
    const CalibrationData data =
        calibrate(*model, command.calibration.text, settings, output.output, &progress);
    const double seconds = double(timer.nsecsElapsed()) * 1e-9;
    if (!printsResults())
        return 0; // rank 0 writes the file and prints

    const QList<QStringList> groups = data.inputGroups();
    QJsonObject json;
    json[QStringLiteral("model")] = model->displayName();
    json[QStringLiteral("text")] = data.textSource();
    json[QStringLiteral("samples")] = data.settings().samples;
    json[QStringLiteral("requested_samples")] = data.requestedSamples();
    json[QStringLiteral("sequence_length")] = data.settings().sequenceLength;
    json[QStringLiteral("seed")] = QString::number(data.settings().seed);
    json[QStringLiteral("tokens")] = double(data.tokens());
    json[QStringLiteral("bos")] = data.startsWithBos();
    json[QStringLiteral("inputs")] = int(groups.size());
    json[QStringLiteral("weights")] = int(data.weightNames().size());
    json[QStringLiteral("model_hash")] = data.modelHash();
    json[QStringLiteral("data_hash")] = data.dataHash();
    json[QStringLiteral("file")] = data.path();
    json[QStringLiteral("from_cache")] = data.fromCache();
    json[QStringLiteral("seconds")] = seconds;
    json[QStringLiteral("compute_seconds")] = data.seconds();

    QJsonArray top;
    QStringList lines;
    for (const QStringList &group : shownGroups(groups)) {
        const std::vector<double> importance = data.importance(group.first());
        QStringList cells;
        QJsonArray columns;
        for (int column : topColumns(importance, kTopColumns)) {
            const double value = importance[size_t(column)];
            cells.append(QStringLiteral("%1: %2").arg(column).arg(value, 0, 'g', 4));
            QJsonObject entry;
            entry[QStringLiteral("column")] = column;
            entry[QStringLiteral("importance")] = value;
            columns.append(entry);
        }
        QJsonObject item;
        item[QStringLiteral("weights")] = QJsonArray::fromStringList(group);
        item[QStringLiteral("top")] = columns;
        top.append(item);
        QString label = groupLabel(group);
        if (group == groups.last() && !group.first().startsWith(QLatin1String("lm_head")))
            label += QStringLiteral(" (tied, as lm_head)");
        lines.append(
            QStringLiteral("  %1\n      %2").arg(label, cells.join(QStringLiteral("   "))));
    }
    json[QStringLiteral("top_columns")] = top;

    output.writeResult(QJsonDocument(json), [&](QTextStream &out) {
        endProgressLine();
        out << "model            " << model->displayName() << '\n'
            << "text             " << data.textSource() << '\n'
            << "windows          " << data.settings().samples << " x "
            << data.settings().sequenceLength << " tokens = " << data.tokens() << " tokens (BOS "
            << (data.startsWithBos() ? "yes" : "no") << ", seed " << data.settings().seed;
        if (data.settings().samples < data.requestedSamples())
            out << "; the text holds only " << data.settings().samples << " of the "
                << data.requestedSamples() << " windows asked for";
        out << ")\n"
            << "layers           " << data.weightNames().size() << " linear weights reading "
            << groups.size() << " distinct inputs\n"
            << "model hash       " << data.modelHash().left(16) << '\n'
            << "data hash        " << data.dataHash().left(16) << '\n'
            << "file             " << data.path()
            << (data.fromCache() ? " (reused: same model and data hash)" : "") << '\n'
            << "time             " << QString::number(seconds, 'f', 2) << " s";
        if (data.fromCache())
            out << " (computed earlier in " << QString::number(data.seconds(), 'f', 2) << " s)";
        out << "\n\nmost important input columns (column: diag(H)):\n"
            << lines.join(QLatin1Char('\n')) << '\n';
    });
    return 0;
}

} // namespace nwc::cli
