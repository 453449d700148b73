#include "codec/codecparameters.h"

#include "jobs/error.h"

namespace nwc {

const NamedArray &CodecParameters::array(const QString &name) const {
    for (const NamedArray &entry : arrays) {
        if (entry.name == name)
            return entry;
    }
    throw Error(QStringLiteral("codec '%1' has no parameter '%2': the codec file is incomplete "
                               "or from another version")
                    .arg(id, name));
}

} // namespace nwc
