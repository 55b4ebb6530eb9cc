// Explicit quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer
// ops built on them (MatMulInteger, QLinearMatMul, ConvInteger, QLinearConv), as element-wise
// layers around float or int32 arithmetic:
//   quantize:   y = saturate(round_half_even(x / scale) + zero_point)
//   dequantize: y = (x - zero_point) * scale
// Scales and zero points are scalars, per-axis vectors (along `axis`) or blocks of
// `block_size` along `axis`. 8-bit integer types only (int16, int4, int2, float8 and float4 are
// refused with the type's name).
#include <cmath>

#include "frontend/onnx/importers/importer_util.h"
#include "ir/data_types.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

struct QuantRange {
    double lo, hi;
};

QuantRange rangeOf(DataType t) {
    switch (t) {
        case DataType::kINT8: return {-128, 127};
        case DataType::kUINT8: return {0, 255};
        case DataType::kUINT16: return {0, 65535};
        case DataType::kINT2: return {-2, 1};
        case DataType::kUINT2: return {0, 3};
        default:
            ONNX_THROW(kUNSUPPORTED_NODE_DATATYPE)
                << "quantized type " << dataTypeName(t) << " (Kiln quantizes to int8, uint8, uint16, int2, uint2 and the 8-bit floats)";
    }
}

Tensor& scalarTensor(ImportContext& ctx, DataType type, double v, int32_t rank) {
    return ctx.tensorOf(ImportContext::scalarWeights(type, v, rank));
}

Tensor& clampTo(ImportContext& ctx, Tensor& x, QuantRange r) {
    const int32_t rank = static_cast<int32_t>(x.getDimensions().nbDims);
    Tensor& lo = scalarTensor(ctx, DataType::kFLOAT, r.lo, rank);
    Tensor& hi = scalarTensor(ctx, DataType::kFLOAT, r.hi, rank);
    return elementWise(ctx, elementWise(ctx, x, lo, ElementWiseOperation::kMAX), hi, ElementWiseOperation::kMIN);
}

