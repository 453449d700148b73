#pragma once
// The built-in held-out arithmetic QA set of the collaborative benchmark: problems from the demo
// corpus generator (DemoCorpus::problem) drawn from a stream of their own, with every question
// that occurs in the demo models' training split (or in the demo's arithmetic_qa.jsonl) skipped.
// Torch-free.

#include "text/democorpus.h"

#include <QSet>
#include <QString>
#include <QVector>

namespace nwc {

/// How resources/demo/collab_heldout_qa.jsonl was made.
struct HeldOutArithmeticRecipe {
    quint64 trainSeed = 20240611;               ///< the seed `nwc train-demo` used
    int trainDocuments = 60000;                 ///< its training split size
    quint64 streamSeed = 0x636f6c6c61622d31ULL; ///< "collab-1": this set's own stream
    int count = 250;
};

/// The questions of the training split that `nwc train-demo --seed trainSeed` generates.
QSet<QString> demoTrainingQuestions(quint64 trainSeed, int trainDocuments);

/// `count` distinct problems from DemoCorpus(streamSeed) whose questions are neither in
/// `excluded` nor repeated.
QVector<ArithmeticProblem> heldOutArithmetic(const HeldOutArithmeticRecipe &recipe,
                                             const QSet<QString> &excluded);

} // namespace nwc
