// The NetworkDefinition implementation: tensors and layers as the public API sees them.
// Each layer holds its IR op; lowering (lower.cpp) turns the network into an ir::Graph.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/log.h"
#include "ir/graph.h"
#include "ir/host_tensor.h"
#include "ir/op.h"
#include "kiln/network.h"

namespace kiln {
namespace ir {
class Graph;
struct Value;
}

class NetworkImpl;
class LayerCore;

class TensorImpl : public Tensor {
public:
    TensorImpl(NetworkImpl& net, std::string name) : mNet(net), mName(std::move(name)) {}
    void setName(const char* name) noexcept override;
    const char* getName() const noexcept override { return mName.c_str(); }
    void setDimensions(Dims dims) noexcept override;
    Dims getDimensions() const noexcept override;
    void setType(DataType type) noexcept override;
    DataType getType() const noexcept override;
    bool isNetworkInput() const noexcept override { return mIsInput; }
    bool isNetworkOutput() const noexcept override { return mIsOutput; }

    NetworkImpl& mNet;
    std::string mName;
    bool mIsInput{false};
    bool mIsOutput{false};
    Dims mInputDims{};              //!< for network inputs
    DataType mInputType{DataType::kFLOAT};
    LayerCore* mProducer{nullptr};
    int32_t mProducerIndex{0};
    ir::ValueInfo mInfo;            //!< refreshed by NetworkImpl::inferShapes
    std::optional<DataType> mOutputTypeOverride;
};

//! An input slot of a layer: a tensor, constant weights (held as a host copy), or nothing.
struct LayerInput {
    TensorImpl* tensor{nullptr};
    std::shared_ptr<const ir::HostTensor> weights;
    bool present() const { return tensor || weights; }
};

//! State and behaviour shared by every layer; LayerImpl<Iface> adds the public interface.
class LayerCore {
public:
    virtual ~LayerCore() = default;
    virtual Layer* asLayer() = 0;
    //! Dims of the weights in input `slot`, once input 0's shape is known (conv kernels depend on
    //! the channel count and groups). Empty: keep the weights' own dims.
    virtual std::vector<int64_t> weightDims(size_t /*slot*/, const ir::ValueInfo& /*input0*/) const { return {}; }

    NetworkImpl* mNet{nullptr};
    size_t mIndex{0};  //!< position in the network's layer list
    LayerType mType{};
    std::string mName;
    std::unique_ptr<ir::Op> mOp;  //!< nullptr for Constant layers
    std::vector<LayerInput> mInputs;
    std::vector<TensorImpl*> mOutputs;
    std::optional<DataType> mPrecision;
    std::shared_ptr<const ir::HostTensor> mConstant;  //!< Constant layers only
};

template <class Iface>
class LayerImpl : public Iface, public LayerCore {
public:
    Layer* asLayer() override { return this; }
    LayerType getType() const noexcept override { return mType; }
    void setName(const char* name) noexcept override;
    const char* getName() const noexcept override { return mName.c_str(); }
    int32_t getNbInputs() const noexcept override { return static_cast<int32_t>(mInputs.size()); }
    Tensor* getInput(int32_t i) const noexcept override {
        return i >= 0 && i < getNbInputs() ? mInputs[i].tensor : nullptr;
    }
    int32_t getNbOutputs() const noexcept override { return static_cast<int32_t>(mOutputs.size()); }
    Tensor* getOutput(int32_t i) const noexcept override {
        return i >= 0 && i < getNbOutputs() ? mOutputs[i] : nullptr;
    }
    void setInput(int32_t index, Tensor& tensor) noexcept override;
    void setPrecision(DataType type) noexcept override;
    DataType getPrecision() const noexcept override { return mPrecision.value_or(DataType::kFLOAT); }
    bool precisionIsSet() const noexcept override { return mPrecision.has_value(); }
    void resetPrecision() noexcept override { mPrecision.reset(); }

protected:
    //! Mutable access to the op: the network's shapes must be inferred again.
    template <class OpT>
    OpT& op();
    template <class OpT>
    const OpT& op() const {
        return static_cast<const OpT&>(*mOp);
    }
};

class NetworkImpl : public NetworkDefinition {
public:
    explicit NetworkImpl(Logger* logger, NetworkDefinitionCreationFlags flags = 0) : mSink(logger), mFlags(flags) {}

    bool getFlag(NetworkDefinitionCreationFlag flag) const noexcept override {
        return (mFlags >> static_cast<int32_t>(flag)) & 1U;
    }
    NetworkDefinitionCreationFlags getFlags() const noexcept override { return mFlags; }
    bool stronglyTyped() const { return getFlag(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED); }

    Tensor* addInput(const char* name, DataType type, Dims dims) noexcept override;
    void markOutput(Tensor& tensor) noexcept override;
    bool unmarkOutput(Tensor& tensor) noexcept override;

