// Batched matrix product with broadcasting of batch dims. kTRANSPOSE swaps the last two dims;
// kVECTOR treats the input as a batch of vectors (last dim). Optional input 2: a bias added
// along the last output dim (set by the scale-folding pass).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct MatrixMultiplyOp : OpBase<MatrixMultiplyOp> {
    static constexpr const char* kName = "MatrixMultiply";
    MatrixOperation op0{MatrixOperation::kNONE};
    MatrixOperation op1{MatrixOperation::kNONE};
    //! Fused epilogue (set by passes): activation after the product (+ bias input 2); -1 for none.
    int64_t fusedActivation{-1};
    double fusedAlpha{0}, fusedBeta{0};

    template <class V>
    void fields(V& v) {
        v("op0", op0);
        v("op1", op1);
        v("fusedActivation", fusedActivation);
        v("fusedAlpha", fusedAlpha);
        v("fusedBeta", fusedBeta);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
