#include "text/addedvocabulary.h"

#include "text/normalizer.h"

namespace nwc {

namespace {

bool isWordCharacter(QChar c) {
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

} // namespace

void AddedVocabulary::Trie::insert(const QString &pattern, int32_t token) {
    if (pattern.isEmpty())
        return;
    if (nodes.empty())
        nodes.emplace_back();
    int32_t node = 0;
    for (const QChar c : pattern) {
        const auto found = nodes[size_t(node)].children.find(c.unicode());
        if (found != nodes[size_t(node)].children.end()) {
            node = found->second;
        } else {
            const int32_t child = int32_t(nodes.size());
            nodes[size_t(node)].children.emplace(c.unicode(), child);
            nodes.emplace_back();
            node = child;
        }
    }
    // The first token with a given content wins, as in Hugging Face.
    if (nodes[size_t(node)].token < 0)
        nodes[size_t(node)].token = token;
}

void AddedVocabulary::add(const Token &token) {
    m_tokens.push_back(token);
}

void AddedVocabulary::finalize(const Normalizer *normalizer) {
    for (Trie &trie : m_tries)
        trie.nodes.clear();
    for (size_t i = 0; i < m_tokens.size(); ++i) {
        const Token &token = m_tokens[i];
        const QString pattern =
            token.normalized && normalizer ? normalizer->apply(token.content) : token.content;
        const int base = token.normalized ? 2 : 0;
        m_tries[base + 1].insert(pattern, int32_t(i));
        if (!token.special)
            m_tries[base].insert(pattern, int32_t(i));
    }
}

void AddedVocabulary::split(const QString &text, bool normalizedTokens, bool parseSpecial,
                            std::vector<Segment> &out) const {
    const Trie &trie = trieFor(normalizedTokens, parseSpecial);
    if (trie.nodes.empty() || text.isEmpty()) {
        if (!text.isEmpty())
            out.push_back(Segment{text, -1, true});
        return;
    }
    const auto &rootChildren = trie.nodes.front().children;
    const qsizetype size = text.size();
    qsizetype textStart = 0; // start of the text not yet emitted
    qsizetype i = 0;
    while (i < size) {
        const auto first = rootChildren.find(text.at(i).unicode());
        if (first == rootChildren.end()) {
            ++i;
            continue;
        }
        // Longest token starting at i.
        int32_t node = first->second;
        int32_t bestToken = trie.nodes[size_t(node)].token;
        qsizetype bestEnd = i + 1;
        for (qsizetype j = i + 1; j < size; ++j) {
            const auto &children = trie.nodes[size_t(node)].children;
            const auto next = children.find(text.at(j).unicode());
            if (next == children.end())
                break;
            node = next->second;
            if (trie.nodes[size_t(node)].token >= 0) {
                bestToken = trie.nodes[size_t(node)].token;
                bestEnd = j + 1;
            }
        }
        if (bestToken < 0) {
            ++i;
            continue;
        }
        const Token &token = m_tokens[size_t(bestToken)];
        if (token.singleWord) {
            const bool startOk = i == 0 || !isWordCharacter(text.at(i - 1));
            const bool endOk = bestEnd == size || !isWordCharacter(text.at(bestEnd));
            if (!startOk || !endOk) {
                ++i;
                continue;
            }
        }
        qsizetype matchStart = i;
        qsizetype matchEnd = bestEnd;
        if (token.lstrip)
            while (matchStart > textStart && text.at(matchStart - 1).isSpace())
                --matchStart;
        if (token.rstrip)
            while (matchEnd < size && text.at(matchEnd).isSpace())
                ++matchEnd;
        if (matchStart > textStart)
            out.push_back(Segment{text.mid(textStart, matchStart - textStart), -1, textStart == 0});
        out.push_back(Segment{QString(), token.id, matchStart == 0});
        textStart = matchEnd;
        i = matchEnd;
    }
    if (textStart == 0)
        out.push_back(Segment{text, -1, true});
    else if (textStart < size)
        out.push_back(Segment{text.mid(textStart), -1, false});
}

} // namespace nwc
