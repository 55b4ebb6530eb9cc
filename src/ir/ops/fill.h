// Fill: LINSPACE (alpha + beta * linear index per axis, as TensorRT: start + delta . index),
// RANDOM_UNIFORM in [alpha, beta), RANDOM_NORMAL (mean alpha, stddev beta). Optional inputs:
// 0 shape, 1 alpha, 2 beta.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct FillOp : OpBase<FillOp> {
    static constexpr const char* kName = "Fill";
    FillOperation op{FillOperation::kLINSPACE};
    std::vector<int64_t> dims;
    double alpha{0};
    double beta{1};
    DataType outputType{DataType::kFLOAT};
    int64_t seed{0};

    template <class V>
    void fields(V& v) {
        v("op", op);
        v("dims", dims);
        v("alpha", alpha);
        v("beta", beta);
        v("outputType", outputType);
        v("seed", seed);
    }
    void inferShapes(InferContext& ctx) const override;
    std::optional<std::vector<DimExpr>> linspaceValues(const InferContext& ctx, const Shape& shape) const;
    bool isShapeInput(int32_t index) const override { return index == 0; }
};

}  // namespace kiln::ir
