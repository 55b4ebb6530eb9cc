// Convolution, Deconvolution, Pooling, Padding and Resize layers.
#include "core/api_guard.h"
#include "ir/ops/convolution.h"
#include "ir/ops/deconvolution.h"
#include "ir/ops/padding.h"
#include "ir/ops/pooling.h"
#include "ir/ops/resize.h"
#include "network/layers/layer_util.h"
#include "network/network_impl.h"

namespace kiln {
namespace {

//! Shared by convolution and deconvolution: the ops have the same fields.
template <class Iface, class OpT, bool kTransposed>
class ConvLayerImpl : public LayerImpl<Iface> {
    OpT& o() {
        this->mNet->touch(this);
        return static_cast<OpT&>(*this->mOp);
    }
    const OpT& o() const { return static_cast<const OpT&>(*this->mOp); }

public:
    void setNbOutputMaps(int64_t n) noexcept override { o().nbOutputMaps = n; }
    int64_t getNbOutputMaps() const noexcept override { return o().nbOutputMaps; }
    void setKernelSizeNd(Dims size) noexcept override { o().kernelSize = toVector(size); }
    Dims getKernelSizeNd() const noexcept override { return toDims(o().kernelSize); }
    void setStrideNd(Dims stride) noexcept override { o().stride = toVector(stride); }
    Dims getStrideNd() const noexcept override { return toDims(o().stride); }
    void setPaddingNd(Dims padding) noexcept override {
        o().prePadding = toVector(padding);
        o().postPadding = toVector(padding);
    }
    void setPrePadding(Dims padding) noexcept override { o().prePadding = toVector(padding); }
    Dims getPrePadding() const noexcept override { return toDims(o().prePadding); }
    void setPostPadding(Dims padding) noexcept override { o().postPadding = toVector(padding); }
    Dims getPostPadding() const noexcept override { return toDims(o().postPadding); }
    void setPaddingMode(PaddingMode mode) noexcept override { o().paddingMode = mode; }
    PaddingMode getPaddingMode() const noexcept override { return o().paddingMode; }
    void setDilationNd(Dims dilation) noexcept override { o().dilation = toVector(dilation); }
    Dims getDilationNd() const noexcept override { return toDims(o().dilation); }
    void setNbGroups(int64_t groups) noexcept override { o().nbGroups = groups; }
    int64_t getNbGroups() const noexcept override { return o().nbGroups; }
    void setKernelWeights(Weights w) noexcept override { setWeights(1, "kernel", w, false); }
    void setBiasWeights(Weights w) noexcept override { setWeights(2, "bias", w, true); }

    void setWeights(size_t slot, const char* what, const Weights& w, bool optional) {
        apiGuardVoid(this->mNet->sink(), [&] {
            auto copy = this->mNet->copyWeights(this->mName, what, w, {}, optional);
            auto& inputs = this->mInputs;
            if (inputs.size() <= slot) inputs.resize(slot + 1);
            inputs[slot].tensor = nullptr;
            inputs[slot].weights = copy;
            this->mNet->touch(this);
        });
    }

