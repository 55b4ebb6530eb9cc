// Gather: DEFAULT (numpy take), ELEMENT (ONNX GatherElements), ND (ONNX GatherND with
// nbElementWiseDims batch dims). Negative indices count from the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct GatherOp : OpBase<GatherOp> {
    static constexpr const char* kName = "Gather";
    int64_t axis{0};
    GatherMode mode{GatherMode::kDEFAULT};
    int64_t nbElementWiseDims{0};

    template <class V>
    void fields(V& v) {
        v("axis", axis);
        v("mode", mode);
        v("nbElementWiseDims", nbElementWiseDims);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
