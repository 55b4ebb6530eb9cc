// Einsum with explicit or implicit output (lower-case labels, no ellipsis).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct EinsumOp : OpBase<EinsumOp> {
    static constexpr const char* kName = "Einsum";
    std::string equation;

    template <class V>
    void fields(V& v) { v("equation", equation); }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