// A scale or zero point made to broadcast against x (dims xDims): a scalar as is; a 1-D
// per-axis vector reshaped to [1.., n, ..1]; blocks (block_size > 0) repeated along the axis.
Tensor& broadcastParam(ImportContext& ctx, Tensor& p, const std::vector<int64_t>& xDims, int64_t axisAttr,
                       int64_t blockSize) {
    const int32_t rank = static_cast<int32_t>(xDims.size());
    Dims pd = p.getDimensions();
    int64_t count = 1;
    for (int32_t i = 0; i < pd.nbDims; ++i) count = pd.d[i] < 0 || count < 0 ? -1 : mulDims(count, pd.d[i]);
    if (blockSize <= 0 && (pd.nbDims == 0 || (pd.nbDims == 1 && count == 1))) return p;
    const int32_t axis = normalizeAxis(axisAttr, rank);
    if (blockSize <= 0) {
        ONNX_CHECK(pd.nbDims == 1, kINVALID_NODE) << "a per-axis scale or zero point must be 1-D";
        std::vector<int64_t> dims(rank, 1);
        dims[axis] = pd.d[0];
        return reshape(ctx, p, dims);
    }
    // Blocked: p has x's rank with ceil(D / block) on the axis; each entry covers `block` of x.
    ONNX_CHECK(pd.nbDims == rank, kINVALID_NODE) << "a blocked scale must have the input's rank";
    for (int64_t d : xDims) ONNX_CHECK(d >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "blocked quantization of a dynamic input";
    std::vector<int64_t> split(pd.d, pd.d + rank);
    split.insert(split.begin() + axis + 1, 1);
    Tensor& u = reshape(ctx, p, split);
    std::vector<ShapeScalar> start(rank + 1, ShapeScalar{0}), size;
    for (int64_t d : split) size.push_back(ShapeScalar{d});
    size[axis + 1] = ShapeScalar{blockSize};
    Tensor& repeated = sliceLayer(ctx, u, start, size, std::vector<int64_t>(rank + 1, 1), SampleMode::kWRAP);
    std::vector<int64_t> merged(pd.d, pd.d + rank);
    merged[axis] = mulDims(merged[axis], blockSize);
    Tensor& flat = reshape(ctx, repeated, merged);
    std::vector<ShapeScalar> s0(rank, ShapeScalar{0}), sz;
    for (int64_t d : xDims) sz.push_back(ShapeScalar{d});
    return sliceLayer(ctx, flat, s0, sz, std::vector<int64_t>(rank, 1));
}

Tensor& quantize(ImportContext& ctx, Tensor& x, Tensor& scale, Tensor* zeroPoint, DataType outType) {
    Tensor& xf = cast(ctx, x, DataType::kFLOAT);
    if (ir::isFloat8Type(outType)) {
        // To an 8-bit float the cast rounds (nearest even) and saturates; there is no integer grid.
        Tensor* q = &elementWise(ctx, xf, cast(ctx, scale, DataType::kFLOAT), ElementWiseOperation::kDIV);
        if (zeroPoint) q = &elementWise(ctx, *q, cast(ctx, *zeroPoint, DataType::kFLOAT), ElementWiseOperation::kSUM);
        return cast(ctx, *q, outType);
    }
    const QuantRange r = rangeOf(outType);
    Tensor* q = &unary(ctx, elementWise(ctx, xf, cast(ctx, scale, DataType::kFLOAT), ElementWiseOperation::kDIV),
                       UnaryOperation::kROUND);
    if (zeroPoint) q = &elementWise(ctx, *q, cast(ctx, *zeroPoint, DataType::kFLOAT), ElementWiseOperation::kSUM);
    return cast(ctx, clampTo(ctx, *q, r), outType);
}

Tensor& dequantize(ImportContext& ctx, Tensor& x, Tensor& scale, Tensor* zeroPoint, DataType outType) {
    Tensor* v = &cast(ctx, x, DataType::kFLOAT);
    if (zeroPoint) v = &elementWise(ctx, *v, cast(ctx, *zeroPoint, DataType::kFLOAT), ElementWiseOperation::kSUB);
    return cast(ctx, elementWise(ctx, *v, cast(ctx, scale, DataType::kFLOAT), ElementWiseOperation::kPROD), outType);
}

// x - zero_point in int32 (the integer ops' accumulation type).
Tensor& centeredInt32(ImportContext& ctx, Tensor& x, Tensor* zeroPoint) {
    rangeOf(x.getType());
    Tensor& xi = cast(ctx, x, DataType::kINT32);
    if (!zeroPoint) return xi;
    return elementWise(ctx, xi, cast(ctx, *zeroPoint, DataType::kINT32), ElementWiseOperation::kSUB);
}

Tensor* optionalTensor(NodeInputs& in, size_t i) { return in.has(i) ? &in.tensor(i) : nullptr; }

DataType onnxTypeAttr(const NodeAttributes& attrs, const char* name, DataType fallback) {
    const int64_t t = attrs.getInt(name, 0);
    return t == 0 ? fallback : fromOnnxType(static_cast<int32_t>(t), std::string("attribute ") + name);
}

// A zero point per row of A ([M] for A of [.., M, K]) broadcasts as [M, 1].
Tensor& perRow(ImportContext& ctx, Tensor& p) {
    Dims d = p.getDimensions();
    if (d.nbDims == 1 && d.d[0] != 1) return reshape(ctx, p, {d.d[0], 1});
    return p;
}

Tensor& matmulInt32(ImportContext& ctx, Tensor& a, Tensor& b) {
    MatrixMultiplyLayer* l = ctx.network().addMatrixMultiply(a, MatrixOperation::kNONE, b, MatrixOperation::kNONE);
    return *ctx.check(l)->getOutput(0);
}

// The kernel minus its zero point (a scalar or one per output channel), as float32 weights.
std::shared_ptr<const ir::HostTensor> centeredKernel(const ir::HostTensor& w, const ir::HostTensor* zp) {
    rangeOf(w.type);
    auto out = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, w.dims));
    const int64_t perChannel = w.dims.empty() || w.dims[0] == 0 ? 0 : w.numel() / w.dims[0];
    for (int64_t i = 0; i < w.numel(); ++i) {
        double z = 0;
        if (zp && zp->numel() == 1) z = zp->floatAt(0);
        else if (zp) z = zp->floatAt(std::min<int64_t>(i / std::max<int64_t>(perChannel, 1), zp->numel() - 1));
        out->as<float>()[i] = static_cast<float>(w.floatAt(i) - z);
    }
    return out;
}

