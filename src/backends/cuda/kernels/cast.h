// Cast launcher with the CPU reference's conversions (backends/cpu/kernels/copy_cast.cpp):
// between float, half, bf16, double, the 8/32/64-bit integers, the unsigned 16/32/64-bit ones
// and bool; and to or from one of those, the narrow types: the 8-bit floats, FP4 and E8M0
// (core/float8.h, shared with the CPU) and INT2/UINT2 (one element per byte). Same-type casts,
// bit casts and Identity are plain copies (the tactic uses cudaMemcpyAsync).
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::cuda {

//! Whether cast() converts `from` to `to`.
bool castSupports(DataType from, DataType to);

//! out[i] = (to) in[i] for n elements. Float to integer truncates toward zero and saturates
//! (NaN gives 0); to bool is != 0; to an 8-bit float saturates or not as `saturate` says;
//! to E8M0 rounds by `e8m0Rounding` (an E8M0RoundingMode). Returns a cudaError_t.
int cast(DataType from, DataType to, const void* in, void* out, int64_t n, void* stream, bool saturate = true,
         int32_t e8m0Rounding = 0);

}  // namespace kiln::cuda
