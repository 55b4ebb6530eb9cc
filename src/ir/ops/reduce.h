// Reduction over the listed axes (may be negative).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ReduceOp : OpBase<ReduceOp> {
    static constexpr const char* kName = "Reduce";
    ReduceOperation op{ReduceOperation::kSUM};
    std::vector<int64_t> axes;
    bool keepDims{true};

    template <class V>
    void fields(V& v) {
        v("op", op);
        v("axes", axes);
        v("keepDims", keepDims);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
