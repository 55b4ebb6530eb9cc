// ReverseSequence (GatherElements along the time axis with per-batch reversed indices) and
// Compress (Gather of the true positions: listed at import for a constant condition, NonZero's
// otherwise). CenterCropPad is in center_crop_pad.cpp.
#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

// out[b, t] = data[b, len_b - 1 - t] for t < len_b, else data[b, t].
KILN_ONNX_IMPORTER(ReverseSequence) {
    Tensor& data = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 2, kINVALID_NODE) << "ReverseSequence takes rank 2 or more, got " << rank;
    const int64_t batchAxis = attrs.getInt("batch_axis", 1), timeAxis = attrs.getInt("time_axis", 0);
    ONNX_CHECK((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0), kINVALID_NODE)
        << "batch_axis and time_axis must be 0 and 1 (either order), got " << batchAxis << " and " << timeAxis;
    const int64_t steps = inputs.dims(0)[timeAxis];
    ONNX_CHECK(steps >= 0 && steps <= (int64_t(1) << 22), kUNSUPPORTED_NODE)
        << "ReverseSequence needs a static time dimension of at most 2^22, got " << steps;
    // Time positions shaped along the time axis of a [b, t] (or [t, b]) pair.
    std::vector<int64_t> t(steps);
    for (int64_t k = 0; k < steps; ++k) t[k] = k;
    Tensor& time = ctx.tensorOf(ImportContext::int64Weights(t, timeAxis == 0 ? std::vector<int64_t>{steps, 1}
                                                                              : std::vector<int64_t>{1, steps}));
    Tensor& lens1 = cast(ctx, inputs.tensor(1), DataType::kINT64);
    Tensor& lens = unsqueeze(ctx, lens1, {timeAxis == 0 ? 0 : 1});
    Tensor& reversed = elementWise(ctx, elementWise(ctx, lens, ctx.tensorOf(ImportContext::scalarWeights(
                                                                     DataType::kINT64, 1.0, 2)),
                                                    ElementWiseOperation::kSUB),
                                   time, ElementWiseOperation::kSUB);
    Tensor& inside = elementWise(ctx, time, lens, ElementWiseOperation::kLESS);
    Tensor* index = &select(ctx, inside, reversed, time);
    // Broadcast to the data's shape: trailing axes, then + zeros of that shape.
    std::vector<int64_t> trailing;
    for (int32_t a = 2; a < rank; ++a) trailing.push_back(a);
    if (!trailing.empty()) index = &unsqueeze(ctx, *index, trailing);
    Tensor& zeros = filled(ctx, shapeOf(ctx, data), rank, DataType::kINT64, 0.0);
    Tensor& full = elementWise(ctx, *index, zeros, ElementWiseOperation::kSUM);
    GatherLayer* g = ctx.check(ctx.network().addGatherV2(data, full, GatherMode::kELEMENT));
    g->setGatherAxis(static_cast<int32_t>(timeAxis));
    return {g->getOutput(0)};
}

KILN_ONNX_IMPORTER(Compress) {
    Tensor* x = &inputs.tensor(0);
    int32_t axis = 0;
    if (attrs.has("axis")) {
        axis = normalizeAxis(attrs.getInt("axis", 0), inputs.rank(0));
    } else {
        x = &reshape(ctx, *x, {-1});  // no axis: the flattened input
    }
    ONNX_CHECK(inputs.rank(1) == 1, kINVALID_NODE) << "condition must be 1-D, got rank " << inputs.rank(1);
    Tensor* indices = nullptr;
    if (inputs.at(1).isWeights()) {
        const ir::HostTensor& c = inputs.weights(1);
        std::vector<int64_t> kept;
        for (int64_t i = 0; i < c.numel(); ++i)
            if (c.intAt(i) != 0) kept.push_back(i);
        indices = &ctx.tensorOf(ImportContext::int64Weights(kept));
    } else {
        Tensor* condition = &inputs.tensor(1);
        Tensor& nonZero = *ctx.check(ctx.network().addNonZero(*condition))->getOutput(0);  // [1, count]
        indices = &reshape(ctx, nonZero, {-1});
    }
    // A condition longer than the axis would select past its end; the gather checks each index.
    return {ctx.check(ctx.network().addGather(*x, *indices, axis))->getOutput(0)};
}

}  // namespace kiln::onnximport
