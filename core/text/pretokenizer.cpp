#include "text/pretokenizer.h"

#include "jobs/error.h"
#include "text/regexpattern.h"

#include <QJsonArray>
#include <QJsonObject>

namespace nwc {

namespace {

PreTokenizer::Behavior behaviorFromName(const QString &name, const QString &fileName) {
    if (name == QLatin1String("Removed"))
        return PreTokenizer::Behavior::Removed;
    if (name == QLatin1String("Isolated"))
        return PreTokenizer::Behavior::Isolated;
    if (name == QLatin1String("MergedWithPrevious"))
        return PreTokenizer::Behavior::MergedWithPrevious;
    if (name == QLatin1String("MergedWithNext"))
        return PreTokenizer::Behavior::MergedWithNext;
    if (name == QLatin1String("Contiguous"))
        return PreTokenizer::Behavior::Contiguous;
    throw Error(QStringLiteral("%1: unknown Split behavior \"%2\"; the file may be damaged")
                    .arg(fileName, name));
}

struct Span {
    qsizetype start;
    qsizetype end;
    bool isMatch;
};

} // namespace

PreTokenizer PreTokenizer::fromJson(const QJsonValue &json, const QString &fileName) {
    PreTokenizer pre;
    pre.append(json, fileName);
    return pre;
}

PreTokenizer PreTokenizer::byteLevelRegex(const QString &pattern, const QString &fileName) {
    PreTokenizer pre;
    Step step;
    step.kind = Kind::ByteLevel;
    step.regex = RegexPattern::compile(pattern, fileName);
    step.hasRegex = true;
    pre.m_steps.push_back(step);
    return pre;
}

void PreTokenizer::append(const QJsonValue &json, const QString &fileName) {
    if (json.isNull() || json.isUndefined())
        return;
    const QJsonObject object = json.toObject();
    const QString type = object.value(QLatin1String("type")).toString();
    Step step;
    if (type == QLatin1String("Sequence")) {
        const QJsonArray steps = object.value(QLatin1String("pretokenizers")).toArray();
        for (const QJsonValue &s : steps)
            append(s, fileName);
        return;
    } else if (type == QLatin1String("Split")) {
        const QJsonObject pattern = object.value(QLatin1String("pattern")).toObject();
        const QString regex =
            pattern.contains(QLatin1String("Regex"))
                ? pattern.value(QLatin1String("Regex")).toString()
                : QRegularExpression::escape(pattern.value(QLatin1String("String")).toString());
        step.regex = RegexPattern::compile(regex, fileName);
        step.hasRegex = true;
        step.behavior =
            behaviorFromName(object.value(QLatin1String("behavior")).toString(), fileName);
        step.invert = object.value(QLatin1String("invert")).toBool();
    } else if (type == QLatin1String("ByteLevel")) {
        step.kind = Kind::ByteLevel;
        step.addPrefixSpace = object.value(QLatin1String("add_prefix_space")).toBool();
        step.hasRegex = object.value(QLatin1String("use_regex")).toBool(true);
        if (step.hasRegex)
            step.regex =
                RegexPattern::compile(RegexPattern::builtin(QStringLiteral("gpt2")), fileName);
    } else if (type == QLatin1String("Metaspace")) {
        step.kind = Kind::Metaspace;
        const QString replacement = object.value(QLatin1String("replacement")).toString();
        step.replacement = replacement.isEmpty() ? QChar(0x2581) : replacement.at(0);
        const QString scheme = object.value(QLatin1String("prepend_scheme")).toString();
        if (scheme == QLatin1String("first"))
            step.prependScheme = 1;
        else if (scheme == QLatin1String("never"))
            step.prependScheme = 2;
        else if (scheme.isEmpty() && !object.value(QLatin1String("add_prefix_space")).toBool(true))
            step.prependScheme = 2;
        step.splitOnReplacement = object.value(QLatin1String("split")).toBool(true);
        step.regex =
            RegexPattern::compile(QRegularExpression::escape(QString(step.replacement)), fileName);
    } else if (type == QLatin1String("Digits")) {
        const bool individual = object.value(QLatin1String("individual_digits")).toBool();
        step.regex = RegexPattern::compile(
            individual ? QStringLiteral("\\p{N}") : QStringLiteral("\\p{N}+"), fileName);
        step.hasRegex = true;
    } else if (type == QLatin1String("WhitespaceSplit")) {
        step.regex = RegexPattern::compile(QStringLiteral("\\s+"), fileName);
        step.hasRegex = true;
        step.behavior = Behavior::Removed;
    } else if (type == QLatin1String("Whitespace")) {
        step.regex = RegexPattern::compile(QStringLiteral("\\w+|[^\\w\\s]+"), fileName);
        step.hasRegex = true;
        step.behavior = Behavior::Removed;
        step.invert = true;
    } else if (type == QLatin1String("Punctuation")) {
        step.regex = RegexPattern::compile(QStringLiteral("[\\p{P}!-/:-@\\[-`{-~]"), fileName);
        step.hasRegex = true;
        const QString behavior = object.value(QLatin1String("behavior")).toString();
        if (!behavior.isEmpty())
            step.behavior = behaviorFromName(behavior, fileName);
    } else {
        throw Error(QStringLiteral("%1: pre-tokenizer type \"%2\" is not supported; use a "
                                   "tokenizer.json whose pre_tokenizer is ByteLevel, Split, "
                                   "Metaspace or a Sequence of those")
                        .arg(fileName, type));
    }
    m_steps.push_back(std::move(step));
}

void PreTokenizer::splitWith(const QRegularExpression &regex, Behavior behavior, bool invert,
                             const Piece &piece, std::vector<Piece> &out) {
    const QString &text = piece.text;
    std::vector<Span> spans;
    qsizetype pos = 0;
    QRegularExpressionMatchIterator it = regex.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const qsizetype start = match.capturedStart();
        const qsizetype end = match.capturedEnd();
        if (start == end)
            continue;
        if (start > pos)
            spans.push_back(Span{pos, start, invert});
        spans.push_back(Span{start, end, !invert});
        pos = end;
    }
    if (pos < text.size())
        spans.push_back(Span{pos, text.size(), invert});

