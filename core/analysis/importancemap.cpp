#include "analysis/importancemap.h"

#include "analysis/calibrationdata.h"
#include "codec/columnchunks.h"
#include "codec/nwccontainer.h"
#include "jobs/error.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace nwc {
namespace {

const QString kImportancePrefix = QStringLiteral("importance:");

LayerImportance makeLayer(const QString &name, std::vector<double> importance) {
    LayerImportance layer;
    layer.name = name;
    layer.block = blockOfWeight(name);
    layer.importance = std::move(importance);
    assignQualityLevels(layer);
    return layer;
}

// "calibration: corpus.txt, 32 windows × 256 tokens" from a container's settings JSON.
QString containerSettingsText(const NwcHeader &header) {
    QStringList parts;
    if (!header.method.isEmpty()) {
        QString method = header.method.toUpper();
        if (header.targetBitsPerWeight > 0)
            method += QStringLiteral(" at %1 bpw").arg(header.targetBitsPerWeight, 0, 'g', 4);
        parts << method;
    }
    const QJsonObject settings = QJsonDocument::fromJson(header.settingsJson.toUtf8()).object();
    const QString source = settings.value(QStringLiteral("calibration_source")).toString();
    const int samples = settings.value(QStringLiteral("calibration_samples")).toInt();
    const int length = settings.value(QStringLiteral("calibration_length")).toInt();
    if (!source.isEmpty() || samples > 0) {
        QString calibration = QStringLiteral("calibration: ");
        if (!source.isEmpty())
            calibration += source;
        if (samples > 0 && length > 0) {
            if (!source.isEmpty())
                calibration += QStringLiteral(", ");
            calibration += QStringLiteral("%1 windows × %2 tokens (%3 tokens)")
                               .arg(samples)
                               .arg(length)
                               .arg(qint64(samples) * length);
        }
        parts << calibration;
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace

int ImportanceMap::indexOf(const QString &name) const {
    for (size_t i = 0; i < layers.size(); ++i) {
        if (layers[i].name == name)
            return int(i);
    }
    return -1;
}

int64_t ImportanceMap::maxColumns() const {
    int64_t columns = 0;
    for (const LayerImportance &layer : layers)
        columns = std::max<int64_t>(columns, int64_t(layer.importance.size()));
    return columns;
}

void assignQualityLevels(LayerImportance &layer) {
    layer.levels = qualityLevels(layer.importance);
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    layer.levelThresholds.assign(3, nan);
    for (size_t j = 0; j < layer.importance.size() && j < layer.levels.size(); ++j) {
        const double value = layer.importance[j];
        for (int k = 1; k <= 3; ++k) {
            if (layer.levels[j] < k)
                break;
            double &threshold = layer.levelThresholds[size_t(k - 1)];
            if (std::isnan(threshold) || value < threshold)
                threshold = value;
        }
    }
}

ImportanceMap importanceFromCalibration(const CalibrationData &calibration) {
    ImportanceMap map;
    map.source = calibration.path();
    const CalibrationSettings settings = calibration.settings();
    QStringList parts;
    if (!calibration.modelName().isEmpty())
        parts << QStringLiteral("model %1").arg(calibration.modelName());
    QString text = QStringLiteral("calibration: ");
    if (!calibration.textSource().isEmpty())
        text += calibration.textSource() + QStringLiteral(", ");
    text += QStringLiteral("%1 windows × %2 tokens (%3 tokens)")
                .arg(settings.samples)
                .arg(settings.sequenceLength)
                .arg(calibration.tokens());
    parts << text;
    map.settingsText = parts.join(QStringLiteral("; "));

    const double tokens = double(std::max<int64_t>(1, calibration.tokens()));
    // Weights that share an input share one importance vector: read it once per input.
    std::map<QString, std::vector<double>> shared;
    for (const QStringList &group : calibration.inputGroups()) {
        if (group.isEmpty())
            continue;
        std::vector<double> importance = calibration.importance(group.first());
        for (double &value : importance)
            value /= tokens;
        for (const QString &name : group)
            shared[name] = importance;
    }
    for (const QString &name : calibration.weightNames()) {
        auto found = shared.find(name);
        std::vector<double> importance;
        if (found != shared.end()) {
            importance = found->second;
        } else {
            importance = calibration.importance(name);
            for (double &value : importance)
                value /= tokens;
        }
        map.layers.push_back(makeLayer(name, std::move(importance)));
    }
    return map;
}

ImportanceMap importanceFromContainer(const QString &path) {
    const NwcReader reader(path);
    std::map<QString, QString> arrays; // weight name → array name
    for (const QString &array : reader.analysisArrayNames()) {
        if (array.startsWith(kImportancePrefix))
            arrays[array.mid(kImportancePrefix.size())] = array;
    }
    if (arrays.empty())
        throw Error(QStringLiteral("%1 holds no importance data: only containers compressed with "
                                   "calibration (NWC or GPTQ) have it; open a calibration file "
                                   "instead")
                        .arg(path));

    ImportanceMap map;
    map.source = QFileInfo(path).absoluteFilePath();
    map.settingsText = containerSettingsText(reader.header());
    // Model order: the order the writer added the tensors; anything else after, sorted.
    for (const QString &name : reader.order()) {
        auto found = arrays.find(name);
        if (found == arrays.end())
            continue;
        map.layers.push_back(makeLayer(name, reader.analysisArray(found->second)));
        arrays.erase(found);
    }
    for (const auto &[name, array] : arrays)
        map.layers.push_back(makeLayer(name, reader.analysisArray(array)));
    return map;
}

int blockOfWeight(const QString &name) {
    static const QRegularExpression pattern(
        QStringLiteral("(?:^|\\.)(?:layers|h|blocks|layer|block)\\.(\\d+)(?:\\.|$)"));
    const QRegularExpressionMatch match = pattern.match(name);
    if (!match.hasMatch())
        return -1;
    bool ok = false;
    const int block = match.captured(1).toInt(&ok);
    return ok ? block : -1;
}

} // namespace nwc
