// NonZero: int64 [rank, count] indices of the non-zero elements, in row-major order.
// The count depends on the data: a data-dependent dimension bounded by the input size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct NonZeroOp : OpBase<NonZeroOp> {
    static constexpr const char* kName = "NonZero";
    template <class V>
    void fields(V&) {}
    void inferShapes(InferContext& ctx) const override;
    bool hasDataDependentShape() const override { return true; }
};

}  // namespace kiln::ir
