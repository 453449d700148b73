#include "text/normalizer.h"

#include "jobs/error.h"
#include "text/regexpattern.h"

#include <QJsonArray>
#include <QJsonObject>

namespace nwc {

Normalizer Normalizer::fromJson(const QJsonValue &json, const QString &fileName) {
    Normalizer normalizer;
    normalizer.append(json, fileName);
    return normalizer;
}

void Normalizer::append(const QJsonValue &json, const QString &fileName) {
    if (json.isNull() || json.isUndefined())
        return;
    const QJsonObject object = json.toObject();
    const QString type = object.value(QLatin1String("type")).toString();
    if (type == QLatin1String("Sequence")) {
        const QJsonArray steps = object.value(QLatin1String("normalizers")).toArray();
        for (const QJsonValue &step : steps)
            append(step, fileName);
        return;
    }
    Step step{Kind::Prepend, {}, {}, {}, QString::NormalizationForm_C, false, false};
    if (type == QLatin1String("Prepend")) {
        step.text = object.value(QLatin1String("prepend")).toString();
    } else if (type == QLatin1String("Replace")) {
        const QJsonObject pattern = object.value(QLatin1String("pattern")).toObject();
        step.content = object.value(QLatin1String("content")).toString();
        if (pattern.contains(QLatin1String("Regex"))) {
            step.kind = Kind::ReplaceRegex;
            step.regex =
                RegexPattern::compile(pattern.value(QLatin1String("Regex")).toString(), fileName);
        } else {
            step.kind = Kind::ReplaceString;
            step.text = pattern.value(QLatin1String("String")).toString();
        }
    } else if (type == QLatin1String("NFC") || type == QLatin1String("NFD") ||
               type == QLatin1String("NFKC") || type == QLatin1String("NFKD")) {
        step.kind = Kind::Unicode;
        step.form = type == QLatin1String("NFC")    ? QString::NormalizationForm_C
                    : type == QLatin1String("NFD")  ? QString::NormalizationForm_D
                    : type == QLatin1String("NFKC") ? QString::NormalizationForm_KC
                                                    : QString::NormalizationForm_KD;
    } else if (type == QLatin1String("Lowercase")) {
        step.kind = Kind::Lowercase;
    } else if (type == QLatin1String("Strip")) {
        step.kind = Kind::Strip;
        step.left = object.value(QLatin1String("strip_left")).toBool();
        step.right = object.value(QLatin1String("strip_right")).toBool();
    } else {
        throw Error(QStringLiteral("%1: normalizer type \"%2\" is not supported; use a "
                                   "tokenizer.json with a BPE model and a Prepend/Replace/NFC "
                                   "normalizer, or the model's tokenizer.model")
                        .arg(fileName, type));
    }
    m_steps.push_back(std::move(step));
}

QString Normalizer::apply(const QString &text) const {
    QString out = text;
    for (const Step &step : m_steps) {
        switch (step.kind) {
        case Kind::Prepend:
            // Hugging Face prepends only to non-empty text.
            if (!out.isEmpty())
                out.prepend(step.text);
            break;
        case Kind::ReplaceString:
            if (!step.text.isEmpty())
                out.replace(step.text, step.content);
            break;
        case Kind::ReplaceRegex:
            out.replace(step.regex, step.content);
            break;
        case Kind::Unicode:
            out = out.normalized(step.form);
            break;
        case Kind::Lowercase:
            out = out.toLower();
            break;
        case Kind::Strip: {
            qsizetype begin = 0;
            qsizetype end = out.size();
            if (step.left)
                while (begin < end && out.at(begin).isSpace())
                    ++begin;
            if (step.right)
                while (end > begin && out.at(end - 1).isSpace())
                    --end;
            out = out.mid(begin, end - begin);
            break;
        }
        }
    }
    return out;
}

} // namespace nwc
