// Unsqueeze: insert size-1 dims at the axes given by input 1 (axes of the output).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct UnsqueezeOp : OpBase<UnsqueezeOp> {
    static constexpr const char* kName = "Unsqueeze";
    template <class V>
    void fields(V&) {}
    void inferShapes(InferContext& ctx) const override;
    bool isShapeInput(int32_t index) const override { return index == 1; }
};

}  // namespace kiln::ir
