#include "codec/codecgroup.h"

#include "io/h5util.h"
#include "jobs/error.h"

namespace nwc {

void writeCodecGroup(H5::Group &group, const CodecParameters &codec, const QString &context) {
    try {
        h5::setAttribute(group, QStringLiteral("preset"), codec.preset);
        h5::setAttribute(group, QStringLiteral("chunk"), int64_t(codec.chunk));
        h5::setAttribute(group, QStringLiteral("hidden"), int64_t(codec.hidden));
        h5::setAttribute(group, QStringLiteral("blocks"), int64_t(codec.blocks));
        h5::setAttribute(group, QStringLiteral("levels"), int64_t(codec.levels));
        h5::setAttribute(group, QStringLiteral("lambda"), codec.lambda);
        h5::setAttribute(group, QStringLiteral("steps"), int64_t(codec.steps));
        h5::setAttribute(group, QStringLiteral("nominal_bpw"), codec.nominalBitsPerWeight);
        h5::writeDoubles(group, QStringLiteral("rate_weights"), codec.rateWeights);
        h5::writeStrings(group, QStringLiteral("trained_on"), codec.trainedOn);
        std::vector<QString> arrayNames;
        for (const NamedArray &array : codec.arrays) {
            if (array.name.isEmpty() || array.name.contains(QLatin1Char('/')))
                throw Error(QStringLiteral("%1: invalid array name '%2'").arg(context, array.name));
            arrayNames.push_back(array.name);
        }
        h5::writeStrings(group, QStringLiteral("array_order"), arrayNames);
        H5::Group arrays = group.createGroup("arrays");
        for (const NamedArray &array : codec.arrays) {
            h5::writeFloats(arrays, array.name, array.values, array.shape);
            H5::DataSet dataset = arrays.openDataSet(array.name.toStdString());
            h5::setAttribute(dataset, QStringLiteral("rank"), int64_t(array.shape.size()));
        }
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write: %2").arg(context, h5::errorText(error)));
    }
}

CodecParameters readCodecGroup(const H5::Group &group, const QString &id, const QString &context) {
    try {
        CodecParameters codec;
        codec.id = id;
        codec.preset = h5::stringAttribute(group, QStringLiteral("preset"), context);
        codec.chunk = int32_t(h5::intAttribute(group, QStringLiteral("chunk"), context));
        codec.hidden = int32_t(h5::intAttribute(group, QStringLiteral("hidden"), context));
        codec.blocks = int32_t(h5::intAttribute(group, QStringLiteral("blocks"), context));
        codec.levels = int32_t(h5::intAttribute(group, QStringLiteral("levels"), context));
        codec.lambda = h5::doubleAttribute(group, QStringLiteral("lambda"), context);
        codec.steps = h5::intAttribute(group, QStringLiteral("steps"), context);
        codec.nominalBitsPerWeight =
            h5::doubleAttribute(group, QStringLiteral("nominal_bpw"), context);
        codec.rateWeights = h5::readDoubles(group, QStringLiteral("rate_weights"), context);
        codec.trainedOn = h5::readStrings(group, QStringLiteral("trained_on"), context);
        if (codec.chunk <= 0 || codec.chunk > 1024 || codec.levels <= 0 || codec.levels > 16 ||
            codec.hidden < 0 || codec.blocks < 0)
            throw Error(QStringLiteral("%1: implausible codec architecture (the file is damaged)")
                            .arg(context));
        const std::vector<QString> arrayNames =
            h5::readStrings(group, QStringLiteral("array_order"), context);
        if (!h5::exists(group, QStringLiteral("arrays")))
            throw Error(
                QStringLiteral("%1: the codec has no arrays (the file is damaged)").arg(context));
        const H5::Group arrays = group.openGroup("arrays");
        for (const QString &name : arrayNames) {
            NamedArray array;
            array.name = name;
            array.values = h5::readFloats(arrays, name, context, &array.shape);
            const H5::DataSet dataset = arrays.openDataSet(name.toStdString());
            if (h5::hasAttribute(dataset, QStringLiteral("rank")) &&
                h5::intAttribute(dataset, QStringLiteral("rank"), context) == 0)
                array.shape.clear();
            codec.arrays.push_back(std::move(array));
        }
        return codec;
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read: %2 (the file is damaged)")
                        .arg(context, h5::errorText(error)));
    }
}

} // namespace nwc
