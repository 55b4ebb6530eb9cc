#include "frontend/onnx/importers/importer_util.h"

#include <algorithm>

namespace kiln::onnximport {

int32_t normalizeAxis(int64_t axis, int32_t rank, const char* what) {
    ONNX_CHECK(axis >= -rank && axis < rank, kINVALID_NODE)
        << what << " " << axis << " is out of range for rank " << rank << " (expected " << -rank << " to "
        << rank - 1 << ")";
    return static_cast<int32_t>(axis < 0 ? axis + rank : axis);
}

uint32_t axesMask(const std::vector<int64_t>& axes, int32_t rank) {
    uint32_t mask = 0;
    for (int64_t a : axes) mask |= 1u << normalizeAxis(a, rank);
    return mask;
}

Dims toDims(const std::vector<int64_t>& v) {
    ONNX_CHECK(v.size() <= static_cast<size_t>(Dims::MAX_DIMS), kUNSUPPORTED_NODE_SHAPE)
        << v.size() << " dimensions; Kiln supports at most " << Dims::MAX_DIMS;
    Dims d;
    d.nbDims = static_cast<int32_t>(v.size());
    for (size_t i = 0; i < v.size(); ++i) d.d[i] = v[i];
    return d;
}

Tensor& elementWise(ImportContext& ctx, Tensor& a, Tensor& b, ElementWiseOperation op) {
    return *ctx.check(ctx.network().addElementWise(a, b, op))->getOutput(0);
}

Tensor& unary(ImportContext& ctx, Tensor& x, UnaryOperation op) {
    return *ctx.check(ctx.network().addUnary(x, op))->getOutput(0);
}

Tensor& activation(ImportContext& ctx, Tensor& x, ActivationType type, float alpha, float beta) {
    ActivationLayer* l = ctx.network().addActivation(x, type);
    if (l) {
        l->setAlpha(alpha);
        l->setBeta(beta);
    }
    return *ctx.check(l)->getOutput(0);
}

Tensor& cast(ImportContext& ctx, Tensor& x, DataType type) {
    if (x.getType() == type) return x;
    return *ctx.check(ctx.network().addCast(x, type))->getOutput(0);
}

Tensor& reshape(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& dims) {
    ShuffleLayer* l = ctx.network().addShuffle(x);
    if (l) l->setReshapeDimensions(toDims(dims));
    return *ctx.check(l)->getOutput(0);
}

Tensor& unsqueeze(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& axes) {
    Tensor& a = ctx.tensorOf(ImportContext::int64Weights(axes));
    return *ctx.check(ctx.network().addUnsqueeze(x, a))->getOutput(0);
}

Tensor& transpose(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& perm) {
    ONNX_CHECK(perm.size() <= static_cast<size_t>(Dims::MAX_DIMS), kUNSUPPORTED_NODE_SHAPE)
        << "a permutation of " << perm.size() << " axes; at most " << Dims::MAX_DIMS;
    Permutation p;
    for (size_t i = 0; i < perm.size(); ++i) p.order[i] = static_cast<int32_t>(perm[i]);
    ShuffleLayer* l = ctx.network().addShuffle(x);
    if (l) l->setFirstTranspose(p);
    return *ctx.check(l)->getOutput(0);
}

Tensor& shapeOf(ImportContext& ctx, Tensor& x) { return *ctx.check(ctx.network().addShape(x))->getOutput(0); }

Tensor& gatherShape(ImportContext& ctx, Tensor& shape, const std::vector<int64_t>& indices) {
    Tensor& idx = ctx.tensorOf(ImportContext::int64Weights(indices));
    return *ctx.check(ctx.network().addGather(shape, idx, 0))->getOutput(0);
}

Tensor& constInt64(ImportContext& ctx, const std::vector<int64_t>& values) {
    return ctx.tensorOf(ImportContext::int64Weights(values));
}

Tensor& concatShapes(ImportContext& ctx, const std::vector<Tensor*>& parts) {
    if (parts.size() == 1) return *parts[0];
    ConcatenationLayer* l = ctx.network().addConcatenation(parts.data(), static_cast<int32_t>(parts.size()));
    if (l) l->setAxis(0);
    return *ctx.check(l)->getOutput(0);
}

int64_t mulDims(int64_t a, int64_t b) {
    int64_t r = 0;
    ONNX_CHECK(!__builtin_mul_overflow(a, b, &r), kINVALID_NODE) << "the product of dimensions " << a << " * " << b
                                                                 << " overflows int64";
    return r;
}

std::shared_ptr<const ir::HostTensor> withDims(const ir::HostTensor& t, std::vector<int64_t> dims) {
    ONNX_CHECK(ir::numelOf(dims) == t.numel(), kINVALID_NODE)
        << "cannot view " << t.numel() << " values as " << ir::dimsToString(dims);
    auto out = std::make_shared<ir::HostTensor>(t);
    out->dims = std::move(dims);
    return out;
}

std::shared_ptr<const ir::HostTensor> boolScalar(bool v) {
    auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kBOOL, {}));
    *t->as<uint8_t>() = v ? 1 : 0;
    return t;
}

