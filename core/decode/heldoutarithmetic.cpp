#include "decode/heldoutarithmetic.h"

#include "io/checkpoint.h"
#include "jobs/error.h"

#include <QDir>
#include <QFileInfo>

#include <QStringList>

namespace nwc {

QSet<QString> demoTrainingQuestions(quint64 trainSeed, int trainDocuments) {
    const DemoSplits splits = DemoCorpus::makeSplits(trainSeed, trainDocuments, 0, 0);
    static const QString prefix = QStringLiteral("Question: ");
    QSet<QString> questions;
    for (const QString &text : splits.train) {
        if (text.startsWith(prefix))
            questions.insert(text.mid(prefix.size()).section(QLatin1Char('\n'), 0, 0));
    }
    return questions;
}

QVector<ArithmeticProblem> heldOutArithmetic(const HeldOutArithmeticRecipe &recipe,
                                             const QSet<QString> &excluded) {
    DemoCorpus stream(recipe.streamSeed);
    QSet<QString> taken;
    QVector<ArithmeticProblem> problems;
    while (problems.size() < recipe.count) {
        const ArithmeticProblem problem = stream.problem(recipe.oneStep);
        if (excluded.contains(problem.question) || taken.contains(problem.question))
            continue;
        taken.insert(problem.question);
        problems.append(problem);
    }
    return problems;
}

const QVector<BuiltInQaSet> &builtInQaSets() {
    static const QVector<BuiltInQaSet> sets = [] {
        BuiltInQaSet shortAnswer;
        shortAnswer.id = QStringLiteral("short-answer");
        shortAnswer.fileName = QStringLiteral("collab_short_answer_qa.jsonl");
        shortAnswer.promptTemplate = DemoCorpus::shortAnswerPromptTemplate();
        shortAnswer.answerPattern = DemoCorpus::shortAnswerPattern();
        shortAnswer.recipe.streamSeed = 0x636f6c6c61622d32ULL; // "collab-2"
        shortAnswer.recipe.oneStep = true;
        // "Paul has 96 apples. He buys 82 more.": the student alone answers 165, steered 178.
        shortAnswer.showcaseQuestion = 1;
        BuiltInQaSet worked;
        worked.id = QStringLiteral("worked");
        worked.fileName = QStringLiteral("collab_heldout_qa.jsonl");
        worked.promptTemplate = DemoCorpus::qaPromptTemplate();
        return QVector<BuiltInQaSet>{shortAnswer, worked};
    }();
    return sets;
}

QString demoModelFile(const QString &name) {
    const QString teacher = Checkpoint::resolveSpec(QStringLiteral("demo:teacher"));
    return QFileInfo(teacher).dir().filePath(name);
}

QString builtInQaSetPath(const BuiltInQaSet &set) {
    return demoModelFile(set.fileName);
}

QString builtInPrompt(const BuiltInQaSet &set, const QString &question) {
    QString prompt = set.promptTemplate;
    prompt.replace(QLatin1String("{question}"), question);
    return prompt;
}

QaItem builtInQuestion(const BuiltInQaSet &set, int index, QString *prompt) {
    const QString path = builtInQaSetPath(set);
    const QVector<QaItem> items = loadQaSet(path);
    if (index < 0 || index >= items.size())
        throw Error(QStringLiteral("%1 has %2 questions, not question %3")
                        .arg(path)
                        .arg(items.size())
                        .arg(index + 1));
    if (prompt)
        *prompt = builtInPrompt(set, items[index].question);
    return items[index];
}

bool answersBuiltInQuestion(const BuiltInQaSet &set, const QaItem &item,
                            const QString &completion) {
    return answersMatch(extractAnswer(completion, set.answerPattern), item.answer);
}

const BuiltInQaSet &builtInQaSet(const QString &id) {
    for (const BuiltInQaSet &set : builtInQaSets()) {
        if (set.id == id)
            return set;
    }
    throw Error(QStringLiteral("there is no built-in QA set '%1': choose one of %2")
                    .arg(id, builtInQaSetIds()));
}

QString builtInQaSetIds() {
    QStringList ids;
    for (const BuiltInQaSet &set : builtInQaSets())
        ids.append(set.id);
    return ids.join(QStringLiteral(", "));
}

} // namespace nwc
