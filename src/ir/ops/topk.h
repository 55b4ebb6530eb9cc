// TopK along one axis: outputs values and int32 indices, sorted; ties keep the lower index.
// Input 1 (optional): k as a scalar tensor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct TopKOp : OpBase<TopKOp> {
    static constexpr const char* kName = "TopK";
    TopKOperation op{TopKOperation::kMAX};
    int64_t k{1};
    int64_t axis{-1};

    template <class V>
    void fields(V& v) {
        v("op", op);
        v("k", k);
        v("axis", axis);
    }
    void inferShapes(InferContext& ctx) const override;
    bool isShapeInput(int32_t index) const override { return index == 1; }
};

}  // namespace kiln::ir
