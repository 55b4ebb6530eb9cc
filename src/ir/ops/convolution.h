// N-d convolution. Inputs: x [N, C, spatial...], weights [K, C/groups, kernel...], bias [K] (optional),
// residual (optional, set by the residual fusion): a tensor of the output's shape and type added
// after the bias and before the fused activation: y = act(conv(x, w) + bias + residual).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ConvolutionOp : OpBase<ConvolutionOp> {
    static constexpr const char* kName = "Convolution";
    int64_t nbOutputMaps{0};
    std::vector<int64_t> kernelSize, stride, prePadding, postPadding, dilation;
    PaddingMode paddingMode{PaddingMode::kEXPLICIT_ROUND_DOWN};
    int64_t nbGroups{1};
    //! Fused epilogue (set by the fusion pass): activation applied after bias; -1 for none.
    int64_t fusedActivation{-1};
    double fusedAlpha{0}, fusedBeta{0};

    template <class V>
    void fields(V& v) {
        v("nbOutputMaps", nbOutputMaps);
        v("kernelSize", kernelSize);
        v("stride", stride);
        v("prePadding", prePadding);
        v("postPadding", postPadding);
        v("dilation", dilation);
        v("paddingMode", paddingMode);
        v("nbGroups", nbGroups);
        v("fusedActivation", fusedActivation);
        v("fusedAlpha", fusedAlpha);
        v("fusedBeta", fusedBeta);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
