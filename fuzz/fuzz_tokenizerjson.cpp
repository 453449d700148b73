// Fuzz target: Hugging Face tokenizer.json (core/text/tokenizerjsonreader and the normalizer,
// pre-tokenizer, decoder and BPE model it builds). The input is the file's bytes; a tokenizer
// that loads encodes and decodes a few fixed texts (plain, Unicode, special-token-like, byte
// fallback), as the workbench does right after loading one.

#include "fuzzsupport.h"

#include "text/bpetokenizer.h"
#include "text/jsonfile.h"
#include "text/tokenizerjsonreader.h"

#include <QJsonObject>

namespace {

constexpr size_t kMaxInputBytes = 1 << 17;

const char *const kTexts[] = {
    "Hello world! It's 2024, isn't it?  \n\tTabs, digits 1234567 and a-b_c.",
    "<s>Once upon a time</s><|endoftext|><|begin_of_text|> <unk>[CLS]",
    "\xc3\xa9t\xc3\xa9 \xe2\x96\x81 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 \xcc\x81",
    "\x01\x7f \xef\xbf\xbd  trailing   spaces   ",
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > kMaxInputBytes)
        return 0;
    const QByteArray bytes = nwc::fuzz::inputBytes(data, size);
    nwc::fuzz::expectOnlyNwcErrors([&] {
        const QString path = QStringLiteral("tokenizer.json");
        const QJsonObject root = nwc::JsonFile::parseObject(bytes, path);
        const std::unique_ptr<nwc::BpeTokenizer> tokenizer =
            nwc::TokenizerJsonReader::fromJson(root, path, QString());
        const int vocabulary = tokenizer->vocabSize();
        nwc::fuzz::require(vocabulary >= 0, "negative vocabulary size");
        for (const char *text : kTexts) {
            for (const bool special : {false, true}) {
                const std::vector<int32_t> ids =
                    tokenizer->encode(QByteArray(text), special, special);
                for (const int32_t id : ids) {
                    nwc::fuzz::require(id >= 0, "encode() produced a negative id");
                    (void)tokenizer->tokenText(id);
                }
                (void)tokenizer->decode(ids, special);
            }
        }
        (void)tokenizer->decode({-1, 0, 1, vocabulary - 1, vocabulary, 1 << 30});
        nwc::fuzz::require(tokenizer->fingerprint().size() == 32, "no SHA-256 fingerprint");
    });
    return 0;
}
