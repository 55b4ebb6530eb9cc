// Activation launchers: the Activation op, and the fused epilogues of the matrix-multiply and
// convolution tactics. The formulas are the CPU reference's (backends/cpu/kernels/activation_math.h).
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::cuda {

//! out[i] = act(in[i]) over n contiguous elements of float, half or bf16 (computed in float;
//! double is computed in float too, as the reference does). Returns a cudaError_t
//! (cudaErrorInvalidValue for another type or an unknown activation).
int activation(const void* in, void* out, DataType type, int64_t n, int32_t activationType, float alpha, float beta,
               void* stream);

//! data[i] = act(data[i]) over n contiguous elements on `stream` (a cudaStream_t); activationType
//! is an ActivationType. Returns a cudaError_t.
int activationInPlace(void* data, DataType type, int64_t n, int32_t activationType, float alpha, float beta,
                      void* stream);

//! The convolution's epilogue in one pass: y[i] = act(y[i] + bias[(i / inner) % channels] +
//! residual[i]), computed in float, over n elements of y (float, half or bf16). bias (nullptr:
//! none) may be float, half, bf16 or double; residual (nullptr: none) has y's type;
//! activationType < 0: none. Returns a cudaError_t.
int convEpilogue(void* y, DataType type, int64_t n, const void* bias, DataType biasType, int64_t channels,
                 int64_t inner, const void* residual, int32_t activationType, float alpha, float beta, void* stream);

}  // namespace kiln::cuda
