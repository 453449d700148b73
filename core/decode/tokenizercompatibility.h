#pragma once
// Whether a student and a teacher share a tokenizer, so that their next-token distributions are
// over the same tokens (docs/architecture.md, Collaborative decoding). Torch-free.

#include <QString>

namespace nwc {

class Tokenizer;

/// The first difference between two tokenizers, checked in this order: kind, vocabulary size,
/// the token string at each index, BOS / EOS ids, then the fingerprint (which also covers the
/// merges and special-token flags; vocabularies equal but fingerprints different means the
/// merges or special flags differ). Empty when they are interchangeable.
QString tokenizerDifference(const Tokenizer &student, const Tokenizer &teacher);

/// Throws nwc::Error "the student's and teacher's tokenizers differ: ..." naming the
/// difference (with `studentName` / `teacherName` for context).
void requireCompatibleTokenizers(const Tokenizer &student, const Tokenizer &teacher,
                                 const QString &studentName = QString(),
                                 const QString &teacherName = QString());

} // namespace nwc
