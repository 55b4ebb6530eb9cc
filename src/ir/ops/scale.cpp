#include "ir/ops/scale.h"

namespace kiln::ir {
namespace {

bool isFloat(DataType t) { return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16; }

}  // namespace

void ScaleOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() >= 1 && ctx.nbInputs() <= 4)
        << "Scale takes 1 to 4 inputs (x, shift, scale, power), got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, isFloat(x.type))
        << "Scale needs a float32, float16 or bfloat16 input, got " << dataTypeName(x.type);
    const int32_t rank = ctx.rank(0);
    DimExpr expected(1);
    std::string what = "mode UNIFORM";
    if (mode == ScaleMode::kCHANNEL || mode == ScaleMode::kELEMENTWISE) {
        KILN_SHAPE_CHECK(ctx, rank >= 1) << "Scale in mode "
                                         << (mode == ScaleMode::kCHANNEL ? "CHANNEL" : "ELEMENTWISE")
                                         << " needs an input of rank >= 1, got " << toString(x.shape);
        const int32_t axis = ctx.normalizeAxis(channelAxis, rank);
        if (mode == ScaleMode::kCHANNEL) {
            expected = x.shape[axis];
            what = "mode CHANNEL: dimension " + std::to_string(axis) + " of " + toString(x.shape);
        } else {
            expected = volume(Shape(x.shape.begin() + axis, x.shape.end()));
            what = "mode ELEMENTWISE: volume of dimensions " + std::to_string(axis) + ".. of " + toString(x.shape);
        }
    } else {
        KILN_SHAPE_CHECK(ctx, mode == ScaleMode::kUNIFORM) << "unknown scale mode " << static_cast<int>(mode);
    }
    static const char* const kNames[] = {"x", "shift", "scale", "power"};
    for (int32_t i = 1; i < ctx.nbInputs(); ++i) {
        if (!ctx.hasInput(i)) continue;
        const ValueInfo& p = ctx.input(i);
        KILN_SHAPE_CHECK(ctx, isFloat(p.type))
            << "Scale " << kNames[i] << " must be float32, float16 or bfloat16, got " << dataTypeName(p.type);
        const DimExpr count = volume(p.shape);
        // Symbolic counts are checked by the kernel with the concrete shapes.
        KILN_SHAPE_CHECK(ctx, !(count.isConst() && expected.isConst()) || count.value() == expected.value())
            << "Scale " << kNames[i] << " has " << count.toString() << " elements " << toString(p.shape)
            << ", expected " << expected.toString() << " (" << what << ")";
    }
    ctx.setOutput(0, x.type, x.shape);
}

KILN_REGISTER_OP(ScaleOp)

}  // namespace kiln::ir
