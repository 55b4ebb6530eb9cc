// Helpers shared by the op importers: axes, broadcasting, small layer recipes.
#pragma once

#include <cstdint>
#include <vector>

#include "frontend/onnx/import_context.h"
#include "frontend/onnx/import_error.h"

namespace kiln::onnximport {

//! A possibly negative ONNX axis, checked against `rank`.
int32_t normalizeAxis(int64_t axis, int32_t rank, const char* what = "axis");
uint32_t axesMask(const std::vector<int64_t>& axes, int32_t rank);
Dims toDims(const std::vector<int64_t>& v);

Tensor& elementWise(ImportContext& ctx, Tensor& a, Tensor& b, ElementWiseOperation op);
Tensor& unary(ImportContext& ctx, Tensor& x, UnaryOperation op);
Tensor& activation(ImportContext& ctx, Tensor& x, ActivationType type, float alpha = 0, float beta = 0);
Tensor& cast(ImportContext& ctx, Tensor& x, DataType type);
//! A Shuffle that reshapes to `dims` (0 copies, -1 infers, as ONNX Reshape with allowzero=0).
Tensor& reshape(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& dims);
//! Inserts size-1 axes (sorted, in the output's numbering).
Tensor& unsqueeze(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& axes);
Tensor& transpose(ImportContext& ctx, Tensor& x, const std::vector<int64_t>& perm);

// Shape tensors: 1-D INT64 tensors built from layers, folded by shape inference.
Tensor& shapeOf(ImportContext& ctx, Tensor& x);
Tensor& gatherShape(ImportContext& ctx, Tensor& shape, const std::vector<int64_t>& indices);
Tensor& constInt64(ImportContext& ctx, const std::vector<int64_t>& values);
Tensor& concatShapes(ImportContext& ctx, const std::vector<Tensor*>& parts);

//! a * b for dimension products; an ImportError when it leaves int64 (hostile shapes).
int64_t mulDims(int64_t a, int64_t b);

// Import-time folding of weights.
//! The same bytes seen with other dims (no copy).
std::shared_ptr<const ir::HostTensor> withDims(const ir::HostTensor& t, std::vector<int64_t> dims);
std::shared_ptr<const ir::HostTensor> castWeights(const ir::HostTensor& t, DataType type);
//! A bool scalar as weights (a condition or an answer known at import).
std::shared_ptr<const ir::HostTensor> boolScalar(bool v);
//! ONNX Identity of any value: weights, a sequence or an empty optional as they are; a tensor
//! through an Identity layer (so that the output is a tensor of its own).
TensorOrWeights identityOf(ImportContext& ctx, const TensorOrWeights& value);
//! ONNX Reshape of known dims: 0 copies (unless allowZero), one -1 is inferred.
std::vector<int64_t> resolveReshape(const std::vector<int64_t>& in, std::vector<int64_t> shape, bool allowZero);

//! A tensor of `value` broadcast to the shape held by the 1-D INT64 tensor `shape` (of `rank`
//! entries): a Fill layer with a zero delta per axis. Types Fill cannot make are cast after.
Tensor& filled(ImportContext& ctx, Tensor& shape, int64_t rank, DataType type, double value);

//! An ONNX Conv of x with the kernel w (and bias b): attributes kernel_shape, strides, dilations,
//! pads, auto_pad, group (conv.cpp; ConvInteger and QLinearConv build on it).
Tensor& convolution(ImportContext& ctx, Tensor& x, const ir::HostTensor& w, const ir::HostTensor* b,
                    const NodeAttributes& attrs);

//! Refuses attributes the importer does not implement, by name.
void refuseAttribute(const NodeAttributes& attrs, const char* name, const char* why);

}  // namespace kiln::onnximport
