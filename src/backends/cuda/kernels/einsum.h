// Einsum on the GPU: one thread per output element sums the products over the summed labels,
// reading each operand through its per-label strides (the plan of backends/cpu/kernels/einsum_plan.h),
// in double for floats and int64 for integers, as the reference does.
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::cuda {

constexpr int kEinsumMaxOperands = 4;
constexpr int kEinsumMaxLabels = 16;

struct EinsumParams {
    int32_t nbOperands{0}, nbLabels{0}, nbOut{0};
    int64_t sizes[kEinsumMaxLabels]{};
    int64_t strides[kEinsumMaxOperands][kEinsumMaxLabels]{};
    const void* operands[kEinsumMaxOperands]{};
    int64_t outCount{1}, sumCount{1};
};

//! float, half, bf16, double, int32 and int64 (every operand and the output of `type`).
bool einsumSupportsType(DataType type);
//! Returns a cudaError_t (cudaErrorInvalidValue for another type).
int launchEinsum(void* out, DataType type, const EinsumParams& p, void* stream);

}  // namespace kiln::cuda
