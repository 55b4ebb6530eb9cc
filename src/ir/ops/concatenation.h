// Concatenation along one axis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ConcatenationOp : OpBase<ConcatenationOp> {
    static constexpr const char* kName = "Concatenation";
    int64_t axis{0};

    template <class V>
    void fields(V& v) { v("axis", axis); }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
