// NetworkDefinition: layers and tensors built by hand through the API (or by the ONNX parser).
// The shape of TensorRT's INetworkDefinition: add* returns a layer (nullptr on error, reported
// through the Logger and ErrorRecorder), setters configure it, getOutput(0) chains it.
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln {

class ErrorRecorder;

class KILN_API Tensor {
public:
    virtual ~Tensor() = default;
    virtual void setName(const char* name) noexcept = 0;
    virtual const char* getName() const noexcept = 0;
    //! Network inputs only; -1 marks a dynamic dimension (needs an optimization profile).
    virtual void setDimensions(Dims dims) noexcept = 0;
    //! Dimensions as known at network-definition time; -1 where not a build-time constant.
    virtual Dims getDimensions() const noexcept = 0;
    virtual void setType(DataType type) noexcept = 0;
    virtual DataType getType() const noexcept = 0;
    virtual bool isNetworkInput() const noexcept = 0;
    virtual bool isNetworkOutput() const noexcept = 0;
};

class KILN_API Layer {
public:
    virtual ~Layer() = default;
    virtual LayerType getType() const noexcept = 0;
    virtual void setName(const char* name) noexcept = 0;
    virtual const char* getName() const noexcept = 0;
    virtual int32_t getNbInputs() const noexcept = 0;
    virtual Tensor* getInput(int32_t index) const noexcept = 0;
    virtual int32_t getNbOutputs() const noexcept = 0;
    virtual Tensor* getOutput(int32_t index) const noexcept = 0;
    //! Replaces (or, for optional inputs, adds) input `index`.
    virtual void setInput(int32_t index, Tensor& tensor) noexcept = 0;
    //! Per-layer precision constraint; honoured when the config asks for it.
    virtual void setPrecision(DataType type) noexcept = 0;
    virtual DataType getPrecision() const noexcept = 0;
    virtual bool precisionIsSet() const noexcept = 0;
    virtual void resetPrecision() noexcept = 0;
};

class KILN_API ConvolutionLayer : public Layer {
public:
    virtual void setNbOutputMaps(int64_t n) noexcept = 0;
    virtual int64_t getNbOutputMaps() const noexcept = 0;
    virtual void setKernelSizeNd(Dims size) noexcept = 0;
    virtual Dims getKernelSizeNd() const noexcept = 0;
    virtual void setStrideNd(Dims stride) noexcept = 0;
    virtual Dims getStrideNd() const noexcept = 0;
    virtual void setPaddingNd(Dims padding) noexcept = 0;  //!< sets pre and post padding
    virtual void setPrePadding(Dims padding) noexcept = 0;
    virtual Dims getPrePadding() const noexcept = 0;
    virtual void setPostPadding(Dims padding) noexcept = 0;
    virtual Dims getPostPadding() const noexcept = 0;
    virtual void setPaddingMode(PaddingMode mode) noexcept = 0;
    virtual PaddingMode getPaddingMode() const noexcept = 0;
    virtual void setDilationNd(Dims dilation) noexcept = 0;
    virtual Dims getDilationNd() const noexcept = 0;
    virtual void setNbGroups(int64_t groups) noexcept = 0;
    virtual int64_t getNbGroups() const noexcept = 0;
    virtual void setKernelWeights(Weights weights) noexcept = 0;
    virtual void setBiasWeights(Weights weights) noexcept = 0;
};

//! Deconvolution (transposed convolution) has the same settings as convolution.
class KILN_API DeconvolutionLayer : public ConvolutionLayer {};

class KILN_API MatrixMultiplyLayer : public Layer {
public:
    virtual void setOperation(int32_t index, MatrixOperation op) noexcept = 0;
    virtual MatrixOperation getOperation(int32_t index) const noexcept = 0;
};

class KILN_API ElementWiseLayer : public Layer {
public:
    virtual void setOperation(ElementWiseOperation op) noexcept = 0;
    virtual ElementWiseOperation getOperation() const noexcept = 0;
};

class KILN_API ActivationLayer : public Layer {
public:
    virtual void setActivationType(ActivationType type) noexcept = 0;
    virtual ActivationType getActivationType() const noexcept = 0;
    virtual void setAlpha(float alpha) noexcept = 0;
    virtual void setBeta(float beta) noexcept = 0;
    virtual float getAlpha() const noexcept = 0;
    virtual float getBeta() const noexcept = 0;
};

class KILN_API UnaryLayer : public Layer {
public:
    virtual void setOperation(UnaryOperation op) noexcept = 0;
    virtual UnaryOperation getOperation() const noexcept = 0;
};

class KILN_API PoolingLayer : public Layer {
public:
    virtual void setPoolingType(PoolingType type) noexcept = 0;
    virtual PoolingType getPoolingType() const noexcept = 0;
    virtual void setWindowSizeNd(Dims window) noexcept = 0;
    virtual Dims getWindowSizeNd() const noexcept = 0;
    virtual void setStrideNd(Dims stride) noexcept = 0;
    virtual Dims getStrideNd() const noexcept = 0;
    virtual void setPaddingNd(Dims padding) noexcept = 0;
    virtual void setPrePadding(Dims padding) noexcept = 0;
    virtual void setPostPadding(Dims padding) noexcept = 0;
    virtual void setPaddingMode(PaddingMode mode) noexcept = 0;
    virtual void setBlendFactor(float factor) noexcept = 0;
    virtual void setAverageCountExcludesPadding(bool exclusive) noexcept = 0;
};

class KILN_API ReduceLayer : public Layer {
public:
    virtual void setOperation(ReduceOperation op) noexcept = 0;
    virtual void setReduceAxes(uint32_t axesMask) noexcept = 0;
    virtual void setKeepDimensions(bool keep) noexcept = 0;
};

class KILN_API SoftMaxLayer : public Layer {
public:
    //! Bit mask with exactly one bit set; default is the last axis.
    virtual void setAxes(uint32_t axesMask) noexcept = 0;
    virtual uint32_t getAxes() const noexcept = 0;
};

//! Layer, instance and group normalization: y = (x - mean) / sqrt(var + eps) * scale + bias.
class KILN_API NormalizationLayer : public Layer {
public:
    virtual void setEpsilon(float eps) noexcept = 0;
    virtual void setAxes(uint32_t axesMask) noexcept = 0;
    virtual void setNbGroups(int64_t groups) noexcept = 0;
};

//! y = (x * scale + shift) ^ power, per tensor, per channel or per element.
class KILN_API ScaleLayer : public Layer {
public:
    virtual void setMode(ScaleMode mode) noexcept = 0;
    virtual void setChannelAxis(int32_t axis) noexcept = 0;
    virtual void setShift(Weights shift) noexcept = 0;
    virtual void setScale(Weights scale) noexcept = 0;
    virtual void setPower(Weights power) noexcept = 0;
};

class KILN_API ConcatenationLayer : public Layer {
public:
    virtual void setAxis(int32_t axis) noexcept = 0;
    virtual int32_t getAxis() const noexcept = 0;
};

//! Transpose, reshape, transpose. Input 1, if set, is the reshape dimensions as a tensor.
class KILN_API ShuffleLayer : public Layer {
public:
    virtual void setFirstTranspose(Permutation perm) noexcept = 0;
    virtual void setReshapeDimensions(Dims dims) noexcept = 0;
    virtual void setSecondTranspose(Permutation perm) noexcept = 0;
    //! When true (the default), a 0 in the reshape dimensions copies the input dimension.
    virtual void setZeroIsPlaceholder(bool zeroIsPlaceholder) noexcept = 0;
};

//! Inputs 1..4, if set, are dynamic start, size, stride and fill value; 5 is the axes.
class KILN_API SliceLayer : public Layer {
public:
    virtual void setStart(Dims start) noexcept = 0;
    virtual void setSize(Dims size) noexcept = 0;
    virtual void setStride(Dims stride) noexcept = 0;
    virtual void setMode(SampleMode mode) noexcept = 0;
};

class KILN_API GatherLayer : public Layer {
public:
    virtual void setGatherAxis(int32_t axis) noexcept = 0;
    virtual void setMode(GatherMode mode) noexcept = 0;
    virtual void setNbElementWiseDims(int32_t n) noexcept = 0;
};

class KILN_API ScatterLayer : public Layer {
public:
    virtual void setMode(ScatterMode mode) noexcept = 0;
    virtual void setAxis(int32_t axis) noexcept = 0;
    //! kNONE (the default) overwrites; the others combine updates with data, duplicates included.
    virtual void setReduction(ScatterReduction reduction) noexcept = 0;
};

class KILN_API SelectLayer : public Layer {};
class KILN_API ShapeLayer : public Layer {};
class KILN_API IdentityLayer : public Layer {};
class KILN_API NonZeroLayer : public Layer {};
class KILN_API SqueezeLayer : public Layer {};
class KILN_API UnsqueezeLayer : public Layer {};

class KILN_API ConstantLayer : public Layer {
public:
    virtual Dims getDimensions() const noexcept = 0;
};

class KILN_API CastLayer : public Layer {
public:
    virtual void setToType(DataType type) noexcept = 0;
    virtual DataType getToType() const noexcept = 0;
    //! To an 8-bit float: values beyond the type's range become its largest value (true, the
    //! default, as ONNX) or infinity/NaN (false).
    virtual void setSaturate(bool saturate) noexcept = 0;
    virtual bool getSaturate() const noexcept = 0;
    //! Keep the bits instead of converting the values (ONNX BitCast): both types must have one
    //! element size.
    virtual void setBitCast(bool bitCast) noexcept = 0;
    virtual bool getBitCast() const noexcept = 0;
    //! To E8M0 (a power of two): a value between two powers rounds up (the default, as ONNX),
    //! down, or to the nearest.
    virtual void setE8M0Rounding(E8M0RoundingMode mode) noexcept = 0;
    virtual E8M0RoundingMode getE8M0Rounding() const noexcept = 0;
};

class KILN_API PaddingLayer : public Layer {
public:
    virtual void setPrePaddingNd(Dims padding) noexcept = 0;
    virtual void setPostPaddingNd(Dims padding) noexcept = 0;
};

//! Input 1, if set, is the output shape as a tensor (or scales, when float).
class KILN_API ResizeLayer : public Layer {
public:
    virtual void setOutputDimensions(Dims dims) noexcept = 0;
    virtual void setScales(const float* scales, int32_t nbScales) noexcept = 0;
    virtual void setResizeMode(InterpolationMode mode) noexcept = 0;
    virtual void setCoordinateTransformation(ResizeCoordinateTransformation t) noexcept = 0;
    virtual void setSelectorForSinglePixel(ResizeSelector selector) noexcept = 0;
    virtual void setNearestRounding(ResizeRoundMode mode) noexcept = 0;
    virtual void setCubicCoeff(float a) noexcept = 0;
    virtual void setExcludeOutside(bool exclude) noexcept = 0;
    //! ONNX Resize-18's antialias: when an axis shrinks, the linear or cubic filter is widened by
    //! 1 / scale (a low-pass filter); no effect on nearest or on axes that grow.
    virtual void setAntialias(bool antialias) noexcept = 0;
    //! For kTF_CROP_AND_RESIZE: the region in normalised input coordinates, all starts then all
    //! ends (2 x rank values; the default is the whole input), and the value of output positions
    //! that fall outside the input.
    virtual void setCropRegion(const float* roi, int32_t nbValues) noexcept = 0;
    virtual void setExtrapolationValue(float value) noexcept = 0;
};

class KILN_API TopKLayer : public Layer {
public:
    virtual void setOperation(TopKOperation op) noexcept = 0;
    virtual void setK(int32_t k) noexcept = 0;
    virtual void setReduceAxes(uint32_t axesMask) noexcept = 0;
};

//! Inputs: 0 shape (optional, else the given dims), 1 alpha/start, 2 beta/delta (optional).
class KILN_API FillLayer : public Layer {
public:
    virtual void setAlpha(double alpha) noexcept = 0;
    virtual void setBeta(double beta) noexcept = 0;
    virtual void setDimensions(Dims dims) noexcept = 0;
};

class KILN_API CumulativeLayer : public Layer {
public:
    virtual void setOperation(CumulativeOperation op) noexcept = 0;
};

class KILN_API OneHotLayer : public Layer {
public:
    virtual void setAxis(int32_t axis) noexcept = 0;
};

class KILN_API EinsumLayer : public Layer {
public:
    virtual bool setEquation(const char* equation) noexcept = 0;
    virtual const char* getEquation() const noexcept = 0;
};

class KILN_API AssertionLayer : public Layer {
public:
    virtual void setMessage(const char* message) noexcept = 0;
};

//! Properties fixed when a network is created: Builder::createNetworkV2(1U << flag | ...).
enum class NetworkDefinitionCreationFlag : int32_t {
    kEXPLICIT_BATCH = 0,  //!< accepted and ignored: networks are always explicit batch (as in TensorRT 10)
    //! Every tensor's type follows from the inputs', the constants' and the Cast layers' types
    //! by the layers' type rules: Layer::setPrecision and Tensor::setType on a layer output are
    //! refused, and the builder refuses the FP16/BF16/INT8 flags (it never changes a type).
    kSTRONGLY_TYPED = 1,
};
using NetworkDefinitionCreationFlags = uint32_t;

class KILN_API NetworkDefinition {
public:
    virtual ~NetworkDefinition() = default;

    virtual bool getFlag(NetworkDefinitionCreationFlag flag) const noexcept = 0;
    virtual NetworkDefinitionCreationFlags getFlags() const noexcept = 0;

    virtual Tensor* addInput(const char* name, DataType type, Dims dims) noexcept = 0;
    //! Any tensor can be marked: it then appears among the engine's outputs.
    virtual void markOutput(Tensor& tensor) noexcept = 0;
    virtual bool unmarkOutput(Tensor& tensor) noexcept = 0;

    virtual ConvolutionLayer* addConvolutionNd(Tensor& input, int64_t nbOutputMaps, Dims kernelSize,
                                               Weights kernelWeights, Weights biasWeights) noexcept = 0;
    virtual DeconvolutionLayer* addDeconvolutionNd(Tensor& input, int64_t nbOutputMaps, Dims kernelSize,
                                                   Weights kernelWeights, Weights biasWeights) noexcept = 0;
    virtual MatrixMultiplyLayer* addMatrixMultiply(Tensor& input0, MatrixOperation op0, Tensor& input1,
                                                   MatrixOperation op1) noexcept = 0;
    virtual ElementWiseLayer* addElementWise(Tensor& input1, Tensor& input2, ElementWiseOperation op) noexcept = 0;
    virtual ActivationLayer* addActivation(Tensor& input, ActivationType type) noexcept = 0;
    virtual UnaryLayer* addUnary(Tensor& input, UnaryOperation op) noexcept = 0;
    virtual PoolingLayer* addPoolingNd(Tensor& input, PoolingType type, Dims windowSize) noexcept = 0;
    virtual ReduceLayer* addReduce(Tensor& input, ReduceOperation op, uint32_t reduceAxes, bool keepDimensions) noexcept = 0;
    virtual SoftMaxLayer* addSoftMax(Tensor& input) noexcept = 0;
    virtual NormalizationLayer* addNormalization(Tensor& input, Tensor& scale, Tensor& bias,
                                                 uint32_t axesMask) noexcept = 0;
    virtual ScaleLayer* addScaleNd(Tensor& input, ScaleMode mode, Weights shift, Weights scale, Weights power,
                                   int32_t channelAxis) noexcept = 0;
    virtual ConcatenationLayer* addConcatenation(Tensor* const* inputs, int32_t nbInputs) noexcept = 0;
    virtual ShuffleLayer* addShuffle(Tensor& input) noexcept = 0;
    virtual SliceLayer* addSlice(Tensor& input, Dims start, Dims size, Dims stride) noexcept = 0;
    virtual GatherLayer* addGather(Tensor& data, Tensor& indices, int32_t axis) noexcept = 0;
    virtual GatherLayer* addGatherV2(Tensor& data, Tensor& indices, GatherMode mode) noexcept = 0;
    virtual ScatterLayer* addScatter(Tensor& data, Tensor& indices, Tensor& updates, ScatterMode mode) noexcept = 0;
    virtual SelectLayer* addSelect(Tensor& condition, Tensor& thenInput, Tensor& elseInput) noexcept = 0;
    virtual ShapeLayer* addShape(Tensor& input) noexcept = 0;
    virtual ConstantLayer* addConstant(Dims dims, Weights weights) noexcept = 0;
    virtual IdentityLayer* addIdentity(Tensor& input) noexcept = 0;
    virtual CastLayer* addCast(Tensor& input, DataType toType) noexcept = 0;
    virtual PaddingLayer* addPaddingNd(Tensor& input, Dims prePadding, Dims postPadding) noexcept = 0;
    virtual ResizeLayer* addResize(Tensor& input) noexcept = 0;
    virtual TopKLayer* addTopK(Tensor& input, TopKOperation op, int32_t k, uint32_t reduceAxes) noexcept = 0;
    virtual FillLayer* addFill(Dims dims, FillOperation op, DataType outputType) noexcept = 0;
    virtual CumulativeLayer* addCumulative(Tensor& input, Tensor& axis, CumulativeOperation op, bool exclusive,
                                           bool reverse) noexcept = 0;
    virtual OneHotLayer* addOneHot(Tensor& indices, Tensor& values, Tensor& depth, int32_t axis) noexcept = 0;
    virtual NonZeroLayer* addNonZero(Tensor& input) noexcept = 0;
    virtual SqueezeLayer* addSqueeze(Tensor& input, Tensor& axes) noexcept = 0;
    virtual UnsqueezeLayer* addUnsqueeze(Tensor& input, Tensor& axes) noexcept = 0;
    virtual EinsumLayer* addEinsum(Tensor* const* inputs, int32_t nbInputs, const char* equation) noexcept = 0;
    virtual AssertionLayer* addAssertion(Tensor& condition, const char* message) noexcept = 0;

    virtual int32_t getNbLayers() const noexcept = 0;
    virtual Layer* getLayer(int32_t index) const noexcept = 0;
    virtual int32_t getNbInputs() const noexcept = 0;
    virtual Tensor* getInput(int32_t index) const noexcept = 0;
    virtual int32_t getNbOutputs() const noexcept = 0;
    virtual Tensor* getOutput(int32_t index) const noexcept = 0;

    virtual void setName(const char* name) noexcept = 0;
    virtual const char* getName() const noexcept = 0;
    virtual void setErrorRecorder(ErrorRecorder* recorder) noexcept = 0;
    virtual ErrorRecorder* getErrorRecorder() const noexcept = 0;
};

}  // namespace kiln
