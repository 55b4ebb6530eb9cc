// GridSample (opset 16: 2-D; 20+: N-D) and AffineGrid, composed from element-wise layers and gathers, as the
// ONNX reference computes it. Per spatial axis the grid coordinate is denormalized (align_corners
// or not), rounded for nearest, and brought back inside by border (clamp) or reflection when
// outside; then each axis gives taps (an index and a weight: 1 for nearest, 2 for linear, 4 for
// cubic) whose out-of-range indices read 0 (zeros), the edge (border) or their reflection. The
// samples are the product of the axes' taps: each combination gathers X at its flat index and
// adds weight * value.
#include <functional>
#include <string>

#include "frontend/onnx/importers/compose_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

enum class Padding { kZEROS, kBORDER, kREFLECTION };

struct Tap {
    Tensor* index;   //!< float, integral values, inside [0, D - 1]
    Tensor* weight;  //!< float, 0 for a zeros-padding tap outside the input
};

class Sampler {
public:
    Sampler(ImportContext& ctx, DataType type, int32_t rank) : mCtx(ctx), mType(type), mRank(rank) {}
    Tensor& c(double v) { return scalarConstant(mCtx, mType, v, mRank); }
    Tensor& op(Tensor& a, Tensor& b, ElementWiseOperation o) { return elementWise(mCtx, a, b, o); }
    Tensor& add(Tensor& a, Tensor& b) { return op(a, b, ElementWiseOperation::kSUM); }
    Tensor& sub(Tensor& a, Tensor& b) { return op(a, b, ElementWiseOperation::kSUB); }
    Tensor& mul(Tensor& a, Tensor& b) { return op(a, b, ElementWiseOperation::kPROD); }
    Tensor& less(Tensor& a, Tensor& b) { return op(a, b, ElementWiseOperation::kLESS); }
    Tensor& greater(Tensor& a, Tensor& b) { return op(a, b, ElementWiseOperation::kGREATER); }
    Tensor& either(Tensor& a, Tensor& b) { return op(a, b, ElementWiseOperation::kOR); }
    Tensor& pick(Tensor& cond, Tensor& a, Tensor& b) { return select(mCtx, cond, a, b); }
    Tensor& floor(Tensor& x) { return unary(mCtx, x, UnaryOperation::kFLOOR); }
    Tensor& clamp(Tensor& x, double lo, double hi) {
        return op(op(x, c(lo), ElementWiseOperation::kMAX), c(hi), ElementWiseOperation::kMIN);
    }

    // Reflection into [lo, hi] by the near border until inside (the reference's _gs_reflect).
    Tensor& reflect(Tensor& x, double lo, double hi) {
        Tensor& below = less(x, c(lo));
        Tensor& dx = pick(below, sub(c(lo), x), sub(x, c(hi)));
        const double range = hi - lo;
        Tensor& n = floor(op(dx, c(range), ElementWiseOperation::kDIV));
        Tensor& r = sub(dx, mul(n, c(range)));
        Tensor& even = op(n, mul(floor(mul(n, c(0.5))), c(2)), ElementWiseOperation::kEQUAL);
        Tensor& fromLo = add(c(lo), r);
        Tensor& fromHi = sub(c(hi), r);
        // Below: even -> lo + r, odd -> hi - r; above: even -> hi - r, odd -> lo + r.
        Tensor& towardLo = op(below, even, ElementWiseOperation::kEQUAL);
        Tensor& reflected = pick(towardLo, fromLo, fromHi);
        return pick(either(below, greater(x, c(hi))), reflected, x);
    }

    // An integral index j of an axis of size d under the padding rule.
    Tap tap(Tensor& j, Tensor& weight, int64_t d, Padding padding, double lo, double hi) {
        switch (padding) {
            case Padding::kZEROS: {
                Tensor& outside = either(less(j, c(0)), greater(j, c(static_cast<double>(d - 1))));
                return {&clamp(j, 0, static_cast<double>(d - 1)), &pick(outside, c(0), weight)};
            }
            case Padding::kBORDER: return {&clamp(j, 0, static_cast<double>(d - 1)), &weight};
            case Padding::kREFLECTION:
                return {&clamp(floor(reflect(j, lo, hi)), 0, static_cast<double>(d - 1)), &weight};
        }
        return {&j, &weight};
    }

private:
    ImportContext& mCtx;
    DataType mType;
    int32_t mRank;
};

// Keys' cubic convolution coefficients (A = -0.75) of the 4 taps x0 - 1 .. x0 + 2 for t = x - x0.
std::vector<Tensor*> cubicWeights(Sampler& s, Tensor& t) {
    const double a = -0.75;
    Tensor& t1 = s.add(t, s.c(1));
    Tensor& u = s.sub(s.c(1), t);
    Tensor& u1 = s.add(u, s.c(1));
    auto outer = [&](Tensor& v) -> Tensor& {  // ((a v - 5a) v + 8a) v - 4a
        return s.sub(s.mul(s.add(s.mul(s.sub(s.mul(s.c(a), v), s.c(5 * a)), v), s.c(8 * a)), v), s.c(4 * a));
    };
    auto inner = [&](Tensor& v) -> Tensor& {  // ((a + 2) v - (a + 3)) v v + 1
        return s.add(s.mul(s.mul(s.sub(s.mul(s.c(a + 2), v), s.c(a + 3)), v), v), s.c(1));
    };
    return {&outer(t1), &inner(t), &inner(u), &outer(u1)};
}

}  // namespace

