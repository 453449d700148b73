// Drawing calibration windows from a text file or the demo corpus.
#include "analysis/calibrationwindows.h"

#include "io/checkpoint.h"
#include "jobs/error.h"
#include "lm/languagemodel.h"
#include "text/democorpus.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include <limits>
#include <random>

namespace nwc {

namespace {

void hashInt(QCryptographicHash &hash, int64_t value) {
    char bytes[8];
    for (int i = 0; i < 8; ++i)
        bytes[i] = char(uint64_t(value) >> (8 * i));
    hash.addData(QByteArrayView(bytes, 8));
}

void hashBytes(QCryptographicHash &hash, const QByteArray &bytes) {
    hashInt(hash, bytes.size());
    hash.addData(bytes);
}

/// Uniform integer in [0, bound) from a 64-bit engine, identical on every platform (unlike
/// std::uniform_int_distribution).
uint64_t uniformBelow(std::mt19937_64 &rng, uint64_t bound) {
    const uint64_t threshold = (std::numeric_limits<uint64_t>::max() - bound + 1) % bound;
    for (;;) {
        const uint64_t value = rng();
        if (value >= threshold)
            return value % bound;
    }
}

QString canonical(const QString &path) {
    const QFileInfo info(path);
    const QString resolved = info.canonicalFilePath();
    return resolved.isEmpty() ? info.absoluteFilePath() : resolved;
}

/// The text tokens of the calibration text and where they came from.
struct Text {
    std::vector<int32_t> tokens;
    QByteArray hash;
    QString source;
    bool bos = false;
};

Text fileText(const LanguageModel &model, const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read calibration text %1: %2; pass an existing UTF-8 "
                                   "text file")
                        .arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    Text text;
    text.source = path;
    text.hash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    text.tokens = model.tokenizer().encode(bytes, false, false);
    text.bos = model.tokenizer().bosId() >= 0;
    return text;
}

/// Documents of the demo calibration stream, `BOS document EOS` each, until the stream holds
/// `wanted` tokens (or kDemoCalibrationDocuments are used).
Text demoText(const LanguageModel &model, int64_t wanted) {
    const Tokenizer &tokenizer = model.tokenizer();
    Text text;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    int used = 0;
    // Documents average more than 16 tokens; ask for enough at once and grow only if short
    // (the stream is prefix-stable, so the first documents do not depend on the count).
    int count = int(std::min<int64_t>(kDemoCalibrationDocuments, wanted / 16 + 64));
    for (;;) {
        const QStringList documents = DemoCorpus::calibrationDocuments(
            kDemoCorpusSeed, kDemoTrainDocuments, kDemoHeldoutDocuments, count);
        for (; used < documents.size() && int64_t(text.tokens.size()) < wanted; ++used) {
            const QByteArray utf8 = documents[used].toUtf8();
            hashBytes(hash, utf8);
            if (tokenizer.bosId() >= 0)
                text.tokens.push_back(tokenizer.bosId());
            const std::vector<int32_t> ids = tokenizer.encode(utf8, false, false);
            text.tokens.insert(text.tokens.end(), ids.begin(), ids.end());
            if (tokenizer.eosId() >= 0)
                text.tokens.push_back(tokenizer.eosId());
        }
        if (int64_t(text.tokens.size()) >= wanted || count == kDemoCalibrationDocuments)
            break;
        count = std::min(count * 2, kDemoCalibrationDocuments);
    }
    text.hash = hash.result();
    text.source = QStringLiteral("demo corpus, calibration stream outside the training and "
                                 "held-out splits (seed %1, first %2 documents)")
                      .arg(kDemoCorpusSeed)
                      .arg(used);
    return text;
}

} // namespace

