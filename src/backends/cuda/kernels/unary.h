// Unary launcher: the UnaryOperations over contiguous elements, with the CPU reference's types
// and semantics (backends/cpu/kernels/unary.cpp).
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::cuda {

//! Whether unary() implements operation `op` (a UnaryOperation) on input type `type`.
bool unarySupports(int32_t op, DataType type);

//! out[i] = op(in[i]) for n elements; ISINF/ISNAN write bool. Returns a cudaError_t
//! (cudaErrorInvalidValue for a pair unarySupports() refuses).
int unary(int32_t op, DataType type, const void* in, void* out, int64_t n, void* stream);

}  // namespace kiln::cuda
