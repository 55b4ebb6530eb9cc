#include "ir/ops/matrix_multiply.h"

#include "ir/ops/fused_activation.h"

namespace kiln::ir {
namespace {

//! One operand seen as a (batch of) matrix: batch dims, the dims of the product it contributes
//! (rows M or cols N, absent for a vector) and K.
struct Operand {
    Shape batch;
    std::optional<DimExpr> outer;
    DimExpr k;
};

Operand operandOf(const InferContext& ctx, int32_t i, MatrixOperation op, bool isB) {
    const Shape& s = ctx.input(i).shape;
    KILN_SHAPE_CHECK(ctx, !s.empty()) << "MatrixMultiply input " << i << " must have rank >= 1, got a scalar";
    Operand o;
    // A 1-D operand is a vector whatever the op says (numpy matmul).
    if (op == MatrixOperation::kVECTOR || s.size() == 1) {
        o.batch.assign(s.begin(), s.end() - 1);
        o.k = s.back();
        return o;
    }
    o.batch.assign(s.begin(), s.end() - 2);
    const DimExpr& rows = s[s.size() - 2];
    const DimExpr& cols = s.back();
    bool trans = op == MatrixOperation::kTRANSPOSE;
    // A is [M,K] ([K,M] transposed); B is [K,N] ([N,K] transposed).
    bool kIsRows = isB != trans;
    o.k = kIsRows ? rows : cols;
    o.outer = kIsRows ? cols : rows;
    return o;
}

}  // namespace

void MatrixMultiplyOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 2 || ctx.nbInputs() == 3)
        << "MatrixMultiply takes 2 inputs (+ optional bias), got " << ctx.nbInputs();
    const ValueInfo& a = ctx.input(0);
    const ValueInfo& b = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, a.type == b.type)
        << "MatrixMultiply inputs have different types: " << dataTypeName(a.type) << " and " << dataTypeName(b.type);
    KILN_SHAPE_CHECK(ctx, a.type == DataType::kFLOAT || a.type == DataType::kHALF || a.type == DataType::kBF16 ||
                              a.type == DataType::kDOUBLE || a.type == DataType::kINT32)
        << "MatrixMultiply supports float32, float16, bfloat16, float64 and int32, got " << dataTypeName(a.type);
    KILN_SHAPE_CHECK(ctx, fusedActivation < 0 || isFusableActivation(fusedActivation))
        << "MatrixMultiply cannot fuse activation type " << fusedActivation
        << " (supported: RELU, LEAKY_RELU, CLIP, SIGMOID, TANH, GELU_ERF, GELU_TANH)";

    Operand oa = operandOf(ctx, 0, op0, false);
    Operand ob = operandOf(ctx, 1, op1, true);
    KILN_SHAPE_CHECK(ctx, !(oa.k.isConst() && ob.k.isConst() && oa.k.value() != ob.k.value()))
        << "MatrixMultiply inner dimensions differ: input 0 " << toString(a.shape) << " gives K=" << oa.k.toString()
        << ", input 1 " << toString(b.shape) << " gives K=" << ob.k.toString() << " (expected equal K)";

    Shape out = broadcastShapes(ctx, oa.batch, ob.batch);
    if (oa.outer) out.push_back(*oa.outer);
    if (ob.outer) out.push_back(*ob.outer);

    if (ctx.hasInput(2)) {
        const ValueInfo& bias = ctx.input(2);
        KILN_SHAPE_CHECK(ctx, bias.type == a.type)
            << "MatrixMultiply bias has type " << dataTypeName(bias.type) << ", expected " << dataTypeName(a.type);
        bool ok = bias.shape.size() <= out.size();
        for (size_t i = 0; ok && i < bias.shape.size(); ++i) {
            const DimExpr& d = bias.shape[bias.shape.size() - 1 - i];
            const DimExpr& o = out[out.size() - 1 - i];
            ok = (d.isConst() && d.value() == 1) || d.equals(o) || !d.isConst() || !o.isConst();
        }
        KILN_SHAPE_CHECK(ctx, ok) << "MatrixMultiply bias " << toString(bias.shape)
                                  << " does not broadcast to the output " << toString(out);
    }
    ctx.setOutput(0, a.type, std::move(out));
}

KILN_REGISTER_OP(MatrixMultiplyOp)

}  // namespace kiln::ir
