// Activations without an Activation type of their own, composed from a few layers:
// Swish, Mish, Celu and Shrink.
#include "frontend/onnx/importers/compose_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

// Swish(x) = x * sigmoid(alpha * x).
KILN_ONNX_IMPORTER(Swish) {
    Tensor& x = inputs.tensor(0);
    const float alpha = attrs.getFloat("alpha", 1.f);
    Tensor* z = &x;
    if (alpha != 1.f)
        z = &elementWise(ctx, x, scalarConstant(ctx, x.getType(), alpha, inputs.rank(0)), ElementWiseOperation::kPROD);
    return {&elementWise(ctx, x, activation(ctx, *z, ActivationType::kSIGMOID), ElementWiseOperation::kPROD)};
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