TensorOrWeights identityOf(ImportContext& ctx, const TensorOrWeights& value) {
    if (!value.isTensor()) return value;
    return ctx.check(ctx.network().addIdentity(*value.tensor))->getOutput(0);
}

std::shared_ptr<const ir::HostTensor> castWeights(const ir::HostTensor& t, DataType type) {
    if (t.type == type) return std::make_shared<ir::HostTensor>(t);
    auto out = std::make_shared<ir::HostTensor>(ir::HostTensor::make(type, t.dims));
    const int64_t n = t.numel();
    for (int64_t i = 0; i < n; ++i) {
        switch (type) {
            case DataType::kFLOAT: out->as<float>()[i] = static_cast<float>(t.floatAt(i)); break;
            case DataType::kDOUBLE: out->as<double>()[i] = t.floatAt(i); break;
            case DataType::kINT32: out->as<int32_t>()[i] = static_cast<int32_t>(t.intAt(i)); break;
            case DataType::kINT64: out->as<int64_t>()[i] = t.intAt(i); break;
            case DataType::kINT8: out->as<int8_t>()[i] = static_cast<int8_t>(t.intAt(i)); break;
            case DataType::kUINT8: out->as<uint8_t>()[i] = static_cast<uint8_t>(t.intAt(i)); break;
            case DataType::kBOOL: out->as<uint8_t>()[i] = t.floatAt(i) != 0; break;
            case DataType::kUINT16: out->as<uint16_t>()[i] = static_cast<uint16_t>(t.intAt(i)); break;
            case DataType::kUINT32: out->as<uint32_t>()[i] = static_cast<uint32_t>(t.intAt(i)); break;
            case DataType::kUINT64: out->as<uint64_t>()[i] = static_cast<uint64_t>(t.intAt(i)); break;
            default: return nullptr;  // half and 8-bit float types: left to a Cast layer
        }
    }
    return out;
}

std::vector<int64_t> resolveReshape(const std::vector<int64_t>& in, std::vector<int64_t> shape, bool allowZero) {
    int64_t known = 1, inferAt = -1, total = ir::numelOf(in);
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 0 && !allowZero) {
            ONNX_CHECK(i < in.size(), kINVALID_NODE) << "Reshape copies dimension " << i << " of a rank-" << in.size() << " input";
            shape[i] = in[i];
        }
        if (shape[i] == -1) {
            ONNX_CHECK(inferAt < 0, kINVALID_NODE) << "Reshape shape has more than one -1";
            inferAt = static_cast<int64_t>(i);
        } else {
            ONNX_CHECK(shape[i] >= 0, kINVALID_NODE) << "Reshape shape has a negative dimension " << shape[i];
            known = mulDims(known, shape[i]);
        }
    }
    if (inferAt >= 0) {
        ONNX_CHECK(known > 0 && total % known == 0, kINVALID_NODE)
            << "cannot reshape " << ir::dimsToString(in) << " to " << ir::dimsToString(shape);
        shape[inferAt] = total / known;
    }
    ONNX_CHECK(ir::numelOf(shape) == total, kINVALID_NODE)
        << "cannot reshape " << ir::dimsToString(in) << " (" << total << " values) to " << ir::dimsToString(shape);
    return shape;
}

Tensor& filled(ImportContext& ctx, Tensor& shape, int64_t rank, DataType type, double value) {
    const bool direct = type == DataType::kFLOAT || type == DataType::kINT32 || type == DataType::kINT64;
    const DataType fillType = direct ? type : type == DataType::kHALF || type == DataType::kBF16 ? DataType::kFLOAT
                                                                                                 : DataType::kINT32;
    Tensor& alpha = ctx.tensorOf(ImportContext::scalarWeights(fillType, value));
    // LINSPACE's beta is the delta per output axis (one per axis for rank > 1).
    Tensor* deltas = &ctx.tensorOf(ImportContext::scalarWeights(fillType, 0.0));
    if (rank > 1) {
        auto zeros = std::make_shared<ir::HostTensor>(ir::HostTensor::make(fillType, {rank}));
        std::fill_n(static_cast<uint8_t*>(zeros->data()), zeros->bytes(), 0);
        deltas = &ctx.tensorOf(zeros);
    }
    FillLayer* l = ctx.network().addFill(Dims{}, FillOperation::kLINSPACE, fillType);
    if (l) {
        l->setInput(0, shape);
        l->setInput(1, alpha);
        l->setInput(2, *deltas);
    }
    return cast(ctx, *ctx.check(l)->getOutput(0), type);
}

void refuseAttribute(const NodeAttributes& attrs, const char* name, const char* why) {
    ONNX_CHECK(!attrs.has(name), kUNSUPPORTED_NODE_ATTR) << "attribute '" << name << "' is not supported: " << why;
}

}  // namespace kiln::onnximport
