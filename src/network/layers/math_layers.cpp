// MatrixMultiply, ElementWise, Activation, Unary, Reduce, SoftMax, Normalization, Scale, TopK,
// Cumulative and Einsum layers.
#include "core/api_guard.h"
#include "ir/ops/activation.h"
#include "ir/ops/cumulative.h"
#include "ir/ops/einsum.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/matrix_multiply.h"
#include "ir/ops/normalization.h"
#include "ir/ops/reduce.h"
#include "ir/ops/scale.h"
#include "ir/ops/softmax.h"
#include "ir/ops/topk.h"
#include "ir/ops/unary.h"
#include "network/layers/layer_util.h"
#include "network/network_impl.h"

namespace kiln {
namespace {

class MatrixMultiplyLayerImpl : public LayerImpl<MatrixMultiplyLayer> {
public:
    void setOperation(int32_t index, MatrixOperation o) noexcept override {
        (index == 0 ? op<ir::MatrixMultiplyOp>().op0 : op<ir::MatrixMultiplyOp>().op1) = o;
    }
    MatrixOperation getOperation(int32_t index) const noexcept override {
        return index == 0 ? op<ir::MatrixMultiplyOp>().op0 : op<ir::MatrixMultiplyOp>().op1;
    }
};

class ElementWiseLayerImpl : public LayerImpl<ElementWiseLayer> {
public:
    void setOperation(ElementWiseOperation o) noexcept override { op<ir::ElementWiseOp>().op = o; }
    ElementWiseOperation getOperation() const noexcept override { return op<ir::ElementWiseOp>().op; }
};

class ActivationLayerImpl : public LayerImpl<ActivationLayer> {
public:
    void setActivationType(ActivationType type) noexcept override { op<ir::ActivationOp>().type = type; }
    ActivationType getActivationType() const noexcept override { return op<ir::ActivationOp>().type; }
    void setAlpha(float alpha) noexcept override { op<ir::ActivationOp>().alpha = alpha; }
    void setBeta(float beta) noexcept override { op<ir::ActivationOp>().beta = beta; }
    float getAlpha() const noexcept override { return static_cast<float>(op<ir::ActivationOp>().alpha); }
    float getBeta() const noexcept override { return static_cast<float>(op<ir::ActivationOp>().beta); }
};

class UnaryLayerImpl : public LayerImpl<UnaryLayer> {
public:
    void setOperation(UnaryOperation o) noexcept override { op<ir::UnaryOp>().op = o; }
    UnaryOperation getOperation() const noexcept override { return op<ir::UnaryOp>().op; }
};

class ReduceLayerImpl : public LayerImpl<ReduceLayer> {
public:
    void setOperation(ReduceOperation o) noexcept override { op<ir::ReduceOp>().op = o; }
    void setReduceAxes(uint32_t mask) noexcept override { op<ir::ReduceOp>().axes = axesFromMask(mask); }
    void setKeepDimensions(bool keep) noexcept override { op<ir::ReduceOp>().keepDims = keep; }
};

class SoftMaxLayerImpl : public LayerImpl<SoftMaxLayer> {
public:
    void setAxes(uint32_t mask) noexcept override {
        auto axes = axesFromMask(mask);
        if (axes.size() != 1) {
            mNet->sink().error(ErrorCode::kINVALID_ARGUMENT,
                               mName + ": setAxes needs exactly one bit set, got mask " + std::to_string(mask));
            return;
        }
        op<ir::SoftMaxOp>().axis = axes[0];
    }
    uint32_t getAxes() const noexcept override {
        int64_t axis = op<ir::SoftMaxOp>().axis;
        return axis >= 0 ? (1u << axis) : 0u;
    }
};

class NormalizationLayerImpl : public LayerImpl<NormalizationLayer> {
public:
    void setEpsilon(float eps) noexcept override { op<ir::NormalizationOp>().epsilon = eps; }
    void setAxes(uint32_t mask) noexcept override { op<ir::NormalizationOp>().axes = axesFromMask(mask); }
    void setNbGroups(int64_t groups) noexcept override { op<ir::NormalizationOp>().nbGroups = groups; }
};

class ScaleLayerImpl : public LayerImpl<ScaleLayer> {
public:
    void setMode(ScaleMode mode) noexcept override { op<ir::ScaleOp>().mode = mode; }
    void setChannelAxis(int32_t axis) noexcept override { op<ir::ScaleOp>().channelAxis = axis; }
    void setShift(Weights w) noexcept override { set(1, "shift", w); }
    void setScale(Weights w) noexcept override { set(2, "scale", w); }
    void setPower(Weights w) noexcept override { set(3, "power", w); }

