#include "decode/heldoutarithmetic.h"

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
        const ArithmeticProblem problem = stream.problem();
        if (excluded.contains(problem.question) || taken.contains(problem.question))
            continue;
        taken.insert(problem.question);
        problems.append(problem);
    }
    return problems;
}

} // namespace nwc
