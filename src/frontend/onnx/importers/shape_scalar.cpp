#include "frontend/onnx/importers/shape_scalar.h"

#include <algorithm>

#include "frontend/onnx/importers/importer_util.h"

namespace kiln::onnximport {

ShapeScalar dimOf(ImportContext& ctx, Tensor& x, int32_t axis) {
    Dims d = x.getDimensions();
    if (axis < d.nbDims && d.d[axis] >= 0) return {d.d[axis], nullptr};
    return {0, &gatherShape(ctx, shapeOf(ctx, x), {axis})};
}

ShapeScalar apply(ImportContext& ctx, const ShapeScalar& a, const ShapeScalar& b, ElementWiseOperation op) {
    if (a.known() && b.known()) {
        switch (op) {
            case ElementWiseOperation::kSUM: return {a.value + b.value};
            case ElementWiseOperation::kSUB: return {a.value - b.value};
            case ElementWiseOperation::kPROD: return {a.value * b.value};
            case ElementWiseOperation::kMIN: return {std::min(a.value, b.value)};
            case ElementWiseOperation::kMAX: return {std::max(a.value, b.value)};
            case ElementWiseOperation::kDIV:
                ONNX_CHECK(b.value != 0, kINVALID_NODE) << "division by zero in shape arithmetic";
                return {a.value / b.value};
            default: break;
        }
    }
    Tensor& ta = a.known() ? constInt64(ctx, {a.value}) : *a.tensor;
    Tensor& tb = b.known() ? constInt64(ctx, {b.value}) : *b.tensor;
    return {0, &elementWise(ctx, ta, tb, op)};
}

ShapeScalar clampScalar(ImportContext& ctx, const ShapeScalar& v, const ShapeScalar& lo, const ShapeScalar& hi) {
    return apply(ctx, apply(ctx, v, lo, ElementWiseOperation::kMAX), hi, ElementWiseOperation::kMIN);
}

bool allKnown(const std::vector<ShapeScalar>& values) {
    return std::all_of(values.begin(), values.end(), [](const ShapeScalar& s) { return s.known(); });
}

std::vector<int64_t> valuesOf(const std::vector<ShapeScalar>& values) {
    std::vector<int64_t> out;
    for (const auto& v : values) out.push_back(v.value);
    return out;
}

Tensor& toShapeTensor(ImportContext& ctx, const std::vector<ShapeScalar>& values) {
    if (allKnown(values)) return constInt64(ctx, valuesOf(values));
    std::vector<Tensor*> parts;
    for (const auto& v : values) parts.push_back(v.known() ? &constInt64(ctx, {v.value}) : v.tensor);
    return concatShapes(ctx, parts);
}

Tensor& sliceLayer(ImportContext& ctx, Tensor& x, const std::vector<ShapeScalar>& start,
                   const std::vector<ShapeScalar>& size, const std::vector<int64_t>& stride, SampleMode mode,
                   Tensor* fill) {
    const bool dynamic = !allKnown(start) || !allKnown(size);
    Tensor* startT = dynamic ? &toShapeTensor(ctx, start) : nullptr;
    Tensor* sizeT = dynamic ? &toShapeTensor(ctx, size) : nullptr;
    Tensor* strideT = dynamic ? &constInt64(ctx, stride) : nullptr;
    SliceLayer* l = ctx.network().addSlice(x, toDims(valuesOf(start)), toDims(valuesOf(size)), toDims(stride));
    if (l) {
        l->setMode(mode);
        if (dynamic) {
            l->setInput(1, *startT);
            l->setInput(2, *sizeT);
            l->setInput(3, *strideT);
        }
        if (fill) l->setInput(4, *fill);
    }
    return *ctx.check(l)->getOutput(0);
}

Tensor& sliceAlongAxis(ImportContext& ctx, Tensor& x, int32_t axis, int64_t start, int64_t size) {
    const int32_t rank = x.getDimensions().nbDims;
    std::vector<ShapeScalar> first(rank, ShapeScalar{0}), extent(rank);
    for (int32_t a = 0; a < rank; ++a) extent[a] = dimOf(ctx, x, a);
    first[axis] = {start};
    extent[axis] = {size};
    return sliceLayer(ctx, x, first, extent, std::vector<int64_t>(rank, 1));
}

}  // namespace kiln::onnximport
