// Identity: a copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct IdentityOp : OpBase<IdentityOp> {
    static constexpr const char* kName = "Identity";
    template <class V>
    void fields(V&) {}
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
