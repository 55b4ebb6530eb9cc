// Conv and ConvTranspose: constant kernels (and biases) become the layer's weights.
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

Weights weightsOf(const ir::HostTensor& w) { return Weights{w.type, w.numel() ? w.data() : nullptr, w.numel()}; }

// The spatial settings common to both: kernel, strides, dilations, pads, auto_pad.
template <class L>
void setSpatial(L& layer, const NodeAttributes& attrs, const std::vector<int64_t>& kernel) {
    const size_t n = kernel.size();
    std::vector<int64_t> strides = attrs.getInts("strides", std::vector<int64_t>(n, 1));
    std::vector<int64_t> dilations = attrs.getInts("dilations", std::vector<int64_t>(n, 1));
    std::vector<int64_t> pads = attrs.getInts("pads", std::vector<int64_t>(2 * n, 0));
    ONNX_CHECK(strides.size() == n && dilations.size() == n && pads.size() == 2 * n, kINVALID_NODE)
        << "strides, dilations and pads must have " << n << ", " << n << " and " << 2 * n << " values for a "
        << n << "-D kernel";
    layer.setStrideNd(toDims(strides));
    layer.setDilationNd(toDims(dilations));
    std::string autoPad = attrs.getString("auto_pad", "NOTSET");
    if (autoPad == "SAME_UPPER") {
        layer.setPaddingMode(PaddingMode::kSAME_UPPER);
    } else if (autoPad == "SAME_LOWER") {
        layer.setPaddingMode(PaddingMode::kSAME_LOWER);
    } else if (autoPad == "VALID") {
        layer.setPaddingNd(toDims(std::vector<int64_t>(n, 0)));
    } else {
        ONNX_CHECK(autoPad == "NOTSET", kUNSUPPORTED_NODE_ATTR) << "auto_pad='" << autoPad << "'";
        layer.setPrePadding(toDims({pads.begin(), pads.begin() + n}));
        layer.setPostPadding(toDims({pads.begin() + n, pads.end()}));
    }
}

// ConvTranspose's output_shape, as the pads that give it (ONNX): total = stride * (in - 1) +
// output_padding + (kernel - 1) * dilation + 1 - out, split in half (the odd one at the end for
// SAME_UPPER, at the start otherwise). An output larger than the full one extends the end, as
// output_padding does.
std::vector<int64_t> padsForOutputShape(const std::vector<int64_t>& xDims, const std::vector<int64_t>& kernel,
                                        const NodeAttributes& attrs, std::vector<int64_t>& outputPadding) {
    const size_t n = kernel.size();
    std::vector<int64_t> out = attrs.getInts("output_shape");
    ONNX_CHECK(out.size() >= n && xDims.size() >= n, kINVALID_NODE) << "output_shape has " << out.size()
                                                                    << " values for a " << n << "-D kernel";
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(n));
    const std::vector<int64_t> strides = attrs.getInts("strides", std::vector<int64_t>(n, 1));
    const std::vector<int64_t> dilations = attrs.getInts("dilations", std::vector<int64_t>(n, 1));
    ONNX_CHECK(strides.size() == n && dilations.size() == n, kINVALID_NODE) << "strides and dilations need " << n << " values";
    const bool upper = attrs.getString("auto_pad", "NOTSET") == "SAME_UPPER";
    std::vector<int64_t> pads(2 * n);
    for (size_t i = 0; i < n; ++i) {
        const int64_t in = xDims[xDims.size() - n + i];
        ONNX_CHECK(in >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "output_shape with a dynamic spatial input dimension";
        int64_t total = strides[i] * (in - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - out[i];
        if (total < 0) {
            outputPadding[i] -= total;
            total = 0;
        }
        pads[i] = upper ? total / 2 : total - total / 2;
        pads[n + i] = total - pads[i];
    }
    return pads;
}

}  // namespace

