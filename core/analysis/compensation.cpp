#include "analysis/compensation.h"

#include "codec/nwccontainer.h"
#include "jobs/error.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace nwc {
namespace {

const QString kColumnOff = QStringLiteral("compensation_column_off:");
const QString kColumnOn = QStringLiteral("compensation_column_on:");

} // namespace

QString compensationName(const CompensationSettings &settings) {
    if (settings.ldlq && settings.fineTune)
        return QStringLiteral("all");
    if (settings.ldlq)
        return QStringLiteral("ldlq");
    if (settings.fineTune)
        return QStringLiteral("finetune");
    return QStringLiteral("none");
}

void parseCompensation(const QString &name, CompensationSettings *settings) {
    const QString key = name.trimmed().toLower();
    if (key == QLatin1String("none")) {
        settings->ldlq = false;
        settings->fineTune = false;
    } else if (key == QLatin1String("ldlq")) {
        settings->ldlq = true;
        settings->fineTune = false;
    } else if (key == QLatin1String("finetune")) {
        settings->ldlq = false;
        settings->fineTune = true;
    } else if (key == QLatin1String("all")) {
        settings->ldlq = true;
        settings->fineTune = true;
    } else {
        throw Error(
            QStringLiteral("unknown compensation '%1': use none, ldlq, finetune or all").arg(name));
    }
}

QJsonObject compensationReportJson(const CompensationReport &report) {
    QJsonArray layers;
    for (const LayerCompensation &layer : report.layers) {
        QJsonObject entry;
        entry.insert(QStringLiteral("name"), layer.name);
        entry.insert(QStringLiteral("block"), layer.block);
        entry.insert(QStringLiteral("relative_error_off"), layer.relativeErrorOff);
        entry.insert(QStringLiteral("relative_error_on"), layer.relativeErrorOn);
        layers.append(entry);
    }
    QJsonArray blocks;
    for (const BlockCompensation &block : report.blocks) {
        QJsonObject entry;
        entry.insert(QStringLiteral("block"), block.block);
        entry.insert(QStringLiteral("relative_error_off"), block.relativeErrorOff);
        entry.insert(QStringLiteral("relative_error_on"), block.relativeErrorOn);
        blocks.append(entry);
    }
    QJsonObject object;
    object.insert(QStringLiteral("mode"), report.mode);
    object.insert(QStringLiteral("tune_windows"), report.tuneWindows);
    object.insert(QStringLiteral("held_out_windows"), report.heldOutWindows);
    object.insert(QStringLiteral("end_to_end_kl_before"), report.endToEndKlBefore);
    object.insert(QStringLiteral("end_to_end_kl_after"), report.endToEndKlAfter);
    object.insert(QStringLiteral("end_to_end_top_tokens"), report.endToEndTopTokens);
    object.insert(QStringLiteral("layers"), layers);
    object.insert(QStringLiteral("blocks"), blocks);
    return object;
}

void addCompensationArrays(NwcWriter &writer, const CompensationReport &report) {
    for (const LayerCompensation &layer : report.layers) {
        writer.addAnalysisArray(kColumnOff + layer.name, layer.columnErrorOff);
        writer.addAnalysisArray(kColumnOn + layer.name, layer.columnErrorOn);
    }
}

CompensationReport readCompensationReport(const QString &path) {
    const NwcReader reader(path);
    CompensationReport report;
    const QByteArray json = reader.analysisJson();
    if (json.isEmpty())
        return report;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject())
        throw Error(QStringLiteral("%1: the analysis JSON is damaged (%2)")
                        .arg(path, parseError.errorString()));
    const QJsonObject object = document.object().value(QStringLiteral("compensation")).toObject();
    if (object.isEmpty())
        return report;
    report.mode = object.value(QStringLiteral("mode")).toString();
    report.tuneWindows = object.value(QStringLiteral("tune_windows")).toInt();
    report.heldOutWindows = object.value(QStringLiteral("held_out_windows")).toInt();
    report.endToEndKlBefore = object.value(QStringLiteral("end_to_end_kl_before")).toDouble(-1.0);
    report.endToEndKlAfter = object.value(QStringLiteral("end_to_end_kl_after")).toDouble(-1.0);
    report.endToEndTopTokens = object.value(QStringLiteral("end_to_end_top_tokens")).toInt(0);
    const std::vector<QString> arrays = reader.analysisArrayNames();
    const auto hasArray = [&](const QString &name) {
        return std::find(arrays.begin(), arrays.end(), name) != arrays.end();
    };
    for (const QJsonValue &value : object.value(QStringLiteral("layers")).toArray()) {
        const QJsonObject entry = value.toObject();
        LayerCompensation layer;
        layer.name = entry.value(QStringLiteral("name")).toString();
        layer.block = entry.value(QStringLiteral("block")).toInt(-1);
        layer.relativeErrorOff = entry.value(QStringLiteral("relative_error_off")).toDouble();
        layer.relativeErrorOn = entry.value(QStringLiteral("relative_error_on")).toDouble();
        if (hasArray(kColumnOff + layer.name))
            layer.columnErrorOff = reader.analysisArray(kColumnOff + layer.name);
        if (hasArray(kColumnOn + layer.name))
            layer.columnErrorOn = reader.analysisArray(kColumnOn + layer.name);
        report.layers.push_back(std::move(layer));
    }
    for (const QJsonValue &value : object.value(QStringLiteral("blocks")).toArray()) {
        const QJsonObject entry = value.toObject();
        BlockCompensation block;
        block.block = entry.value(QStringLiteral("block")).toInt();
        block.relativeErrorOff = entry.value(QStringLiteral("relative_error_off")).toDouble();
        block.relativeErrorOn = entry.value(QStringLiteral("relative_error_on")).toDouble();
        report.blocks.push_back(block);
    }
    return report;
}

} // namespace nwc