// An integer convolution in float32 is exact while no sum can reach 2^24: the bound is checked.
Tensor& integerConvolution(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs, size_t xAt,
                           size_t xZpAt, size_t wAt, size_t wZpAt) {
    Tensor& x = inputs.tensor(xAt);
    rangeOf(x.getType());
    const ir::HostTensor& w = inputs.weights(wAt);
    const ir::HostTensor* wzp = inputs.has(wZpAt) ? &inputs.weights(wZpAt) : nullptr;
    auto wf = centeredKernel(w, wzp);
    const int64_t perOutput = w.dims.empty() || w.dims[0] == 0 ? 0 : w.numel() / w.dims[0];
    ONNX_CHECK(static_cast<double>(perOutput) * 255.0 * 255.0 < 16777216.0, kUNSUPPORTED_NODE)
        << "an integer convolution with " << perOutput
        << " products per output (Kiln computes it in float32, exact below 2^24)";
    Tensor* xf = &cast(ctx, x, DataType::kFLOAT);
    if (inputs.has(xZpAt))
        xf = &elementWise(ctx, *xf, cast(ctx, inputs.tensor(xZpAt), DataType::kFLOAT), ElementWiseOperation::kSUB);
    return convolution(ctx, *xf, *wf, nullptr, attrs);
}

}  // namespace

KILN_ONNX_IMPORTER(ConvInteger) {
    return {&cast(ctx, integerConvolution(ctx, inputs, attrs, 0, 2, 1, 3), DataType::kINT32)};
}

// (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): (conv + B) * x_scale * w_scale / y_scale,
// quantized with y_zp; w_scale may be one per output channel.
KILN_ONNX_IMPORTER(QLinearConv) {
    Tensor* acc = &integerConvolution(ctx, inputs, attrs, 0, 2, 3, 5);
    const int32_t rank = inputs.rank(0);
    auto perChannel = [&](Tensor& t) -> Tensor& {
        Dims d = t.getDimensions();
        if (d.nbDims != 1 || d.d[0] == 1) return t;
        std::vector<int64_t> dims(rank, 1);
        dims[1] = d.d[0];
        return reshape(ctx, t, dims);
    };
    if (inputs.has(8)) acc = &elementWise(ctx, *acc, perChannel(cast(ctx, inputs.tensor(8), DataType::kFLOAT)),
                                          ElementWiseOperation::kSUM);
    Tensor& xs = cast(ctx, inputs.tensor(1), DataType::kFLOAT);
    Tensor& ws = perChannel(cast(ctx, inputs.tensor(4), DataType::kFLOAT));
    Tensor& ys = cast(ctx, inputs.tensor(6), DataType::kFLOAT);
    Tensor& multiplier = elementWise(ctx, elementWise(ctx, xs, ws, ElementWiseOperation::kPROD), ys,
                                     ElementWiseOperation::kDIV);
    Tensor* q = &unary(ctx, elementWise(ctx, *acc, multiplier, ElementWiseOperation::kPROD), UnaryOperation::kROUND);
    const DataType outType = inputs.has(7) ? inputs.type(7) : DataType::kUINT8;
    if (inputs.has(7)) q = &elementWise(ctx, *q, cast(ctx, inputs.tensor(7), DataType::kFLOAT), ElementWiseOperation::kSUM);
    return {&cast(ctx, clampTo(ctx, *q, rangeOf(outType)), outType)};
}

KILN_ONNX_IMPORTER(QuantizeLinear) {
    refuseAttribute(attrs, "precision", "a precision other than the scale's");
    Tensor& x = inputs.tensor(0);
    const std::vector<int64_t> xDims = inputs.dims(0);
    const int64_t axis = attrs.getInt("axis", 1), block = attrs.getInt("block_size", 0);
    Tensor* zp = optionalTensor(inputs, 2);
    const DataType outType = onnxTypeAttr(attrs, "output_dtype", zp ? zp->getType() : DataType::kUINT8);
    Tensor& scale = broadcastParam(ctx, inputs.tensor(1), xDims, axis, block);
    Tensor* zeroPoint = zp ? &broadcastParam(ctx, *zp, xDims, axis, block) : nullptr;
    return {&quantize(ctx, x, scale, zeroPoint, outType)};
}

