// N-d transposed convolution. Inputs: x [N, C, spatial...], weights [C, K/groups, kernel...], bias [K] (optional).
// Output size per spatial axis: (in - 1) * stride + dilation * (kernel - 1) + 1 - prePadding - postPadding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct DeconvolutionOp : OpBase<DeconvolutionOp> {
    static constexpr const char* kName = "Deconvolution";
    int64_t nbOutputMaps{0};
    std::vector<int64_t> kernelSize, stride, prePadding, postPadding, dilation;
    PaddingMode paddingMode{PaddingMode::kEXPLICIT_ROUND_DOWN};
    int64_t nbGroups{1};

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
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
