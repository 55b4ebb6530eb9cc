// BatchNormalization (a per-channel Scale, folded into the convolution before it by the
// builder), LayerNormalization and InstanceNormalization (Normalization layers).
#include <cmath>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

std::shared_ptr<const ir::HostTensor> floatWeights(const std::vector<float>& v) {
    auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, {static_cast<int64_t>(v.size())}));
    std::copy(v.begin(), v.end(), t->as<float>());
    return t;
}

}  // namespace

// y = (x - mean) / sqrt(var + eps) * scale + bias  ==  x * s + (bias - mean * s).
KILN_ONNX_IMPORTER(BatchNormalization) {
    ONNX_CHECK(attrs.getInt("training_mode", 0) == 0 && node.output_size() <= 1, kUNSUPPORTED_NODE)
        << "training mode (running mean and variance outputs) is not supported in an inference engine";
    // Before opset 9, spatial=0 meant statistics per element rather than per channel.
    ONNX_CHECK(ctx.opset() >= 9 || attrs.getInt("spatial", 1) == 1, kUNSUPPORTED_NODE_ATTR)
        << "spatial=0 (per-element statistics) is not supported";
    const float eps = attrs.getFloat("epsilon", 1e-5f);
    std::vector<double> scale = inputs.floats(1), bias = inputs.floats(2), mean = inputs.floats(3),
                        var = inputs.floats(4);
    const size_t c = scale.size();
    ONNX_CHECK(bias.size() == c && mean.size() == c && var.size() == c, kINVALID_NODE)
        << "scale, B, mean and var must have one value per channel: got " << c << ", " << bias.size() << ", "
        << mean.size() << " and " << var.size();
    std::vector<float> s(c), shift(c);
    for (size_t i = 0; i < c; ++i) {
        s[i] = static_cast<float>(scale[i] / std::sqrt(var[i] + eps));
        shift[i] = static_cast<float>(bias[i] - mean[i] * s[i]);
    }
    // Weights are copied by addScaleNd.
    auto sw = floatWeights(s), bw = floatWeights(shift);
    ScaleLayer* l = ctx.network().addScaleNd(inputs.tensor(0), ScaleMode::kCHANNEL,
                                             Weights{DataType::kFLOAT, bw->data(), static_cast<int64_t>(c)},
                                             Weights{DataType::kFLOAT, sw->data(), static_cast<int64_t>(c)}, Weights{}, 1);
    return {ctx.check(l)->getOutput(0)};
}

namespace {

//! The type of the statistics (stash_type, an ONNX element type; float by default).
DataType stashType(const NodeAttributes& attrs) {
    const int64_t t = attrs.getInt("stash_type", 1);
    return fromOnnxType(static_cast<int32_t>(t), "stash_type");
}

//! LayerNormalization written out when its Mean and InvStdDev outputs are wanted: the
//! statistics are computed in the stash type and returned in it, as the ONNX function does.
Outputs layerNormalizationWithStatistics(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs,
                                         uint32_t mask) {
    Tensor& x = inputs.tensor(0);
    const DataType type = x.getType();
    const DataType stash = stashType(attrs);
    const int32_t rank = inputs.rank(0);
    Tensor& xs = cast(ctx, x, stash);
    Tensor& mean = *ctx.check(ctx.network().addReduce(xs, ReduceOperation::kAVG, mask, true))->getOutput(0);
    Tensor& centered = elementWise(ctx, xs, mean, ElementWiseOperation::kSUB);
    Tensor& squared = elementWise(ctx, centered, centered, ElementWiseOperation::kPROD);
    Tensor& var = *ctx.check(ctx.network().addReduce(squared, ReduceOperation::kAVG, mask, true))->getOutput(0);
    Tensor& eps = scalarConstant(ctx, stash, attrs.getFloat("epsilon", 1e-5f), rank);
    Tensor& stddev = unary(ctx, elementWise(ctx, var, eps, ElementWiseOperation::kSUM), UnaryOperation::kSQRT);
    Tensor& invStdDev = unary(ctx, stddev, UnaryOperation::kRECIP);
    Tensor& normalized = cast(ctx, elementWise(ctx, centered, invStdDev, ElementWiseOperation::kPROD), type);
    Tensor* y = &elementWise(ctx, normalized, inputs.tensor(1), ElementWiseOperation::kPROD);
    if (inputs.has(2)) y = &elementWise(ctx, *y, inputs.tensor(2), ElementWiseOperation::kSUM);
    return {y, &mean, &invStdDev};
}

}  // namespace

KILN_ONNX_IMPORTER(LayerNormalization) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", -1), rank);
    uint32_t mask = 0;
    for (int32_t a = axis; a < rank; ++a) mask |= 1u << a;
    const bool statistics = (node.output_size() > 1 && !node.output(1).empty()) ||
                            (node.output_size() > 2 && !node.output(2).empty());
    if (statistics) return layerNormalizationWithStatistics(ctx, inputs, attrs, mask);
    Tensor& scale = inputs.tensor(1);
    Tensor* bias;
    if (inputs.has(2)) {
        bias = &inputs.tensor(2);
    } else {
        std::vector<int64_t> dims = inputs.dims(1);
        for (int64_t d : dims) ONNX_CHECK(d >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic Scale without a bias";
        auto zeros = std::make_shared<ir::HostTensor>(ir::HostTensor::make(x.getType(), dims));
        std::fill_n(static_cast<uint8_t*>(zeros->data()), zeros->bytes(), 0);
        bias = &ctx.tensorOf(zeros);
    }
    NormalizationLayer* l = ctx.network().addNormalization(x, scale, *bias, mask);
    if (l) l->setEpsilon(attrs.getFloat("epsilon", 1e-5f));
    return {ctx.check(l)->getOutput(0)};
}

// Per-channel scale and bias [C] become [1, C, 1, ...] to broadcast against [N, C, spatial...].
KILN_ONNX_IMPORTER(InstanceNormalization) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 3, kINVALID_NODE) << "input must be [N, C, spatial...], got rank " << rank;
    uint32_t mask = 0;
    for (int32_t a = 2; a < rank; ++a) mask |= 1u << a;
    auto perChannel = [&](size_t i) -> Tensor& {
        const ir::HostTensor& w = inputs.weights(i);
        std::vector<int64_t> dims(rank, 1);
        dims[1] = w.numel();
        return ctx.tensorOf(withDims(w, dims));
    };
    NormalizationLayer* l = ctx.network().addNormalization(x, perChannel(1), perChannel(2), mask);
    if (l) l->setEpsilon(attrs.getFloat("epsilon", 1e-5f));
    return {ctx.check(l)->getOutput(0)};
}

}  // namespace kiln::onnximport
