#include "codec/compressibletensor.h"

#include <QRegularExpression>

namespace nwc {

bool isCompressibleTensor(const TensorInfo &info) {
    static const QRegularExpression block(QStringLiteral("(^|\\.)(layers|h)\\.\\d+\\."));
    return info.shape.size() == 2 && dtypeIsFloat(info.dtype) &&
           info.name.endsWith(QLatin1String(".weight")) && block.match(info.name).hasMatch() &&
           !info.name.contains(QLatin1String("norm")) && !info.name.contains(QLatin1String(".ln_"));
}

bool isStoredTransposed(const ModelConfig &config, const QString &name) {
    if (config.architecture != Architecture::Gpt2)
        return false;
    return name.endsWith(QLatin1String("attn.c_attn.weight")) ||
           name.endsWith(QLatin1String("attn.c_proj.weight")) ||
           name.endsWith(QLatin1String("mlp.c_fc.weight")) ||
           name.endsWith(QLatin1String("mlp.c_proj.weight"));
}

} // namespace nwc
