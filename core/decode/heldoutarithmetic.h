#pragma once
// The built-in held-out arithmetic QA sets of the collaborative benchmark and the generation
// pane: problems from the demo corpus generator (DemoCorpus::problem) drawn from streams of their
// own, with every question that occurs in the demo models' training split (or in the demo's
// arithmetic_qa.jsonl) skipped. Two sets: "short-answer" (one-step problems answered short answer
// first, so the first tokens decide) and "worked" (the worked answer first, the result 10-16
// tokens in). Torch-free.

#include "lm/qaformat.h"
#include "text/democorpus.h"

#include <QSet>
#include <QString>
#include <QVector>

namespace nwc {

/// How a built-in held-out set was made.
struct HeldOutArithmeticRecipe {
    quint64 trainSeed = 20240611;               ///< the seed `nwc train-demo` used
    int trainDocuments = 60000;                 ///< its training split size
    quint64 streamSeed = 0x636f6c6c61622d31ULL; ///< "collab-1": this set's own stream
    int count = 250;
    bool oneStep = false; ///< only one-step problems (DemoCorpus::problem(true))
};

/// One built-in QA set: the file in resources/demo and how it is asked and answered.
struct BuiltInQaSet {
    QString id;       ///< "short-answer" or "worked" (the CLI's --set)
    QString fileName; ///< in resources/demo
    QString promptTemplate;
    QString answerPattern; ///< QaFormat::answerPattern; empty: the built-in rule
    HeldOutArithmeticRecipe recipe;
    /// A question (index into the file) on which the demo student alone answers wrong and
    /// steered by demo:teacher at the pane's defaults (α 1, N 5, greedy) right: the
    /// generation pane's prompt at a first start and the guided tour's question.
    int showcaseQuestion = 0;
};

/// The built-in sets, the default ("short-answer") first.
const QVector<BuiltInQaSet> &builtInQaSets();
/// The path of file `name` beside the built-in demo models (where demo:teacher resolves).
QString demoModelFile(const QString &name);
/// The path of `set`'s file beside the built-in demo models.
QString builtInQaSetPath(const BuiltInQaSet &set);
/// `set`'s prompt template with `question` filled in.
QString builtInPrompt(const BuiltInQaSet &set, const QString &question);
/// The set's question `index` (0-based) with its template filled in as the prompt; throws
/// nwc::Error when the file cannot be read or has fewer questions.
QaItem builtInQuestion(const BuiltInQaSet &set, int index, QString *prompt = nullptr);
/// Whether `completion` answers `item` right under the set's answer rule.
bool answersBuiltInQuestion(const BuiltInQaSet &set, const QaItem &item, const QString &completion);

/// The set with `id`; throws nwc::Error listing the ids when there is none.
const BuiltInQaSet &builtInQaSet(const QString &id);
/// The ids, comma-separated, for messages and help texts.
QString builtInQaSetIds();

/// The questions of the training split that `nwc train-demo --seed trainSeed` generates.
QSet<QString> demoTrainingQuestions(quint64 trainSeed, int trainDocuments);

/// `count` distinct problems from DemoCorpus(streamSeed) whose questions are neither in
/// `excluded` nor repeated.
QVector<ArithmeticProblem> heldOutArithmetic(const HeldOutArithmeticRecipe &recipe,
                                             const QSet<QString> &excluded);

} // namespace nwc
