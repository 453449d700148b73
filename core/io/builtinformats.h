#pragma once
// The checkpoint formats io implements itself. Core-internal.

namespace nwc {

class CheckpointRegistry;

/// Adds, in this order: Hugging Face model directory (also reached through its config.json or
/// model.safetensors.index.json), single .safetensors file, llama2.c .bin file.
void addBuiltinFormats(CheckpointRegistry &registry);

} // namespace nwc
