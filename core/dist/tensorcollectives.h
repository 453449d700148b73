#pragma once
// LibTorch tensors in a ProcessGroup's collectives (core only: includes LibTorch).

#include "dist/processgroup.h"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/types.h>

namespace nwc::dist {

/// What ProcessGroup keeps of c10d.
struct ProcessGroup::Backend {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroup> group;
};

/// Replaces `tensor` (any device and dtype Gloo sums; contiguous) by its sum over the ranks.
void allReduceSum(ProcessGroup &group, torch::Tensor &tensor, const QString &what);

} // namespace nwc::dist
