// The reduced-precision pass of GPU builds with kFP16 or kBF16 (reduced_precision.cpp).
#pragma once

#include <memory>

#include "kiln/types.h"
#include "passes/pass.h"

namespace kiln::passes {

//! Runs each layer that a `backend` kernel supports in `type` (kHALF or kBF16) in it.
//! How layer precision constraints bind (BuilderFlag::kOBEY/kPREFER_PRECISION_CONSTRAINTS).
enum class PrecisionConstraints { kNONE, kOBEY, kPREFER };

//! `type`: kHALF or kBF16 when the flags allow reduced precision, kFLOAT for constraints only.
std::unique_ptr<Pass> createReducedPrecisionPass(DeviceType backend, DataType type,
                                                 PrecisionConstraints constraints = PrecisionConstraints::kNONE);

}  // namespace kiln::passes
