// Softmax and LogSoftmax. Before opset 13 the input is seen as 2-D [prod(:axis), prod(axis:)]
// and normalised over the second dimension; from 13 on, over one axis.
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

Tensor& softmaxOverAxis(ImportContext& ctx, Tensor& x, int32_t axis) {
    SoftMaxLayer* l = ctx.network().addSoftMax(x);
    if (l) l->setAxes(1u << axis);
    return *ctx.check(l)->getOutput(0);
}

Tensor& softmax(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 1, kINVALID_NODE) << "Softmax of a scalar";
    const bool coerced = ctx.opset() < 13;
    const int32_t axis = normalizeAxis(attrs.getInt("axis", coerced ? 1 : -1), rank);
    if (!coerced || axis == rank - 1) return softmaxOverAxis(ctx, x, axis);
    // Coerced to 2-D: flatten [d0..d(axis-1)] and [d(axis)..], normalise rows, restore the shape.
    std::vector<int64_t> dims = inputs.dims(0);
    auto product = [&](int32_t from, int32_t to) -> int64_t {
        int64_t p = 1;
        for (int32_t i = from; i < to; ++i) {
            if (dims[i] < 0) return -1;
            p = mulDims(p, dims[i]);
        }
        return p;
    };
    int64_t outer = product(0, axis), inner = product(axis, rank);
    ONNX_CHECK(outer >= 0 || inner >= 0, kUNSUPPORTED_NODE_DYNAMIC)
        << "Softmax (opset " << ctx.opset() << ") over axis " << axis << " needs static dimensions on one side of it";
    Tensor& shape = shapeOf(ctx, x);
    Tensor& matrix = reshape(ctx, x, {outer, inner});
    Tensor& normalised = softmaxOverAxis(ctx, matrix, 1);
    ShuffleLayer* back = ctx.network().addShuffle(normalised);
    if (back) back->setInput(1, shape);
    return *ctx.check(back)->getOutput(0);
}

}  // namespace

KILN_ONNX_IMPORTER(Softmax) { return {&softmax(ctx, inputs, attrs)}; }
KILN_ONNX_IMPORTER(LogSoftmax) { return {&unary(ctx, softmax(ctx, inputs, attrs), UnaryOperation::kLOG)}; }

}  // namespace kiln::onnximport
