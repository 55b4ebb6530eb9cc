// Shape: the input's dims as a 1-D int64 tensor (its values are tracked symbolically).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ShapeOp : OpBase<ShapeOp> {
    static constexpr const char* kName = "Shape";
    template <class V>
    void fields(V&) {}
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
