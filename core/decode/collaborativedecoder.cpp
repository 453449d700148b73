// Collaborative decoding: KV-cached student and teacher, the mixing rule of collabmath.h, a
// trace per token and UTF-8-safe text pieces.
#include "decode/collaborativedecoder.h"

#include "decode/modelsession.h"
#include "decode/tokenizercompatibility.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"

#include <QStringList>

#include <cmath>
#include <optional>

namespace nwc {

namespace {

constexpr int kTraceTopK = 5;

QVector<TokenProbability> describeTop(const Tokenizer &tokenizer,
                                      const std::vector<double> &values) {
    QVector<TokenProbability> result;
    for (const TokenScore &entry : topK(values, kTraceTopK))
        result.append({entry.id, tokenizer.decode({entry.id}), entry.value});
    return result;
}

} // namespace

SamplingSettings greedySampling() {
    SamplingSettings settings;
    settings.temperature = 0;
    return settings;
}

QString collaborativeModeName(CollaborativeMode mode) {
    switch (mode) {
    case CollaborativeMode::StudentOnly:
        return QStringLiteral("student");
    case CollaborativeMode::TeacherOnly:
        return QStringLiteral("teacher");
    case CollaborativeMode::FixedAlpha:
        return QStringLiteral("fixed");
    case CollaborativeMode::GatedAlpha:
        return QStringLiteral("gated");
    }
    return QString();
}

CollaborativeMode parseCollaborativeMode(const QString &name) {
    for (CollaborativeMode mode : {CollaborativeMode::StudentOnly, CollaborativeMode::TeacherOnly,
                                   CollaborativeMode::FixedAlpha, CollaborativeMode::GatedAlpha}) {
        if (name == collaborativeModeName(mode))
            return mode;
    }
    throw Error(QStringLiteral("unknown collaborative mode '%1' (use student, teacher, fixed or "
                               "gated)")
                    .arg(name));
}

QString tokenSourceName(TokenSource source) {
    switch (source) {
    case TokenSource::Student:
        return QStringLiteral("student");
    case TokenSource::TeacherSteered:
        return QStringLiteral("teacher-steered");
    case TokenSource::StudentAfterN:
        return QStringLiteral("student-after-n");
    case TokenSource::Teacher:
        return QStringLiteral("teacher");
    }
    return QString();
}

int CollaborativeResult::flippedCount() const {
    int count = 0;
    for (const StepTrace &step : steps)
        count += step.flipped ? 1 : 0;
    return count;
}

int CollaborativeResult::teacherSteps() const {
    int count = 0;
    for (const StepTrace &step : steps)
        count += step.teacherRan ? 1 : 0;
    return count;
}

struct CollaborativeDecoder::Private {
    std::shared_ptr<const LanguageModel> student;
    std::shared_ptr<const LanguageModel> teacher;
    CollaborativeSettings settings;
    int vocabulary = 0;
    std::optional<ModelSession> studentSession;
    std::optional<ModelSession> teacherSession;
    CollaborativeResult result;
    std::vector<int32_t> teacherPromptIds;
    QByteArray promptBytes;
    QByteArray text;
    int emitted = 0;
    uint64_t rng = 0;
    bool started = false;
    bool done = true;

    bool teacherNeededAt(int index) const {
        switch (settings.mode) {
        case CollaborativeMode::StudentOnly:
            return false;
        case CollaborativeMode::TeacherOnly:
            return true;
        case CollaborativeMode::FixedAlpha:
        case CollaborativeMode::GatedAlpha:
            return index < settings.steeredTokens;
        }
        return false;
    }

