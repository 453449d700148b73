#include "analysis/finetuningstage.h"

#include "analysis/bitallocator.h"
#include "analysis/blockfinetuner.h"
#include "analysis/calibrationdata.h"
#include "analysis/calibrationwindows.h"
#include "analysis/compressioncalibration.h"
#include "analysis/compressionplan.h"
#include "analysis/tensormeasurement.h"
#include "codec/nwctensorcoder.h"
#include "io/dtype.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <algorithm>

namespace nwc {

FineTuneOutcome fineTuneBlocks(const CompressionPlan &plan, CodecBank &codecs,
                               const CalibrationData &calibration,
                               const std::vector<TensorMeasurement> &measurements,
                               const BitAllocation &allocation, ProgressSink *progress) {
    FineTuneOutcome outcome;
    // The measurement passes leave freed heap behind; return it before a second model loads.
    releaseFreedMemory();
    reportProgress(progress, 0.0, QStringLiteral("loading the model for fine-tuning"));
    PhaseProgress loading(progress, 0.0, 0.02);
    // Held as the runtime holds it (16-bit matrices stay 16-bit); the tuner widens one block at
    // a time.
    const LanguageModelPtr model =
        LanguageModel::load(plan.modelSpec, QString(), &loading, plan.settings.compute);
    CalibrationSettings windowSettings = calibration.settings();
    windowSettings.samples = std::max(windowSettings.samples, calibration.requestedSamples());
    const CalibrationWindows windows =
        calibrationWindows(*model, calibrationTextFor(plan, calibration), windowSettings);
    throwIfCancelled(progress);
    BlockFineTuner tuner(*model, windows, plan.settings.compensation);
    std::map<QString, size_t> indexOf;
    QStringList names;
    for (size_t t = 0; t < plan.jobs.size(); ++t) {
        indexOf[plan.jobs[t].info.name] = t;
        names.append(plan.jobs[t].info.name);
    }
    const auto optionOf = [&](size_t t) {
        return measurements[t].rate.options[size_t(allocation.choice[t])];
    };
    const auto code = [&](const QString &name, const std::vector<float> &weights) {
        const size_t t = indexOf.at(name);
        return codeNwcTensor(plan, codecs, calibration, measurements[t], t, optionOf(t), weights,
                             true);
    };
    BlockFineTuner::Callbacks callbacks;
    callbacks.code = [&](const QString &name, const std::vector<float> &weights) {
        CodedTensor coded = code(name, weights);
        // Only the codes are kept (the coding stage decodes them again): not a float32 copy of
        // every tensor.
        std::vector<float> decoded = std::move(coded.decoded);
        coded.decoded = std::vector<float>();
        outcome.precoded[name] = std::move(coded);
        return decoded;
    };
    callbacks.codeReference = [&](const QString &name, const std::vector<float> &weights) {
        return code(name, weights).decoded;
    };
    callbacks.rescale = [&](const QString &name, const std::vector<double> &factors) {
        CodedTensor &coded = outcome.precoded.at(name);
        for (size_t j = 0; j < coded.tensor.columnScales.size(); ++j) {
            const float scale = halfToFloat(coded.tensor.columnScales[j]);
            coded.tensor.columnScales[j] = floatToHalf(float(double(scale) * factors[j]));
        }
        return codecs.coder(optionOf(indexOf.at(name)).codec).decode(coded.tensor);
    };
    PhaseProgress tuning(progress, 0.02, 1.0);
    tuner.run(names, callbacks, &tuning);
    outcome.tunedNorms = tuner.tunedNorms();
    outcome.report.blocks = tuner.blocks();
    outcome.report.tuneWindows = tuner.tuneWindows();
    outcome.report.heldOutWindows = tuner.heldOutWindows();
    outcome.report.endToEndKlBefore = tuner.endToEndKlBefore();
    outcome.report.endToEndTopTokens = tuner.endToEndTopTokens();
    outcome.report.endToEndKlAfter = tuner.endToEndKlAfter();
    return outcome;
}

} // namespace nwc
