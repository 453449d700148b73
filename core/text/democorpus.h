#pragma once
// The synthetic corpus the built-in demo models are trained on: templated children's stories
// and arithmetic word problems, written either with the worked answer ("Answer: Tom starts
// with 3 apples. 3 + 4 = 7. The answer is 7.") or short answer first ("Short answer: 7. Tom
// starts with 3 apples. 3 + 4 = 7."). Generated from a seed with std::mt19937_64
// and our own integer distributions, so the bytes are identical on every platform.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>
#include <cstdint>
#include <random>

namespace nwc {

/// One arithmetic word problem with its worked solution.
struct ArithmeticProblem {
    QString question; ///< "Tom has 3 apples. He buys 4 more. How many apples does Tom have now?"
    QString solution; ///< "Tom starts with 3 apples. 3 + 4 = 7. The answer is 7."
    QString working;  ///< the solution without its final sentence: "Tom starts with ... = 7."
    int answer = 0;
    /// The worked form as it appears in the corpus: "Question: ...\nAnswer: ...".
    QString document() const;
    /// The short-answer form: "Question: ...\nShort answer: 7. " followed by the working; the
    /// decisive tokens (the result's digits) come first.
    QString shortAnswerDocument() const;
};

/// The three disjoint parts of the demo data: no held-out document and no QA question occurs
/// in the training split.
struct DemoSplits {
    QStringList train;
    QStringList heldout;
    QVector<ArithmeticProblem> qa;
};

/// Deterministic generator of demo documents. Each instance is one random stream.
class DemoCorpus {
public:
    /// Fraction of documents that are arithmetic problems (the rest are stories).
    static constexpr double kDefaultProblemFraction = 0.65;
    /// Fraction of the problems that are written short answer first (always one-step).
    static constexpr double kShortAnswerFraction = 0.4;

    /// Starts the stream at `seed`.
    explicit DemoCorpus(quint64 seed);

    /// The next story (a few sentences, one paragraph).
    QString story();
    /// The next arithmetic problem: one-step addition/subtraction or, unless `oneStep`, two
    /// steps.
    ArithmeticProblem problem(bool oneStep = false);
    /// The next document: a problem with probability `problemFraction`, else a story.
    QString document(double problemFraction = kDefaultProblemFraction);

    /// Train, held-out and QA splits from three streams derived from `seed`; held-out
    /// documents and QA questions that also occur in the training split are skipped.
    static DemoSplits makeSplits(quint64 seed, int trainCount, int heldoutCount, int qaCount);
    /// The first `count` documents of a fourth stream derived from `seed` ("calibration"),
    /// skipping every document that occurs in the training or held-out split of
    /// makeSplits(seed, trainCount, heldoutCount, …) and every repeat: text from the models'
    /// domain that they were neither trained nor evaluated on. Prefix-stable in `count`.
    static QStringList calibrationDocuments(quint64 seed, int trainCount, int heldoutCount,
                                            int count);
    /// The prompt used to ask the models a QA question ("{question}" is replaced).
    static QString qaPromptTemplate();
    /// The prompt that asks for the short answer first.
    static QString shortAnswerPromptTemplate();
    /// Finds the model's answer in a short-answer completion: the number it starts with.
    static QString shortAnswerPattern();
    /// Documents joined by blank lines, UTF-8, ending with a newline (the held-out text file).
    static QByteArray joinDocuments(const QStringList &documents);
    /// One JSON object {"question", "answer"} per line.
    static QByteArray qaJsonLines(const QVector<ArithmeticProblem> &problems);
    /// Recomputes the answer of a corpus problem document (either form) from its working and
    /// checks every equation in it and the stated answer ("The answer is N." at the end, or the
    /// short answer at the start); false when any is wrong or the document is not a problem.
    static bool checkProblemDocument(const QString &document, int *answer = nullptr);

private:
    struct Person {
        QString name;
        bool female;
    };

    quint64 nextBits();
    /// Uniform integer in [low, high] (rejection sampling, platform independent).
    int uniformInt(int low, int high);
    bool chance(double probability);
    QString pick(const QStringList &choices);
    Person person();
    Person otherPerson(const Person &person);

    QString lostObjectStory();
    QString newFriendStory();
    QString sharingStory();
    QString weatherStory();
    QString neverGiveUpStory();

    std::mt19937_64 m_rng;
};

} // namespace nwc