    /// New complete text after the generated ids changed.
    QString updateText() {
        std::vector<int32_t> all = result.promptIds;
        all.insert(all.end(), result.generatedIds.begin(), result.generatedIds.end());
        const QByteArray full = student->tokenizer().decodeBytes(all, true);
        text = full.startsWith(promptBytes)
                   ? full.mid(promptBytes.size())
                   : student->tokenizer().decodeBytes(result.generatedIds, true);
        const int complete = completeUtf8Length(text);
        if (complete <= emitted)
            return QString();
        const QString piece = QString::fromUtf8(text.mid(emitted, complete - emitted));
        emitted = complete;
        return piece;
    }
};

CollaborativeDecoder::CollaborativeDecoder(std::shared_ptr<const LanguageModel> student,
                                           std::shared_ptr<const LanguageModel> teacher,
                                           const CollaborativeSettings &settings)
    : d(std::make_unique<Private>()) {
    if (!student)
        throw Error(QStringLiteral("collaborative decoding needs a student model"));
    if (settings.mode != CollaborativeMode::StudentOnly && !teacher)
        throw Error(QStringLiteral("the %1 mode needs a teacher model")
                        .arg(collaborativeModeName(settings.mode)));
    if (settings.maxTokens < 0 || settings.steeredTokens < 0 || !std::isfinite(settings.alpha) ||
        std::isnan(settings.tau) || settings.sampling.temperature < 0 ||
        settings.sampling.topK < 0 || !(settings.sampling.topP > 0) || settings.sampling.topP > 1)
        throw Error(QStringLiteral("invalid collaborative settings: need max tokens >= 0, N >= 0, "
                                   "a finite alpha, a tau, temperature >= 0, top-k >= 0 and "
                                   "0 < top-p <= 1"));
    if (teacher)
        requireCompatibleTokenizers(student->tokenizer(), teacher->tokenizer(),
                                    student->displayName(), teacher->displayName());
    d->student = std::move(student);
    d->teacher = settings.mode == CollaborativeMode::StudentOnly ? nullptr : std::move(teacher);
    d->settings = settings;
    d->vocabulary = sharedVocabulary(*d->student, d->teacher.get());
}

CollaborativeDecoder::~CollaborativeDecoder() = default;

const CollaborativeSettings &CollaborativeDecoder::settings() const {
    return d->settings;
}

void CollaborativeDecoder::start(const QString &prompt) {
    d->result = CollaborativeResult();
    d->result.prompt = prompt;
    d->result.promptIds = encodePrompt(*d->student, prompt);
    d->promptBytes = d->student->tokenizer().decodeBytes(d->result.promptIds, true);
    d->text.clear();
    d->emitted = 0;
    d->rng = d->settings.sampling.seed;
    d->studentSession.emplace(*d->student, d->vocabulary);
    d->teacherSession.reset();
    d->started = true;
    d->done = d->settings.maxTokens == 0;
    if (d->done)
        return;
    d->studentSession->feed(d->result.promptIds);
    if (d->teacherNeededAt(0)) {
        d->teacherSession.emplace(*d->teacher, d->vocabulary);
        d->teacherSession->feed(encodePrompt(*d->teacher, prompt));
    }
}

bool CollaborativeDecoder::finished() const {
    return !d->started || d->done;
}

StepTrace CollaborativeDecoder::step() {
    if (finished())
        throw Error(d->started ? QStringLiteral("the collaborative generation has finished")
                               : QStringLiteral("call start() before step()"));
    const CollaborativeSettings &settings = d->settings;
    const Tokenizer &tokenizer = d->student->tokenizer();
    StepTrace trace;
    trace.index = int(d->result.generatedIds.size());

    const std::vector<double> studentLog = logSoftmax(d->studentSession->logits(), d->vocabulary);
    const std::vector<double> studentP = exponentiate(studentLog);
    trace.studentEntropy = entropy(studentP);
    trace.studentChoice = argmaxLowest(studentLog);
    trace.studentTop = describeTop(tokenizer, studentP);

    const bool teacherRuns = d->teacherNeededAt(trace.index);
    int32_t token = 0;
    if (teacherRuns) {
        const std::vector<double> teacherLog =
            logSoftmax(d->teacherSession->logits(), d->vocabulary);
        const std::vector<double> teacherP = exponentiate(teacherLog);
        trace.teacherRan = true;
        trace.teacherEntropy = entropy(teacherP);
        trace.klTeacherStudent = klDivergence(teacherLog, studentLog);
        trace.teacherTop = describeTop(tokenizer, teacherP);
        if (settings.mode == CollaborativeMode::TeacherOnly) {
            trace.source = TokenSource::Teacher;
            trace.alphaEffective = 1.0;
        } else {
            trace.alphaEffective =
                effectiveAlpha(settings.alpha, settings.mode == CollaborativeMode::GatedAlpha,
                               trace.studentEntropy, settings.tau);
            trace.source =
                trace.alphaEffective != 0 ? TokenSource::TeacherSteered : TokenSource::Student;
        }
        const std::vector<double> mixed =
            mixDistributions(studentP, teacherP, trace.alphaEffective);
        trace.mixedTop = describeTop(tokenizer, mixed);
        token = argmaxLowest(mixed);
        trace.flipped = token != trace.studentChoice;
    } else {
        trace.source = settings.mode == CollaborativeMode::StudentOnly ? TokenSource::Student
                                                                       : TokenSource::StudentAfterN;
        token = sampleToken(d->studentSession->logits(), d->vocabulary, settings.sampling, &d->rng);
    }
    trace.tokenId = token;
    trace.tokenText = tokenizer.decode({token});

    CollaborativeResult &result = d->result;
    result.generatedIds.push_back(token);
    const int generated = int(result.generatedIds.size());
    const int32_t eos = tokenizer.eosId();
    if (settings.stopAtEos && (token == eos || token == d->student->config().eosTokenId)) {
        trace.isEos = true;
        result.stoppedAtEos = true;
        d->done = true;
    } else {
        trace.piece = d->updateText();
        // The new token sits at this position; neither model can run past its context.
        const int64_t position = int64_t(result.promptIds.size()) + generated - 1;
        const bool teacherNext = d->teacherNeededAt(generated);
        if (generated >= settings.maxTokens || position >= d->studentSession->maxPositions() ||
            (teacherNext && d->teacherSession->length() >= d->teacherSession->maxPositions())) {
            d->done = true;
        } else {
            d->studentSession->feed(token);
            if (teacherNext)
                d->teacherSession->feed(token);
            else
                d->teacherSession.reset();
        }
    }
    if (d->done) {
        // Whatever remains (even a partial UTF-8 sequence) belongs to the last piece.
        if (d->emitted < d->text.size()) {
            trace.piece += QString::fromUtf8(d->text.mid(d->emitted));
            d->emitted = int(d->text.size());
        }
    }
    result.steps.push_back(trace);
    return trace;
}

CollaborativeResult CollaborativeDecoder::result() const {
    CollaborativeResult copy = d->result;
    copy.completion = QString::fromUtf8(d->text);
    return copy;
}

CollaborativeResult CollaborativeDecoder::run(const QString &prompt, const StepCallback &onStep,
                                              ProgressSink *progress) {
    start(prompt);
    while (!finished()) {
        throwIfCancelled(progress);
        const StepTrace trace = step();
        reportProgress(
            progress, double(trace.index + 1) / std::max(1, d->settings.maxTokens),
            QStringLiteral("token %1/%2").arg(trace.index + 1).arg(d->settings.maxTokens));
        if (onStep && !onStep(trace))
            break;
    }
    return result();
}

} // namespace nwc
