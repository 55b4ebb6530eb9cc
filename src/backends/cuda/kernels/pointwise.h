// Scale and Fill launchers (CPU references: backends/cpu/kernels/scale.cpp, fill.cpp).
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::cuda {

//! A coefficient or parameter tensor in device memory; data null when absent.
struct DeviceOperand {
    const void* data{nullptr};
    DataType type{DataType::kFLOAT};
};

//! y = (x * scale[c] + shift[c]) ^ power[c] with c = (i / inner) % count, x and y of `type`
//! (float, half, bf16), coefficients float, half or bf16. Returns a cudaError_t.
int scale(DataType type, const void* x, void* y, int64_t n, int64_t count, int64_t inner, DeviceOperand shift,
          DeviceOperand scale, DeviceOperand power, void* stream);

//! Whether fillTensor() writes `type` (floats and the 8/32/64-bit integers; not bool).
bool fillSupports(DataType type);

//! What a Fill node needs besides its output. alpha and beta come from the attributes unless
//! the optional inputs are there: those are read by the kernel (they live on the device).
struct FillParams {
    int32_t op{0};  //!< a FillOperation
    int32_t rank{0};
    int64_t dims[8]{};
    double alpha{0};
    int64_t alphaInt{0};
    double beta[8]{};  //!< LINSPACE: the delta of each axis; random ops use beta[rank or 1 - 1]
    int64_t betaInt[8]{};
    DeviceOperand alphaInput;  //!< one element
    DeviceOperand betaInput;   //!< LINSPACE over rank > 1: one delta per axis; else one element
    bool betaPerAxis{false};
    uint64_t seed{0};
};

int fillTensor(const FillParams& params, DataType type, void* out, int64_t n, void* stream);

}  // namespace kiln::cuda
