// Rate–distortion sweep sessions: the value types, the HDF5 session file, CSV and JSON.
// (runSweep lives in sweeprunner.cpp.)
#include "analysis/sweepsession.h"

#include "io/h5util.h"
#include "jobs/error.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace nwc {
namespace {

const QString kFormat = QStringLiteral("nwc-sweep");
constexpr int64_t kFormatVersion = 1;
/// Two target rates closer than this are the same point.
constexpr double kSameBits = 1e-9;

QJsonObject settingsToJson(const SweepSettings &settings) {
    QJsonObject object;
    object.insert(QStringLiteral("model"), settings.model);
    QJsonArray bits;
    for (double value : settings.bits)
        bits.append(value);
    object.insert(QStringLiteral("bits"), bits);
    object.insert(QStringLiteral("methods"), QJsonArray::fromStringList(settings.methods));
    object.insert(QStringLiteral("text"), settings.textPath);
    object.insert(QStringLiteral("context_length"), settings.contextLength);
    object.insert(QStringLiteral("stride"), settings.stride);
    object.insert(QStringLiteral("max_bytes"), double(settings.maxBytes));
    object.insert(QStringLiteral("calibration_text"), settings.calibrationText);
    object.insert(QStringLiteral("calibration_samples"), settings.calibrationSamples);
    object.insert(QStringLiteral("calibration_length"), settings.calibrationLength);
    object.insert(QStringLiteral("group_size"), settings.groupSize);
    object.insert(QStringLiteral("allocation"), allocationWeightingName(settings.allocation));
    object.insert(QStringLiteral("rate_weight"), settings.rateWeight);
    object.insert(QStringLiteral("container_folder"), settings.containerFolder);
    return object;
}

SweepSettings settingsFromJson(const QJsonObject &object, const QString &context) {
    const QStringList required = {QStringLiteral("model"),
                                  QStringLiteral("bits"),
                                  QStringLiteral("methods"),
                                  QStringLiteral("text"),
                                  QStringLiteral("context_length"),
                                  QStringLiteral("stride"),
                                  QStringLiteral("max_bytes"),
                                  QStringLiteral("calibration_text"),
                                  QStringLiteral("calibration_samples"),
                                  QStringLiteral("calibration_length"),
                                  QStringLiteral("group_size")};
    for (const QString &key : required) {
        if (!object.contains(key))
            throw Error(QStringLiteral("%1: the settings lack '%2' (the file is damaged or from "
                                       "another version)")
                            .arg(context, key));
    }
    SweepSettings settings;
    settings.model = object.value(QStringLiteral("model")).toString();
    settings.bits.clear();
    for (const QJsonValue &value : object.value(QStringLiteral("bits")).toArray())
        settings.bits.push_back(value.toDouble());
    settings.methods.clear();
    for (const QJsonValue &value : object.value(QStringLiteral("methods")).toArray())
        settings.methods.append(value.toString());
    settings.textPath = object.value(QStringLiteral("text")).toString();
    settings.contextLength = object.value(QStringLiteral("context_length")).toInt();
    settings.stride = object.value(QStringLiteral("stride")).toInt();
    settings.maxBytes = qint64(object.value(QStringLiteral("max_bytes")).toDouble());
    settings.calibrationText = object.value(QStringLiteral("calibration_text")).toString();
    settings.calibrationSamples = object.value(QStringLiteral("calibration_samples")).toInt();
    settings.calibrationLength = object.value(QStringLiteral("calibration_length")).toInt();
    settings.groupSize = object.value(QStringLiteral("group_size")).toInt();
    // Absent in sessions written before 0.3, which allocated by absolute output error.
    // Absent in sessions written before the key existed, which rounded to the nearest index.
    settings.rateWeight = object.value(QStringLiteral("rate_weight")).toDouble(0.0);
    if (!(settings.rateWeight >= 0.0) || !std::isfinite(settings.rateWeight))
        throw Error(QStringLiteral("%1: rate weight %2 is not a non-negative number (the file is "
                                   "damaged)")
                        .arg(context)
                        .arg(settings.rateWeight));
    const QString allocation =
        object.value(QStringLiteral("allocation")).toString(QStringLiteral("absolute"));
    if (!allocationWeightingFromName(allocation, &settings.allocation))
        throw Error(QStringLiteral("%1: unknown allocation '%2' (the file is damaged or from "
                                   "another version)")
                        .arg(context, allocation));
    settings.containerFolder = object.value(QStringLiteral("container_folder")).toString();
    return settings;
}

QString pathName(const QString &path) {
    if (path.isEmpty())
        return QString();
    return path.startsWith(QLatin1Char(':')) ? QFileInfo(path).fileName() : path;
}

/// Replaces line breaks (the string columns are stored one per line).
QString oneLine(const QString &text) {
    QString line = text;
    line.replace(QLatin1Char('\r'), QLatin1Char(' '));
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return line;
}

QString csvField(const QString &text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString number(double value) {
    return QString::number(value, 'g', 10);
}

double ratio(double value, double reference) {
    return reference > 0.0 ? value / reference : 0.0;
}

} // namespace

const SweepPoint *SweepSession::find(const QString &method, double targetBits) const {
    for (const SweepPoint &point : points) {
        if (point.method == method && std::abs(point.targetBits - targetBits) < kSameBits)
            return &point;
    }
    return nullptr;
}

QStringList SweepSession::methods() const {
    QStringList names;
    for (const SweepPoint &point : points) {
        if (!names.contains(point.method))
            names.append(point.method);
    }
    return names;
}

QString sweepPointName(const QString &method, double targetBits) {
    return method + QStringLiteral(" @ ") + QString::number(targetBits);
}

QString sweepSettingsText(const SweepSettings &settings) {
    QString text =
        QStringLiteral("model %1; text %2").arg(settings.model, pathName(settings.textPath));
    if (settings.maxBytes >= 0)
        text += QStringLiteral(" (first %1 bytes)").arg(settings.maxBytes);
    text += QStringLiteral("; context %1, stride %2, BOS")
                .arg(settings.contextLength)
                .arg(settings.stride);
    text += QStringLiteral("; calibration %1, %2 × %3 tokens")
                .arg(settings.calibrationText.isEmpty() ? QStringLiteral("demo corpus")
                                                        : pathName(settings.calibrationText))
                .arg(settings.calibrationSamples)
                .arg(settings.calibrationLength);
    text += QStringLiteral("; RTN/GPTQ groups of %1").arg(settings.groupSize);
    text += QStringLiteral("; NWC allocation %1, rate weight %2")
                .arg(allocationWeightingName(settings.allocation))
                .arg(settings.rateWeight);
    return text;
}

void saveSweepSession(const SweepSession &session, const QString &path) {
    const size_t count = session.points.size();
    std::vector<QString> methods;
    std::vector<QString> containers;
    std::vector<double> targetBits, bitsPerWeight, weightedMse, perplexity, bitsPerByte, klMean,
        klP99, sameTop, seconds;
    std::vector<int64_t> fileBytes, countedBytes;
    for (const SweepPoint &point : session.points) {
        methods.push_back(oneLine(point.method));
        containers.push_back(oneLine(point.containerPath));
        targetBits.push_back(point.targetBits);
        bitsPerWeight.push_back(point.bitsPerWeight);
        weightedMse.push_back(point.weightedMse);
        perplexity.push_back(point.perplexity);
        bitsPerByte.push_back(point.bitsPerByte);
        klMean.push_back(point.klMean);
        klP99.push_back(point.klP99);
        sameTop.push_back(point.sameTopRate);
        seconds.push_back(point.seconds);
        fileBytes.push_back(point.fileBytes);
        countedBytes.push_back(point.countedBytes);
    }
    std::vector<QString> skipped;
    for (const QString &line : session.skipped)
        skipped.push_back(oneLine(line));

    h5::AtomicFile file(path);
    try {
        H5::Group root = file.file().openGroup("/");
        h5::setAttribute(root, QStringLiteral("format"), kFormat);
        h5::setAttribute(root, QStringLiteral("format_version"), kFormatVersion);
        h5::setAttribute(root, QStringLiteral("tool_version"), QStringLiteral(NWC_VERSION));
        h5::setAttribute(
            root, QStringLiteral("settings"),
            QString::fromUtf8(
                QJsonDocument(settingsToJson(session.settings)).toJson(QJsonDocument::Compact)));
        h5::setAttribute(root, QStringLiteral("has_reference"),
                         int64_t(session.hasReference ? 1 : 0));

        H5::Group reference = h5::ensureGroup(root, QStringLiteral("reference"));
        h5::setAttribute(reference, QStringLiteral("perplexity"), session.reference.perplexity);
        h5::setAttribute(reference, QStringLiteral("bits_per_byte"), session.reference.bitsPerByte);
        h5::setAttribute(reference, QStringLiteral("compressed_weights"),
                         session.reference.compressedWeights);
        h5::setAttribute(reference, QStringLiteral("fp16_bytes"), session.reference.fp16Bytes);
        h5::setAttribute(reference, QStringLiteral("tokens_scored"),
                         session.reference.tokensScored);

        H5::Group points = h5::ensureGroup(root, QStringLiteral("points"));
        h5::setAttribute(points, QStringLiteral("count"), int64_t(count));
        h5::writeStrings(points, QStringLiteral("method"), methods);
        h5::writeDoubles(points, QStringLiteral("target_bits"), targetBits);
        h5::writeDoubles(points, QStringLiteral("bits_per_weight"), bitsPerWeight);
        h5::writeI64(points, QStringLiteral("file_bytes"), fileBytes);
        h5::writeI64(points, QStringLiteral("counted_bytes"), countedBytes);
        h5::writeDoubles(points, QStringLiteral("weighted_mse"), weightedMse);
        h5::writeDoubles(points, QStringLiteral("perplexity"), perplexity);
        h5::writeDoubles(points, QStringLiteral("bits_per_byte"), bitsPerByte);
        h5::writeDoubles(points, QStringLiteral("kl_mean"), klMean);
        h5::writeDoubles(points, QStringLiteral("kl_p99"), klP99);
        h5::writeDoubles(points, QStringLiteral("same_top_rate"), sameTop);
        h5::writeDoubles(points, QStringLiteral("seconds"), seconds);
        h5::writeStrings(points, QStringLiteral("container_path"), containers);

        h5::writeStrings(root, QStringLiteral("skipped"), skipped);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write: %2").arg(path, h5::errorText(error)));
    }
    file.commit();
}

SweepSession loadSweepSession(const QString &path) {
    H5::H5File file = h5::openReadOnly(path);
    SweepSession session;
    try {
        // The root as a group of its own (an H5File copied into an H5::Group loses its id).
        const H5::Group root = file.openGroup("/");
        const QString format = h5::hasAttribute(root, QStringLiteral("format"))
                                   ? h5::stringAttribute(root, QStringLiteral("format"), path)
                                   : QString();
        if (format != kFormat)
            throw Error(QStringLiteral("%1 is not a sweep session (format '%2', expected '%3'); "
                                       "choose another session file")
                            .arg(path, format, kFormat));
        const int64_t version = h5::intAttribute(root, QStringLiteral("format_version"), path);
        if (version < 1 || version > kFormatVersion)
            throw Error(QStringLiteral("%1 is a sweep session of format version %2, but this "
                                       "version of NWC Workbench reads version %3; update NWC "
                                       "Workbench or start a new session")
                            .arg(path)
                            .arg(version)
                            .arg(kFormatVersion));
        const QString settingsText = h5::stringAttribute(root, QStringLiteral("settings"), path);
        QJsonParseError parseError;
        const QJsonDocument settingsJson =
            QJsonDocument::fromJson(settingsText.toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !settingsJson.isObject())
            throw Error(QStringLiteral("%1: the settings are not valid JSON (%2); the file is "
                                       "damaged")
                            .arg(path, parseError.errorString()));
        session.settings = settingsFromJson(settingsJson.object(), path);
        session.hasReference = h5::intAttribute(root, QStringLiteral("has_reference"), path) != 0;

        if (!h5::exists(root, QStringLiteral("reference")) ||
            !h5::exists(root, QStringLiteral("points")))
            throw Error(QStringLiteral("%1: the reference or the points are missing; the file is "
                                       "damaged")
                            .arg(path));
        const H5::Group reference = root.openGroup("reference");
        const QString referenceContext = path + QStringLiteral(":/reference");
        session.reference.perplexity =
            h5::doubleAttribute(reference, QStringLiteral("perplexity"), referenceContext);
        session.reference.bitsPerByte =
            h5::doubleAttribute(reference, QStringLiteral("bits_per_byte"), referenceContext);
        session.reference.compressedWeights =
            h5::intAttribute(reference, QStringLiteral("compressed_weights"), referenceContext);
        session.reference.fp16Bytes =
            h5::intAttribute(reference, QStringLiteral("fp16_bytes"), referenceContext);
        session.reference.tokensScored =
            h5::intAttribute(reference, QStringLiteral("tokens_scored"), referenceContext);

        const H5::Group points = root.openGroup("points");
        const QString context = path + QStringLiteral(":/points");
        const int64_t count = h5::intAttribute(points, QStringLiteral("count"), context);
        const std::vector<QString> methods =
            h5::readStrings(points, QStringLiteral("method"), context);
        const std::vector<QString> containers =
            h5::readStrings(points, QStringLiteral("container_path"), context);
        // One value per point, or the file is damaged.
        const auto column = [&](const char *name, auto read) {
            auto values = read(points, QString::fromLatin1(name), context);
            if (int64_t(values.size()) != count)
                throw Error(QStringLiteral("%1: '%2' holds %3 values for %4 points; the file is "
                                           "damaged")
                                .arg(context, QString::fromLatin1(name))
                                .arg(values.size())
                                .arg(count));
            return values;
        };
        const auto doubles = [&](const char *name) {
            return column(name, [](const H5::Group &g, const QString &n, const QString &c) {
                return h5::readDoubles(g, n, c);
            });
        };
        const auto integers = [&](const char *name) {
            return column(name, [](const H5::Group &g, const QString &n, const QString &c) {
                return h5::readI64(g, n, c);
            });
        };
        if (int64_t(methods.size()) != count || int64_t(containers.size()) != count)
            throw Error(QStringLiteral("%1: the method or container column does not hold %2 "
                                       "entries; the file is damaged")
                            .arg(context)
                            .arg(count));
        const std::vector<double> targetBits = doubles("target_bits");
        const std::vector<double> bitsPerWeight = doubles("bits_per_weight");
        const std::vector<int64_t> fileBytes = integers("file_bytes");
        const std::vector<int64_t> countedBytes = integers("counted_bytes");
        const std::vector<double> weightedMse = doubles("weighted_mse");
        const std::vector<double> perplexity = doubles("perplexity");
        const std::vector<double> bitsPerByte = doubles("bits_per_byte");
        const std::vector<double> klMean = doubles("kl_mean");
        const std::vector<double> klP99 = doubles("kl_p99");
        const std::vector<double> sameTop = doubles("same_top_rate");
        const std::vector<double> seconds = doubles("seconds");
        for (size_t i = 0; i < size_t(count); ++i) {
            SweepPoint point;
            point.method = methods[i];
            point.targetBits = targetBits[i];
            point.bitsPerWeight = bitsPerWeight[i];
            point.fileBytes = fileBytes[i];
            point.countedBytes = countedBytes[i];
            point.weightedMse = weightedMse[i];
            point.perplexity = perplexity[i];
            point.bitsPerByte = bitsPerByte[i];
            point.klMean = klMean[i];
            point.klP99 = klP99[i];
            point.sameTopRate = sameTop[i];
            point.seconds = seconds[i];
            point.containerPath = containers[i];
            session.points.push_back(point);
        }
        for (const QString &line : h5::readStrings(root, QStringLiteral("skipped"), path))
            session.skipped.append(line);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read: %2 (the file is damaged)")
                        .arg(path, h5::errorText(error)));
    }
    return session;
}

