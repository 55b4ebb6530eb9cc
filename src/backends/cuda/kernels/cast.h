// Cast launcher between float, half, bf16, double, int8, uint8, int32, int64 and bool, with the
// CPU reference's conversions (backends/cpu/kernels/copy_cast.cpp). Same-type casts, bit casts
// and Identity are plain copies (the tactic uses cudaMemcpyAsync).
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::cuda {

//! Whether cast() converts `from` to `to` (both among the types above).
bool castSupports(DataType from, DataType to);

//! out[i] = (to) in[i] for n elements. Float to integer truncates toward zero and saturates
//! (NaN gives 0); to bool is != 0. Returns a cudaError_t.
int cast(DataType from, DataType to, const void* in, void* out, int64_t n, void* stream);

}  // namespace kiln::cuda
