// N-d pooling over the trailing window.size() dims. MAX_AVERAGE_BLEND = blend*max + (1-blend)*avg.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct PoolingOp : OpBase<PoolingOp> {
    static constexpr const char* kName = "Pooling";
    PoolingType type{PoolingType::kMAX};
    std::vector<int64_t> window, stride, prePadding, postPadding;
    PaddingMode paddingMode{PaddingMode::kEXPLICIT_ROUND_DOWN};
    double blendFactor{0};
    bool averageCountExcludesPadding{true};

    template <class V>
    void fields(V& v) {
        v("type", type);
        v("window", window);
        v("stride", stride);
        v("prePadding", prePadding);
        v("postPadding", postPadding);
        v("paddingMode", paddingMode);
        v("blendFactor", blendFactor);
        v("averageCountExcludesPadding", averageCountExcludesPadding);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
