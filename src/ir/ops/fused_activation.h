// Which activations a Convolution or MatrixMultiply may carry as a fused epilogue (the CPU
// kernels apply them with backends/cpu/kernels/activation_math.h).
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::ir {

inline bool isFusableActivation(int64_t type) {
    switch (static_cast<ActivationType>(type)) {
        case ActivationType::kRELU:
        case ActivationType::kSIGMOID:
        case ActivationType::kTANH:
        case ActivationType::kLEAKY_RELU:
        case ActivationType::kCLIP:
        case ActivationType::kGELU_ERF:
        case ActivationType::kGELU_TANH:
        case ActivationType::kHARD_SIGMOID:
        case ActivationType::kHARD_SWISH:
            return true;
        default:
            return false;
    }
}

}  // namespace kiln::ir
