#pragma once
// Random-weight Hugging Face checkpoints at the configurations of real models, for measuring
// speed and memory at real sizes without the real weights (nothing is downloaded). Tensors are
// streamed to one .safetensors file, so a 13.5 GB checkpoint is written with bounded memory.

#include "io/dtype.h"
#include "io/modelconfig.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <utility>
#include <vector>

namespace nwc::bench {

/// A named real configuration ("SmolLM2-135M", "Qwen2.5-0.5B", "TinyLlama-1.1B", "Llama-2-7B").
struct RealShape {
    QString name;
    ModelConfig config;
};

/// The configurations the runtime benchmark measures (config.json values of the public models).
std::vector<RealShape> realShapes();

/// The tensor names and shapes a HF checkpoint of `config` (Llama family) holds, in file order.
std::vector<std::pair<QString, QVector<qint64>>> llamaTensorLayout(const ModelConfig &config);

/// Writes `folder`/config.json and `folder`/model.safetensors with weights drawn from
/// normal(0, 0.02) (norms 1 + normal(0, 0.02), biases normal(0, 0.02)) from `seed`, stored as
/// `dtype`, and copies `tokenizerFiles` (tokenizer.json, tokenizer_config.json, ...) into the
/// folder under their own names. Streams tensor by tensor. Throws nwc::Error naming the file on a
/// write failure.
void writeRandomCheckpoint(const QString &folder, const ModelConfig &config, DType dtype,
                           uint64_t seed, const QStringList &tokenizerFiles);

/// The tokenizer files a random checkpoint of `config` gets from the external test data in
/// `externalDir`: Qwen3's tokenizer for Qwen2 shapes, llama2.c's tokenizer.model otherwise.
QStringList tokenizerFilesFor(const ModelConfig &config, const QString &externalDir);

/// `root`/<shape name>, with a random bf16 checkpoint (seed 1234) written there first when it
/// does not exist yet (saying so on stderr).
QString ensureRandomCheckpoint(const QString &root, const RealShape &shape,
                               const QString &externalDir);

} // namespace nwc::bench
