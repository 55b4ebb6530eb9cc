// Cumulative sum or product along the axis given by input 1 (a scalar).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct CumulativeOp : OpBase<CumulativeOp> {
    static constexpr const char* kName = "Cumulative";
    CumulativeOperation op{CumulativeOperation::kSUM};
    bool exclusive{false};
    bool reverse{false};

    template <class V>
    void fields(V& v) {
        v("op", op);
        v("exclusive", exclusive);
        v("reverse", reverse);
    }
    void inferShapes(InferContext& ctx) const override;
    bool isShapeInput(int32_t index) const override { return index == 1; }
};

}  // namespace kiln::ir
