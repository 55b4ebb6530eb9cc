// Activations without an Activation type of their own, composed from a few layers:
// Swish, Mish, Celu and Shrink.
#include "frontend/onnx/importers/compose_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

// Swish(x) = x * sigmoid(alpha * x).
namespace {

// x * sigmoid(alpha * x).
Tensor& swish(ImportContext& ctx, Tensor& x, float alpha, int32_t rank) {
    Tensor* z = &x;
    if (alpha != 1.f) z = &elementWise(ctx, x, scalarConstant(ctx, x.getType(), alpha, rank), ElementWiseOperation::kPROD);
    return elementWise(ctx, x, activation(ctx, *z, ActivationType::kSIGMOID), ElementWiseOperation::kPROD);
}

}  // namespace

KILN_ONNX_IMPORTER(Swish) { return {&swish(ctx, inputs.tensor(0), attrs.getFloat("alpha", 1.f), inputs.rank(0))}; }

// SwiGLU-28: Swish_alpha(A) * B, A and B of one shape.
KILN_ONNX_IMPORTER(SwiGLU) {
    ONNX_CHECK(inputs.dims(0) == inputs.dims(1), kINVALID_NODE) << "A and B must have the same shape (no broadcasting)";
    Tensor& gate = swish(ctx, inputs.tensor(0), attrs.getFloat("alpha", 1.f), inputs.rank(0));
    return {&elementWise(ctx, gate, inputs.tensor(1), ElementWiseOperation::kPROD)};
}

// Mish(x) = x * tanh(softplus(x)).
KILN_ONNX_IMPORTER(Mish) {
    Tensor& x = inputs.tensor(0);
    Tensor& softplus = activation(ctx, x, ActivationType::kSOFTPLUS, 1.f, 1.f);
    return {&elementWise(ctx, x, activation(ctx, softplus, ActivationType::kTANH), ElementWiseOperation::kPROD)};
}

// Celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) = alpha * Elu(x / alpha).
KILN_ONNX_IMPORTER(Celu) {
    Tensor& x = inputs.tensor(0);
    const float alpha = attrs.getFloat("alpha", 1.f);
    ONNX_CHECK(alpha != 0.f, kINVALID_NODE) << "alpha must not be 0";
    const int32_t rank = inputs.rank(0);
    Tensor& a = scalarConstant(ctx, x.getType(), alpha, rank);
    Tensor& elu = activation(ctx, elementWise(ctx, x, a, ElementWiseOperation::kDIV), ActivationType::kELU, 1.f);
    return {&elementWise(ctx, elu, a, ElementWiseOperation::kPROD)};
}

// Shrink(x) = x + bias where x < -lambd, x - bias where x > lambd, 0 elsewhere.
KILN_ONNX_IMPORTER(Shrink) {
    Tensor& x = inputs.tensor(0);
    const DataType type = x.getType();
    const int32_t rank = inputs.rank(0);
    const float lambd = attrs.getFloat("lambd", 0.5f), bias = attrs.getFloat("bias", 0.f);
    Tensor& b = scalarConstant(ctx, type, bias, rank);
    Tensor& below = elementWise(ctx, x, scalarConstant(ctx, type, -lambd, rank), ElementWiseOperation::kLESS);
    Tensor& above = elementWise(ctx, x, scalarConstant(ctx, type, lambd, rank), ElementWiseOperation::kGREATER);
    Tensor& inner = select(ctx, above, elementWise(ctx, x, b, ElementWiseOperation::kSUB),
                           scalarConstant(ctx, type, 0, rank));
    return {&select(ctx, below, elementWise(ctx, x, b, ElementWiseOperation::kSUM), inner)};
}

}  // namespace kiln::onnximport
