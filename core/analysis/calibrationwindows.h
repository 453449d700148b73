#pragma once
// Which tokens a calibration runs on: windows drawn from a text file (or, for the built-in demo
// models, from a calibration stream of the demo corpus outside their training split). Torch-free
// header.

#include "analysis/calibrationdata.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

class Checkpoint;
class LanguageModel;

/// The token windows of one calibration run.
struct CalibrationWindows {
    /// count × length token ids, row-major.
    std::vector<int32_t> ids;
    int count = 0;
    int length = 0;
    /// Windows that were asked for (count is smaller when the text is too short).
    int requested = 0;
    uint64_t seed = 0;
    /// Whether every window starts with BOS.
    bool bos = false;
    /// The text file, or a description of the demo corpus part used.
    QString source;
    /// Tokens of the whole text the windows were drawn from.
    int64_t textTokens = 0;
    /// SHA-256 of the text (raw bytes).
    QByteArray textHash;
    /// The tokenizer's fingerprint.
    QByteArray tokenizerFingerprint;

    /// SHA-256 (hex) over the tokenizer, the text and the windows: the key calibration results
    /// are cached by, together with the model hash.
    QString dataHash() const;
};

/// Seed and number of training documents of the demo corpus the demo models were trained on
/// (resources/demo/README.md).
constexpr uint64_t kDemoCorpusSeed = 20240611;
constexpr int kDemoTrainDocuments = 60000;
constexpr int kDemoHeldoutDocuments = 300;
/// Most documents the demo calibration stream supplies (far more than 128 windows need).
constexpr int kDemoCalibrationDocuments = 20000;

/// Whether `checkpoint` is one of the built-in demo models (opened as demo:NAME or from their
/// folder).
bool isDemoModel(const Checkpoint &checkpoint);

/// Draws the windows. A text file is read as UTF-8 and encoded without special tokens; each
/// window is BOS (when the tokenizer has one, as the evaluator does) followed by text tokens.
/// An empty `textPath` means the demo corpus's calibration stream (DemoCorpus::
/// calibrationDocuments: the models' domain, none of it in their training or held-out split),
/// encoded as the demo models were trained (`BOS document EOS` ...), allowed only for the demo
/// models. Windows start
/// at random offsets (std::mt19937_64 seeded with settings.seed, platform-independent); when
/// the text has fewer tokens than samples × length, as many non-overlapping windows as fit are
/// used instead. Throws nwc::Error for bad settings, an unreadable file, or a text too short for
/// one window (naming the file and the token counts).
CalibrationWindows calibrationWindows(const LanguageModel &model, const QString &textPath,
                                      const CalibrationSettings &settings);

} // namespace nwc
