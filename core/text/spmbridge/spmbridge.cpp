// The SentencePiece bridge module: thin C wrappers around sentencepiece::SentencePieceProcessor.
#include "spmbridge.h"

#include <sentencepiece_processor.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using Processor = sentencepiece::SentencePieceProcessor;

const Processor *processor(const void *handle) {
    return static_cast<const Processor *>(handle);
}

void writeString(const std::string &text, NwcSpmBytesSink sink, void *context) {
    if (sink)
        sink(context, text.data(), text.size());
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) void *nwcSpmLoad(const char *path, NwcSpmBytesSink error,
                                                        void *context) {
    auto loaded = std::make_unique<Processor>();
    const auto status = loaded->Load(path);
    if (!status.ok()) {
        writeString(status.ToString(), error, context);
        return nullptr;
    }
    return loaded.release();
}

__attribute__((visibility("default"))) void nwcSpmFree(void *handle) {
    delete static_cast<Processor *>(handle);
}

__attribute__((visibility("default"))) int nwcSpmPieceSize(const void *handle) {
    return processor(handle)->GetPieceSize();
}

__attribute__((visibility("default"))) void nwcSpmIdToPiece(const void *handle, int id,
                                                            NwcSpmBytesSink sink, void *context) {
    writeString(processor(handle)->IdToPiece(id), sink, context);
}

__attribute__((visibility("default"))) float nwcSpmScore(const void *handle, int id) {
    return processor(handle)->GetScore(id);
}

__attribute__((visibility("default"))) int nwcSpmFlags(const void *handle, int id) {
    const Processor *p = processor(handle);
    return (p->IsControl(id) ? 1 : 0) | (p->IsUnknown(id) ? 2 : 0) | (p->IsByte(id) ? 4 : 0) |
           (p->IsUnused(id) ? 8 : 0);
}

__attribute__((visibility("default"))) int nwcSpmBosId(const void *handle) {
    return processor(handle)->bos_id();
}

__attribute__((visibility("default"))) int nwcSpmEosId(const void *handle) {
    return processor(handle)->eos_id();
}

__attribute__((visibility("default"))) int nwcSpmEncode(const void *handle, const char *text,
                                                        size_t size, NwcSpmIdsSink ids,
                                                        NwcSpmBytesSink error, void *context) {
    std::vector<int> pieces;
    const auto status = processor(handle)->Encode(std::string_view(text, size), &pieces);
    if (!status.ok()) {
        writeString(status.ToString(), error, context);
        return 1;
    }
    ids(context, pieces.data(), pieces.size());
    return 0;
}

__attribute__((visibility("default"))) int nwcSpmDecode(const void *handle, const int *ids,
                                                        size_t count, NwcSpmBytesSink text,
                                                        NwcSpmBytesSink error, void *context) {
    std::string decoded;
    const auto status = processor(handle)->Decode(std::vector<int>(ids, ids + count), &decoded);
    if (!status.ok()) {
        writeString(status.ToString(), error, context);
        return 1;
    }
    writeString(decoded, text, context);
    return 0;
}

} // extern "C"
