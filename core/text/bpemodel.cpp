#include "text/bpemodel.h"

#include <QMutexLocker>
#include <algorithm>

namespace nwc {

namespace {

// Words up to this many bytes are remembered; longer ones are rare and cheap to redo.
constexpr int kMaxCachedWordBytes = 48;
constexpr int kMaxCacheEntries = 1 << 18;

bool isContinuation(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

// One "character" as llama2.c and UTF-8 define it: a byte that is not a continuation byte,
// followed by at most three continuation bytes. Returns its length.
int characterLength(const unsigned char *data, int size, int start)
{
    int end = start + 1;
    while (end < size && isContinuation(data[end]) && end - start < 4)
        ++end;
    return end - start;
}

uint32_t packCharacter(const unsigned char *data, int length)
{
    uint32_t key = 0;
    for (int i = 0; i < length; ++i)
        key |= uint32_t(data[i]) << (8 * i);
    return key;
}

} // namespace

BpeModel::BpeModel()
{
    std::fill(std::begin(m_byteIds), std::end(m_byteIds), -1);
    std::fill(std::begin(m_fallbackIds), std::end(m_fallbackIds), -1);
}

void BpeModel::addToken(const QByteArray &bytes, int32_t id)
{
    if (!m_vocab.contains(bytes))
        m_vocab.insert(bytes, id);
}

int32_t BpeModel::tokenId(const QByteArray &bytes) const
{
    return m_vocab.value(bytes, -1);
}

void BpeModel::addMerge(int32_t left, int32_t right, int32_t merged, int32_t rank)
{
    m_merges.emplace(pairKey(left, right), Merge{rank, merged});
}

void BpeModel::setUnknown(int32_t id, bool fuse)
{
    m_unknownId = id;
    m_fuseUnknown = fuse;
}

void BpeModel::finalize()
{
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
    QMutexLocker lock(&m_cacheMutex);
    m_cache.clear();
}

void BpeModel::pushUnknown(std::vector<int32_t> &ids, bool &lastWasUnknown) const
{
    if (m_unknownId < 0)
        return;
    if (!(m_fuseUnknown && lastWasUnknown))
        ids.push_back(m_unknownId);
    lastWasUnknown = true;
}

void BpeModel::initialSymbols(const char *data, int size, std::vector<int32_t> &ids) const
{
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

void BpeModel::mergeSymbols(std::vector<int32_t> &ids) const
{
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

void BpeModel::encodeWord(const char *data, int size, std::vector<int32_t> &out) const
{
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
