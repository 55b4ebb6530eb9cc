// Reductions (axes from the attribute before opset 18 — 13 for ReduceSum — and from input 1
// after), ArgMax/ArgMin (TopK with k = 1).
#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

enum class Pre { kNONE, kSQUARE, kABS, kEXP };
enum class Post { kNONE, kSQRT, kLOG };

Outputs reduce(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs, ReduceOperation op,
               int64_t axesInputSince, Pre pre = Pre::kNONE, Post post = Post::kNONE) {
    Tensor* x = &inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    std::vector<int64_t> axes;
    if (ctx.opset() >= axesInputSince) {
        if (inputs.has(1)) axes = inputs.ints(1);
    } else {
        axes = attrs.getInts("axes");
    }
    const bool keep = attrs.getInt("keepdims", 1) != 0;
    if (axes.empty()) {
        if (attrs.getInt("noop_with_empty_axes", 0) != 0) return {ctx.check(ctx.network().addIdentity(*x))->getOutput(0)};
        for (int32_t a = 0; a < rank; ++a) axes.push_back(a);
    }
    switch (pre) {
        case Pre::kSQUARE: x = &elementWise(ctx, *x, *x, ElementWiseOperation::kPROD); break;
        case Pre::kABS: x = &unary(ctx, *x, UnaryOperation::kABS); break;
        case Pre::kEXP: x = &unary(ctx, *x, UnaryOperation::kEXP); break;
        case Pre::kNONE: break;
    }
    // Max and Min of bools (any and all) reduce their uint8 values.
    const bool boolean = x->getType() == DataType::kBOOL && (op == ReduceOperation::kMAX || op == ReduceOperation::kMIN);
    if (boolean) x = &cast(ctx, *x, DataType::kUINT8);
    Tensor* y = ctx.check(ctx.network().addReduce(*x, op, axesMask(axes, rank), keep))->getOutput(0);
    if (boolean) y = &cast(ctx, *y, DataType::kBOOL);
    if (post == Post::kSQRT) y = &unary(ctx, *y, UnaryOperation::kSQRT);
    if (post == Post::kLOG) y = &unary(ctx, *y, UnaryOperation::kLOG);
    return {y};
}

// select_last_index=1 takes the last of equal extremes: TopK (which takes the first) on the
// input reversed along the axis, and index = (dim - 1) - index in the reversed input.
Outputs argReduce(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs, TopKOperation op) {
    const int32_t rank = inputs.rank(0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    const bool selectLast = attrs.getInt("select_last_index", 0) != 0;
    Tensor* x = &inputs.tensor(0);
    ShapeScalar last{0};
    if (selectLast) {
        last = apply(ctx, dimOf(ctx, *x, axis), {1}, ElementWiseOperation::kSUB);
        std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
        for (int32_t a = 0; a < rank; ++a) size[a] = dimOf(ctx, *x, a);
        start[axis] = last;
        std::vector<int64_t> stride(rank, 1);
        stride[axis] = -1;
        x = &sliceLayer(ctx, *x, start, size, stride);
    }
    TopKLayer* l = ctx.network().addTopK(*x, op, 1, 1u << axis);
    Tensor* indices = &cast(ctx, *ctx.check(l)->getOutput(1), DataType::kINT64);
    if (selectLast) {
        Tensor& lastIndex = reshape(ctx, toShapeTensor(ctx, {last}), std::vector<int64_t>(rank, 1));
        indices = &elementWise(ctx, lastIndex, *indices, ElementWiseOperation::kSUB);
    }
    if (attrs.getInt("keepdims", 1) == 0) {
        Tensor& a = constInt64(ctx, {axis});
        indices = ctx.check(ctx.network().addSqueeze(*indices, a))->getOutput(0);
    }
    return {indices};
}

}  // namespace

KILN_ONNX_IMPORTER(ReduceSum) { return reduce(ctx, inputs, attrs, ReduceOperation::kSUM, 13); }
KILN_ONNX_IMPORTER(ReduceMean) { return reduce(ctx, inputs, attrs, ReduceOperation::kAVG, 18); }
KILN_ONNX_IMPORTER(ReduceMax) { return reduce(ctx, inputs, attrs, ReduceOperation::kMAX, 18); }
KILN_ONNX_IMPORTER(ReduceMin) { return reduce(ctx, inputs, attrs, ReduceOperation::kMIN, 18); }
KILN_ONNX_IMPORTER(ReduceProd) { return reduce(ctx, inputs, attrs, ReduceOperation::kPROD, 18); }
KILN_ONNX_IMPORTER(ReduceSumSquare) {
    return reduce(ctx, inputs, attrs, ReduceOperation::kSUM, 18, Pre::kSQUARE);
}
KILN_ONNX_IMPORTER(ReduceL1) { return reduce(ctx, inputs, attrs, ReduceOperation::kSUM, 18, Pre::kABS); }
KILN_ONNX_IMPORTER(ReduceL2) {
    return reduce(ctx, inputs, attrs, ReduceOperation::kSUM, 18, Pre::kSQUARE, Post::kSQRT);
}
KILN_ONNX_IMPORTER(ReduceLogSum) {
    return reduce(ctx, inputs, attrs, ReduceOperation::kSUM, 18, Pre::kNONE, Post::kLOG);
}
KILN_ONNX_IMPORTER(ReduceLogSumExp) {
    return reduce(ctx, inputs, attrs, ReduceOperation::kSUM, 18, Pre::kEXP, Post::kLOG);
}
KILN_ONNX_IMPORTER(ArgMax) { return argReduce(ctx, inputs, attrs, TopKOperation::kMAX); }
KILN_ONNX_IMPORTER(ArgMin) { return argReduce(ctx, inputs, attrs, TopKOperation::kMIN); }

}  // namespace kiln::onnximport
