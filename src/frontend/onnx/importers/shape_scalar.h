// Integer scalars of shape arithmetic (slice bounds, padded sizes) that are known at import or
// computed by layers as 1-element INT64 tensors; operations on two known values fold.
#pragma once

#include <cstdint>
#include <vector>

#include "frontend/onnx/import_context.h"

namespace kiln::onnximport {

struct ShapeScalar {
    int64_t value{0};
    Tensor* tensor{nullptr};  //!< set when computed by the graph
    bool known() const { return tensor == nullptr; }
};

//! Dimension `axis` of `x`: known if static, else gathered from its shape.
ShapeScalar dimOf(ImportContext& ctx, Tensor& x, int32_t axis);
ShapeScalar apply(ImportContext& ctx, const ShapeScalar& a, const ShapeScalar& b, ElementWiseOperation op);
ShapeScalar clampScalar(ImportContext& ctx, const ShapeScalar& v, const ShapeScalar& lo, const ShapeScalar& hi);
//! The scalars as one 1-D INT64 tensor.
Tensor& toShapeTensor(ImportContext& ctx, const std::vector<ShapeScalar>& values);
bool allKnown(const std::vector<ShapeScalar>& values);
std::vector<int64_t> valuesOf(const std::vector<ShapeScalar>& values);

//! A Slice layer over every axis; static settings when all are known, tensors otherwise.
Tensor& sliceLayer(ImportContext& ctx, Tensor& x, const std::vector<ShapeScalar>& start,
                   const std::vector<ShapeScalar>& size, const std::vector<int64_t>& stride,
                   SampleMode mode = SampleMode::kSTRICT_BOUNDS, Tensor* fill = nullptr);
//! `size` elements of `axis` from `start`, the whole of every other axis (Split's pieces).
Tensor& sliceAlongAxis(ImportContext& ctx, Tensor& x, int32_t axis, int64_t start, int64_t size);

}  // namespace kiln::onnximport
