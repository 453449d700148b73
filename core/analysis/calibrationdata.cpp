// Reading calibration files (the writer is calibrate() in calibration.cpp).
#include "analysis/calibrationdata.h"

#include "io/h5util.h"
#include "jobs/error.h"

namespace nwc {

namespace {

const QString kFormat = QStringLiteral("nwc-calibration");

QString groupContext(const QString &path, const QString &group) {
    return path + QLatin1Char(':') + group;
}

} // namespace

CalibrationData CalibrationData::load(const QString &path) {
    H5::H5File file = h5::openReadOnly(path);
    CalibrationData data;
    data.m_path = path;
    const QString format = h5::hasAttribute(file, QStringLiteral("format"))
                               ? h5::stringAttribute(file, QStringLiteral("format"), path)
                               : QString();
    if (format != kFormat)
        throw Error(QStringLiteral("%1 is not a calibration file (format '%2', expected '%3'); "
                                   "create one with 'nwc calibrate'")
                        .arg(path, format, kFormat));
    const int64_t version = h5::intAttribute(file, QStringLiteral("format_version"), path);
    if (version > kFormatVersion || version < 1)
        throw Error(QStringLiteral("%1 is a calibration file of format version %2, but this "
                                   "version of NWC Workbench reads version %3; recompute it with "
                                   "'nwc calibrate' or update NWC Workbench")
                        .arg(path)
                        .arg(version)
                        .arg(kFormatVersion));
    data.m_modelHash = h5::stringAttribute(file, QStringLiteral("model_hash"), path);
    data.m_dataHash = h5::stringAttribute(file, QStringLiteral("data_hash"), path);
    data.m_settings.samples = int(h5::intAttribute(file, QStringLiteral("samples"), path));
    data.m_settings.sequenceLength =
        int(h5::intAttribute(file, QStringLiteral("sequence_length"), path));
    data.m_settings.seed = uint64_t(h5::intAttribute(file, QStringLiteral("seed"), path));
    data.m_requestedSamples =
        int(h5::intAttribute(file, QStringLiteral("requested_samples"), path));
    data.m_tokens = h5::intAttribute(file, QStringLiteral("tokens"), path);
    data.m_textSource = h5::stringAttribute(file, QStringLiteral("text_source"), path);
    data.m_bos = h5::intAttribute(file, QStringLiteral("bos"), path) != 0;
    data.m_modelName = h5::stringAttribute(file, QStringLiteral("model"), path);
    data.m_seconds = h5::doubleAttribute(file, QStringLiteral("seconds"), path);
    if (data.m_tokens != int64_t(data.m_settings.samples) * int64_t(data.m_settings.sequenceLength))
        throw Error(QStringLiteral("%1: %2 tokens do not match %3 windows of %4 tokens; the file "
                                   "is damaged, recompute it with 'nwc calibrate'")
                        .arg(path)
                        .arg(data.m_tokens)
                        .arg(data.m_settings.samples)
                        .arg(data.m_settings.sequenceLength));

    // The root as a group of its own (an H5File copied into an H5::Group loses its id).
    const H5::Group root = file.openGroup("/");
    if (!h5::exists(root, QStringLiteral("inputs")))
        throw Error(QStringLiteral("%1: the group 'inputs' is missing; the file is incomplete, "
                                   "recompute it with 'nwc calibrate'")
                        .arg(path));
    try {
        const H5::Group inputs = root.openGroup("inputs");
        for (const QString &name : h5::childNames(inputs)) {
            const QString groupPath = QStringLiteral("inputs/") + name;
            const QString context = groupContext(path, groupPath);
            const H5::Group group = inputs.openGroup(name.toStdString());
            Entry entry;
            entry.group = groupPath;
            entry.inFeatures = h5::intAttribute(group, QStringLiteral("in_features"), context);
            for (const QString &weight :
                 h5::readStrings(group, QStringLiteral("weights"), context)) {
                if (data.m_entries.count(weight) != 0)
                    throw Error(QStringLiteral("%1: weight '%2' is listed under two inputs; the "
                                               "file is damaged")
                                    .arg(path, weight));
                data.m_entries[weight] = entry;
                data.m_weightNames.append(weight);
            }
        }
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read the inputs: %2 (the file is damaged)")
                        .arg(path, h5::errorText(error)));
    }
    return data;
}

bool CalibrationData::has(const QString &weightName) const {
    return m_entries.count(weightName) != 0;
}

QList<QStringList> CalibrationData::inputGroups() const {
    QList<QStringList> groups;
    QString current;
    for (const QString &weight : m_weightNames) {
        const QString &group = m_entries.at(weight).group;
        if (groups.isEmpty() || group != current) {
            groups.append(QStringList());
            current = group;
        }
        groups.last().append(weight);
    }
    return groups;
}

const CalibrationData::Entry &CalibrationData::entry(const QString &weightName) const {
    const auto it = m_entries.find(weightName);
    if (it == m_entries.end())
        throw Error(QStringLiteral("calibration file %1 has no statistics for '%2'; it was "
                                   "computed for another model (%3)")
                        .arg(m_path, weightName, m_modelName));
    return it->second;
}

int64_t CalibrationData::inFeatures(const QString &weightName) const {
    return entry(weightName).inFeatures;
}

namespace {

/// Reads dataset `name` of one calibration group with `read` (h5::readDoubles or
/// h5::readFloats) and checks its shape; a failure names the file and the group.
template <typename Values, typename Read>
Values readCheckedDataset(const QString &path, const QString &groupName, const QString &name,
                          const std::vector<int64_t> &expectedShape, Read read) {
    H5::H5File file = h5::openReadOnly(path);
    const QString context = groupContext(path, groupName);
    std::vector<int64_t> shape;
    Values values;
    try {
        const H5::Group group = file.openGroup(groupName.toStdString());
        values = read(group, name, context, &shape);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read: %2 (the file is damaged)")
                        .arg(context, h5::errorText(error)));
    }
    if (shape != expectedShape)
        throw Error(QStringLiteral("%1: %2 has the wrong shape; the file is damaged, "
                                   "recompute it with 'nwc calibrate'")
                        .arg(context, name));
    return values;
}

} // namespace

std::vector<double> CalibrationData::importance(const QString &weightName) const {
    const Entry &e = entry(weightName);
    return readCheckedDataset<std::vector<double>>(
        m_path, e.group, QStringLiteral("importance"), {e.inFeatures},
        [](const H5::Group &g, const QString &n, const QString &c, std::vector<int64_t> *shape) {
            return h5::readDoubles(g, n, c, shape);
        });
}

std::vector<float> CalibrationData::hessian(const QString &weightName) const {
    const Entry &e = entry(weightName);
    return readCheckedDataset<std::vector<float>>(
        m_path, e.group, QStringLiteral("hessian"), {e.inFeatures, e.inFeatures},
        [](const H5::Group &g, const QString &n, const QString &c, std::vector<int64_t> *shape) {
            return h5::readFloats(g, n, c, shape);
        });
}

std::vector<double> CalibrationData::inputSum(const QString &weightName) const {
    const Entry &e = entry(weightName);
    {
        H5::H5File file = h5::openReadOnly(m_path);
        const H5::Group group = file.openGroup(e.group.toStdString());
        if (!h5::exists(group, QStringLiteral("input_sum")))
            return {};
    }
    return readCheckedDataset<std::vector<double>>(
        m_path, e.group, QStringLiteral("input_sum"), {e.inFeatures},
        [](const H5::Group &g, const QString &n, const QString &c, std::vector<int64_t> *shape) {
            return h5::readDoubles(g, n, c, shape);
        });
}

} // namespace nwc
