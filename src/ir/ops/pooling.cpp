#include "ir/ops/pooling.h"

#include "ir/ops/spatial.h"

namespace kiln::ir {

void PoolingOp::inferShapes(InferContext& ctx) const {
    const std::string& node = ctx.nodeName();
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Pooling takes 1 input, got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    const int32_t ns = static_cast<int32_t>(window.size());
    KILN_SHAPE_CHECK(ctx, ns >= 1 && ns <= Dims::MAX_DIMS)
        << "window must have 1 to " << Dims::MAX_DIMS << " dims, got " << dimsToString(window);
    KILN_SHAPE_CHECK(ctx, ctx.rank(0) >= ns) << "input has shape " << toString(x.shape) << ", expected at least " << ns
                                             << " dimensions for window " << dimsToString(window);
    const int32_t t = static_cast<int32_t>(type);
    KILN_SHAPE_CHECK(ctx, t >= 0 && t <= static_cast<int32_t>(PoolingType::kMAX_AVERAGE_BLEND))
        << "invalid pooling type " << t;
    bool intOk = type == PoolingType::kMAX && (x.type == DataType::kINT8 || x.type == DataType::kUINT8 ||
                                               x.type == DataType::kINT32 || x.type == DataType::kINT64);
    KILN_SHAPE_CHECK(ctx, isFloat32OrNarrower(x.type) || intOk)
        << "Pooling supports float32/float16/bfloat16 (and integer types for MAX), got " << dataTypeName(x.type);
    KILN_SHAPE_CHECK(ctx, type != PoolingType::kMAX_AVERAGE_BLEND || (blendFactor >= 0 && blendFactor <= 1))
        << "blendFactor must be in [0, 1], got " << blendFactor;

    WindowAttrs a = windowAttrs(node, ns, stride, {}, prePadding, postPadding, paddingMode);
    Shape out(x.shape.begin(), x.shape.end() - ns);
    for (int32_t i = 0; i < ns; ++i) {
        KILN_SHAPE_CHECK(ctx, window[i] >= 1) << "window dims must be >= 1, got " << dimsToString(window);
        // A window lying wholly in padding would have no value (TensorRT and ONNX forbid it).
        KILN_SHAPE_CHECK(ctx, a.pre[i] < window[i] && a.post[i] < window[i])
            << "padding " << dimsToString(a.pre) << "/" << dimsToString(a.post) << " must be smaller than window "
            << dimsToString(window);
        const DimExpr& in = x.shape[x.shape.size() - ns + i];
        WindowAxis ax = forwardWindowAxis(paddingMode, in, window[i], a.stride[i], a.pre[i], a.post[i], true);
        KILN_SHAPE_CHECK(ctx, !ax.out.isConst() || ax.out.value() >= 1)
            << "input " << toString(x.shape) << " with padding " << dimsToString(a.pre) << "/" << dimsToString(a.post)
            << " is smaller than window " << dimsToString(window);
        out.push_back(ax.out);
    }
    ctx.setOutput(0, x.type, std::move(out));
}

KILN_REGISTER_OP(PoolingOp)

}  // namespace kiln::ir
