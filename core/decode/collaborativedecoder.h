#pragma once
// Collaborative decoding with limited teacher supervision (docs/architecture.md, Collaborative
// decoding; arXiv 2406.18002): for the first N generated tokens the student's and teacher's
// next-token distributions are mixed as S = p_s + alpha (p_t - p_s) and the token is argmax S;
// afterwards the student continues alone. Torch-free header: the KV caches live behind a pointer,
// so a GUI can hold a decoder and call step() one token at a time.

#include "decode/collabmath.h"
#include "lm/generator.h"

#include <QString>
#include <QVector>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// Who decides the tokens.
enum class CollaborativeMode {
    StudentOnly, ///< the student alone, with `sampling` for every token (what generate() does)
    TeacherOnly, ///< argmax p_t for every token (the student still runs, for the trace)
    FixedAlpha,  ///< first N tokens argmax S with alpha, then the student with `sampling`
    GatedAlpha,  ///< as FixedAlpha, but alpha_eff = 0 at steps where H(p_s) < tau
};

/// "student", "teacher", "fixed", "gated".
QString collaborativeModeName(CollaborativeMode mode);
/// Parses collaborativeModeName(); throws nwc::Error listing the accepted names.
CollaborativeMode parseCollaborativeMode(const QString &name);

/// Temperature 0 (argmax, lowest id on ties), no top-k / top-p.
SamplingSettings greedySampling();

/// Settings of one collaborative generation.
struct CollaborativeSettings {
    CollaborativeMode mode = CollaborativeMode::FixedAlpha;
    double alpha = 1.0; ///< any real: 0 student, 1 teacher's token, > 1 over-trust, < 0 push away
    int steeredTokens = 5; ///< N: tokens decided by the rule before the student goes on alone
    double tau = 0.0;      ///< gate threshold on H(p_s) in nats (GatedAlpha only)
    SamplingSettings sampling = greedySampling(); ///< the student after N tokens
    int maxTokens = 64; ///< generated tokens at most (sampling.maxTokens is ignored)
    bool stopAtEos = true;
};

/// Who decided a token.
enum class TokenSource {
    Student,        ///< student-only mode, or a steered step whose gate was closed (alpha_eff 0)
    TeacherSteered, ///< one of the first N tokens, chosen by argmax S with alpha_eff != 0
    StudentAfterN,  ///< after the first N tokens, the student alone
    Teacher,        ///< teacher-only mode
};

/// "student", "teacher-steered", "student-after-n", "teacher".
QString tokenSourceName(TokenSource source);

/// One token in a top-k list, with its text for display.
struct TokenProbability {
    int32_t id = 0;
    QString text;     ///< the token decoded alone (may be a partial UTF-8 character)
    double value = 0; ///< probability (p_s, p_t) or mixed score (S)
};

/// Everything known about one generated token.
struct StepTrace {
    int index = 0; ///< 0-based position in the continuation
    TokenSource source = TokenSource::Student;
    int32_t tokenId = 0;
    QString tokenText; ///< the token decoded alone
    QString piece;     ///< new complete UTF-8 text this step adds to the continuation
    bool isEos = false;
    /// The choice differs from the student's own: argmax p_s at steered / teacher steps, never
    /// at student steps.
    bool flipped = false;
    int32_t studentChoice = 0;   ///< argmax p_s (what the student alone would pick greedily)
    bool teacherRan = false;     ///< p_t, S, H(p_t) and KL are only known when the teacher ran
    double alphaEffective = 0;   ///< alpha used at this step (0 at student steps)
    double studentEntropy = 0;   ///< H(p_s), nats
    double teacherEntropy = 0;   ///< H(p_t), nats (teacherRan only)
    double klTeacherStudent = 0; ///< KL(p_t || p_s) = sum p_t log(p_t / p_s), nats
    QVector<TokenProbability> studentTop; ///< top-5 of p_s
    QVector<TokenProbability> teacherTop; ///< top-5 of p_t (teacherRan only)
    QVector<TokenProbability> mixedTop;   ///< top-5 of S with alpha_eff (teacherRan only)
};

/// A finished generation: the continuation and every step.
struct CollaborativeResult {
    QString prompt;
    QString completion; ///< decoded continuation (EOS not included)
    std::vector<int32_t> promptIds;
    std::vector<int32_t> generatedIds; ///< including a final EOS
    bool stoppedAtEos = false;
    std::vector<StepTrace> steps;
    int flippedCount() const;
    int teacherSteps() const; ///< steps where the teacher was run
};

/// Decodes one prompt at a time with a student and (for every mode but StudentOnly) a teacher.
/// Both models keep KV caches: the prompt is prefilled once, then each step feeds one token.
/// While the teacher is needed (teacher-only mode, or the first N steered tokens) both models
/// are fed the chosen token; after N the teacher is no longer run. Not thread-safe; the models
/// may be shared with other decoders.
class CollaborativeDecoder {
public:
    /// Throws nwc::Error for invalid settings, a missing teacher (modes other than StudentOnly),
    /// or tokenizers that differ (naming what differs).
    CollaborativeDecoder(std::shared_ptr<const LanguageModel> student,
                         std::shared_ptr<const LanguageModel> teacher,
                         const CollaborativeSettings &settings);
    ~CollaborativeDecoder();
    CollaborativeDecoder(const CollaborativeDecoder &) = delete;
    CollaborativeDecoder &operator=(const CollaborativeDecoder &) = delete;

    const CollaborativeSettings &settings() const;
    /// Encodes the prompt like generate() (BOS first when the model adds it; empty prompt =
    /// BOS, else EOS), prefills the caches and resets the trace. Throws nwc::Error for a
    /// prompt longer than either model's context.
    void start(const QString &prompt);
    /// True before start(), after EOS (when stopAtEos), maxTokens, or the context end.
    bool finished() const;
    /// Decides, traces and feeds one token. Throws nwc::Error when finished().
    StepTrace step();
    /// The state so far (after the last step, `completion` includes pending partial UTF-8).
    CollaborativeResult result() const;

    /// Called after each step; return false to stop early (the result so far is returned).
    using StepCallback = std::function<bool(const StepTrace &step)>;
    /// start(prompt), then step() until finished(); the ProgressSink is asked to cancel once
    /// per token (throws nwc::Cancelled) and told the token count.
    CollaborativeResult run(const QString &prompt, const StepCallback &onStep = {},
                            ProgressSink *progress = nullptr);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace nwc
