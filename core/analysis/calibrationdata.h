#pragma once
// The statistics of a calibration run (docs/architecture.md, Data flow and Importance): per
// linear-layer input x, H = Σ x xᵀ over every token position of the calibration windows, and
// importance = diag(H). Backed by the HDF5 file `nwc calibrate` writes; H is read from it lazily,
// one input at a time. Torch-free header.

#include <QString>
#include <QStringList>
#include <cstdint>
#include <map>
#include <vector>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// How much calibration text to run through the model.
struct CalibrationSettings {
    /// Windows (sequences) drawn from the text.
    int samples = 32;
    /// Tokens per window (BOS included when the window starts with one).
    int sequenceLength = 256;
    /// Seed of the window offsets.
    uint64_t seed = 1234;
};

/// A calibration file: hashes of the model and data it was computed from, the settings, and
/// for every linear weight the H and importance of its input (weights that read the same input,
/// such as q/k/v, share one entry).
///
/// Layout: root attributes format="nwc-calibration", format_version, model_hash, data_hash,
/// model, samples, requested_samples, sequence_length, seed, tokens, text_source, text_tokens,
/// bos, created, seconds; one group per input /inputs/NNNN (model order) with attributes
/// in_features and block (-1 for lm_head's input), datasets hessian [in, in] float32
/// (deflate), importance [in] float64, input_sum [in] float64 (Σ x; absent in older
/// files) and weights (the HF names that read this input).
class CalibrationData {
public:
    /// File format written by calibrate(): format="nwc-calibration", format_version=1.
    static constexpr int kFormatVersion = 1;

    /// An empty object (no path, no weights).
    CalibrationData() = default;
    /// Opens `path` and reads its attributes and the list of inputs. Throws nwc::Error naming
    /// the file when it is missing, not a calibration file, from a newer version or damaged.
    static CalibrationData load(const QString &path);

    QString path() const { return m_path; }
    /// SHA-256 (hex) of the checkpoint (see modelHash() in calibration.h).
    QString modelHash() const { return m_modelHash; }
    /// SHA-256 (hex) of the calibration data: tokenizer, text and the token windows used.
    QString dataHash() const { return m_dataHash; }
    /// The settings used; `samples` is the number of windows actually used (fewer than
    /// requested when the text was too short for all of them).
    CalibrationSettings settings() const { return m_settings; }
    /// The number of windows that were asked for.
    int requestedSamples() const { return m_requestedSamples; }
    /// Token positions every H sums over (windows × sequence length).
    int64_t tokens() const { return m_tokens; }
    /// Where the text came from: the file path, or a description of the demo corpus.
    QString textSource() const { return m_textSource; }
    /// Whether each window started with BOS.
    bool startsWithBos() const { return m_bos; }
    /// Display name of the model it was computed on.
    QString modelName() const { return m_modelName; }
    /// Seconds the computation took (when it ran, not when the file was reused).
    double seconds() const { return m_seconds; }
    /// True when calibrate() returned an existing file instead of computing it.
    bool fromCache() const { return m_fromCache; }

    /// HF names of every linear weight that got statistics, in model order.
    QStringList weightNames() const { return m_weightNames; }
    bool has(const QString &weightName) const;
    /// Groups of weights that share one input (and one H), in model order.
    QList<QStringList> inputGroups() const;
    /// Input features of the weight (H is [in, in]). Throws nwc::Error for an unknown weight.
    int64_t inFeatures(const QString &weightName) const;
    /// diag(H) in float64, one value per input column. Throws nwc::Error for an unknown weight
    /// or a damaged file.
    std::vector<double> importance(const QString &weightName) const;
    /// H row-major [in, in] (stored as float32). Throws nwc::Error as importance() does.
    std::vector<float> hessian(const QString &weightName) const;
    /// Σ x of the input over the same positions as H (the mean input times tokens()), or an
    /// empty vector for files written before it was stored. Throws nwc::Error as importance().
    std::vector<double> inputSum(const QString &weightName) const;

private:
    friend CalibrationData calibrate(const LanguageModel &model, const QString &textPath,
                                     const CalibrationSettings &settings, const QString &outputPath,
                                     ProgressSink *progress);

    struct Entry {
        QString group; ///< HDF5 path of the input's group
        int64_t inFeatures = 0;
    };
    const Entry &entry(const QString &weightName) const;

    QString m_path;
    QString m_modelHash;
    QString m_dataHash;
    CalibrationSettings m_settings;
    int m_requestedSamples = 0;
    int64_t m_tokens = 0;
    QString m_textSource;
    bool m_bos = false;
    QString m_modelName;
    double m_seconds = 0.0;
    bool m_fromCache = false;
    QStringList m_weightNames;
    std::map<QString, Entry> m_entries;
};

} // namespace nwc
