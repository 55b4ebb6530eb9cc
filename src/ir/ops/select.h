// Select: out = condition ? then : else, with broadcasting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct SelectOp : OpBase<SelectOp> {
    static constexpr const char* kName = "Select";
    template <class V>
    void fields(V&) {}
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