QString sweepCsv(const SweepSession &session) {
    QString csv = QStringLiteral("# nwc sweep: ") + oneLine(sweepSettingsText(session.settings));
    if (session.hasReference)
        csv += QStringLiteral("; reference perplexity %1, bits per byte %2, %3 compressed "
                              "weights, %4 bytes at fp16")
                   .arg(number(session.reference.perplexity), number(session.reference.bitsPerByte))
                   .arg(session.reference.compressedWeights)
                   .arg(session.reference.fp16Bytes);
    csv += QLatin1Char('\n');
    csv += QStringLiteral("method,target_bits,bits_per_weight,file_bytes,counted_bytes,"
                          "weighted_mse,perplexity,perplexity_ratio,bits_per_byte,kl_mean,kl_p99,"
                          "same_top_rate,seconds,container\n");
    for (const SweepPoint &p : session.points) {
        const QStringList fields = {csvField(p.method),
                                    number(p.targetBits),
                                    number(p.bitsPerWeight),
                                    QString::number(p.fileBytes),
                                    QString::number(p.countedBytes),
                                    number(p.weightedMse),
                                    number(p.perplexity),
                                    session.hasReference
                                        ? number(ratio(p.perplexity, session.reference.perplexity))
                                        : QString(),
                                    number(p.bitsPerByte),
                                    number(p.klMean),
                                    number(p.klP99),
                                    number(p.sameTopRate),
                                    number(p.seconds),
                                    csvField(p.containerPath)};
        csv += fields.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return csv;
}

QJsonDocument sweepJson(const SweepSession &session) {
    QJsonObject root;
    root.insert(QStringLiteral("format"), kFormat);
    root.insert(QStringLiteral("format_version"), double(kFormatVersion));
    root.insert(QStringLiteral("settings"), settingsToJson(session.settings));
    if (session.hasReference) {
        QJsonObject reference;
        reference.insert(QStringLiteral("perplexity"), session.reference.perplexity);
        reference.insert(QStringLiteral("bits_per_byte"), session.reference.bitsPerByte);
        reference.insert(QStringLiteral("compressed_weights"),
                         double(session.reference.compressedWeights));
        reference.insert(QStringLiteral("fp16_bytes"), double(session.reference.fp16Bytes));
        reference.insert(QStringLiteral("tokens_scored"), double(session.reference.tokensScored));
        root.insert(QStringLiteral("reference"), reference);
    } else {
        root.insert(QStringLiteral("reference"), QJsonValue());
    }
    QJsonArray points;
    for (const SweepPoint &p : session.points) {
        QJsonObject row;
        row.insert(QStringLiteral("method"), p.method);
        row.insert(QStringLiteral("target_bits"), p.targetBits);
        row.insert(QStringLiteral("bits_per_weight"), p.bitsPerWeight);
        row.insert(QStringLiteral("file_bytes"), double(p.fileBytes));
        row.insert(QStringLiteral("counted_bytes"), double(p.countedBytes));
        row.insert(QStringLiteral("weighted_mse"), p.weightedMse);
        row.insert(QStringLiteral("perplexity"), p.perplexity);
        if (session.hasReference)
            row.insert(QStringLiteral("perplexity_ratio"),
                       ratio(p.perplexity, session.reference.perplexity));
        row.insert(QStringLiteral("bits_per_byte"), p.bitsPerByte);
        row.insert(QStringLiteral("kl_mean"), p.klMean);
        row.insert(QStringLiteral("kl_p99"), p.klP99);
        row.insert(QStringLiteral("same_top_rate"), p.sameTopRate);
        row.insert(QStringLiteral("seconds"), p.seconds);
        row.insert(QStringLiteral("container"), p.containerPath);
        points.append(row);
    }
    root.insert(QStringLiteral("points"), points);
    root.insert(QStringLiteral("skipped"), QJsonArray::fromStringList(session.skipped));
    return QJsonDocument(root);
}

} // namespace nwc
