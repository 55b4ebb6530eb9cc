// ElementWise (binary, numpy broadcasting) and Select launchers. Each operand comes with its
// broadcast layout over the output's dims (broadcastLayout); the output is dense.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/layout.h"
#include "kiln/types.h"

namespace kiln::cuda {

//! Whether elementWise() implements operation `op` (an ElementWiseOperation) on `type`.
bool elementWiseSupports(int32_t op, DataType type);

//! out = a op b over `n` output elements, on `stream`. Returns a cudaError_t (cudaErrorInvalidValue
//! for an operation/type pair elementWiseSupports() refuses).
int elementWise(int32_t op, DataType type, const void* a, const Layout& la, const void* b, const Layout& lb,
                void* out, int64_t n, void* stream);

//! out = cond ? a : b (cond is bool) for elements of `elementSize` bytes (1, 2, 4 or 8).
int select(const void* cond, const Layout& lc, const void* a, const Layout& la, const void* b, const Layout& lb,
           void* out, int64_t n, size_t elementSize, void* stream);

}  // namespace kiln::cuda
