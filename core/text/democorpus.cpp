#include "text/democorpus.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace nwc {
namespace {

QStringList list(std::initializer_list<const char *> items) {
    QStringList result;
    result.reserve(int(items.size()));
    for (const char *item : items)
        result.append(QString::fromLatin1(item));
    return result;
}

/// SplitMix64: derives independent stream seeds from one user seed.
quint64 splitMix(quint64 value) {
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

QString capitalized(QString text) {
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

const QStringList &girlNames() {
    static const QStringList names =
        list({"Lily", "Mia", "Anna", "Sara", "Emma", "Lucy", "Zoe", "Ella", "Nora", "Ruby", "Amy",
              "Kim", "Rosa", "Maya", "Ivy", "Grace"});
    return names;
}

const QStringList &boyNames() {
    static const QStringList names =
        list({"Tom", "Ben", "Max", "Sam", "Leo", "Jack", "Tim", "Finn", "Omar", "Noah", "Luke",
              "Dan", "Hugo", "Eli", "Ravi", "Paul"});
    return names;
}

} // namespace

QString ArithmeticProblem::document() const {
    return QStringLiteral("Question: ") + question + QStringLiteral("\nAnswer: ") + solution;
}

QString ArithmeticProblem::shortAnswerDocument() const {
    return QStringLiteral("Question: ") + question + QStringLiteral("\nShort answer: ") +
           QString::number(answer) + QStringLiteral(". ") + working;
}

DemoCorpus::DemoCorpus(quint64 seed)
    : m_rng(seed) {}

quint64 DemoCorpus::nextBits() {
    return m_rng();
}

int DemoCorpus::uniformInt(int low, int high) {
    const quint64 range = quint64(qint64(high) - qint64(low)) + 1;
    // Largest multiple of range that fits: reject above it so every value is equally likely.
    const quint64 limit = ~0ULL - (~0ULL % range);
    quint64 bits = nextBits();
    while (bits >= limit)
        bits = nextBits();
    return int(qint64(low) + qint64(bits % range));
}

bool DemoCorpus::chance(double probability) {
    const double unit = double(nextBits() >> 11) * (1.0 / 9007199254740992.0);
    return unit < probability;
}

QString DemoCorpus::pick(const QStringList &choices) {
    return choices.at(uniformInt(0, int(choices.size()) - 1));
}

DemoCorpus::Person DemoCorpus::person() {
    const bool female = chance(0.5);
    return {pick(female ? girlNames() : boyNames()), female};
}

DemoCorpus::Person DemoCorpus::otherPerson(const Person &person) {
    Person other = this->person();
    while (other.name == person.name)
        other = this->person();
    return other;
}

QString DemoCorpus::story() {
    switch (uniformInt(0, 4)) {
    case 0:
        return lostObjectStory();
    case 1:
        return newFriendStory();
    case 2:
        return sharingStory();
    case 3:
        return weatherStory();
    default:
        return neverGiveUpStory();
    }
}

namespace {

const QStringList &openings() {
    static const QStringList items =
        list({"Once upon a time", "One sunny morning", "One day", "Last summer",
              "One windy afternoon", "Early one morning", "One warm evening", "Long ago"});
    return items;
}

const QStringList &places() {
    static const QStringList items =
        list({"park", "forest", "garden", "beach", "farm", "river", "hill", "village", "meadow",
              "playground", "lake", "zoo"});
    return items;
}

const QStringList &animals() {
    static const QStringList items =
        list({"rabbit", "fox", "dog", "cat", "bird", "duck", "frog", "bear", "mouse", "turtle",
              "squirrel", "owl", "pony", "lamb", "puppy"});
    return items;
}

const QStringList &adjectives() {
    static const QStringList items =
        list({"little", "kind", "happy", "brave", "curious", "small", "clever", "shy", "funny"});
    return items;
}

QString he(bool female) {
    return female ? QStringLiteral("she") : QStringLiteral("he");
}

QString his(bool female) {
    return female ? QStringLiteral("her") : QStringLiteral("his");
}

} // namespace

QString DemoCorpus::lostObjectStory() {
    static const QStringList objects =
        list({"red ball", "blue kite", "toy boat", "yellow hat", "teddy bear", "book",
              "shiny shell", "toy car", "green box", "little drum", "doll", "magic stone"});
    static const QStringList hiding =
        list({"under a big tree", "behind a rock", "near the pond", "in the tall grass",
              "under a bench", "behind a bush", "next to a flower bed", "in a small hole"});
    static const QStringList endings =
        list({"From that day on, they were best friends.",
              "They played together until the sun went down.", "Then they went home for dinner.",
              "It was the best day ever."});
    const Person hero = person();
    const Person helper = otherPerson(hero);
    const QString object = pick(objects);
    const QString place = pick(places());
    QString firstSpot = pick(hiding);
    QString secondSpot = pick(hiding);
    while (secondSpot == firstSpot)
        secondSpot = pick(hiding);
    QString foundSpot = pick(hiding);
    while (foundSpot == firstSpot || foundSpot == secondSpot)
        foundSpot = pick(hiding);
    QString text = pick(openings()) + QStringLiteral(", there was a ") + pick(adjectives()) +
                   (hero.female ? QStringLiteral(" girl named ") : QStringLiteral(" boy named ")) +
                   hero.name + QStringLiteral(". ");
    text += hero.name + QStringLiteral(" loved ") + his(hero.female) + QLatin1Char(' ') + object +
            QStringLiteral(". One day, ") + hero.name + QStringLiteral(" took the ") + object +
            QStringLiteral(" to the ") + place + QStringLiteral(". ");
    text += capitalized(he(hero.female)) + QStringLiteral(" played with it all day. ");
    text += QStringLiteral("Then ") + hero.name + QStringLiteral(" looked around, but the ") +
            object + QStringLiteral(" was gone! ") + hero.name + QStringLiteral(" felt ") +
            pick(list({"sad", "upset", "worried"})) + QStringLiteral(". ");
    text += helper.name + QStringLiteral(" saw ") + hero.name +
            QStringLiteral(" and asked, \"Why are you sad?\" \"I lost my ") + object +
            QStringLiteral(",\" said ") + hero.name +
            QStringLiteral(". \"I will help you,\" said ") + helper.name + QStringLiteral(". ");
    text += QStringLiteral("They looked ") + firstSpot + QStringLiteral(" and ") + secondSpot +
            QStringLiteral(". At last, ") + helper.name + QStringLiteral(" found the ") + object +
            QLatin1Char(' ') + foundSpot + QStringLiteral(". ");
    text += hero.name + QStringLiteral(" was so happy. \"Thank you, ") + helper.name +
            QStringLiteral("!\" ") + he(hero.female) + QStringLiteral(" said. ") + pick(endings);
    return text;
}

QString DemoCorpus::newFriendStory() {
    static const QStringList moods = list({"sad", "scared", "lonely", "tired", "hungry"});
    static const QStringList games =
        list({"tag", "hide and seek", "catch", "a counting game", "with a ball", "in the sand"});
    static const QStringList gifts =
        list({"a pretty leaf", "a round stone", "a feather", "a red berry", "a small flower"});
    const Person hero = person();
    const QString animal = pick(animals());
    const QString place = pick(places());
    const QString mood = pick(moods);
    QString text = pick(openings()) + QStringLiteral(", ") + hero.name +
                   QStringLiteral(" went to the ") + place + QStringLiteral(". ");
    text += QStringLiteral("There ") + he(hero.female) + QStringLiteral(" saw a ") +
            pick(list({"small", "little", "young", "fluffy", "tiny"})) + QLatin1Char(' ') + animal +
            QStringLiteral(". The ") + animal + QStringLiteral(" looked ") + mood +
            QStringLiteral(". ");
    if (mood == QLatin1String("hungry")) {
        text += hero.name + QStringLiteral(" gave the ") + animal +
                QStringLiteral(" some bread, and the ") + animal +
                QStringLiteral(" ate it all up. ");
    } else {
        text += hero.name + QStringLiteral(" said, \"Hello! Do you want to play?\" The ") + animal +
                QStringLiteral(" ") + pick(list({"nodded", "jumped up", "smiled"})) +
                QStringLiteral(". ");
    }
    text += QStringLiteral("They played ") + pick(games) + QStringLiteral(" together. ");
    text += hero.name + QStringLiteral(" and the ") + animal +
            QStringLiteral(" laughed and ran all around the ") + place + QStringLiteral(". ");
    text += QStringLiteral("When it was time to go home, the ") + animal +
            QStringLiteral(" gave ") + hero.name + QLatin1Char(' ') + pick(gifts) +
            QStringLiteral(". ") + hero.name + QStringLiteral(" smiled. ") +
            capitalized(he(hero.female)) + QStringLiteral(" had a new friend.");
    return text;
}

QString DemoCorpus::sharingStory() {
    static const QStringList foods =
        list({"cookies", "apples", "grapes", "cherries", "sandwiches", "candies", "cupcakes"});
    static const QStringList counts = list({"two", "three", "four", "five", "six", "many"});
    static const QStringList spots = list({"under a big tree", "on the soft grass", "by the river",
                                           "on a wooden bench", "near the garden gate"});
    const Person hero = person();
    const Person friendPerson = otherPerson(hero);
    const QString food = pick(foods);
    QString text = hero.name + QStringLiteral(" had ") + pick(counts) + QLatin1Char(' ') + food +
                   QStringLiteral(" in a ") + pick(list({"basket", "bag", "box", "lunch box"})) +
                   QStringLiteral(". ");
    text += capitalized(he(hero.female)) + QStringLiteral(" was about to eat them when ") +
            he(hero.female) + QStringLiteral(" saw ") + friendPerson.name + QStringLiteral(". ");
    text += friendPerson.name + QStringLiteral(" looked hungry and had no ") + food +
            QStringLiteral(". ") + hero.name + QStringLiteral(" thought for a moment. ");
    text += QStringLiteral("Then ") + he(hero.female) + QStringLiteral(" gave ") +
            friendPerson.name + QLatin1Char(' ') + pick(list({"half", "some", "most"})) +
            QStringLiteral(" of the ") + food + QStringLiteral(". ");
    text += friendPerson.name + QStringLiteral(" smiled and said, \"Thank you, ") + hero.name +
            QStringLiteral("!\" They sat ") + pick(spots) + QStringLiteral(" and ate together. ");
    text += hero.name + QStringLiteral(" learned that sharing makes everyone happy.");
    return text;
}

QString DemoCorpus::weatherStory() {
    static const QStringList shelters =
        list({"under a big tree", "into a little hut", "under a bridge", "into a red barn",
              "under an old umbrella"});
    static const QStringList pastimes =
        list({"told funny stories", "sang songs", "counted the raindrops", "played a word game"});
    const Person hero = person();
    const Person friendPerson = otherPerson(hero);
    QString text = pick(openings()) + QStringLiteral(", ") + hero.name + QStringLiteral(" and ") +
                   friendPerson.name + QStringLiteral(" were playing in the ") +
                   pick(list({"park", "garden", "meadow", "playground", "yard", "field"})) +
                   QStringLiteral(". ");
    const bool snow = chance(0.3);
    text += QStringLiteral("Suddenly, dark clouds came and it began to ") +
            (snow ? QStringLiteral("snow") : QStringLiteral("rain")) + QStringLiteral(". ");
    text += QStringLiteral("\"Quick, let's hide!\" said ") + friendPerson.name +
            QStringLiteral(". They ran ") + pick(shelters) + QStringLiteral(". ");
    text += QStringLiteral("They waited and ") + pick(pastimes) + QStringLiteral(". ");
    if (snow) {
        text += QStringLiteral("Soon the ground was white. They built a big snowman with a ") +
                pick(list({"carrot nose", "funny hat", "long scarf"})) + QStringLiteral(". ");
        text += QStringLiteral("\"He looks so happy!\" said ") + hero.name +
                QStringLiteral(". Then they went home to drink warm milk.");
    } else {
        text += QStringLiteral("Soon the rain stopped and the sun came out. They saw a big "
                               "rainbow in the sky. ");
        text += QStringLiteral("\"It is so pretty!\" said ") + hero.name +
                QStringLiteral(". They ran home to tell ") + his(hero.female) + QLatin1Char(' ') +
                pick(list({"mom", "dad", "grandma", "grandpa"})) + QStringLiteral(".");
    }
    return text;
}

QString DemoCorpus::neverGiveUpStory() {
    struct Goal {
        const char *goal;
        const char *failure;
        const char *success;
    };
    static const Goal goals[] = {
        {"fly a kite", "the kite fell down", "made the kite fly high in the sky"},
        {"climb the big tree", "slipped and fell on the grass", "reached the top of the tree"},
        {"ride a bike", "fell off the bike", "rode all the way to the park"},
        {"build a tall tower of blocks", "the tower fell down",
         "built a tower taller than the door"},
        {"swim across the pond", "had to stop in the middle", "swam all the way across"},
        {"bake a cake", "the cake was burnt", "baked a yummy cake"},
        {"jump over the big puddle", "landed in the water", "jumped right over it"},
    };
    const Person hero = person();
    const Goal &goal = goals[uniformInt(0, int(sizeof(goals) / sizeof(goals[0])) - 1)];
    const QString failure = QString::fromLatin1(goal.failure);
    // Failures that name a thing ("the kite fell down") are sentences of their own.
    const bool failureIsSentence = failure.startsWith(QLatin1String("the "));
    QString text = hero.name + QStringLiteral(" wanted to ") + QString::fromLatin1(goal.goal) +
                   QStringLiteral(". ");
    text += QStringLiteral("The first time, ") +
            (failureIsSentence ? failure : he(hero.female) + QLatin1Char(' ') + failure) +
            QStringLiteral(". ");
    text += hero.name + QStringLiteral(" was ") + pick(list({"sad", "upset", "a little sad"})) +
            QStringLiteral(", but ") + he(hero.female) + QStringLiteral(" did not give up. ");
    if (chance(0.5)) {
        const Person helper = otherPerson(hero);
        text += helper.name + QStringLiteral(" said, \"You can do it, ") + hero.name +
                QStringLiteral("!\" ");
    }
    text += capitalized(he(hero.female)) + QStringLiteral(" tried again and again. ");
    text += QStringLiteral("At last, ") + he(hero.female) + QLatin1Char(' ') +
            QString::fromLatin1(goal.success) + QStringLiteral("! ");
    text += hero.name + QStringLiteral(" was very proud. ") + capitalized(he(hero.female)) +
            QStringLiteral(" learned to never give up.");
    return text;
}

ArithmeticProblem DemoCorpus::problem(bool oneStep) {
    static const QStringList objects =
        list({"apples", "books", "balls", "cookies", "shells", "stickers", "flowers", "marbles",
              "pencils", "toy cars", "eggs", "stamps", "cards", "candies", "rocks", "crayons"});
    static const QStringList gains = list({"buys", "finds", "gets", "wins"});
    const Person owner = person();
    const QString object = pick(objects);
    const QString pronoun = capitalized(he(owner.female));
    const auto number = [](int value) { return QString::number(value); };
    ArithmeticProblem result;
    switch (uniformInt(0, oneStep ? 4 : 5)) {
    case 0:
    case 1: {
        const int a = uniformInt(2, 99);
        const int b = uniformInt(2, 99);
        result.answer = a + b;
        result.question = owner.name + QStringLiteral(" has ") + number(a) + QLatin1Char(' ') +
                          object + QStringLiteral(". ") + pronoun + QLatin1Char(' ') + pick(gains) +
                          QLatin1Char(' ') + number(b) + QStringLiteral(" more. How many ") +
                          object + QStringLiteral(" does ") + owner.name +
                          QStringLiteral(" have now?");
        result.solution = owner.name + QStringLiteral(" starts with ") + number(a) +
                          QLatin1Char(' ') + object + QStringLiteral(". ") + number(a) +
                          QStringLiteral(" + ") + number(b) + QStringLiteral(" = ") +
                          number(result.answer) + QStringLiteral(".");
        break;
    }
    case 2: {
        const Person other = otherPerson(owner);
        const int a = uniformInt(2, 99);
        const int b = uniformInt(2, 99);
        result.answer = a + b;
        result.question = owner.name + QStringLiteral(" has ") + number(a) + QLatin1Char(' ') +
                          object + QStringLiteral(". ") + other.name + QStringLiteral(" has ") +
                          number(b) + QLatin1Char(' ') + object + QStringLiteral(". How many ") +
                          object + QStringLiteral(" do they have together?");
        result.solution = owner.name + QStringLiteral(" has ") + number(a) +
                          QStringLiteral(" and ") + other.name + QStringLiteral(" has ") +
                          number(b) + QStringLiteral(". ") + number(a) + QStringLiteral(" + ") +
                          number(b) + QStringLiteral(" = ") + number(result.answer) +
                          QStringLiteral(".");
        break;
    }
    case 3:
    case 4: {
        const int a = uniformInt(10, 99);
        const int b = uniformInt(1, a - 1);
        result.answer = a - b;
        QString loss;
        if (chance(0.5)) {
            loss = QStringLiteral("gives ") + number(b) + QStringLiteral(" to ") +
                   otherPerson(owner).name;
        } else {
            loss = pick(list({"loses", "sells"})) + QLatin1Char(' ') + number(b);
        }
        result.question = owner.name + QStringLiteral(" has ") + number(a) + QLatin1Char(' ') +
                          object + QStringLiteral(". ") + pronoun + QLatin1Char(' ') + loss +
                          QStringLiteral(". How many ") + object + QStringLiteral(" does ") +
                          owner.name + QStringLiteral(" have left?");
        result.solution = owner.name + QStringLiteral(" starts with ") + number(a) +
                          QLatin1Char(' ') + object + QStringLiteral(". ") + number(a) +
                          QStringLiteral(" - ") + number(b) + QStringLiteral(" = ") +
                          number(result.answer) + QStringLiteral(".");
        break;
    }
    default: {
        const int a = uniformInt(2, 60);
        const int b = uniformInt(2, 40);
        const int c = uniformInt(1, a + b - 1);
        const int sum = a + b;
        result.answer = sum - c;
        result.question = owner.name + QStringLiteral(" has ") + number(a) + QLatin1Char(' ') +
                          object + QStringLiteral(". ") + pronoun + QLatin1Char(' ') + pick(gains) +
                          QLatin1Char(' ') + number(b) + QStringLiteral(" more and then gives ") +
                          number(c) + QStringLiteral(" to ") + otherPerson(owner).name +
                          QStringLiteral(". How many ") + object + QStringLiteral(" does ") +
                          owner.name + QStringLiteral(" have now?");
        result.solution = owner.name + QStringLiteral(" starts with ") + number(a) +
                          QLatin1Char(' ') + object + QStringLiteral(". ") + number(a) +
                          QStringLiteral(" + ") + number(b) + QStringLiteral(" = ") + number(sum) +
                          QStringLiteral(". Then ") + number(sum) + QStringLiteral(" - ") +
                          number(c) + QStringLiteral(" = ") + number(result.answer) +
                          QStringLiteral(".");
        break;
    }
    }
    result.working = result.solution;
    result.solution +=
        QStringLiteral(" The answer is ") + number(result.answer) + QStringLiteral(".");
    return result;
}

QString DemoCorpus::document(double problemFraction) {
    if (chance(problemFraction)) {
        if (chance(kShortAnswerFraction))
            return problem(true).shortAnswerDocument();
        return problem().document();
    }
    return story();
}

DemoSplits DemoCorpus::makeSplits(quint64 seed, int trainCount, int heldoutCount, int qaCount) {
    DemoSplits splits;
    DemoCorpus trainStream(splitMix(seed));
    DemoCorpus heldoutStream(splitMix(seed ^ 0x68656c646f7574ULL)); // "heldout"
    DemoCorpus qaStream(splitMix(seed ^ 0x7161ULL));                // "qa"
    QSet<QString> seen;
    QSet<QString> trainQuestions;
    static const QString questionPrefix = QStringLiteral("Question: ");
    splits.train.reserve(trainCount);
    for (int i = 0; i < trainCount; ++i) {
        const QString text = trainStream.document();
        seen.insert(text);
        if (text.startsWith(questionPrefix))
            trainQuestions.insert(text.mid(questionPrefix.size()).section(QLatin1Char('\n'), 0, 0));
        splits.train.append(text);
    }
    while (splits.heldout.size() < heldoutCount) {
        const QString text = heldoutStream.document();
        if (seen.contains(text))
            continue;
        seen.insert(text); // held-out documents are also distinct from each other
        splits.heldout.append(text);
    }
    QSet<QString> qaQuestions;
    while (splits.qa.size() < qaCount) {
        const ArithmeticProblem item = qaStream.problem();
        if (trainQuestions.contains(item.question) || qaQuestions.contains(item.question))
            continue;
        qaQuestions.insert(item.question);
        splits.qa.append(item);
    }
    return splits;
}

QStringList DemoCorpus::calibrationDocuments(quint64 seed, int trainCount, int heldoutCount,
                                             int count) {
    const DemoSplits splits = makeSplits(seed, trainCount, heldoutCount, 0);
    QSet<QString> seen(splits.train.begin(), splits.train.end());
    for (const QString &text : splits.heldout)
        seen.insert(text);
    DemoCorpus stream(splitMix(seed ^ 0x63616c6962ULL)); // "calib"
    QStringList documents;
    documents.reserve(count);
    while (documents.size() < count) {
        const QString text = stream.document();
        if (seen.contains(text))
            continue;
        seen.insert(text);
        documents.append(text);
    }
    return documents;
}

QString DemoCorpus::qaPromptTemplate() {
    return QStringLiteral("Question: {question}\nAnswer:");
}

QString DemoCorpus::shortAnswerPromptTemplate() {
    return QStringLiteral("Question: {question}\nShort answer:");
}

QString DemoCorpus::shortAnswerPattern() {
    return QStringLiteral("^\\s*(-?\\d+)");
}

QByteArray DemoCorpus::joinDocuments(const QStringList &documents) {
    return (documents.join(QStringLiteral("\n\n")) + QLatin1Char('\n')).toUtf8();
}

QByteArray DemoCorpus::qaJsonLines(const QVector<ArithmeticProblem> &problems) {
    QByteArray result;
    for (const ArithmeticProblem &item : problems) {
        QJsonObject object;
        object[QStringLiteral("question")] = item.question;
        object[QStringLiteral("answer")] = QString::number(item.answer);
        result += QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    }
    return result;
}

bool DemoCorpus::checkProblemDocument(const QString &document, int *answer) {
    static const QRegularExpression worked(
        QStringLiteral("^Question: [^\\n]+\\?\\nAnswer: ([^\\n]+) The answer is (\\d+)\\.$"));
    static const QRegularExpression shortFirst(
        QStringLiteral("^Question: [^\\n]+\\?\\nShort answer: (\\d+)\\. ([^\\n]+)$"));
    QRegularExpressionMatch match = worked.match(document);
    int workingGroup = 1;
    int statedGroup = 2;
    if (!match.hasMatch()) {
        match = shortFirst.match(document);
        if (!match.hasMatch())
            return false;
        workingGroup = 2;
        statedGroup = 1;
    }
    static const QRegularExpression equation(QStringLiteral("(\\d+) ([+-]) (\\d+) = (\\d+)"));
    QRegularExpressionMatchIterator it = equation.globalMatch(match.captured(workingGroup));
    int equations = 0;
    int last = -1;
    while (it.hasNext()) {
        const QRegularExpressionMatch step = it.next();
        const int left = step.captured(1).toInt();
        const int right = step.captured(3).toInt();
        const int value = step.captured(2) == QLatin1String("+") ? left + right : left - right;
        if (value != step.captured(4).toInt())
            return false;
        if (equations > 0 && left != last)
            return false; // a second step must continue from the first step's result
        last = value;
        ++equations;
    }
    const int stated = match.captured(statedGroup).toInt();
    if (equations == 0 || stated != last)
        return false;
    if (answer)
        *answer = stated;
    return true;
}

} // namespace nwc