QString CalibrationWindows::dataHash() const {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView("nwc-calibration-data/1"));
    hashBytes(hash, tokenizerFingerprint);
    hashBytes(hash, textHash);
    hashInt(hash, count);
    hashInt(hash, length);
    hashInt(hash, bos ? 1 : 0);
    QByteArray idBytes;
    idBytes.reserve(qsizetype(ids.size() * 4));
    for (int32_t id : ids) {
        for (int i = 0; i < 4; ++i)
            idBytes.append(char(uint32_t(id) >> (8 * i)));
    }
    hashBytes(hash, idBytes);
    return QString::fromLatin1(hash.result().toHex());
}

bool isDemoModel(const Checkpoint &checkpoint) {
    const QString source = checkpoint.source();
    if (source.startsWith(QLatin1String("demo:")))
        return true;
    const QString path = canonical(source);
    for (const char *name : {"demo:student", "demo:teacher"}) {
        try {
            if (canonical(Checkpoint::resolveSpec(QLatin1String(name))) == path)
                return true;
        } catch (const Error &) {
            // The demo models are not installed: nothing to compare with.
        }
    }
    return false;
}

CalibrationWindows calibrationWindows(const LanguageModel &model, const QString &textPath,
                                      const CalibrationSettings &settings) {
    if (settings.samples < 1)
        throw Error(
            QStringLiteral("calibration needs at least one sample, got %1").arg(settings.samples));
    if (settings.sequenceLength < 2)
        throw Error(QStringLiteral("calibration windows need at least 2 tokens, got %1")
                        .arg(settings.sequenceLength));
    if (settings.sequenceLength > model.config().maxPositions)
        throw Error(QStringLiteral("calibration windows of %1 tokens exceed the %2 positions %3 "
                                   "was built for; use a sequence length of at most %2")
                        .arg(settings.sequenceLength)
                        .arg(model.config().maxPositions)
                        .arg(model.displayName()));
    const int64_t length = settings.sequenceLength;
    Text text;
    if (textPath.isEmpty()) {
        if (!isDemoModel(*model.checkpoint()))
            throw Error(QStringLiteral("calibrating %1 needs a text file (--text FILE): the "
                                       "built-in demo corpus only suits the demo models")
                            .arg(model.checkpoint()->source()));
        // Twice the tokens needed, so the random windows overlap little.
        text = demoText(model, 2 * int64_t(settings.samples) * length);
    } else {
        text = fileText(model, textPath);
    }

    CalibrationWindows windows;
    windows.length = int(length);
    windows.requested = settings.samples;
    windows.seed = settings.seed;
    windows.bos = text.bos;
    windows.source = text.source;
    windows.textTokens = int64_t(text.tokens.size());
    windows.textHash = text.hash;
    windows.tokenizerFingerprint = model.tokenizer().fingerprint();

    // Text tokens per window.
    const int64_t span = text.bos ? length - 1 : length;
    const int64_t available = int64_t(text.tokens.size());
    if (available < span)
        throw Error(QStringLiteral("calibration text %1 encodes to %2 tokens, but one window of %3 "
                                   "tokens needs %4 text tokens; use a longer text or a shorter "
                                   "sequence length")
                        .arg(text.source)
                        .arg(available)
                        .arg(length)
                        .arg(span));
    std::vector<int64_t> offsets;
    if (available >= int64_t(settings.samples) * span) {
        std::mt19937_64 rng(settings.seed);
        const uint64_t choices = uint64_t(available - span + 1);
        for (int i = 0; i < settings.samples; ++i)
            offsets.push_back(int64_t(uniformBelow(rng, choices)));
    } else {
        for (int64_t offset = 0; offset + span <= available; offset += span)
            offsets.push_back(offset);
    }
    windows.count = int(offsets.size());
    windows.ids.reserve(size_t(windows.count) * size_t(length));
    for (int64_t offset : offsets) {
        if (text.bos)
            windows.ids.push_back(model.tokenizer().bosId());
        windows.ids.insert(windows.ids.end(), text.tokens.begin() + offset,
                           text.tokens.begin() + offset + span);
    }
    return windows;
}

} // namespace nwc
