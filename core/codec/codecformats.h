#pragma once
// Registers the checkpoint formats core/codec implements (.nwc) with io's CheckpointRegistry.
// Torch-free header.

namespace nwc {

/// Adds the .nwc container to CheckpointRegistry::instance(), so Checkpoint::open opens .nwc
/// files as CompressedCheckpoint. Idempotent and thread-safe.
///
/// A program never needs to call it: every executable that links nwc_core_codec (directly or
/// through nwc_core) links the object that calls it before main() — core/CMakeLists.txt makes
/// the linker keep that object. Call it where an explicit registration reads better.
void registerCodecFormats();

} // namespace nwc
