// Random ops as random Fill layers: RandomUniform(Like) in [low, high), RandomNormal(Like) with
// mean and scale, Bernoulli as uniform < p. Kiln's generator (a hash of the element index,
// src/backends/cpu/kernels/fill.cpp) gives other values than other runtimes: ONNX promises the
// distribution only, and the conformance runner checks these ops by shape and range.
#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Fill makes float32, int32 and int64; other float types are cast from float32.
DataType fillTypeOf(DataType t) {
    return t == DataType::kINT32 || t == DataType::kINT64 ? t : DataType::kFLOAT;
}

DataType dtypeAttr(const NodeAttributes& attrs, DataType fallback) {
    const int64_t t = attrs.getInt("dtype", 0);
    const DataType type = t == 0 ? fallback : fromOnnxType(static_cast<int32_t>(t), "attribute dtype");
    ONNX_CHECK(type == DataType::kFLOAT || type == DataType::kHALF || type == DataType::kBF16 || type == DataType::kDOUBLE,
               kUNSUPPORTED_NODE_DATATYPE)
        << "random values of type " << dataTypeName(type) << " (ONNX allows float types)";
    return type;
}

// A random fill of `type` with the shape of `like` (a tensor) or the static `dims`.
Tensor& randomFill(ImportContext& ctx, Tensor* like, const std::vector<int64_t>& dims, FillOperation op, double alpha,
                   double beta, DataType type) {
    Tensor* shape = like ? &shapeOf(ctx, *like) : nullptr;  // made first: layers run in order
    FillLayer* l = ctx.network().addFill(like ? Dims{} : toDims(dims), op, fillTypeOf(type));
    if (l) {
        l->setAlpha(alpha);
        l->setBeta(beta);
        if (shape) l->setInput(0, *shape);
    }
    return cast(ctx, *ctx.check(l)->getOutput(0), type);
}

Outputs uniform(ImportContext& ctx, Tensor* like, const std::vector<int64_t>& dims, const NodeAttributes& attrs,
                DataType type) {
    return {&randomFill(ctx, like, dims, FillOperation::kRANDOM_UNIFORM, attrs.getFloat("low", 0.f),
                        attrs.getFloat("high", 1.f), type)};
}

Outputs normal(ImportContext& ctx, Tensor* like, const std::vector<int64_t>& dims, const NodeAttributes& attrs,
               DataType type) {
    return {&randomFill(ctx, like, dims, FillOperation::kRANDOM_NORMAL, attrs.getFloat("mean", 0.f),
                        attrs.getFloat("scale", 1.f), type)};
}

}  // namespace

KILN_ONNX_IMPORTER(RandomUniform) {
    return uniform(ctx, nullptr, attrs.getInts("shape"), attrs, dtypeAttr(attrs, DataType::kFLOAT));
}
KILN_ONNX_IMPORTER(RandomNormal) {
    return normal(ctx, nullptr, attrs.getInts("shape"), attrs, dtypeAttr(attrs, DataType::kFLOAT));
}
KILN_ONNX_IMPORTER(RandomUniformLike) {
    return uniform(ctx, &inputs.tensor(0), {}, attrs, dtypeAttr(attrs, inputs.type(0)));
}
KILN_ONNX_IMPORTER(RandomNormalLike) {
    return normal(ctx, &inputs.tensor(0), {}, attrs, dtypeAttr(attrs, inputs.type(0)));
}

// 1 with probability p: a uniform draw in [0, 1) below p.
KILN_ONNX_IMPORTER(Bernoulli) {
    Tensor& p = cast(ctx, inputs.tensor(0), DataType::kFLOAT);
    Tensor& u = randomFill(ctx, &p, {}, FillOperation::kRANDOM_UNIFORM, 0.0, 1.0, DataType::kFLOAT);
    Tensor& hit = elementWise(ctx, u, p, ElementWiseOperation::kLESS);
    const int64_t t = attrs.getInt("dtype", 0);
    const DataType type = t == 0 ? inputs.type(0) : fromOnnxType(static_cast<int32_t>(t), "attribute dtype");
    return {&cast(ctx, hit, type)};
}

}  // namespace kiln::onnximport
