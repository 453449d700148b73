#include "cli/commongroups.h"

#include "cli/computegroup.h"
#include "cli/distributedgroup.h"

namespace nwc::cli {

std::optional<int> parseWithCommonOptions(CommandOptions &options, const QStringList &args,
                                          const CommonSpec &spec) {
    if (spec.model)
        addModelOptions(options);
    if (spec.compute)
        addComputeOptions(options);
    addOutputOptions(options, spec.output);
    int exitCode = 0;
    const bool parsed = spec.onePositional.isEmpty()
                            ? options.parse(args, &exitCode)
                            : options.parseWithOne(args, spec.onePositional, &exitCode);
    if (parsed)
        return std::nullopt;
    return exitCode;
}

CommonOptions readCommonOptions(const CommandOptions &options, const CommonSpec &spec) {
    CommonOptions common;
    if (spec.model)
        common.model = readModelOptions(options);
    if (spec.compute)
        common.compute = useComputeOptions(options);
    common.output = readOutputOptions(options, spec.output);
    if (spec.distributed)
        joinLaunchedGroup(common.compute);
    return common;
}

LanguageModelPtr loadModel(const CommonOptions &common, const QString &spec) {
    return loadModel(common.model, spec, common.compute);
}

} // namespace nwc::cli
