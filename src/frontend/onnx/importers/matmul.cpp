// MatMul (numpy semantics, 1-D operands as vectors) and Gemm (alpha * A' B' + beta * C).
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

KILN_ONNX_IMPORTER(MatMul) {
    auto op = [&](size_t i) { return inputs.rank(i) == 1 ? MatrixOperation::kVECTOR : MatrixOperation::kNONE; };
    MatrixMultiplyLayer* l = ctx.network().addMatrixMultiply(inputs.tensor(0), op(0), inputs.tensor(1), op(1));
    return {ctx.check(l)->getOutput(0)};
}

KILN_ONNX_IMPORTER(Gemm) {
    ONNX_CHECK(inputs.rank(0) == 2 && inputs.rank(1) == 2, kINVALID_NODE)
        << "Gemm takes 2-D A and B, got ranks " << inputs.rank(0) << " and " << inputs.rank(1);
    const float alpha = attrs.getFloat("alpha", 1.f);
    const float beta = attrs.getFloat("beta", 1.f);
    auto op = [&](const char* attr) {
        return attrs.getInt(attr, 0) ? MatrixOperation::kTRANSPOSE : MatrixOperation::kNONE;
    };
    MatrixMultiplyLayer* l =
        ctx.network().addMatrixMultiply(inputs.tensor(0), op("transA"), inputs.tensor(1), op("transB"));
    Tensor* y = ctx.check(l)->getOutput(0);
    const DataType type = y->getType();
    if (alpha != 1.f) y = &elementWise(ctx, *y, ctx.tensorOf(ImportContext::scalarWeights(type, alpha, 2)),
                                       ElementWiseOperation::kPROD);
    if (inputs.has(2) && beta != 0.f) {
        Tensor* c = &inputs.tensor(2);
        if (beta != 1.f) c = &elementWise(ctx, *c, ctx.tensorOf(ImportContext::scalarWeights(type, beta, inputs.rank(2))),
                                          ElementWiseOperation::kPROD);
        y = &elementWise(ctx, *y, *c, ElementWiseOperation::kSUM);
    }
    return {y};
}

}  // namespace kiln::onnximport
