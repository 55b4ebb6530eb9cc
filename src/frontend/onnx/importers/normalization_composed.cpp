// Normalizations written as small layer recipes: RMSNormalization, GroupNormalization,
// MeanVarianceNormalization, LpNormalization and LRN (local response normalization).
#include <cmath>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

// Y = X / sqrt(mean(X^2 over axis..) + epsilon) * scale, the statistics in stash_type (float).
KILN_ONNX_IMPORTER(RMSNormalization) {
    Tensor& x = inputs.tensor(0);
    const DataType type = x.getType();
    const int32_t rank = inputs.rank(0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", -1), rank);
    const DataType stash = fromOnnxType(static_cast<int32_t>(attrs.getInt("stash_type", 1)), "stash_type");
    Tensor& xs = cast(ctx, x, stash);
    Tensor& meanSquare = reduce(ctx, elementWise(ctx, xs, xs, ElementWiseOperation::kPROD), ReduceOperation::kAVG,
                                trailingAxesMask(axis, rank), true);
    Tensor& eps = scalarConstant(ctx, stash, attrs.getFloat("epsilon", 1e-5f), rank);
    Tensor& rms = unary(ctx, elementWise(ctx, meanSquare, eps, ElementWiseOperation::kSUM), UnaryOperation::kSQRT);
    Tensor& normalized = elementWise(ctx, xs, unary(ctx, rms, UnaryOperation::kRECIP), ElementWiseOperation::kPROD);
    return {&elementWise(ctx, cast(ctx, normalized, type), inputs.tensor(1), ElementWiseOperation::kPROD)};
}

// Statistics per (instance, group of C / num_groups channels) over the channels of the group and
// every spatial axis; scale and bias per channel.
KILN_ONNX_IMPORTER(GroupNormalization) {
    // GroupNormalization-18 (deprecated by 21) took scale and bias per group, not per channel.
    ONNX_CHECK(ctx.opset() >= 21, kUNSUPPORTED_NODE)
        << "GroupNormalization before opset 21 (deprecated; scale and bias per group) is not supported";
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 2, kINVALID_NODE) << "input must be [N, C, spatial...], got rank " << rank;
    const int64_t groups = attrs.getInt("num_groups", 0);
    ONNX_CHECK(groups >= 1, kINVALID_NODE) << "num_groups must be >= 1, got " << groups;
    const int64_t channels = inputs.dims(0)[1];
    ONNX_CHECK(channels < 0 || channels % groups == 0, kINVALID_NODE)
        << channels << " channels are not divisible into " << groups << " groups";
    for (size_t i = 1; i < 3; ++i)
        ONNX_CHECK(inputs.rank(i) == 1, kINVALID_NODE) << "scale and bias must be 1-D [C], got rank " << inputs.rank(i);
    Tensor* scale = &inputs.tensor(1);
    Tensor* bias = &inputs.tensor(2);
    uint32_t mask = rank == 2 ? 1u << 1 : trailingAxesMask(2, rank);
    if (groups == 1) {
        // One group is a layer normalization over [C, spatial...] with per-channel parameters.
        std::vector<int64_t> dims(rank, 1);
        dims[1] = -1;
        scale = &reshape(ctx, *scale, dims);
        bias = &reshape(ctx, *bias, dims);
        mask = trailingAxesMask(1, rank);
    }
    NormalizationLayer* l = ctx.network().addNormalization(x, *scale, *bias, mask);
    if (l) {
        l->setEpsilon(attrs.getFloat("epsilon", 1e-5f));
        if (groups > 1) l->setNbGroups(groups);
    }
    return {ctx.check(l)->getOutput(0)};
}

