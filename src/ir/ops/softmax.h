// Softmax along one axis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct SoftMaxOp : OpBase<SoftMaxOp> {
    static constexpr const char* kName = "SoftMax";
    int64_t axis{-1};

    template <class V>
    void fields(V& v) { v("axis", axis); }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
