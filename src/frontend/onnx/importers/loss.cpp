// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, composed from gathers, selects and
// reductions. Input [N, C, d1..dk], target [N, d1..dk] of class indices:
//   loss[n, d] = -input[n, target[n, d], d] * weight[target[n, d]], 0 where target == ignore_index;
// reduction none keeps that tensor, sum adds it up, mean divides the sum by the sum of the
// weights that were applied (the count of targets not ignored when there is no weight).
#include <string>

#include "frontend/onnx/importers/compose_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

Tensor& negativeLogLikelihood(ImportContext& ctx, Tensor& input, Tensor& target, Tensor* weight,
                              const NodeAttributes& attrs) {
    const std::string reduction = attrs.getString("reduction", "mean");
    ONNX_CHECK(reduction == "none" || reduction == "sum" || reduction == "mean", kUNSUPPORTED_NODE_ATTR)
        << "reduction='" << reduction << "' (expected 'none', 'sum' or 'mean')";
    const int32_t rank = ctx.rankOf(&input);
    const DataType type = input.getType();
    ONNX_CHECK(rank >= 2, kINVALID_NODE) << "input must be [N, C, d1..dk], got rank " << rank;
    ONNX_CHECK(ctx.rankOf(&target) == rank - 1, kINVALID_NODE)
        << "target must be [N, d1..dk] (rank " << rank - 1 << "), got rank " << ctx.rankOf(&target);
    const DataType indexType = target.getType();
    ONNX_CHECK(indexType == DataType::kINT32 || indexType == DataType::kINT64, kINVALID_NODE)
        << "target must be int32 or int64, got " << dataTypeName(indexType);

    // Ignored targets may hold any value (often -1 or past C): gather class 0 for them instead,
    // and zero their loss and weight afterwards.
    Tensor* classes = &target;
    Tensor* ignored = nullptr;
    if (attrs.has("ignore_index")) {
        Tensor& ii = scalarConstant(ctx, indexType, static_cast<double>(attrs.getInt("ignore_index", 0)), rank - 1);
        ignored = &elementWise(ctx, target, ii, ElementWiseOperation::kEQUAL);
        classes = &select(ctx, *ignored, scalarConstant(ctx, indexType, 0, rank - 1), target);
    }
    GatherLayer* g = ctx.network().addGatherV2(input, unsqueeze(ctx, *classes, {1}), GatherMode::kELEMENT);
    if (g) g->setGatherAxis(1);
    Tensor* loss = &unary(ctx, squeeze(ctx, *ctx.check(g)->getOutput(0), {1}), UnaryOperation::kNEG);

    // The weight applied to each element: weight[class], 0 where ignored.
    Tensor* applied = nullptr;
    if (weight) applied = ctx.check(ctx.network().addGather(*weight, *classes, 0))->getOutput(0);
    if (ignored) {
        Tensor& zero = scalarConstant(ctx, type, 0, rank - 1);
        applied = &select(ctx, *ignored, zero, applied ? *applied : scalarConstant(ctx, type, 1, rank - 1));
    }
    if (applied) loss = &elementWise(ctx, *loss, *applied, ElementWiseOperation::kPROD);

    if (reduction == "none") return *loss;
    if (reduction == "sum") return reduceAll(ctx, *loss, ReduceOperation::kSUM);
    if (!applied) return reduceAll(ctx, *loss, ReduceOperation::kAVG);
    // `applied` has the loss's shape (a gather or a select by target), so its sum counts every element.
    Tensor& total = reduceAll(ctx, *loss, ReduceOperation::kSUM);
    return elementWise(ctx, total, reduceAll(ctx, *applied, ReduceOperation::kSUM), ElementWiseOperation::kDIV);
}

}  // namespace

KILN_ONNX_IMPORTER(NegativeLogLikelihoodLoss) {
    Tensor* weight = inputs.has(2) ? &inputs.tensor(2) : nullptr;
    return {&negativeLogLikelihood(ctx, inputs.tensor(0), inputs.tensor(1), weight, attrs)};
}

// The loss of log_softmax(scores) over the classes (axis 1); the second output, if asked for,
// is that log-probability tensor.
KILN_ONNX_IMPORTER(SoftmaxCrossEntropyLoss) {
    ONNX_CHECK(inputs.rank(0) >= 2, kINVALID_NODE) << "scores must be [N, C, d1..dk], got rank " << inputs.rank(0);
    Tensor& logProb = logSoftmax(ctx, inputs.tensor(0), 1);
    Tensor* weight = inputs.has(2) ? &inputs.tensor(2) : nullptr;
    Outputs out{&negativeLogLikelihood(ctx, logProb, inputs.tensor(1), weight, attrs)};
    if (node.output_size() > 1) out.push_back(&logProb);
    return out;
}

}  // namespace kiln::onnximport
