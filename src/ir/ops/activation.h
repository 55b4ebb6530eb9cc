// Activation functions with TensorRT's alpha/beta meanings (see docs/ops.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ActivationOp : OpBase<ActivationOp> {
    static constexpr const char* kName = "Activation";
    ActivationType type{ActivationType::kRELU};
    double alpha{0};
    double beta{0};

    template <class V>
    void fields(V& v) {
        v("type", type);
        v("alpha", alpha);
        v("beta", beta);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
