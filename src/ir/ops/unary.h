// Unary element-wise op. NOT needs bool; ISINF/ISNAN give bool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct UnaryOp : OpBase<UnaryOp> {
    static constexpr const char* kName = "Unary";
    UnaryOperation op{UnaryOperation::kEXP};

    template <class V>
    void fields(V& v) { v("op", op); }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
