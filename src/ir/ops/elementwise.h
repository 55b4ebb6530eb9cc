// Binary element-wise op with numpy broadcasting. Comparisons give bool; AND/OR/XOR need bool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ElementWiseOp : OpBase<ElementWiseOp> {
    static constexpr const char* kName = "ElementWise";
    ElementWiseOperation op{ElementWiseOperation::kSUM};

    template <class V>
    void fields(V& v) { v("op", op); }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
