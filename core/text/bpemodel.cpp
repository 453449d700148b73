#include "text/bpemodel.h"

#include "text/utf8.h"

#include <QMutexLocker>
#include <algorithm>

namespace nwc {

namespace {

// Words up to this many bytes are remembered; longer ones are rare and cheap to redo.
constexpr int kMaxCachedWordBytes = 48;
constexpr int kMaxCacheEntries = 1 << 18;

bool isContinuation(unsigned char b) {
    return (b & 0xC0) == 0x80;
}

// One "character" as llama2.c and UTF-8 define it: a byte that is not a continuation byte,
// followed by at most three continuation bytes. Returns its length.
int characterLength(const unsigned char *data, int size, int start) {
    int end = start + 1;
    while (end < size && isContinuation(data[end]) && end - start < 4)
        ++end;
    return end - start;
}

uint32_t packCharacter(const unsigned char *data, int length) {
    uint32_t key = 0;
    for (int i = 0; i < length; ++i)
        key |= uint32_t(data[i]) << (8 * i);
    return key;
}

} // namespace

BpeModel::BpeModel() {
    std::fill(std::begin(m_byteIds), std::end(m_byteIds), -1);
    std::fill(std::begin(m_fallbackIds), std::end(m_fallbackIds), -1);
}

void BpeModel::addToken(const QByteArray &bytes, int32_t id) {
    if (!m_vocab.contains(bytes))
        m_vocab.insert(bytes, id);
    if (id >= 0) {
        if (size_t(id) >= m_idBytes.size())
            m_idBytes.resize(size_t(id) + 1);
        m_idBytes[size_t(id)] = bytes;
    }
}

void BpeModel::reserve(int tokens, int merges) {
    m_vocab.reserve(tokens);
    m_idBytes.reserve(size_t(tokens));
    m_merges.reserve(size_t(merges));
}

int32_t BpeModel::tokenId(const QByteArray &bytes) const {
    return m_vocab.value(bytes, -1);
}

void BpeModel::addMerge(int32_t left, int32_t right, int32_t merged, int32_t rank) {
    m_merges.emplace(pairKey(left, right), Merge{rank, merged});
}

void BpeModel::setAlphabet(Alphabet alphabet) {
    m_alphabet = alphabet;
    clearCache();
}

void BpeModel::setByteFallback(bool enabled) {
    m_byteFallback = enabled;
    clearCache();
}

void BpeModel::setIgnoreMerges(bool enabled) {
    m_ignoreMerges = enabled;
    clearCache();
}

void BpeModel::setUnknown(int32_t id, bool fuse) {
    m_unknownId = id;
    m_fuseUnknown = fuse;
    clearCache();
}

void BpeModel::clearCache() {
    QMutexLocker lock(&m_cacheMutex);
    m_cache.clear();
}

void BpeModel::finalize() {
    m_charIds.clear();
    for (auto it = m_vocab.cbegin(); it != m_vocab.cend(); ++it) {
        const QByteArray &bytes = it.key();
        const auto *data = reinterpret_cast<const unsigned char *>(bytes.constData());
        if (bytes.size() == 1)
            m_byteIds[data[0]] = it.value();
        if (!bytes.isEmpty() && bytes.size() <= 4 &&
            characterLength(data, int(bytes.size()), 0) == bytes.size()) {
            const uint32_t key = packCharacter(data, int(bytes.size()));
            auto found = m_charIds.find(key);
            // Equal bytes under two ids: keep the id the vocabulary map kept.
            if (found == m_charIds.end())
                m_charIds.emplace(key, m_vocab.value(bytes));
        }
    }
    static const char hex[] = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b) {
        if (m_fallbackIds[b] >= 0)
            continue;
        const char piece[] = {'<', '0', 'x', hex[b >> 4], hex[b & 15], '>'};
        m_fallbackIds[b] = tokenId(QByteArray(piece, sizeof piece));
    }
    buildJunctions();
    clearCache();
}

void BpeModel::buildJunctions() {
    m_useJunctions = false;
    m_junctions.clear();
    if (m_alphabet != Alphabet::Utf8Chars)
        return;
    m_firstChar.assign(m_idBytes.size(), 0);
    m_lastChar.assign(m_idBytes.size(), 0);
    for (size_t id = 0; id < m_idBytes.size(); ++id) {
        const QByteArray &bytes = m_idBytes[id];
        if (bytes.isEmpty())
            continue;
        // Pieces that are not valid UTF-8 have no well-defined characters: never cut.
        if (!Utf8::isValid(bytes))
            return;
        const QString text = Utf8::decode(bytes);
        m_firstChar[id] = text.at(0).isHighSurrogate() && text.size() > 1
                              ? QChar::surrogateToUcs4(text.at(0), text.at(1))
                              : text.at(0).unicode();
        const qsizetype last = text.size() - 1;
        m_lastChar[id] = text.at(last).isLowSurrogate() && last > 0
                             ? QChar::surrogateToUcs4(text.at(last - 1), text.at(last))
                             : text.at(last).unicode();
    }
    for (const auto &merge : m_merges) {
        const auto left = size_t(merge.first >> 32);
        const auto right = size_t(merge.first & 0xffffffffu);
        if (left >= m_idBytes.size() || right >= m_idBytes.size() || m_idBytes[left].isEmpty() ||
            m_idBytes[right].isEmpty())
            return; // a merge of ids without bytes: cannot reason about it
        m_junctions.insert((uint64_t(m_lastChar[left]) << 32) | m_firstChar[right]);
    }
    m_useJunctions = true;
}