KILN_ONNX_IMPORTER(GridSample) {
    Tensor& x = inputs.tensor(0);
    Tensor& grid = inputs.tensor(1);
    const int32_t rank = inputs.rank(0);
    const int32_t n = rank - 2;
    ONNX_CHECK(n >= 1 && n <= 3, kUNSUPPORTED_NODE_SHAPE) << "input of rank " << rank << " (1 to 3 spatial dims supported)";
    ONNX_CHECK(inputs.rank(1) == rank, kINVALID_NODE) << "grid must have rank " << rank << ", got " << inputs.rank(1);
    const std::vector<int64_t> dims = inputs.dims(0);
    ONNX_CHECK(inputs.dims(1).back() == n, kINVALID_NODE) << "grid's last dim must be " << n;
    for (int32_t i = 0; i < n; ++i)
        ONNX_CHECK(dims[i + 2] >= 1, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic (or empty) spatial dim of X";
    std::string mode = attrs.getString("mode", ctx.opset() >= 20 ? "linear" : "bilinear");
    if (mode == "bilinear") mode = "linear";
    if (mode == "bicubic") mode = "cubic";
    ONNX_CHECK(mode == "nearest" || mode == "linear" || mode == "cubic", kUNSUPPORTED_NODE_ATTR) << "mode='" << mode << "'";
    const std::string pad = attrs.getString("padding_mode", "zeros");
    ONNX_CHECK(pad == "zeros" || pad == "border" || pad == "reflection", kUNSUPPORTED_NODE_ATTR)
        << "padding_mode='" << pad << "'";
    const Padding padding = pad == "zeros" ? Padding::kZEROS : pad == "border" ? Padding::kBORDER : Padding::kREFLECTION;
    const bool alignCorners = attrs.getInt("align_corners", 0) != 0;
    const DataType type = grid.getType();

    // Coordinates as [N, P] per axis (P output points); the grid's last axis lists x (the last
    // spatial axis) first.
    Tensor& points = reshape(ctx, grid, {0, -1, n});
    Sampler s(ctx, type, 2);
    std::vector<std::vector<Tap>> taps(n);
    for (int32_t i = 0; i < n; ++i) {
        const int64_t d = dims[i + 2];
        Tensor& axisIndex = ctx.tensorOf(ImportContext::int64Weights({n - 1 - i}, {}));
        Tensor& g = *ctx.check(ctx.network().addGather(points, axisIndex, 2))->getOutput(0);  // [N, P]
        const double dd = static_cast<double>(d);
        // align_corners: (g + 1) / 2 * (d - 1); else ((g + 1) * d - 1) / 2.
        Tensor* v = alignCorners ? &s.mul(s.add(g, s.c(1)), s.c((dd - 1) / 2))
                                 : &s.mul(s.sub(s.mul(s.add(g, s.c(1)), s.c(dd)), s.c(1)), s.c(0.5));
        const double lo = alignCorners ? 0 : -0.5, hi = alignCorners ? dd - 1 : dd - 0.5;
        if (mode == "nearest") v = &unary(ctx, *v, UnaryOperation::kROUND);
        if (padding == Padding::kBORDER) {
            Tensor& outside = s.either(s.less(*v, s.c(lo)), s.greater(*v, s.c(hi)));
            v = &s.pick(outside, s.clamp(*v, 0, dd - 1), *v);
        } else if (padding == Padding::kREFLECTION) {
            v = &s.reflect(*v, lo, hi);
        }
        if (mode == "nearest") {
            // The reference truncates to int; v is integral here except for reflections, which are >= 0.
            Tensor& j = unary(ctx, *v, UnaryOperation::kFLOOR);
            taps[i].push_back(s.tap(j, s.c(1), d, padding, lo, hi));
            continue;
        }
        Tensor& x0 = s.floor(*v);
        Tensor& t = s.sub(*v, x0);
        if (mode == "linear") {
            taps[i].push_back(s.tap(x0, s.sub(s.c(1), t), d, padding, lo, hi));
            taps[i].push_back(s.tap(s.add(x0, s.c(1)), t, d, padding, lo, hi));
        } else {
            std::vector<Tensor*> w = cubicWeights(s, t);
            for (int k = 0; k < 4; ++k) taps[i].push_back(s.tap(s.add(x0, s.c(k - 1)), *w[k], d, padding, lo, hi));
        }
    }

    // Every combination of the axes' taps: gather X [N, C, prod(D)] at [N, P] flat indices
    // (batch dim 0 element-wise), weight it, add up.
    Tensor& flat = reshape(ctx, x, {0, 0, -1});
    Tensor* sum = nullptr;
    // Flat indices in INT64 (exact for any size): index = sum of tap index * stride of its axis.
    for (int32_t i = 0; i < n; ++i) {
        int64_t stride = 1;
        for (int32_t k = i + 1; k < n; ++k) stride = mulDims(stride, dims[k + 2]);
        for (Tap& tp : taps[i]) {
            tp.index = &cast(ctx, *tp.index, DataType::kINT64);
            if (stride != 1)
                tp.index = &elementWise(ctx, *tp.index, ctx.tensorOf(ImportContext::scalarWeights(DataType::kINT64, static_cast<double>(stride), 2)),
                                        ElementWiseOperation::kPROD);
        }
    }
    std::function<void(int32_t, Tensor*, Tensor*)> combine = [&](int32_t i, Tensor* index, Tensor* weight) {
        if (i == n) {
            GatherLayer* l = ctx.network().addGather(flat, *index, 2);
            if (l) l->setNbElementWiseDims(1);
            Tensor& sampled = *ctx.check(l)->getOutput(0);  // [N, C, P]
            Tensor& weighted = elementWise(ctx, sampled, cast(ctx, unsqueeze(ctx, *weight, {1}), x.getType()),
                                           ElementWiseOperation::kPROD);
            sum = sum ? &elementWise(ctx, *sum, weighted, ElementWiseOperation::kSUM) : &weighted;
            return;
        }
        for (const Tap& tp : taps[i]) {
            combine(i + 1, index ? &elementWise(ctx, *index, *tp.index, ElementWiseOperation::kSUM) : tp.index,
                    weight ? &s.mul(*weight, *tp.weight) : tp.weight);
        }
    };
    combine(0, nullptr, nullptr);

    // [N, C, P] -> [N, C, output spatial dims...].
    std::vector<int64_t> outputAxes;
    for (int32_t i = 1; i <= n; ++i) outputAxes.push_back(i);
    Tensor& shape = concatShapes(ctx, {&gatherShape(ctx, shapeOf(ctx, x), {0, 1}), &gatherShape(ctx, shapeOf(ctx, grid), outputAxes)});
    ShuffleLayer* back = ctx.network().addShuffle(*sum);
    if (back) back->setInput(1, shape);
    return {ctx.check(back)->getOutput(0)};
}

// AffineGrid: the grid of normalized positions (x, y[, z], 1) of an output of `size`, times
// theta^T: [N, (D,) H, W, 2 or 3]. The positions are weights made at import; size is constant.
KILN_ONNX_IMPORTER(AffineGrid) {
    const std::vector<int64_t> size = inputs.ints(1);
    const int64_t n = static_cast<int64_t>(size.size()) - 2;
    ONNX_CHECK(n == 2 || n == 3, kINVALID_NODE) << "size must be [N, C, H, W] or [N, C, D, H, W], got " << size.size()
                                                << " values";
    ONNX_CHECK(inputs.rank(0) == 3, kINVALID_NODE) << "theta must be [N, " << n << ", " << n + 1 << "]";
    const bool alignCorners = attrs.getInt("align_corners", 0) != 0;
    int64_t points = 1;
    for (int64_t i = 0; i < n; ++i) {
        ONNX_CHECK(size[i + 2] >= 1 && size[i + 2] <= (int64_t(1) << 20), kINVALID_NODE) << "size " << size[i + 2];
        points = mulDims(points, size[i + 2]);
    }
    ONNX_CHECK(points <= (int64_t(1) << 24), kUNSUPPORTED_NODE_SHAPE) << "a grid of " << points << " points";
    // Positions along one axis: -1 + k * 2 / (d - 1) with align_corners, else -1 + (2k + 1) / d.
    auto position = [&](int64_t k, int64_t d) {
        // One position is the centre, 0, either way, as in PyTorch (the ONNX reference divides by
        // zero there; ONNX Runtime puts it at +1 with align_corners).
        if (d == 1) return 0.0;
        if (alignCorners) return -1.0 + static_cast<double>(k) * (2.0 / static_cast<double>(d - 1));
        const double step = 2.0 / static_cast<double>(d);
        return -1.0 + step / 2 + static_cast<double>(k) * step;
    };
    auto base = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, {points, n + 1}));
    float* out = base->as<float>();
    for (int64_t p = 0; p < points; ++p) {
        // p runs over (D,) H, W with W fastest; the row is (x, y[, z], 1).
        int64_t rest = p;
        for (int64_t axis = n - 1; axis >= 0; --axis) {
            const int64_t d = size[axis + 2];
            out[p * (n + 1) + (n - 1 - axis)] = static_cast<float>(position(rest % d, d));
            rest /= d;
        }
        out[p * (n + 1) + n] = 1.f;
    }
    Tensor& theta = inputs.tensor(0);
    Tensor& positions = cast(ctx, ctx.tensorOf(base), theta.getType());
    MatrixMultiplyLayer* l =
        ctx.network().addMatrixMultiply(positions, MatrixOperation::kNONE, theta, MatrixOperation::kTRANSPOSE);
    std::vector<int64_t> dims{0};
    for (int64_t i = 0; i < n; ++i) dims.push_back(size[i + 2]);
    dims.push_back(n);
    return {&reshape(ctx, *ctx.check(l)->getOutput(0), dims)};
}

}  // namespace kiln::onnximport