// The ONNX function: (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + 1e-9) over `axes` (default 0, 2, 3).
KILN_ONNX_IMPORTER(MeanVarianceNormalization) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    const uint32_t mask = axesMask(attrs.getInts("axes", {0, 2, 3}), rank);
    Tensor& mean = reduce(ctx, x, ReduceOperation::kAVG, mask, true);
    Tensor& meanOfSquares = reduce(ctx, elementWise(ctx, x, x, ElementWiseOperation::kPROD), ReduceOperation::kAVG,
                                   mask, true);
    Tensor& variance = elementWise(ctx, meanOfSquares, elementWise(ctx, mean, mean, ElementWiseOperation::kPROD),
                                   ElementWiseOperation::kSUB);
    Tensor& stddev = elementWise(ctx, unary(ctx, variance, UnaryOperation::kSQRT),
                                 scalarConstant(ctx, x.getType(), 1e-9, rank), ElementWiseOperation::kSUM);
    return {&elementWise(ctx, elementWise(ctx, x, mean, ElementWiseOperation::kSUB), stddev, ElementWiseOperation::kDIV)};
}

// x / ||x||_p along `axis` (p 1 or 2); a zero norm gives 0 rather than NaN.
KILN_ONNX_IMPORTER(LpNormalization) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", -1), rank);
    const int64_t p = attrs.getInt("p", 2);
    ONNX_CHECK(p == 1 || p == 2, kUNSUPPORTED_NODE_ATTR) << "p=" << p << " (expected 1 or 2)";
    Tensor* norm;
    if (p == 1) {
        norm = &reduce(ctx, unary(ctx, x, UnaryOperation::kABS), ReduceOperation::kSUM, 1u << axis, true);
    } else {
        norm = &unary(ctx, reduce(ctx, elementWise(ctx, x, x, ElementWiseOperation::kPROD), ReduceOperation::kSUM,
                                  1u << axis, true),
                      UnaryOperation::kSQRT);
    }
    Tensor& zero = scalarConstant(ctx, x.getType(), 0, rank);
    Tensor& isZero = elementWise(ctx, *norm, zero, ElementWiseOperation::kEQUAL);
    return {&select(ctx, isZero, zero, elementWise(ctx, x, *norm, ElementWiseOperation::kDIV))};
}

// y = x / (bias + alpha / size * sum of x^2 over the channel window [c - floor((size-1)/2),
// c + ceil((size-1)/2)])^beta. The window sum adds `size` channel-shifted slices of x^2 that
// read zeros outside the channels.
KILN_ONNX_IMPORTER(LRN) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 3, kINVALID_NODE) << "input must be [N, C, spatial...], got rank " << rank;
    const int64_t size = attrs.getInt("size", 0);
    ONNX_CHECK(size >= 1 && size <= 1024, kINVALID_NODE) << "size must be in [1, 1024], got " << size;
    const float alpha = attrs.getFloat("alpha", 1e-4f), beta = attrs.getFloat("beta", 0.75f),
                bias = attrs.getFloat("bias", 1.f);
    const DataType type = x.getType();
    Tensor& squared = elementWise(ctx, x, x, ElementWiseOperation::kPROD);
    const int64_t before = (size - 1) / 2;
    std::vector<ShapeScalar> extent(rank);
    for (int32_t a = 0; a < rank; ++a) extent[a] = dimOf(ctx, squared, a);
    Tensor& fill = scalarConstant(ctx, type, 0, 0);
    Tensor* sum = nullptr;
    for (int64_t k = 0; k < size; ++k) {
        std::vector<ShapeScalar> start(rank, ShapeScalar{0});
        start[1] = {k - before};
        Tensor& shifted = sliceLayer(ctx, squared, start, extent, std::vector<int64_t>(rank, 1), SampleMode::kFILL, &fill);
        sum = sum ? &elementWise(ctx, *sum, shifted, ElementWiseOperation::kSUM) : &shifted;
    }
    Tensor& scaled = elementWise(ctx, *sum, scalarConstant(ctx, type, alpha / static_cast<double>(size), rank),
                                 ElementWiseOperation::kPROD);
    Tensor& base = elementWise(ctx, scaled, scalarConstant(ctx, type, bias, rank), ElementWiseOperation::kSUM);
    Tensor& denominator = elementWise(ctx, base, scalarConstant(ctx, type, beta, rank), ElementWiseOperation::kPOW);
    return {&elementWise(ctx, x, denominator, ElementWiseOperation::kDIV)};
}

}  // namespace kiln::onnximport