void BpeModel::mergeSegments(std::vector<int32_t> &ids) const {
    const auto crossable = [this](int32_t a, int32_t b) {
        if (size_t(a) >= m_lastChar.size() || size_t(b) >= m_firstChar.size())
            return true;
        return m_junctions.count((uint64_t(m_lastChar[size_t(a)]) << 32) | m_firstChar[size_t(b)]) >
               0;
    };
    std::vector<int32_t> out;
    out.reserve(ids.size());
    std::vector<int32_t> segment;
    size_t start = 0;
    for (size_t i = 1; i <= ids.size(); ++i) {
        if (i < ids.size() && crossable(ids[i - 1], ids[i]))
            continue;
        segment.assign(ids.begin() + std::ptrdiff_t(start), ids.begin() + std::ptrdiff_t(i));
        mergeSymbols(segment);
        out.insert(out.end(), segment.begin(), segment.end());
        start = i;
    }
    ids.swap(out);
}

void BpeModel::pushUnknown(std::vector<int32_t> &ids, bool &lastWasUnknown) const {
    if (m_unknownId < 0)
        return;
    if (!(m_fuseUnknown && lastWasUnknown))
        ids.push_back(m_unknownId);
    lastWasUnknown = true;
}

void BpeModel::initialSymbols(const char *data, int size, std::vector<int32_t> &ids) const {
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    bool lastWasUnknown = false;
    if (m_alphabet == Alphabet::Bytes) {
        for (int i = 0; i < size; ++i) {
            const int32_t id = m_byteIds[bytes[i]];
            if (id >= 0) {
                ids.push_back(id);
                lastWasUnknown = false;
            } else {
                pushUnknown(ids, lastWasUnknown);
            }
        }
        return;
    }
    for (int i = 0; i < size;) {
        const int length = characterLength(bytes, size, i);
        const auto found = m_charIds.find(packCharacter(bytes + i, length));
        if (found != m_charIds.end()) {
            ids.push_back(found->second);
            lastWasUnknown = false;
        } else {
            bool allBytes = m_byteFallback;
            for (int k = 0; allBytes && k < length; ++k)
                allBytes = m_fallbackIds[bytes[i + k]] >= 0;
            if (allBytes) {
                for (int k = 0; k < length; ++k)
                    ids.push_back(m_fallbackIds[bytes[i + k]]);
                lastWasUnknown = false;
            } else {
                pushUnknown(ids, lastWasUnknown);
            }
        }
        i += length;
    }
}

void BpeModel::mergeSymbols(std::vector<int32_t> &ids) const {
    const int32_t n = int32_t(ids.size());
    if (n < 2 || m_merges.empty())
        return;

    struct Symbol {
        int32_t id;
        int32_t prev;
        int32_t next;
    };
    struct Candidate {
        int32_t rank;
        int32_t pos;
        int32_t merged;
    };
    // std heap functions build a max-heap: "less" means lower priority.
    const auto lowerPriority = [](const Candidate &a, const Candidate &b) {
        return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
    };

    std::vector<Symbol> symbols(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i)
        symbols[size_t(i)] = Symbol{ids[size_t(i)], i - 1, i + 1 < n ? i + 1 : -1};

    std::vector<Candidate> heap;
    heap.reserve(size_t(n));
    const auto consider = [&](int32_t pos) {
        const Symbol &left = symbols[size_t(pos)];
        if (left.next < 0)
            return;
        const auto found = m_merges.find(pairKey(left.id, symbols[size_t(left.next)].id));
        if (found == m_merges.end())
            return;
        heap.push_back(Candidate{found->second.rank, pos, found->second.merged});
        std::push_heap(heap.begin(), heap.end(), lowerPriority);
    };
    for (int32_t i = 0; i + 1 < n; ++i)
        consider(i);

    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), lowerPriority);
        const Candidate top = heap.back();
        heap.pop_back();
        Symbol &left = symbols[size_t(top.pos)];
        if (left.id < 0 || left.next < 0)
            continue; // merged away since the candidate was queued
        Symbol &right = symbols[size_t(left.next)];
        const auto found = m_merges.find(pairKey(left.id, right.id));
        if (found == m_merges.end() || found->second.merged != top.merged)
            continue; // the pair at this position changed
        left.id = top.merged;
        left.next = right.next;
        if (right.next >= 0)
            symbols[size_t(right.next)].prev = top.pos;
        right.id = -1;
        if (left.prev >= 0)
            consider(left.prev);
        consider(top.pos);
    }

    ids.clear();
    for (int32_t i = 0; i >= 0; i = symbols[size_t(i)].next)
        ids.push_back(symbols[size_t(i)].id);
}

void BpeModel::encodeWord(const char *data, int size, std::vector<int32_t> &out) const {
    if (size <= 0)
        return;
    if (m_ignoreMerges) {
        const int32_t whole = m_vocab.value(QByteArray::fromRawData(data, size), -1);
        if (whole >= 0) {
            out.push_back(whole);
            return;
        }
    }
    const bool cacheable = size <= kMaxCachedWordBytes;
    if (cacheable) {
        QMutexLocker lock(&m_cacheMutex);
        const auto found = m_cache.constFind(QByteArray::fromRawData(data, size));
        if (found != m_cache.cend()) {
            out.insert(out.end(), found->begin(), found->end());
            return;
        }
    }
    std::vector<int32_t> ids;
    ids.reserve(size_t(size));
    initialSymbols(data, size, ids);
    if (m_useJunctions && ids.size() > 64)
        mergeSegments(ids);
    else
        mergeSymbols(ids);
    out.insert(out.end(), ids.begin(), ids.end());
    if (cacheable) {
        QMutexLocker lock(&m_cacheMutex);
        if (m_cache.size() >= kMaxCacheEntries)
            m_cache.clear();
        m_cache.insert(QByteArray(data, size), std::move(ids));
    }
}

} // namespace nwc
