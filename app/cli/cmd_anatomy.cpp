// nwc anatomy MODEL A.nwc [B.nwc …] (--calib-file FILE | --calib-text FILE): where each
// container's weight error lands in the layers' outputs, side by side.
#include "cli/calibrationgroup.h"
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"

#include "analysis/calibration.h"
#include "analysis/erroranatomy.h"
#include "codec/compressedcheckpoint.h"
#include "jobs/error.h"

#include <QJsonObject>
#include <QTextStream>

namespace nwc::cli {
namespace {

QString number(double value, int precision = 4) {
    return QString::number(value, 'g', precision);
}

/// "n/a" for the mean part of files without input means.
QString meanPart(double share) {
    return share < 0.0 ? QStringLiteral("n/a") : number(share, 3);
}

QJsonObject tensorJson(const TensorErrorAnatomy &t) {
    QJsonObject o;
    o[QStringLiteral("name")] = t.name;
    o[QStringLiteral("rows")] = double(t.rows);
    o[QStringLiteral("columns")] = double(t.columns);
    o[QStringLiteral("method")] = t.method;
    o[QStringLiteral("bits_per_weight")] = t.bitsPerWeight;
    o[QStringLiteral("side_bits_per_weight")] = t.sideBitsPerWeight;
    o[QStringLiteral("output_error")] = t.outputError;
    o[QStringLiteral("output_energy")] = t.outputEnergy;
    o[QStringLiteral("relative_output_error")] = t.relativeOutputError();
    o[QStringLiteral("diagonal_error")] = t.diagonalError;
    if (t.meanPartError >= 0.0)
        o[QStringLiteral("mean_part_error")] = t.meanPartError;
    o[QStringLiteral("weight_error")] = t.weightError;
    o[QStringLiteral("weight_energy")] = t.weightEnergy;
    o[QStringLiteral("projection")] = t.projection;
    o[QStringLiteral("column_exponent")] = t.columnExponent;
    o[QStringLiteral("row_exponent")] = t.rowExponent;
    return o;
}

QJsonObject anatomyJson(const ErrorAnatomy &a) {
    QJsonObject o;
    o[QStringLiteral("container")] = a.container;
    o[QStringLiteral("method")] = a.method;
    o[QStringLiteral("bits_per_weight")] = a.bitsPerWeight;
    o[QStringLiteral("side_bits_per_weight")] = a.sideBitsPerWeight();
    o[QStringLiteral("mean_relative_output_error")] = a.meanRelativeOutputError();
    if (a.hasMeans)
        o[QStringLiteral("mean_part_share")] = a.meanPartShare();
    o[QStringLiteral("correlation_factor")] = a.correlationFactor();
    o[QStringLiteral("projection")] = a.projection();
    o[QStringLiteral("median_column_exponent")] = a.medianColumnExponent();
    o[QStringLiteral("median_row_exponent")] = a.medianRowExponent();
    o[QStringLiteral("tensors")] = jsonArray(a.tensors, tensorJson);
    return o;
}

/// The text of `nwc anatomy`: the containers side by side, then with `perTensor` each tensor.
void printAnatomies(QTextStream &out, const QString &model, const CalibrationData &calibration,
                    const std::vector<ErrorAnatomy> &anatomies, bool perTensor) {
    out << "model        " << model << '\n'
        << "calibration  " << calibration.path() << " (" << calibration.tokens() << " tokens, "
        << calibration.textSource() << ")\n\n";
    out << "Per container (E = W - W_hat; output error per calibration token; exponents are "
           "medians over tensors):\n";
    const QStringList header = {QStringLiteral("container"),   QStringLiteral("method"),
                                QStringLiteral("bpw"),         QStringLiteral("side bpw"),
                                QStringLiteral("rel out err"), QStringLiteral("mean part"),
                                QStringLiteral("full/diag"),   QStringLiteral("<E,W>/<W,W>"),
                                QStringLiteral("col exp"),     QStringLiteral("row exp")};
    QList<QStringList> rows;
    for (const ErrorAnatomy &a : anatomies)
        rows.append({a.container, a.method, QString::number(a.bitsPerWeight, 'f', 3),
                     QString::number(a.sideBitsPerWeight(), 'f', 3),
                     number(a.meanRelativeOutputError()), meanPart(a.meanPartShare()),
                     number(a.correlationFactor(), 3), number(a.projection(), 3),
                     number(a.medianColumnExponent(), 3), number(a.medianRowExponent(), 3)});
    printTable(out, header, rows);
    if (!anatomies.empty() && !anatomies.front().hasMeans)
        out << "\nThe calibration file holds no input means (it predates them): recompute it "
               "with 'nwc calibrate' to see the mean part.\n";
    if (perTensor) {
        out << "\nPer tensor:\n";
        const QStringList tensorHeader = {
            QStringLiteral("tensor"),    QStringLiteral("container"),   QStringLiteral("bpw"),
            QStringLiteral("side bpw"),  QStringLiteral("rel out err"), QStringLiteral("mean part"),
            QStringLiteral("full/diag"), QStringLiteral("<E,W>/<W,W>"), QStringLiteral("col exp"),
            QStringLiteral("row exp")};
        QList<QStringList> tensorRows;
        for (size_t t = 0; t < anatomies.front().tensors.size(); ++t) {
            for (size_t c = 0; c < anatomies.size(); ++c) {
                if (t >= anatomies[c].tensors.size())
                    continue;
                const TensorErrorAnatomy &e = anatomies[c].tensors[t];
                tensorRows.append(
                    {c == 0 ? e.name : QString(), QString::number(c + 1),
                     QString::number(e.bitsPerWeight, 'f', 3),
                     QString::number(e.sideBitsPerWeight, 'f', 3), number(e.relativeOutputError()),
                     meanPart(e.meanPartError < 0.0 || e.outputError <= 0.0
                                  ? -1.0
                                  : e.meanPartError / e.outputError),
                     number(e.diagonalError > 0.0 ? e.outputError / e.diagonalError : 0.0, 3),
                     number(e.projection, 3), number(e.columnExponent, 3),
                     number(e.rowExponent, 3)});
            }
        }
        printTable(out, tensorHeader, tensorRows);
    }
}

} // namespace

int runAnatomy(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("anatomy"));
    options.addPositional(QStringLiteral("MODEL"),
                          QStringLiteral("the original model (HF directory, llama2.c .bin, "
                                         "demo:NAME)"));
    options.addPositional(QStringLiteral("CONTAINER"),
                          QStringLiteral(".nwc containers compressed from MODEL"),
                          QStringLiteral("CONTAINER..."));
    const CalibrationSpec calibrationSpec{true, false};
    addCalibrationOptions(options, calibrationSpec);
    options.addFlag(QStringLiteral("per-tensor"),
                    QStringLiteral("Also print one line per tensor and container."));
    CommonSpec commonSpec;
    commonSpec.model = true;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    const QStringList positional = options.positionalArguments();
    if (positional.size() < 2) {
        return options.usageError(QStringLiteral("MODEL and at least one CONTAINER"));
    }
    const CalibrationOptions calibrationOptions = readCalibrationOptions(options, calibrationSpec);
    const CommonOptions common = readCommonOptions(options, commonSpec);

