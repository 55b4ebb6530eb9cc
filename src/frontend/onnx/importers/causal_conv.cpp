// CausalConvWithState (opset 27; the depthwise causal convolution of state-space and hybrid
// models): the input [B, C, L] is prefixed with past_state [B, C, k-1] (zeros if absent), a
// depthwise Conv1d (group = C, no padding) runs over it, SiLU optionally follows, and
// present_state is the last k-1 positions of the prefixed input.
#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

KILN_ONNX_IMPORTER(CausalConvWithState) {
    const std::string act = attrs.getString("activation", "none");
    ONNX_CHECK(act == "none" || act == "silu" || act == "swish", kUNSUPPORTED_NODE_ATTR)
        << "activation='" << act << "' (expected none, silu or swish)";
    ONNX_CHECK(inputs.rank(0) == 3, kINVALID_NODE) << "input must be [batch, channels, length]";
    Tensor& x = inputs.tensor(0);
    const ir::HostTensor& w = inputs.weights(1);
    ONNX_CHECK(w.dims.size() == 3 && w.dims[1] == 1 && w.dims[0] > 0 && w.dims[2] > 0, kINVALID_NODE)
        << "weight has shape " << ir::dimsToString(w.dims) << ", expected [channels, 1, k]";
    const int64_t channels = w.dims[0], k = w.dims[2];
    Tensor* padded = &x;
    if (inputs.has(3)) {
        Tensor* parts[] = {&inputs.tensor(3), &x};
        ConcatenationLayer* cat = ctx.network().addConcatenation(parts, 2);
        if (cat) cat->setAxis(2);
        padded = ctx.check(cat)->getOutput(0);
    } else if (k > 1) {
        padded = ctx.check(ctx.network().addPaddingNd(x, toDims({k - 1}), toDims({0})))->getOutput(0);
    }
    Weights bias{};
    if (inputs.has(2)) {
        const ir::HostTensor& b = inputs.weights(2);
        bias = Weights{b.type, b.numel() ? b.data() : nullptr, b.numel()};
    }
    ConvolutionLayer* conv = ctx.network().addConvolutionNd(*padded, channels, toDims({k}),
                                                            Weights{w.type, w.data(), w.numel()}, bias);
    if (conv) conv->setNbGroups(channels);
    Tensor* y = ctx.check(conv)->getOutput(0);
    if (act != "none") y = &elementWise(ctx, *y, activation(ctx, *y, ActivationType::kSIGMOID), ElementWiseOperation::kPROD);
    // present_state: positions [length, length + k - 1) of the prefixed input.
    std::vector<ShapeScalar> start(3, ShapeScalar{0}), size;
    for (int32_t a = 0; a < 3; ++a) size.push_back(dimOf(ctx, *padded, a));
    start[2] = apply(ctx, size[2], {k - 1}, ElementWiseOperation::kSUB);
    size[2] = ShapeScalar{k - 1};
    return {y, &sliceLayer(ctx, *padded, start, size, {1, 1, 1})};
}

}  // namespace kiln::onnximport