    ConvolutionLayer* addConvolutionNd(Tensor& input, int64_t nbOutputMaps, Dims kernelSize, Weights kernelWeights,
                                       Weights biasWeights) noexcept override;
    DeconvolutionLayer* addDeconvolutionNd(Tensor& input, int64_t nbOutputMaps, Dims kernelSize,
                                           Weights kernelWeights, Weights biasWeights) noexcept override;
    MatrixMultiplyLayer* addMatrixMultiply(Tensor& input0, MatrixOperation op0, Tensor& input1,
                                           MatrixOperation op1) noexcept override;
    ElementWiseLayer* addElementWise(Tensor& input1, Tensor& input2, ElementWiseOperation op) noexcept override;
    ActivationLayer* addActivation(Tensor& input, ActivationType type) noexcept override;
    UnaryLayer* addUnary(Tensor& input, UnaryOperation op) noexcept override;
    PoolingLayer* addPoolingNd(Tensor& input, PoolingType type, Dims windowSize) noexcept override;
    ReduceLayer* addReduce(Tensor& input, ReduceOperation op, uint32_t reduceAxes, bool keepDimensions) noexcept override;
    SoftMaxLayer* addSoftMax(Tensor& input) noexcept override;
    NormalizationLayer* addNormalization(Tensor& input, Tensor& scale, Tensor& bias, uint32_t axesMask) noexcept override;
    ScaleLayer* addScaleNd(Tensor& input, ScaleMode mode, Weights shift, Weights scale, Weights power,
                           int32_t channelAxis) noexcept override;
    ConcatenationLayer* addConcatenation(Tensor* const* inputs, int32_t nbInputs) noexcept override;
    ShuffleLayer* addShuffle(Tensor& input) noexcept override;
    SliceLayer* addSlice(Tensor& input, Dims start, Dims size, Dims stride) noexcept override;
    GatherLayer* addGather(Tensor& data, Tensor& indices, int32_t axis) noexcept override;
    GatherLayer* addGatherV2(Tensor& data, Tensor& indices, GatherMode mode) noexcept override;
    ScatterLayer* addScatter(Tensor& data, Tensor& indices, Tensor& updates, ScatterMode mode) noexcept override;
    SelectLayer* addSelect(Tensor& condition, Tensor& thenInput, Tensor& elseInput) noexcept override;
    ShapeLayer* addShape(Tensor& input) noexcept override;
    ConstantLayer* addConstant(Dims dims, Weights weights) noexcept override;
    IdentityLayer* addIdentity(Tensor& input) noexcept override;
    CastLayer* addCast(Tensor& input, DataType toType) noexcept override;
    PaddingLayer* addPaddingNd(Tensor& input, Dims prePadding, Dims postPadding) noexcept override;
    ResizeLayer* addResize(Tensor& input) noexcept override;
    TopKLayer* addTopK(Tensor& input, TopKOperation op, int32_t k, uint32_t reduceAxes) noexcept override;
    FillLayer* addFill(Dims dims, FillOperation op, DataType outputType) noexcept override;
    CumulativeLayer* addCumulative(Tensor& input, Tensor& axis, CumulativeOperation op, bool exclusive,
                                   bool reverse) noexcept override;
    OneHotLayer* addOneHot(Tensor& indices, Tensor& values, Tensor& depth, int32_t axis) noexcept override;
    NonZeroLayer* addNonZero(Tensor& input) noexcept override;
    SqueezeLayer* addSqueeze(Tensor& input, Tensor& axes) noexcept override;
    UnsqueezeLayer* addUnsqueeze(Tensor& input, Tensor& axes) noexcept override;
    EinsumLayer* addEinsum(Tensor* const* inputs, int32_t nbInputs, const char* equation) noexcept override;
    AssertionLayer* addAssertion(Tensor& condition, const char* message) noexcept override;

    int32_t getNbLayers() const noexcept override { return static_cast<int32_t>(mLayers.size()); }
    Layer* getLayer(int32_t i) const noexcept override;
    int32_t getNbInputs() const noexcept override { return static_cast<int32_t>(mInputs.size()); }
    Tensor* getInput(int32_t i) const noexcept override;
    int32_t getNbOutputs() const noexcept override { return static_cast<int32_t>(mOutputs.size()); }
    Tensor* getOutput(int32_t i) const noexcept override;
    void setName(const char* name) noexcept override { mName = name ? name : ""; }
    const char* getName() const noexcept override { return mName.c_str(); }
    void setErrorRecorder(ErrorRecorder* recorder) noexcept override { mSink.setRecorder(recorder); }
    ErrorRecorder* getErrorRecorder() const noexcept override { return mSink.recorder(); }

