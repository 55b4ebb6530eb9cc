// Activations (one Activation layer each, or a short recipe) and Clip.
#include <limits>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

KILN_ONNX_IMPORTER(Relu) { return {&activation(ctx, inputs.tensor(0), ActivationType::kRELU)}; }
KILN_ONNX_IMPORTER(Sigmoid) { return {&activation(ctx, inputs.tensor(0), ActivationType::kSIGMOID)}; }
KILN_ONNX_IMPORTER(Tanh) { return {&activation(ctx, inputs.tensor(0), ActivationType::kTANH)}; }
KILN_ONNX_IMPORTER(Softsign) { return {&activation(ctx, inputs.tensor(0), ActivationType::kSOFTSIGN)}; }
KILN_ONNX_IMPORTER(Softplus) { return {&activation(ctx, inputs.tensor(0), ActivationType::kSOFTPLUS, 1.f, 1.f)}; }
KILN_ONNX_IMPORTER(LeakyRelu) {
    return {&activation(ctx, inputs.tensor(0), ActivationType::kLEAKY_RELU, attrs.getFloat("alpha", 0.01f))};
}
KILN_ONNX_IMPORTER(Elu) {
    return {&activation(ctx, inputs.tensor(0), ActivationType::kELU, attrs.getFloat("alpha", 1.f))};
}
KILN_ONNX_IMPORTER(Selu) {
    return {&activation(ctx, inputs.tensor(0), ActivationType::kSELU, attrs.getFloat("alpha", 1.67326319217681884765625f),
                        attrs.getFloat("gamma", 1.05070102214813232421875f))};
}
KILN_ONNX_IMPORTER(ThresholdedRelu) {
    return {&activation(ctx, inputs.tensor(0), ActivationType::kTHRESHOLDED_RELU, attrs.getFloat("alpha", 1.f))};
}
KILN_ONNX_IMPORTER(HardSigmoid) {
    return {&activation(ctx, inputs.tensor(0), ActivationType::kHARD_SIGMOID, attrs.getFloat("alpha", 0.2f),
                        attrs.getFloat("beta", 0.5f))};
}

// HardSwish(x) = x * HardSigmoid(x) with alpha 1/6, beta 0.5: one Kiln activation.
KILN_ONNX_IMPORTER(HardSwish) {
    return {&activation(ctx, inputs.tensor(0), ActivationType::kHARD_SWISH, 1.f / 6.f, 0.5f)};
}

KILN_ONNX_IMPORTER(Gelu) {
    std::string approximate = attrs.getString("approximate", "none");
    ONNX_CHECK(approximate == "none" || approximate == "tanh", kUNSUPPORTED_NODE_ATTR)
        << "approximate='" << approximate << "' (expected 'none' or 'tanh')";
    return {&activation(ctx, inputs.tensor(0), approximate == "tanh" ? ActivationType::kGELU_TANH : ActivationType::kGELU_ERF)};
}

// Clip: bounds from attributes (opset < 11) or optional inputs. Constant bounds make one CLIP
// activation; bounds computed by the graph become Max/Min.
KILN_ONNX_IMPORTER(Clip) {
    Tensor& x = inputs.tensor(0);
    constexpr float kInf = std::numeric_limits<float>::infinity();
    if (ctx.opset() < 11) {
        return {&activation(ctx, x, ActivationType::kCLIP, attrs.getFloat("min", -kInf), attrs.getFloat("max", kInf))};
    }
    bool constBounds = (!inputs.has(1) || inputs.at(1).isWeights()) && (!inputs.has(2) || inputs.at(2).isWeights());
    if (constBounds && x.getType() == DataType::kFLOAT) {
        float lo = inputs.has(1) ? static_cast<float>(inputs.floats(1).at(0)) : -kInf;
        float hi = inputs.has(2) ? static_cast<float>(inputs.floats(2).at(0)) : kInf;
        return {&activation(ctx, x, ActivationType::kCLIP, lo, hi)};
    }
    Tensor* y = &x;
    auto bound = [&](size_t i) -> Tensor& {
        Tensor& b = inputs.tensor(i);
        ONNX_CHECK(b.getDimensions().nbDims == 0 || inputs.rank(i) <= 1, kINVALID_NODE) << "Clip bounds must be scalars";
        if (inputs.rank(i) == 0 && ctx.rankOf(y) > 0) return reshape(ctx, b, std::vector<int64_t>(ctx.rankOf(y), 1));
        return b;
    };
    if (inputs.has(1)) y = &elementWise(ctx, *y, bound(1), ElementWiseOperation::kMAX);
    if (inputs.has(2)) y = &elementWise(ctx, *y, bound(2), ElementWiseOperation::kMIN);
    if (y == &x) y = ctx.check(ctx.network().addIdentity(x))->getOutput(0);
    return {y};
}

}  // namespace kiln::onnximport