Tensor& convolution(ImportContext& ctx, Tensor& x, const ir::HostTensor& w, const ir::HostTensor* b,
                    const NodeAttributes& attrs) {
    ONNX_CHECK(w.dims.size() >= 3, kINVALID_NODE) << "kernel has shape " << ir::dimsToString(w.dims)
                                                  << ", expected [M, C/group, k...]";
    std::vector<int64_t> kernel = attrs.getInts("kernel_shape", {w.dims.begin() + 2, w.dims.end()});
    Weights bias{};
    if (b) bias = weightsOf(*b);
    ConvolutionLayer* conv = ctx.network().addConvolutionNd(x, w.dims[0], toDims(kernel), weightsOf(w), bias);
    if (conv) {
        conv->setNbGroups(attrs.getInt("group", 1));
        setSpatial(*conv, attrs, kernel);
    }
    return *ctx.check(conv)->getOutput(0);
}

KILN_ONNX_IMPORTER(Conv) {
    return {&convolution(ctx, inputs.tensor(0), inputs.weights(1), inputs.has(2) ? &inputs.weights(2) : nullptr, attrs)};
}

// ConvTranspose's kernel is [C, M/group, k...]. The output is the full transposed convolution
// cropped by pads_begin and by pads_end - output_padding at the end; where output_padding
// exceeds pads_end, zeros (plus the bias) extend the end.
KILN_ONNX_IMPORTER(ConvTranspose) {
    Tensor& x = inputs.tensor(0);
    const ir::HostTensor& w = inputs.weights(1);
    ONNX_CHECK(w.dims.size() >= 3, kINVALID_NODE) << "kernel has shape " << ir::dimsToString(w.dims)
                                                  << ", expected [C, M/group, k...]";
    const int64_t group = attrs.getInt("group", 1);
    std::vector<int64_t> kernel = attrs.getInts("kernel_shape", {w.dims.begin() + 2, w.dims.end()});
    const size_t n = kernel.size();
    std::vector<int64_t> outputPadding = attrs.getInts("output_padding", std::vector<int64_t>(n, 0));
    ONNX_CHECK(outputPadding.size() == n, kINVALID_NODE) << "output_padding must have " << n << " values";
    std::vector<int64_t> pads = attrs.getInts("pads", std::vector<int64_t>(2 * n, 0));
    ONNX_CHECK(pads.size() == 2 * n, kINVALID_NODE) << "pads must have " << 2 * n << " values";
    const bool fromOutputShape = attrs.has("output_shape");
    if (fromOutputShape) pads = padsForOutputShape(inputs.dims(0), kernel, attrs, outputPadding);
    std::vector<int64_t> post(n), extend(n);
    bool anyExtend = false, anyOutputPadding = false;
    for (size_t i = 0; i < n; ++i) {
        post[i] = std::max<int64_t>(pads[n + i] - outputPadding[i], 0);
        extend[i] = std::max<int64_t>(outputPadding[i] - pads[n + i], 0);
        anyExtend |= extend[i] > 0;
        anyOutputPadding |= outputPadding[i] != 0;
    }
    const std::string autoPad = attrs.getString("auto_pad", "NOTSET");
    ONNX_CHECK(!anyOutputPadding || autoPad == "NOTSET", kUNSUPPORTED_NODE_ATTR)
        << "output_padding with auto_pad='" << autoPad << "'";
    // With an extension the bias is added after it, so that the extension gets it too.
    Weights bias{};
    if (inputs.has(2) && !anyExtend) bias = weightsOf(inputs.weights(2));
    DeconvolutionLayer* deconv =
        ctx.network().addDeconvolutionNd(x, w.dims[1] * group, toDims(kernel), weightsOf(w), bias);
    if (deconv) {
        deconv->setNbGroups(group);
        setSpatial(*deconv, attrs, kernel);
        if (fromOutputShape) deconv->setPrePadding(toDims({pads.begin(), pads.begin() + n}));
        if (anyOutputPadding || fromOutputShape) deconv->setPostPadding(toDims(post));
    }
    Tensor* y = ctx.check(deconv)->getOutput(0);
    if (anyExtend) {
        y = ctx.check(ctx.network().addPaddingNd(*y, toDims(std::vector<int64_t>(n, 0)), toDims(extend)))->getOutput(0);
        if (inputs.has(2)) {
            const ir::HostTensor& b = inputs.weights(2);
            std::vector<int64_t> dims(n + 2, 1);
            dims[1] = b.numel();
            y = &elementWise(ctx, *y, ctx.tensorOf(withDims(b, dims)), ElementWiseOperation::kSUM);
        }
    }
    return {y};
}

}  // namespace kiln::onnximport
