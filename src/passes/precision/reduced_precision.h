// The reduced-precision pass of GPU builds with kFP16 or kBF16 (reduced_precision.cpp).
#pragma once

#include <memory>

#include "kiln/types.h"
#include "passes/pass.h"

namespace kiln::passes {

//! Runs each layer that a `backend` kernel supports in `type` (kHALF or kBF16) in it.
std::unique_ptr<Pass> createReducedPrecisionPass(DeviceType backend, DataType type);

}  // namespace kiln::passes
