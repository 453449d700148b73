#pragma once
// A free TCP port on 127.0.0.1 for a rendezvous on this machine (`nwc launch`, tests).
// Torch-free.

namespace nwc::dist {

/// A port on 127.0.0.1 that was free a moment ago (the kernel picks it). Throws nwc::Error when
/// no socket can be bound.
int freeLoopbackPort();

} // namespace nwc::dist
