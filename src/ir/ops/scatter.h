// Scatter: ELEMENT (ONNX ScatterElements along axis), ND (ONNX ScatterND). Inputs: data, indices, updates.
// reduction: NONE overwrites (the last duplicate wins); SUM/PROD/MAX/MIN combine with the data.
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
    ScatterReduction reduction{ScatterReduction::kNONE};

    template <class V>
    void fields(V& v) {
        v("mode", mode);
        v("axis", axis);
        v("reduction", reduction);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
