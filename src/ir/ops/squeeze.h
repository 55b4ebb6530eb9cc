// Squeeze the axes given by input 1 (each must have size 1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct SqueezeOp : OpBase<SqueezeOp> {
    static constexpr const char* kName = "Squeeze";
    template <class V>
    void fields(V&) {}
    void inferShapes(InferContext& ctx) const override;
    bool isShapeInput(int32_t index) const override { return index == 1; }
};

}  // namespace kiln::ir