    PrintedProgress progress;
    const QString modelSpec = positional.first();
    CalibrationData calibration;
    CheckpointPtr original;
    if (!calibrationOptions.file.isEmpty()) {
        calibration = CalibrationData::load(calibrationOptions.file);
        original = Checkpoint::open(modelSpec);
        if (calibration.modelHash() != modelHash(*original))
            throw Error(QStringLiteral("calibration file %1 was made for another model than %2 "
                                       "(%3); calibrate %2 with 'nwc calibrate'")
                            .arg(calibration.path(), modelSpec, calibration.modelName()));
    } else {
        const LanguageModelPtr model = loadModel(common, modelSpec);
        CalibrationSettings settings;
        settings.samples = calibrationOptions.samples;
        settings.sequenceLength = calibrationOptions.length;
        calibration = calibrate(*model, calibrationOptions.text, settings, QString(), &progress);
        original = model->checkpoint();
    }

    std::vector<ErrorAnatomy> anatomies;
    for (int i = 1; i < positional.size(); ++i) {
        const auto container = CompressedCheckpoint::open(positional[i]);
        anatomies.push_back(analyseErrors(*original, *container, calibration, &progress));
    }

    QJsonObject json;
    json[QStringLiteral("model")] = original->displayName();
    json[QStringLiteral("calibration")] = calibration.path();
    json[QStringLiteral("calibration_tokens")] = double(calibration.tokens());
    json[QStringLiteral("containers")] = jsonArray(anatomies, anatomyJson);
    common.output.writeResult(QJsonDocument(json), [&](QTextStream &out) {
        endProgressLine();
        printAnatomies(out, original->displayName(), calibration, anatomies,
                       options.isSet(QStringLiteral("per-tensor")));
    });
    return 0;
}

} // namespace nwc::cli
