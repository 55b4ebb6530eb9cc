// Scatter: ELEMENT (ONNX ScatterElements along axis), ND (ONNX ScatterND). Inputs: data, indices, updates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ScatterOp : OpBase<ScatterOp> {
    static constexpr const char* kName = "Scatter";
    ScatterMode mode{ScatterMode::kELEMENT};
    int64_t axis{0};

    template <class V>
    void fields(V& v) {
        v("mode", mode);
        v("axis", axis);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
