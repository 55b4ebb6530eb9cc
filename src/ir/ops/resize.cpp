#include "ir/ops/resize.h"

#include <cmath>

#include "ir/ops/spatial.h"

namespace kiln::ir {
namespace {

//! scale as p/q: exact for scales with a short binary fraction (every float32 scale), else the
//! closest fraction with q <= 2^20. Symbolic and concrete dims then give the same floor(in*scale).
std::pair<int64_t, int64_t> scaleRatio(double s) {
    for (int64_t q = 1; q <= (int64_t{1} << 30); q *= 2) {
        double p = s * static_cast<double>(q);
        if (p == std::floor(p) && p < 2147483648.0) return {static_cast<int64_t>(p), q};
    }
    // Continued fraction convergents.
    int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;
    double x = s;
    for (int i = 0; i < 64; ++i) {
        double a = std::floor(x);
        int64_t ai = static_cast<int64_t>(a);
        int64_t p2 = ai * p1 + p0, q2 = ai * q1 + q0;
        if (q2 > (int64_t{1} << 20)) break;
        p0 = p1, q0 = q1, p1 = p2, q1 = q2;
        if (x - a < 1e-12) break;
        x = 1.0 / (x - a);
    }
    return {p1, q1};
}

}  // namespace

void ResizeOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1 || ctx.nbInputs() == 2)
        << "Resize takes 1 or 2 inputs (input, output shape or scales), got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    const int32_t rank = ctx.rank(0);
    const int32_t m = static_cast<int32_t>(mode);
    KILN_SHAPE_CHECK(ctx, m >= 0 && m <= static_cast<int32_t>(InterpolationMode::kCUBIC))
        << "invalid interpolation mode " << m;
    KILN_SHAPE_CHECK(
        ctx, static_cast<int32_t>(coordinateTransformation) >= 0 && static_cast<int32_t>(coordinateTransformation) <= 4)
        << "invalid coordinate transformation " << static_cast<int32_t>(coordinateTransformation);
    KILN_SHAPE_CHECK(ctx, static_cast<int32_t>(nearestRounding) >= 0 && static_cast<int32_t>(nearestRounding) <= 3)
        << "invalid nearest rounding mode " << static_cast<int32_t>(nearestRounding);
    KILN_SHAPE_CHECK(ctx, roi.empty() || roi.size() == 2 * static_cast<size_t>(rank))
        << "the crop region has " << roi.size() << " values for an input of rank " << rank << " (expected "
        << 2 * rank << ")";
    for (double r : roi) KILN_SHAPE_CHECK(ctx, std::isfinite(r)) << "the crop region has a non-finite value";
    KILN_SHAPE_CHECK(ctx, mode == InterpolationMode::kNEAREST || isFloat32OrNarrower(x.type))
        << "linear and cubic Resize need a float type, got " << dataTypeName(x.type);
    KILN_SHAPE_CHECK(ctx, x.type != DataType::kBOOL || mode == InterpolationMode::kNEAREST)
        << "bool Resize supports only nearest";

    Shape out;
    std::vector<double> sc;  // set when the output comes from scales
    if (ctx.hasInput(1)) {
        const ValueInfo& s = ctx.input(1);
        KILN_SHAPE_CHECK(ctx, ctx.rank(1) == 1)
            << "input 1 (output shape or scales) must be 1-d, got shape " << toString(s.shape);
        if (isFloat32OrNarrower(s.type)) {
            KILN_SHAPE_CHECK(ctx, s.constant != nullptr) << "the scales (input 1) must be a build-time constant";
            for (int64_t i = 0; i < s.constant->numel(); ++i) sc.push_back(s.constant->floatAt(i));
            KILN_SHAPE_CHECK(ctx, static_cast<int32_t>(sc.size()) == rank)
                << "got " << sc.size() << " scales for input " << toString(x.shape) << ", expected " << rank;
        } else {
            KILN_SHAPE_CHECK(ctx, s.type == DataType::kINT32 || s.type == DataType::kINT64)
                << "input 1 must be int32/int64 output dims or float scales, got " << dataTypeName(s.type);
            out = ctx.requireValue(1, "output shape");
            KILN_SHAPE_CHECK(ctx, static_cast<int32_t>(out.size()) == rank)
                << "output shape (input 1) has " << out.size() << " values for input " << toString(x.shape)
                << ", expected " << rank;
        }
    } else if (!outputDims.empty()) {
        KILN_SHAPE_CHECK(ctx, static_cast<int32_t>(outputDims.size()) == rank)
            << "outputDims " << dimsToString(outputDims) << " has " << outputDims.size() << " values for input "
            << toString(x.shape) << ", expected " << rank;
        out = shapeOf(outputDims);
    } else {
        KILN_SHAPE_CHECK(ctx, static_cast<int32_t>(scales.size()) == rank)
            << "Resize needs outputDims, scales or input 1; got " << scales.size() << " scales for input "
            << toString(x.shape) << ", expected " << rank;
        sc = scales;
    }
    if (!sc.empty()) {
        for (int32_t i = 0; i < rank; ++i) {
            KILN_SHAPE_CHECK(ctx, std::isfinite(sc[i]) && sc[i] > 0 && sc[i] < 1e6)
                << "scale " << sc[i] << " of dimension " << i << " must be positive and finite";
            if (x.shape[i].isConst()) {
                // floor(in * scale) in float32, as ONNX Runtime and PyTorch exports compute it
                // (10 * 0.7f is 7 there, where the exact product of 0.699999988 floors to 6).
                out.emplace_back(static_cast<int64_t>(
                    std::floor(static_cast<float>(x.shape[i].value()) * static_cast<float>(sc[i]))));
                continue;
            }
            auto [p, q] = scaleRatio(sc[i]);
            out.push_back(floorDiv(x.shape[i] * p, q));
        }
    }
    for (int32_t i = 0; i < rank; ++i) {
        KILN_SHAPE_CHECK(ctx, !out[i].isConst() || out[i].value() >= 0)
            << "output dims " << toString(out) << " must be >= 0";
        KILN_SHAPE_CHECK(ctx, !x.shape[i].isConst() || x.shape[i].value() != 0 || !out[i].isConst() ||
                                  out[i].value() == 0)
            << "cannot resize the empty dimension " << i << " of input " << toString(x.shape) << " to output "
            << toString(out);
        if (mode == InterpolationMode::kCUBIC && i < rank - 2) {
            bool same = sc.empty() ? dimsMayMatch(out[i], x.shape[i]) : sc[i] == 1.0;
            KILN_SHAPE_CHECK(ctx, same) << "cubic Resize resizes only the two innermost dims, input "
                                        << toString(x.shape) << " output " << toString(out);
        }
    }
    ctx.setOutput(0, x.type, std::move(out));
}

KILN_REGISTER_OP(ResizeOp)

}  // namespace kiln::ir