    // Same folding rules as tokenizers' NormalizedString::split.
    std::vector<Span> merged;
    merged.reserve(spans.size());
    switch (behavior) {
    case Behavior::Removed:
        for (const Span &s : spans)
            if (!s.isMatch)
                merged.push_back(s);
        break;
    case Behavior::Isolated:
        merged = spans;
        break;
    case Behavior::MergedWithPrevious: {
        bool previousMatch = false;
        for (const Span &s : spans) {
            if (s.isMatch && !previousMatch && !merged.empty())
                merged.back().end = s.end;
            else
                merged.push_back(s);
            previousMatch = s.isMatch;
        }
        break;
    }
    case Behavior::MergedWithNext: {
        bool nextMatch = false;
        for (auto s = spans.rbegin(); s != spans.rend(); ++s) {
            if (s->isMatch && !nextMatch && !merged.empty())
                merged.back().start = s->start;
            else
                merged.push_back(*s);
            nextMatch = s->isMatch;
        }
        std::reverse(merged.begin(), merged.end());
        break;
    }
    case Behavior::Contiguous: {
        bool previousMatch = false;
        for (const Span &s : spans) {
            if (s.isMatch == previousMatch && !merged.empty())
                merged.back().end = s.end;
            else
                merged.push_back(s);
            previousMatch = s.isMatch;
        }
        break;
    }
    }
    if (merged.size() == 1 && merged.front().start == 0 && merged.front().end == text.size()) {
        out.push_back(piece);
        return;
    }
    for (const Span &s : merged)
        out.push_back(Piece{text.mid(s.start, s.end - s.start), piece.atStart && s.start == 0});
}

void PreTokenizer::applyStep(const Step &step, const Piece &piece, std::vector<Piece> &out) const {
    switch (step.kind) {
    case Kind::Split:
        splitWith(step.regex, step.behavior, step.invert, piece, out);
        return;
    case Kind::ByteLevel: {
        Piece prefixed = piece;
        if (step.addPrefixSpace && !prefixed.text.startsWith(QLatin1Char(' ')))
            prefixed.text.prepend(QLatin1Char(' '));
        if (step.hasRegex)
            splitWith(step.regex, Behavior::Isolated, false, prefixed, out);
        else
            out.push_back(prefixed);
        return;
    }
    case Kind::Metaspace: {
        Piece replaced = piece;
        replaced.text.replace(QLatin1Char(' '), step.replacement);
        const bool prepend = step.prependScheme == 0 || (step.prependScheme == 1 && piece.atStart);
        if (prepend && !replaced.text.startsWith(step.replacement))
            replaced.text.prepend(step.replacement);
        if (!step.splitOnReplacement) {
            out.push_back(replaced);
            return;
        }
        splitWith(step.regex, Behavior::MergedWithNext, false, replaced, out);
        return;
    }
    }
}

void PreTokenizer::split(const QString &text, bool atStart, std::vector<QString> &out) const {
    if (text.isEmpty())
        return;
    std::vector<Piece> pieces{Piece{text, atStart}};
    std::vector<Piece> next;
    for (const Step &step : m_steps) {
        next.clear();
        next.reserve(pieces.size());
        for (const Piece &piece : pieces)
            applyStep(step, piece, next);
        pieces.swap(next);
    }
    for (Piece &piece : pieces)
        if (!piece.text.isEmpty())
            out.push_back(std::move(piece.text));
}

} // namespace nwc
