#include "frontend/onnx/importers/compose_util.h"

#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

Tensor& scalarConstant(ImportContext& ctx, DataType type, double value, int32_t rank) {
    const bool direct = type == DataType::kFLOAT || type == DataType::kDOUBLE || type == DataType::kINT32 ||
                        type == DataType::kINT64 || type == DataType::kINT8 || type == DataType::kUINT8 ||
                        type == DataType::kBOOL;
    if (direct) return ctx.tensorOf(ImportContext::scalarWeights(type, value, rank));
    return cast(ctx, ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, value, rank)), type);
}

Tensor& select(ImportContext& ctx, Tensor& condition, Tensor& thenValue, Tensor& elseValue) {
    return *ctx.check(ctx.network().addSelect(condition, thenValue, elseValue))->getOutput(0);
}

Tensor& squeeze(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& axes) {
    return *ctx.check(ctx.network().addSqueeze(x, constInt64(ctx, axes)))->getOutput(0);
}

Tensor& reduce(ImportContext& ctx, Tensor& x, ReduceOperation op, uint32_t axesMask, bool keep) {
    return *ctx.check(ctx.network().addReduce(x, op, axesMask, keep))->getOutput(0);
}

Tensor& reduceAll(ImportContext& ctx, Tensor& x, ReduceOperation op) {
    return reduce(ctx, x, op, trailingAxesMask(0, ctx.rankOf(&x)), false);
}

Tensor& logSoftmax(ImportContext& ctx, Tensor& x, int32_t axis) {
    Tensor& max = reduce(ctx, x, ReduceOperation::kMAX, 1u << axis, true);
    Tensor& shifted = elementWise(ctx, x, max, ElementWiseOperation::kSUB);
    Tensor& sum = reduce(ctx, unary(ctx, shifted, UnaryOperation::kEXP), ReduceOperation::kSUM, 1u << axis, true);
    return elementWise(ctx, shifted, unary(ctx, sum, UnaryOperation::kLOG), ElementWiseOperation::kSUB);
}

uint32_t trailingAxesMask(int32_t first, int32_t rank) {
    uint32_t mask = 0;
    for (int32_t a = first; a < rank; ++a) mask |= 1u << a;
    return mask;
}

bool hasOutput(const ::onnx::NodeProto& node, int i) { return node.output_size() > i && !node.output(i).empty(); }

}  // namespace kiln::onnximport