    std::vector<int64_t> weightDims(size_t slot, const ir::ValueInfo& input0) const override {
        const OpT& op = o();
        if (slot == 2) return {op.nbOutputMaps};
        if (slot != 1 || input0.shape.size() < 2 || !input0.shape[1].isConst() || op.nbGroups <= 0) return {};
        int64_t channels = input0.shape[1].value();
        std::vector<int64_t> dims = kTransposed ? std::vector<int64_t>{channels, op.nbOutputMaps / op.nbGroups}
                                                : std::vector<int64_t>{op.nbOutputMaps, channels / op.nbGroups};
        dims.insert(dims.end(), op.kernelSize.begin(), op.kernelSize.end());
        return dims;
    }
};

using ConvolutionLayerImpl = ConvLayerImpl<ConvolutionLayer, ir::ConvolutionOp, false>;
using DeconvolutionLayerImpl = ConvLayerImpl<DeconvolutionLayer, ir::DeconvolutionOp, true>;

class PoolingLayerImpl : public LayerImpl<PoolingLayer> {
    ir::PoolingOp& o() { return op<ir::PoolingOp>(); }
    const ir::PoolingOp& o() const { return op<ir::PoolingOp>(); }

public:
    void setPoolingType(PoolingType type) noexcept override { o().type = type; }
    PoolingType getPoolingType() const noexcept override { return o().type; }
    void setWindowSizeNd(Dims window) noexcept override { o().window = toVector(window); }
    Dims getWindowSizeNd() const noexcept override { return toDims(o().window); }
    void setStrideNd(Dims stride) noexcept override { o().stride = toVector(stride); }
    Dims getStrideNd() const noexcept override { return toDims(o().stride); }
    void setPaddingNd(Dims padding) noexcept override {
        o().prePadding = toVector(padding);
        o().postPadding = toVector(padding);
    }
    void setPrePadding(Dims padding) noexcept override { o().prePadding = toVector(padding); }
    void setPostPadding(Dims padding) noexcept override { o().postPadding = toVector(padding); }
    void setPaddingMode(PaddingMode mode) noexcept override { o().paddingMode = mode; }
    void setBlendFactor(float factor) noexcept override { o().blendFactor = factor; }
    void setAverageCountExcludesPadding(bool exclusive) noexcept override {
        o().averageCountExcludesPadding = exclusive;
    }
};

class PaddingLayerImpl : public LayerImpl<PaddingLayer> {
public:
    void setPrePaddingNd(Dims padding) noexcept override { op<ir::PaddingOp>().prePadding = toVector(padding); }
    void setPostPaddingNd(Dims padding) noexcept override { op<ir::PaddingOp>().postPadding = toVector(padding); }
};

class ResizeLayerImpl : public LayerImpl<ResizeLayer> {
    ir::ResizeOp& o() { return op<ir::ResizeOp>(); }

public:
    void setOutputDimensions(Dims dims) noexcept override {
        o().outputDims = toVector(dims);
        o().scales.clear();
    }
    void setScales(const float* scales, int32_t nbScales) noexcept override {
        o().scales.assign(scales, scales + (scales && nbScales > 0 ? nbScales : 0));
        o().outputDims.clear();
    }
    void setResizeMode(InterpolationMode mode) noexcept override { o().mode = mode; }
    void setCoordinateTransformation(ResizeCoordinateTransformation t) noexcept override {
        o().coordinateTransformation = t;
    }
    void setSelectorForSinglePixel(ResizeSelector selector) noexcept override { o().selector = selector; }
    void setNearestRounding(ResizeRoundMode mode) noexcept override { o().nearestRounding = mode; }
    void setCubicCoeff(float a) noexcept override { o().cubicCoeff = a; }
    void setExcludeOutside(bool exclude) noexcept override { o().excludeOutside = exclude; }
    void setAntialias(bool antialias) noexcept override { o().antialias = antialias; }
    void setCropRegion(const float* roi, int32_t nbValues) noexcept override {
        o().roi.assign(roi, roi + (roi && nbValues > 0 ? nbValues : 0));
    }
    void setExtrapolationValue(float value) noexcept override { o().extrapolationValue = value; }
};

template <class L, class OpT, bool kTransposed>
L* addConv(NetworkImpl& net, LayerType type, const char* typeName, Tensor& input, int64_t nbOutputMaps,
           Dims kernelSize, Weights kernelWeights, Weights biasWeights) {
    return apiGuard(net.sink(), static_cast<L*>(nullptr), [&]() -> L* {
        TensorImpl* x = net.checkTensor(input, typeName);
        KILN_CHECK(nbOutputMaps > 0) << typeName << ": the number of output maps must be positive, got " << nbOutputMaps;
        KILN_CHECK(kernelSize.nbDims >= 1 && kernelSize.nbDims <= 3)
            << typeName << ": kernel size must have 1 to 3 dimensions, got " << kernelSize.nbDims;
        auto op = std::make_unique<OpT>();
        op->nbOutputMaps = nbOutputMaps;
        op->kernelSize = toVector(kernelSize);
        std::string name = net.nextLayerName(typeName);
        auto kernel = net.copyWeights(name, "kernel", kernelWeights, {}, false);
        auto bias = net.copyWeights(name, "bias", biasWeights, {}, true);
        auto* layer = net.newLayer<L>(type, typeName, std::move(op), {LayerInput{x, nullptr}}, 1);
        layer->mInputs.push_back(LayerInput{nullptr, kernel});
        if (bias) layer->mInputs.push_back(LayerInput{nullptr, bias});
        return layer;
    });
}

}  // namespace

ConvolutionLayer* NetworkImpl::addConvolutionNd(Tensor& input, int64_t nbOutputMaps, Dims kernelSize,
                                                Weights kernelWeights, Weights biasWeights) noexcept {
    return addConv<ConvolutionLayerImpl, ir::ConvolutionOp, false>(*this, LayerType::kCONVOLUTION, "Convolution", input,
                                                                   nbOutputMaps, kernelSize, kernelWeights, biasWeights);
}

DeconvolutionLayer* NetworkImpl::addDeconvolutionNd(Tensor& input, int64_t nbOutputMaps, Dims kernelSize,
                                                    Weights kernelWeights, Weights biasWeights) noexcept {
    return addConv<DeconvolutionLayerImpl, ir::DeconvolutionOp, true>(*this, LayerType::kDECONVOLUTION, "Deconvolution",
                                                                      input, nbOutputMaps, kernelSize, kernelWeights,
                                                                      biasWeights);
}

PoolingLayer* NetworkImpl::addPoolingNd(Tensor& input, PoolingType type, Dims windowSize) noexcept {
    return apiGuard(mSink, static_cast<PoolingLayer*>(nullptr), [&]() -> PoolingLayer* {
        TensorImpl* x = checkTensor(input, "Pooling");
        auto op = std::make_unique<ir::PoolingOp>();
        op->type = type;
        op->window = toVector(windowSize);
        return newLayer<PoolingLayerImpl>(LayerType::kPOOLING, "Pooling", std::move(op), {LayerInput{x, nullptr}}, 1);
    });
}

PaddingLayer* NetworkImpl::addPaddingNd(Tensor& input, Dims prePadding, Dims postPadding) noexcept {
    return apiGuard(mSink, static_cast<PaddingLayer*>(nullptr), [&]() -> PaddingLayer* {
        TensorImpl* x = checkTensor(input, "Padding");
        auto op = std::make_unique<ir::PaddingOp>();
        op->prePadding = toVector(prePadding);
        op->postPadding = toVector(postPadding);
        return newLayer<PaddingLayerImpl>(LayerType::kPADDING, "Padding", std::move(op), {LayerInput{x, nullptr}}, 1);
    });
}

ResizeLayer* NetworkImpl::addResize(Tensor& input) noexcept {
    return apiGuard(mSink, static_cast<ResizeLayer*>(nullptr), [&]() -> ResizeLayer* {
        TensorImpl* x = checkTensor(input, "Resize");
        return newLayer<ResizeLayerImpl>(LayerType::kRESIZE, "Resize", std::make_unique<ir::ResizeOp>(),
                                         {LayerInput{x, nullptr}}, 1);
    });
}

}  // namespace kiln
