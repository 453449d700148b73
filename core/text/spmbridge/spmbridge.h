#pragma once
// C interface of the SentencePiece bridge module (libnwc_spm_bridge.so).
//
// Debian's libsentencepiece embeds and exports its own copy of protobuf, which clashes with the
// libprotobuf that LibTorch loads: whichever comes first in the global symbol scope breaks the
// other. The bridge is therefore a separate module that links libsentencepiece and is loaded at
// run time with RTLD_LOCAL | RTLD_DEEPBIND, so its protobuf symbols never meet LibTorch's.
// Only plain C types cross this boundary.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Receives bytes (error text, a piece, decoded text) from the bridge.
typedef void (*NwcSpmBytesSink)(void *context, const char *data, size_t size);
/// Receives token ids from the bridge.
typedef void (*NwcSpmIdsSink)(void *context, const int *ids, size_t count);

/// Loads a tokenizer.model; returns an opaque handle, or null after writing the reason to error.
void *nwcSpmLoad(const char *path, NwcSpmBytesSink error, void *context);
/// Frees a handle from nwcSpmLoad.
void nwcSpmFree(void *handle);
/// Number of pieces.
int nwcSpmPieceSize(const void *handle);
/// Writes piece `id` to sink.
void nwcSpmIdToPiece(const void *handle, int id, NwcSpmBytesSink sink, void *context);
/// Score of piece `id`.
float nwcSpmScore(const void *handle, int id);
/// Bit flags of piece `id`: 1 control, 2 unknown, 4 byte, 8 unused.
int nwcSpmFlags(const void *handle, int id);
/// bos / eos ids (-1 when absent).
int nwcSpmBosId(const void *handle);
int nwcSpmEosId(const void *handle);
/// Encodes UTF-8 text; returns 0 on success, else writes the reason to error.
int nwcSpmEncode(const void *handle, const char *text, size_t size, NwcSpmIdsSink ids,
                 NwcSpmBytesSink error, void *context);
/// Decodes ids; returns 0 on success (text to sink), else writes the reason to error.
int nwcSpmDecode(const void *handle, const int *ids, size_t count, NwcSpmBytesSink text,
                 NwcSpmBytesSink error, void *context);

#ifdef __cplusplus
}
#endif
