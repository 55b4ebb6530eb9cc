// OneHot: inputs indices, values [off, on], depth (scalar). Negative indices count from depth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct OneHotOp : OpBase<OneHotOp> {
    static constexpr const char* kName = "OneHot";
    int64_t axis{-1};

    template <class V>
    void fields(V& v) { v("axis", axis); }
    void inferShapes(InferContext& ctx) const override;
    bool isShapeInput(int32_t index) const override { return index == 2; }
};

}  // namespace kiln::ir
