// Resize's taps: for each output coordinate of an axis, the input indices and weights that
// make it (nearest: 1, linear: 2, cubic: 4, antialiased: as many as the widened filter
// covers). The reference kernel and the CUDA one both sum over these, so they agree by
// construction on every mode and coordinate transformation.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/cpu/kernels/resize_coords.h"
#include "ir/ops/resize.h"

namespace kiln::cpu::resize {

//! The one tap of an output coordinate outside the input under kTF_CROP_AND_RESIZE: the
//! element takes the extrapolation value.
constexpr Tap kExtrapolated{-1, 0.0};

//! The taps of every output coordinate of one axis (index -1: extrapolated).
std::vector<std::vector<Tap>> axisTaps(const ir::ResizeOp& op, int64_t inLen, int64_t outLen, double scale,
                                       int32_t axis);

}  // namespace kiln::cpu::resize
