// Fuzz target: config.json (core/io/modelconfig). The input is the file's bytes, parsed as
// HfCheckpoint does; a configuration that parses must survive toJson() -> fromJson() unchanged
// (checkpoints are written with toJson) and give a parameter count without overflow.

#include "fuzzsupport.h"

#include "io/modelconfig.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {

constexpr size_t kMaxInputBytes = 1 << 16;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > kMaxInputBytes)
        return 0;
    const QByteArray bytes = nwc::fuzz::inputBytes(data, size);
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    if (!document.isObject())
        return 0;
    nwc::fuzz::expectOnlyNwcErrors([&] {
        const QString source = QStringLiteral("config.json");
        const nwc::ModelConfig config = nwc::ModelConfig::fromJson(document.object(), source);
        const QJsonObject written = config.toJson();
        nwc::ModelConfig again;
        try {
            again = nwc::ModelConfig::fromJson(written, source);
        } catch (const nwc::Error &error) {
            std::fprintf(stderr, "fuzz: toJson() wrote a config fromJson() refuses: %s\n",
                         qPrintable(error.message()));
            std::abort();
        }
        nwc::fuzz::require(again == config, "toJson() -> fromJson() changes the configuration");
        const QJsonDocument text = QJsonDocument::fromJson(QJsonDocument(written).toJson());
        nwc::fuzz::require(text.isObject() &&
                               nwc::ModelConfig::fromJson(text.object(), source) == config,
                           "the configuration changes when written as text and read back");
        nwc::fuzz::require(config.parameterCount() > 0, "the parameter count is not positive");
    });
    return 0;
}
