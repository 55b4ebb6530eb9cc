// Small layer recipes for importers that compose an op from existing layers (losses,
// normalizations, attention, recurrences): constants of any type, selects, reductions.
#pragma once

#include <cstdint>
#include <vector>

#include "frontend/onnx/importers/importer_util.h"

namespace kiln::onnximport {

//! A constant of `value` with `rank` size-1 dims (it broadcasts against any tensor of that
//! rank or less). Types that weights cannot hold directly (half, bfloat16) are a float
//! constant cast by a layer.
Tensor& scalarConstant(ImportContext& ctx, DataType type, double value, int32_t rank);
Tensor& select(ImportContext& ctx, Tensor& condition, Tensor& thenValue, Tensor& elseValue);
Tensor& squeeze(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& axes);
//! A Reduce layer over the axes of `axesMask`.
Tensor& reduce(ImportContext& ctx, Tensor& x, ReduceOperation op, uint32_t axesMask, bool keep);
//! A reduction over every axis, to a scalar.
Tensor& reduceAll(ImportContext& ctx, Tensor& x, ReduceOperation op);
//! Numerically stable log-softmax over one axis: x - max - log(sum(exp(x - max))).
Tensor& logSoftmax(ImportContext& ctx, Tensor& x, int32_t axis);
//! Mask of the axes from `first` to the last of a tensor of `rank`.
uint32_t trailingAxesMask(int32_t first, int32_t rank);
//! Whether the node has output `i` (present and named).
bool hasOutput(const ::onnx::NodeProto& node, int i);

}  // namespace kiln::onnximport
