// Concatenation, Shuffle, Slice, Gather, Scatter, Select, Shape, Constant, Identity, Cast, Fill,
// OneHot, NonZero, Squeeze, Unsqueeze and Assertion layers.
#include <cstring>

#include "core/api_guard.h"
#include "ir/ops/assertion.h"
#include "ir/ops/cast.h"
#include "ir/ops/concatenation.h"
#include "ir/ops/fill.h"
#include "ir/ops/gather.h"
#include "ir/ops/identity.h"
#include "ir/ops/non_zero.h"
#include "ir/ops/one_hot.h"
#include "ir/ops/scatter.h"
#include "ir/ops/select.h"
#include "ir/ops/shape.h"
#include "ir/ops/shuffle.h"
#include "ir/ops/slice.h"
#include "ir/ops/squeeze.h"
#include "ir/ops/unsqueeze.h"
#include "network/layers/layer_util.h"
#include "network/network_impl.h"

namespace kiln {
namespace {

class ConcatenationLayerImpl : public LayerImpl<ConcatenationLayer> {
public:
    void setAxis(int32_t axis) noexcept override { op<ir::ConcatenationOp>().axis = axis; }
    int32_t getAxis() const noexcept override { return static_cast<int32_t>(op<ir::ConcatenationOp>().axis); }
};

class ShuffleLayerImpl : public LayerImpl<ShuffleLayer> {
public:
    // All MAX_DIMS entries are kept; the op uses the first `rank` of them, as TensorRT does.
    void setFirstTranspose(Permutation perm) noexcept override {
        op<ir::ShuffleOp>().firstTranspose = toPermutation(perm, Dims::MAX_DIMS);
    }
    void setReshapeDimensions(Dims dims) noexcept override {
        op<ir::ShuffleOp>().hasReshape = true;
        op<ir::ShuffleOp>().reshapeDims = toVector(dims);
    }
    void setSecondTranspose(Permutation perm) noexcept override {
        op<ir::ShuffleOp>().secondTranspose = toPermutation(perm, Dims::MAX_DIMS);
    }
    void setZeroIsPlaceholder(bool z) noexcept override { op<ir::ShuffleOp>().zeroIsPlaceholder = z; }
    void setInput(int32_t index, Tensor& tensor) noexcept override {
        LayerImpl<ShuffleLayer>::setInput(index, tensor);
        if (index == 1) op<ir::ShuffleOp>().hasReshape = true;
    }
};

class SliceLayerImpl : public LayerImpl<SliceLayer> {
public:
    void setStart(Dims start) noexcept override { op<ir::SliceOp>().start = toVector(start); }
    void setSize(Dims size) noexcept override { op<ir::SliceOp>().size = toVector(size); }
    void setStride(Dims stride) noexcept override { op<ir::SliceOp>().stride = toVector(stride); }
    void setMode(SampleMode mode) noexcept override { op<ir::SliceOp>().mode = mode; }
};

class GatherLayerImpl : public LayerImpl<GatherLayer> {
public:
    void setGatherAxis(int32_t axis) noexcept override { op<ir::GatherOp>().axis = axis; }
    void setMode(GatherMode mode) noexcept override { op<ir::GatherOp>().mode = mode; }
    void setNbElementWiseDims(int32_t n) noexcept override { op<ir::GatherOp>().nbElementWiseDims = n; }
};

class ScatterLayerImpl : public LayerImpl<ScatterLayer> {
public:
    void setMode(ScatterMode mode) noexcept override { op<ir::ScatterOp>().mode = mode; }
    void setAxis(int32_t axis) noexcept override { op<ir::ScatterOp>().axis = axis; }
    void setReduction(ScatterReduction r) noexcept override { op<ir::ScatterOp>().reduction = r; }
};

class SelectLayerImpl : public LayerImpl<SelectLayer> {};
class ShapeLayerImpl : public LayerImpl<ShapeLayer> {};
class IdentityLayerImpl : public LayerImpl<IdentityLayer> {};
class NonZeroLayerImpl : public LayerImpl<NonZeroLayer> {};
class SqueezeLayerImpl : public LayerImpl<SqueezeLayer> {};
class UnsqueezeLayerImpl : public LayerImpl<UnsqueezeLayer> {};

class ConstantLayerImpl : public LayerImpl<ConstantLayer> {
public:
    Dims getDimensions() const noexcept override { return toDims(mConstant->dims); }
};

class CastLayerImpl : public LayerImpl<CastLayer> {
public:
    void setToType(DataType type) noexcept override { op<ir::CastOp>().toType = type; }
    DataType getToType() const noexcept override { return op<ir::CastOp>().toType; }
    void setSaturate(bool saturate) noexcept override { op<ir::CastOp>().saturate = saturate ? 1 : 0; }
    bool getSaturate() const noexcept override { return op<ir::CastOp>().saturate != 0; }
    void setBitCast(bool bitCast) noexcept override { op<ir::CastOp>().bitCast = bitCast ? 1 : 0; }
    bool getBitCast() const noexcept override { return op<ir::CastOp>().bitCast != 0; }
    void setE8M0Rounding(E8M0RoundingMode mode) noexcept override {
        op<ir::CastOp>().e8m0Rounding = static_cast<int64_t>(mode);
    }
    E8M0RoundingMode getE8M0Rounding() const noexcept override {
        return static_cast<E8M0RoundingMode>(op<ir::CastOp>().e8m0Rounding);
    }
};

class FillLayerImpl : public LayerImpl<FillLayer> {
public:
    void setAlpha(double alpha) noexcept override { op<ir::FillOp>().alpha = alpha; }
    void setBeta(double beta) noexcept override { op<ir::FillOp>().beta = beta; }
    void setDimensions(Dims dims) noexcept override { op<ir::FillOp>().dims = toVector(dims); }
};

class OneHotLayerImpl : public LayerImpl<OneHotLayer> {
public:
    void setAxis(int32_t axis) noexcept override { op<ir::OneHotOp>().axis = axis; }
};

class AssertionLayerImpl : public LayerImpl<AssertionLayer> {
public:
    void setMessage(const char* message) noexcept override { op<ir::AssertionOp>().message = message ? message : ""; }
};

template <class L, class OpT>
L* addSimple(NetworkImpl& net, LayerType type, const char* name, std::vector<Tensor*> inputs, int32_t nbOutputs,
             std::unique_ptr<OpT> op = std::make_unique<OpT>()) {
    return apiGuard(net.sink(), static_cast<L*>(nullptr), [&]() -> L* {
        std::vector<LayerInput> ins;
        for (Tensor* t : inputs) ins.push_back({net.checkTensor(*t, name), nullptr});
        return net.newLayer<L>(type, name, std::move(op), std::move(ins), nbOutputs);
    });
}

}  // namespace

ConcatenationLayer* NetworkImpl::addConcatenation(Tensor* const* inputs, int32_t nbInputs) noexcept {
    return apiGuard(mSink, static_cast<ConcatenationLayer*>(nullptr), [&]() -> ConcatenationLayer* {
        KILN_CHECK(inputs && nbInputs >= 1) << "Concatenation: at least one input is required";
        std::vector<Tensor*> list;
        for (int32_t i = 0; i < nbInputs; ++i) {
            KILN_CHECK(inputs[i]) << "Concatenation: input " << i << " is null";
            list.push_back(inputs[i]);
        }
        auto op = std::make_unique<ir::ConcatenationOp>();
        // TensorRT's default axis: the first non-batch axis of a >= 2-d input (channels).
        Dims d = list[0]->getDimensions();
        op->axis = d.nbDims >= 2 ? 1 : 0;
        return addSimple<ConcatenationLayerImpl>(*this, LayerType::kCONCATENATION, "Concatenation", list, 1,
                                                 std::move(op));
    });
}

ShuffleLayer* NetworkImpl::addShuffle(Tensor& input) noexcept {
    return addSimple<ShuffleLayerImpl, ir::ShuffleOp>(*this, LayerType::kSHUFFLE, "Shuffle", {&input}, 1);
}

SliceLayer* NetworkImpl::addSlice(Tensor& input, Dims start, Dims size, Dims stride) noexcept {
    auto op = std::make_unique<ir::SliceOp>();
    op->start = toVector(start);
    op->size = toVector(size);
    op->stride = toVector(stride);
    return addSimple<SliceLayerImpl>(*this, LayerType::kSLICE, "Slice", {&input}, 1, std::move(op));
}

GatherLayer* NetworkImpl::addGather(Tensor& data, Tensor& indices, int32_t axis) noexcept {
    auto op = std::make_unique<ir::GatherOp>();
    op->axis = axis;
    return addSimple<GatherLayerImpl>(*this, LayerType::kGATHER, "Gather", {&data, &indices}, 1, std::move(op));
}

GatherLayer* NetworkImpl::addGatherV2(Tensor& data, Tensor& indices, GatherMode mode) noexcept {
    auto op = std::make_unique<ir::GatherOp>();
    op->mode = mode;
    return addSimple<GatherLayerImpl>(*this, LayerType::kGATHER, "Gather", {&data, &indices}, 1, std::move(op));
}

ScatterLayer* NetworkImpl::addScatter(Tensor& data, Tensor& indices, Tensor& updates, ScatterMode mode) noexcept {
    auto op = std::make_unique<ir::ScatterOp>();
    op->mode = mode;
    return addSimple<ScatterLayerImpl>(*this, LayerType::kSCATTER, "Scatter", {&data, &indices, &updates}, 1,
                                       std::move(op));
}

SelectLayer* NetworkImpl::addSelect(Tensor& c, Tensor& t, Tensor& e) noexcept {
    return addSimple<SelectLayerImpl, ir::SelectOp>(*this, LayerType::kSELECT, "Select", {&c, &t, &e}, 1);
}

ShapeLayer* NetworkImpl::addShape(Tensor& input) noexcept {
    return addSimple<ShapeLayerImpl, ir::ShapeOp>(*this, LayerType::kSHAPE, "Shape", {&input}, 1);
}

IdentityLayer* NetworkImpl::addIdentity(Tensor& input) noexcept {
    return addSimple<IdentityLayerImpl, ir::IdentityOp>(*this, LayerType::kIDENTITY, "Identity", {&input}, 1);
}

CastLayer* NetworkImpl::addCast(Tensor& input, DataType toType) noexcept {
    auto op = std::make_unique<ir::CastOp>();
    op->toType = toType;
    return addSimple<CastLayerImpl>(*this, LayerType::kCAST, "Cast", {&input}, 1, std::move(op));
}

NonZeroLayer* NetworkImpl::addNonZero(Tensor& input) noexcept {
    return addSimple<NonZeroLayerImpl, ir::NonZeroOp>(*this, LayerType::kNON_ZERO, "NonZero", {&input}, 1);
}

SqueezeLayer* NetworkImpl::addSqueeze(Tensor& input, Tensor& axes) noexcept {
    return addSimple<SqueezeLayerImpl, ir::SqueezeOp>(*this, LayerType::kSQUEEZE, "Squeeze", {&input, &axes}, 1);
}

UnsqueezeLayer* NetworkImpl::addUnsqueeze(Tensor& input, Tensor& axes) noexcept {
    return addSimple<UnsqueezeLayerImpl, ir::UnsqueezeOp>(*this, LayerType::kUNSQUEEZE, "Unsqueeze", {&input, &axes},
                                                          1);
}

OneHotLayer* NetworkImpl::addOneHot(Tensor& indices, Tensor& values, Tensor& depth, int32_t axis) noexcept {
    auto op = std::make_unique<ir::OneHotOp>();
    op->axis = axis;
    return addSimple<OneHotLayerImpl>(*this, LayerType::kONE_HOT, "OneHot", {&indices, &values, &depth}, 1,
                                      std::move(op));
}

AssertionLayer* NetworkImpl::addAssertion(Tensor& condition, const char* message) noexcept {
    auto op = std::make_unique<ir::AssertionOp>();
    op->message = message ? message : "";
    return addSimple<AssertionLayerImpl>(*this, LayerType::kASSERTION, "Assertion", {&condition}, 0, std::move(op));
}

FillLayer* NetworkImpl::addFill(Dims dims, FillOperation o, DataType outputType) noexcept {
    auto op = std::make_unique<ir::FillOp>();
    op->op = o;
    op->dims = toVector(dims);
    op->outputType = outputType;
    return addSimple<FillLayerImpl>(*this, LayerType::kFILL, "Fill", {}, 1, std::move(op));
}

ConstantLayer* NetworkImpl::addConstant(Dims dims, Weights weights) noexcept {
    return apiGuard(mSink, static_cast<ConstantLayer*>(nullptr), [&]() -> ConstantLayer* {
        KILN_CHECK(dims.nbDims >= 0 && dims.nbDims <= Dims::MAX_DIMS)
            << "Constant: " << dims.nbDims << " dimensions, expected 0 to " << Dims::MAX_DIMS;
        std::vector<int64_t> shape = toVector(dims);
        for (int64_t d : shape) KILN_CHECK(d >= 0) << "Constant: dimensions must be >= 0, got " << ir::dimsToString(shape);
        auto w = copyWeights(nextLayerName("Constant"), "constant", weights, shape, ir::numelOf(shape) == 0);
        if (!w) w = std::make_shared<const ir::HostTensor>(ir::HostTensor::make(weights.type, shape));
        if (shape.empty() && !w->dims.empty()) {  // a scalar: copyWeights reads empty dims as [count]
            auto scalar = std::make_shared<ir::HostTensor>(*w);
            scalar->dims.clear();
            w = std::move(scalar);
        }
        auto* layer = newLayer<ConstantLayerImpl>(LayerType::kCONSTANT, "Constant", nullptr, {}, 1);
        layer->mConstant = std::move(w);
        return layer;
    });
}

}  // namespace kiln