    void set(size_t slot, const char* what, const Weights& w) {
        apiGuardVoid(mNet->sink(), [&] {
            auto copy = mNet->copyWeights(mName, what, w, {}, true);
            if (mInputs.size() <= slot) mInputs.resize(slot + 1);
            mInputs[slot] = LayerInput{nullptr, copy};
            mNet->touch(this);
        });
    }
};

class TopKLayerImpl : public LayerImpl<TopKLayer> {
public:
    void setOperation(TopKOperation o) noexcept override { op<ir::TopKOp>().op = o; }
    void setK(int32_t k) noexcept override { op<ir::TopKOp>().k = k; }
    void setReduceAxes(uint32_t mask) noexcept override {
        auto axes = axesFromMask(mask);
        if (axes.size() == 1) op<ir::TopKOp>().axis = axes[0];
    }
};

class CumulativeLayerImpl : public LayerImpl<CumulativeLayer> {
public:
    void setOperation(CumulativeOperation o) noexcept override { op<ir::CumulativeOp>().op = o; }
};

class EinsumLayerImpl : public LayerImpl<EinsumLayer> {
public:
    bool setEquation(const char* equation) noexcept override {
        if (!equation) return false;
        op<ir::EinsumOp>().equation = equation;
        return true;
    }
    const char* getEquation() const noexcept override { return op<ir::EinsumOp>().equation.c_str(); }
};

}  // namespace

MatrixMultiplyLayer* NetworkImpl::addMatrixMultiply(Tensor& a, MatrixOperation op0, Tensor& b,
                                                    MatrixOperation op1) noexcept {
    return apiGuard(mSink, static_cast<MatrixMultiplyLayer*>(nullptr), [&]() -> MatrixMultiplyLayer* {
        auto op = std::make_unique<ir::MatrixMultiplyOp>();
        op->op0 = op0;
        op->op1 = op1;
        return newLayer<MatrixMultiplyLayerImpl>(LayerType::kMATRIX_MULTIPLY, "MatrixMultiply", std::move(op),
                                                 {{checkTensor(a, "MatrixMultiply"), nullptr},
                                                  {checkTensor(b, "MatrixMultiply"), nullptr}},
                                                 1);
    });
}

ElementWiseLayer* NetworkImpl::addElementWise(Tensor& a, Tensor& b, ElementWiseOperation o) noexcept {
    return apiGuard(mSink, static_cast<ElementWiseLayer*>(nullptr), [&]() -> ElementWiseLayer* {
        auto op = std::make_unique<ir::ElementWiseOp>();
        op->op = o;
        return newLayer<ElementWiseLayerImpl>(
            LayerType::kELEMENTWISE, "ElementWise", std::move(op),
            {{checkTensor(a, "ElementWise"), nullptr}, {checkTensor(b, "ElementWise"), nullptr}}, 1);
    });
}

ActivationLayer* NetworkImpl::addActivation(Tensor& input, ActivationType type) noexcept {
    return apiGuard(mSink, static_cast<ActivationLayer*>(nullptr), [&]() -> ActivationLayer* {
        auto op = std::make_unique<ir::ActivationOp>();
        op->type = type;
        return newLayer<ActivationLayerImpl>(LayerType::kACTIVATION, "Activation", std::move(op),
                                             {{checkTensor(input, "Activation"), nullptr}}, 1);
    });
}

UnaryLayer* NetworkImpl::addUnary(Tensor& input, UnaryOperation o) noexcept {
    return apiGuard(mSink, static_cast<UnaryLayer*>(nullptr), [&]() -> UnaryLayer* {
        auto op = std::make_unique<ir::UnaryOp>();
        op->op = o;
        return newLayer<UnaryLayerImpl>(LayerType::kUNARY, "Unary", std::move(op),
                                        {{checkTensor(input, "Unary"), nullptr}}, 1);
    });
}

ReduceLayer* NetworkImpl::addReduce(Tensor& input, ReduceOperation o, uint32_t axes, bool keep) noexcept {
    return apiGuard(mSink, static_cast<ReduceLayer*>(nullptr), [&]() -> ReduceLayer* {
        KILN_CHECK(axes != 0) << "Reduce: the axes mask must select at least one axis";
        auto op = std::make_unique<ir::ReduceOp>();
        op->op = o;
        op->axes = axesFromMask(axes);
        op->keepDims = keep;
        return newLayer<ReduceLayerImpl>(LayerType::kREDUCE, "Reduce", std::move(op),
                                         {{checkTensor(input, "Reduce"), nullptr}}, 1);
    });
}

SoftMaxLayer* NetworkImpl::addSoftMax(Tensor& input) noexcept {
    return apiGuard(mSink, static_cast<SoftMaxLayer*>(nullptr), [&]() -> SoftMaxLayer* {
        return newLayer<SoftMaxLayerImpl>(LayerType::kSOFTMAX, "SoftMax", std::make_unique<ir::SoftMaxOp>(),
                                          {{checkTensor(input, "SoftMax"), nullptr}}, 1);
    });
}

NormalizationLayer* NetworkImpl::addNormalization(Tensor& input, Tensor& scale, Tensor& bias,
                                                  uint32_t axesMask) noexcept {
    return apiGuard(mSink, static_cast<NormalizationLayer*>(nullptr), [&]() -> NormalizationLayer* {
        auto op = std::make_unique<ir::NormalizationOp>();
        op->axes = axesFromMask(axesMask);
        return newLayer<NormalizationLayerImpl>(LayerType::kNORMALIZATION, "Normalization", std::move(op),
                                                {{checkTensor(input, "Normalization"), nullptr},
                                                 {checkTensor(scale, "Normalization"), nullptr},
                                                 {checkTensor(bias, "Normalization"), nullptr}},
                                                1);
    });
}

ScaleLayer* NetworkImpl::addScaleNd(Tensor& input, ScaleMode mode, Weights shift, Weights scale, Weights power,
                                    int32_t channelAxis) noexcept {
    return apiGuard(mSink, static_cast<ScaleLayer*>(nullptr), [&]() -> ScaleLayer* {
        auto op = std::make_unique<ir::ScaleOp>();
        op->mode = mode;
        op->channelAxis = channelAxis;
        std::string name = nextLayerName("Scale");
        std::vector<LayerInput> inputs{{checkTensor(input, "Scale"), nullptr},
                                       {nullptr, copyWeights(name, "shift", shift, {}, true)},
                                       {nullptr, copyWeights(name, "scale", scale, {}, true)},
                                       {nullptr, copyWeights(name, "power", power, {}, true)}};
        return newLayer<ScaleLayerImpl>(LayerType::kSCALE, "Scale", std::move(op), std::move(inputs), 1);
    });
}

TopKLayer* NetworkImpl::addTopK(Tensor& input, TopKOperation o, int32_t k, uint32_t reduceAxes) noexcept {
    return apiGuard(mSink, static_cast<TopKLayer*>(nullptr), [&]() -> TopKLayer* {
        auto axes = axesFromMask(reduceAxes);
        KILN_CHECK(axes.size() == 1) << "TopK: the axes mask must select exactly one axis, got " << reduceAxes;
        auto op = std::make_unique<ir::TopKOp>();
        op->op = o;
        op->k = k;
        op->axis = axes[0];
        return newLayer<TopKLayerImpl>(LayerType::kTOPK, "TopK", std::move(op), {{checkTensor(input, "TopK"), nullptr}},
                                       2);
    });
}

CumulativeLayer* NetworkImpl::addCumulative(Tensor& input, Tensor& axis, CumulativeOperation o, bool exclusive,
                                            bool reverse) noexcept {
    return apiGuard(mSink, static_cast<CumulativeLayer*>(nullptr), [&]() -> CumulativeLayer* {
        auto op = std::make_unique<ir::CumulativeOp>();
        op->op = o;
        op->exclusive = exclusive;
        op->reverse = reverse;
        return newLayer<CumulativeLayerImpl>(
            LayerType::kCUMULATIVE, "Cumulative", std::move(op),
            {{checkTensor(input, "Cumulative"), nullptr}, {checkTensor(axis, "Cumulative"), nullptr}}, 1);
    });
}

EinsumLayer* NetworkImpl::addEinsum(Tensor* const* inputs, int32_t nbInputs, const char* equation) noexcept {
    return apiGuard(mSink, static_cast<EinsumLayer*>(nullptr), [&]() -> EinsumLayer* {
        KILN_CHECK(inputs && nbInputs >= 1) << "Einsum: at least one input is required";
        KILN_CHECK(equation) << "Einsum: the equation must not be null";
        std::vector<LayerInput> ins;
        for (int32_t i = 0; i < nbInputs; ++i) {
            KILN_CHECK(inputs[i]) << "Einsum: input " << i << " is null";
            ins.push_back({checkTensor(*inputs[i], "Einsum"), nullptr});
        }
        auto op = std::make_unique<ir::EinsumOp>();
        op->equation = equation;
        return newLayer<EinsumLayerImpl>(LayerType::kEINSUM, "Einsum", std::move(op), std::move(ins), 1);
    });
}

}  // namespace kiln