    const LogSink& sink() const { return mSink; }
    //! Shape inference over all layers, re-run only when something changed since the last run
    //! (every mutation calls touch()). Returns false (and reports the error) if a layer's
    //! inputs are invalid.
    bool inferShapes() const;
    //! A change that shape inference must see from the start (inputs, an inferred layer).
    void touch() {
        ++mRevision;
        mShapesCurrent = false;
    }
    //! A change to one layer: only a layer already inferred makes inference start again.
    void touch(const LayerCore* layer) {
        ++mRevision;
        if (layer->mIndex < mLoweredLayers) mShapesCurrent = false;
    }
    //! A change shape inference does not depend on (a tensor's name, an output mark).
    void touchNames() { ++mRevision; }
    //! Lowers to the IR. Throws KilnError on invalid networks.
    std::unique_ptr<ir::Graph> lower() const;
    //! The values of a tensor computed from constants only (no network input, no random fill),
    //! evaluated with the CPU reference kernels as constant folding would; nullptr when it
    //! depends on an input or any tensor on the way has more than maxElements (constant_eval.cpp).
    std::shared_ptr<const ir::HostTensor> evaluateConstant(const Tensor& t, int64_t maxElements) const;

    const std::vector<std::unique_ptr<LayerCore>>& layers() const { return mLayers; }
    const std::vector<TensorImpl*>& inputs() const { return mInputs; }
    const std::vector<TensorImpl*>& outputs() const { return mOutputs; }
    TensorImpl* findTensor(const std::string& name) const;

    // Used by the add* helpers.
    template <class L>
    L* newLayer(LayerType type, const char* typeName, std::unique_ptr<ir::Op> op,
                std::vector<LayerInput> inputs, int32_t nbOutputs);
    TensorImpl* newTensor(const std::string& name);
    //! The default name the next layer of this type will get (TensorRT's style).
    std::string nextLayerName(const char* typeName) const {
        return "(Unnamed Layer* " + std::to_string(mLayers.size()) + ") [" + typeName + "]";
    }
    TensorImpl* checkTensor(Tensor& t, const char* what) const;
    std::shared_ptr<const ir::HostTensor> copyWeights(const std::string& layer, const char* what, const Weights& w,
                                                      std::vector<int64_t> dims, bool optional) const;

private:
    //! A graph being lowered and each tensor's value in it.
    struct Lowering {
        std::unique_ptr<ir::Graph> graph;
        std::map<const TensorImpl*, ir::Value*> valueOf;
    };
    void lowerInputs(Lowering& l) const;
    //! `forBuild`: unique constant names (shape inference needs none).
    void lowerLayer(Lowering& l, const LayerCore& layer, bool forBuild) const;

    LogSink mSink;
    NetworkDefinitionCreationFlags mFlags{0};
    std::string mName{"network"};
    std::vector<std::unique_ptr<TensorImpl>> mTensors;
    std::vector<std::unique_ptr<LayerCore>> mLayers;
    std::vector<TensorImpl*> mInputs;
    std::vector<TensorImpl*> mOutputs;
    uint64_t mRevision{0};
    mutable uint64_t mInferredRevision{~uint64_t(0)};
    mutable bool mInferredOk{false};
    // Shape inference's kept graph: layers [0, mLoweredLayers) are in it.
    mutable Lowering mShapes;
    mutable size_t mLoweredLayers{0};
    mutable bool mShapesCurrent{false};
};

template <class L>
L* NetworkImpl::newLayer(LayerType type, const char* typeName, std::unique_ptr<ir::Op> op,
                         std::vector<LayerInput> inputs, int32_t nbOutputs) {
    auto layer = std::make_unique<L>();
    layer->mNet = this;
    layer->mIndex = mLayers.size();
    layer->mType = type;
    layer->mName = nextLayerName(typeName);
    layer->mOp = std::move(op);
    layer->mInputs = std::move(inputs);
    for (int32_t i = 0; i < nbOutputs; ++i) {
        TensorImpl* t = newTensor(layer->mName + "_output" + (nbOutputs > 1 ? "_" + std::to_string(i) : ""));
        t->mProducer = layer.get();
        t->mProducerIndex = i;
        layer->mOutputs.push_back(t);
    }
    L* raw = layer.get();
    mLayers.push_back(std::move(layer));
    touch(raw);
    return raw;
}

template <class Iface>
void LayerImpl<Iface>::setName(const char* name) noexcept {
    mName = name ? name : "";
    mNet->touch(this);
}

template <class Iface>
template <class OpT>
OpT& LayerImpl<Iface>::op() {
    mNet->touch(this);
    return static_cast<OpT&>(*mOp);
}

template <class Iface>
void LayerImpl<Iface>::setPrecision(DataType type) noexcept {
    if (mNet->stronglyTyped()) {
        mNet->sink().error(ErrorCode::kINVALID_ARGUMENT,
                           mName + ": setPrecision is not allowed in a strongly typed network (its types come from "
                                   "the network; add Cast layers for another precision)");
        return;
    }
    mPrecision = type;
}

template <class Iface>
void LayerImpl<Iface>::setInput(int32_t index, Tensor& tensor) noexcept {
    if (index < 0 || index > 8) {
        mNet->sink().error(ErrorCode::kINVALID_ARGUMENT,
                           mName + ": setInput index " + std::to_string(index) + " is out of range");
        return;
    }
    if (mInputs.size() <= static_cast<size_t>(index)) mInputs.resize(index + 1);
    mInputs[index].tensor = static_cast<TensorImpl*>(&tensor);
    mInputs[index].weights.reset();
    mNet->touch(this);
}

}  // namespace kiln