KILN_ONNX_IMPORTER(DequantizeLinear) {
    Tensor& x = inputs.tensor(0);
    const DataType inType = x.getType();
    ONNX_CHECK(inType == DataType::kINT8 || inType == DataType::kUINT8 || inType == DataType::kUINT16 ||
                   inType == DataType::kINT32 || inType == DataType::kINT2 || inType == DataType::kUINT2 ||
                   ir::isFloat8Type(inType),
               kUNSUPPORTED_NODE_DATATYPE)
        << "dequantizing " << dataTypeName(inType)
        << " (Kiln dequantizes int8, uint8, uint16, int32, int2, uint2 and the 8-bit floats)";
    const std::vector<int64_t> xDims = inputs.dims(0);
    const int64_t axis = attrs.getInt("axis", 1), block = attrs.getInt("block_size", 0);
    const DataType outType = onnxTypeAttr(attrs, "output_dtype", inputs.type(1));
    Tensor& scale = broadcastParam(ctx, inputs.tensor(1), xDims, axis, block);
    Tensor* zp = optionalTensor(inputs, 2);
    Tensor* zeroPoint = zp ? &broadcastParam(ctx, *zp, xDims, axis, block) : nullptr;
    return {&dequantize(ctx, x, scale, zeroPoint, outType)};
}

// y_scale = (max(0, max x) - min(0, min x)) / 255, y_zero_point = saturate(round(-min / scale)).
KILN_ONNX_IMPORTER(DynamicQuantizeLinear) {
    Tensor& x = cast(ctx, inputs.tensor(0), DataType::kFLOAT);
    const int32_t rank = inputs.rank(0);
    uint32_t all = rank ? (1u << rank) - 1 : 0u;
    auto reduced = [&](ReduceOperation op) -> Tensor& {
        if (rank == 0) return x;
        return *ctx.check(ctx.network().addReduce(x, op, all, false))->getOutput(0);
    };
    Tensor& zero = scalarTensor(ctx, DataType::kFLOAT, 0.0, 0);
    Tensor& lo = elementWise(ctx, reduced(ReduceOperation::kMIN), zero, ElementWiseOperation::kMIN);
    Tensor& hi = elementWise(ctx, reduced(ReduceOperation::kMAX), zero, ElementWiseOperation::kMAX);
    Tensor& scale = elementWise(ctx, elementWise(ctx, hi, lo, ElementWiseOperation::kSUB),
                                scalarTensor(ctx, DataType::kFLOAT, 255.0, 0), ElementWiseOperation::kDIV);
    Tensor& zpFloat = unary(ctx, elementWise(ctx, elementWise(ctx, zero, lo, ElementWiseOperation::kSUB), scale,
                                             ElementWiseOperation::kDIV),
                            UnaryOperation::kROUND);
    Tensor& zp = cast(ctx, clampTo(ctx, zpFloat, {0, 255}), DataType::kUINT8);
    return {&quantize(ctx, x, scale, &zp, DataType::kUINT8), &scale, &zp};
}

KILN_ONNX_IMPORTER(MatMulInteger) {
    Tensor& a = centeredInt32(ctx, inputs.tensor(0), inputs.has(2) ? &perRow(ctx, inputs.tensor(2)) : nullptr);
    Tensor& b = centeredInt32(ctx, inputs.tensor(1), optionalTensor(inputs, 3));
    return {&matmulInt32(ctx, a, b)};
}

// (a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): the int32 product of the centered
// inputs, scaled by a_scale * b_scale / y_scale and quantized with y_zp.
KILN_ONNX_IMPORTER(QLinearMatMul) {
    Tensor& a = centeredInt32(ctx, inputs.tensor(0), &perRow(ctx, inputs.tensor(2)));
    Tensor& b = centeredInt32(ctx, inputs.tensor(3), &inputs.tensor(5));
    Tensor& acc = cast(ctx, matmulInt32(ctx, a, b), DataType::kFLOAT);
    Tensor& as = cast(ctx, perRow(ctx, inputs.tensor(1)), DataType::kFLOAT);
    Tensor& bs = cast(ctx, inputs.tensor(4), DataType::kFLOAT);
    Tensor& ys = cast(ctx, inputs.tensor(6), DataType::kFLOAT);
    Tensor& multiplier = elementWise(ctx, elementWise(ctx, as, bs, ElementWiseOperation::kPROD), ys,
                                     ElementWiseOperation::kDIV);
    Tensor* q = &unary(ctx, elementWise(ctx, acc, multiplier, ElementWiseOperation::kPROD), UnaryOperation::kROUND);
    const DataType outType = inputs.type(7);
    q = &elementWise(ctx, *q, cast(ctx, inputs.tensor(7), DataType::kFLOAT), ElementWiseOperation::kSUM);
    return {&cast(ctx, clampTo(ctx, *q, rangeOf(outType)), outType)};
}

}  // namespace kiln::onnximport
