// GridSample (4-D and 5-D) composed from element-wise layers and one GatherND per tap:
// each output point reads 1 (nearest), 2^s (linear) or 4^s (cubic) input points, whose flat
// indices and weights are computed from the grid. Semantics follow the ONNX reference (that of
// PyTorch): the coordinate is denormalized, moved inside the borders when outside them (border,
// reflection), and every tap's index is padded again (zeros weighs it 0, border clamps, reflection
// reflects). Spatial dims of X and the grid's point dims must be static; N and C may be dynamic.
#include <string>

#include "frontend/onnx/importers/compose_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

enum class Padding { kZEROS, kBORDER, kREFLECTION };

class GridSampler {
public:
    GridSampler(ImportContext& ctx, Padding padding, bool alignCorners)
        : mCtx(ctx), mPadding(padding), mAlign(alignCorners) {}

    Tensor& c(double v) { return scalarConstant(mCtx, DataType::kFLOAT, v, mRank); }
    Tensor& add(Tensor& a, Tensor& b) { return elementWise(mCtx, a, b, ElementWiseOperation::kSUM); }
    Tensor& sub(Tensor& a, Tensor& b) { return elementWise(mCtx, a, b, ElementWiseOperation::kSUB); }
    Tensor& mul(Tensor& a, Tensor& b) { return elementWise(mCtx, a, b, ElementWiseOperation::kPROD); }
    Tensor& clamp(Tensor& x, double lo, double hi) { return activation(mCtx, x, ActivationType::kCLIP, lo, hi); }
    Tensor& floor(Tensor& x) { return unary(mCtx, x, UnaryOperation::kFLOOR); }

    void setRank(int32_t rank) { mRank = rank; }
    // Borders of an axis of `size` points: the outermost coordinates still inside the input.
    double low() const { return mAlign ? 0.0 : -0.5; }
    double high(int64_t size) const { return mAlign ? double(size - 1) : double(size) - 0.5; }

    //! Grid value in [-1, 1] to a pixel coordinate along an axis of `size` points.
    Tensor& denormalize(Tensor& g, int64_t size) {
        // align: (g + 1) / 2 * (size - 1); else ((g + 1) * size - 1) / 2
        Tensor& g1 = add(g, c(1.0));
        if (mAlign) return mul(g1, c(double(size - 1) / 2.0));
        return mul(sub(mul(g1, c(double(size))), c(1.0)), c(0.5));
    }

    //! Reflects x by the borders [lo, hi] until inside (lo < hi).
    Tensor& reflect(Tensor& x, double lo, double hi) {
        const double range = hi - lo;
        // Below lo: d = lo - x, n = floor(d / range), r = d - n range; even n: lo + r, odd: hi - r.
        // Above hi: d = x - hi, likewise with lo and hi swapped.
        auto side = [&](Tensor& d, double near, double far) -> Tensor& {
            Tensor& n = floor(mul(d, c(1.0 / range)));
            Tensor& r = sub(d, mul(n, c(range)));
            Tensor& half = floor(mul(n, c(0.5)));
            Tensor& odd = elementWise(mCtx, sub(n, mul(half, c(2.0))), c(0.5), ElementWiseOperation::kGREATER);
            const double sign = near < far ? 1.0 : -1.0;
            Tensor& even = add(c(near), mul(r, c(sign)));
            Tensor& oddValue = sub(c(far), mul(r, c(sign)));
            return select(mCtx, odd, oddValue, even);
        };
        Tensor& below = elementWise(mCtx, x, c(lo), ElementWiseOperation::kLESS);
        Tensor& above = elementWise(mCtx, x, c(hi), ElementWiseOperation::kGREATER);
        Tensor& fromBelow = side(sub(c(lo), x), lo, hi);
        Tensor& fromAbove = side(sub(x, c(hi)), hi, lo);
        return select(mCtx, below, fromBelow, select(mCtx, above, fromAbove, x));
    }

    //! The coordinate moved inside the borders (padding modes border and reflection). Cubic with
    //! border clamps only its taps, as PyTorch and ONNX Runtime do (the ONNX reference also
    //! clamps the coordinate; no conformance case tells them apart).
    Tensor& insideBorders(Tensor& x, int64_t size, bool cubic) {
        if (mPadding == Padding::kBORDER && cubic) return x;
        if (mPadding == Padding::kBORDER) {
            // Only coordinates outside [low, high] are clamped, to [0, size - 1].
            Tensor& outside = elementWise(mCtx, elementWise(mCtx, x, c(low()), ElementWiseOperation::kLESS),
                                          elementWise(mCtx, x, c(high(size)), ElementWiseOperation::kGREATER),
                                          ElementWiseOperation::kOR);
            return select(mCtx, outside, clamp(x, 0.0, double(size - 1)), x);
        }
        if (mPadding == Padding::kREFLECTION) {
            if (high(size) <= low()) return c(0.0);  // one point with align_corners: all reflect onto it
            return reflect(x, low(), high(size));
        }
        return x;
    }

    //! A tap at integral coordinate i: its index within the axis (int64) and, for zeros padding,
    //! a validity factor (else nullptr).
    std::pair<Tensor*, Tensor*> tapIndex(Tensor& i, int64_t size) {
        Tensor* valid = nullptr;
        Tensor* idx = &i;
        if (mPadding == Padding::kZEROS) {
            Tensor& inside = elementWise(mCtx, elementWise(mCtx, i, c(-1.0), ElementWiseOperation::kGREATER),
                                         elementWise(mCtx, i, c(double(size)), ElementWiseOperation::kLESS),
                                         ElementWiseOperation::kAND);
            valid = &cast(mCtx, inside, DataType::kFLOAT);
        } else if (mPadding == Padding::kREFLECTION && high(size) > low()) {
            idx = &reflect(i, low(), high(size));
            // The reference truncates toward zero; reflected values are above -1.
            idx = &floor(clamp(*idx, 0.0, double(size - 1)));
        }
        idx = &clamp(*idx, 0.0, double(size - 1));
        return {&cast(mCtx, *idx, DataType::kINT64), valid};
    }

private:
    ImportContext& mCtx;
    Padding mPadding;
    bool mAlign;
    int32_t mRank{1};
};

//! Keys' cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 for fraction t.
std::vector<Tensor*> cubicWeights(GridSampler& s, Tensor& t) {
    const double A = -0.75;
    // Far taps (distance d in [1, 2]): ((A d - 5A) d + 8A) d - 4A; near ones (d in [0, 1]):
    // ((A + 2) d - (A + 3)) d d + 1.
    auto far = [&](Tensor& d) -> Tensor& {
        Tensor& p = s.add(s.mul(s.sub(s.mul(d, s.c(A)), s.c(5 * A)), d), s.c(8 * A));
        return s.sub(s.mul(p, d), s.c(4 * A));
    };
    auto near = [&](Tensor& d) -> Tensor& {
        Tensor& p = s.sub(s.mul(d, s.c(A + 2)), s.c(A + 3));
        return s.add(s.mul(s.mul(p, d), d), s.c(1.0));
    };
    Tensor& oneMinus = s.sub(s.c(1.0), t);
    return {&far(s.add(t, s.c(1.0))), &near(t), &near(oneMinus), &far(s.add(oneMinus, s.c(1.0)))};
}

}  // namespace

KILN_ONNX_IMPORTER(GridSample) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank == 4 || rank == 5, kUNSUPPORTED_NODE) << "GridSample takes 4-D or 5-D X, got rank " << rank;
    ONNX_CHECK(inputs.rank(1) == rank, kINVALID_NODE) << "grid must have rank " << rank << ", got " << inputs.rank(1);
    const int32_t spatial = rank - 2;
    const std::vector<int64_t> xDims = inputs.dims(0), gDims = inputs.dims(1);
    ONNX_CHECK(gDims[rank - 1] == spatial, kINVALID_NODE)
        << "grid's last dim must be " << spatial << ", got " << gDims[rank - 1];
    int64_t points = 1, pixels = 1;
    for (int32_t a = 2; a < rank; ++a) {
        ONNX_CHECK(xDims[a] >= 1 && gDims[a - 1] >= 0, kUNSUPPORTED_NODE)
            << "GridSample needs static, non-empty spatial dims of X and static point dims of the grid";
        pixels = mulDims(pixels, xDims[a]);
        points = mulDims(points, gDims[a - 1]);
    }
    std::string mode = attrs.getString("mode", ctx.opset() >= 20 ? "linear" : "bilinear");
    if (mode == "bilinear") mode = "linear";
    if (mode == "bicubic") mode = "cubic";
    ONNX_CHECK(mode == "linear" || mode == "nearest" || mode == "cubic", kINVALID_NODE)
        << "unknown mode '" << mode << "'";
    const std::string paddingName = attrs.getString("padding_mode", "zeros");
    ONNX_CHECK(paddingName == "zeros" || paddingName == "border" || paddingName == "reflection", kINVALID_NODE)
        << "unknown padding_mode '" << paddingName << "'";
    const Padding padding = paddingName == "zeros" ? Padding::kZEROS
                            : paddingName == "border" ? Padding::kBORDER
                                                      : Padding::kREFLECTION;
    GridSampler s(ctx, padding, attrs.getInt("align_corners", 0) != 0);

    const DataType type = inputs.type(0);
    ONNX_CHECK(type == DataType::kFLOAT || type == DataType::kHALF || type == DataType::kBF16 ||
                   type == DataType::kDOUBLE,
               kUNSUPPORTED_NODE)
        << "GridSample of a non-float type";
    Tensor* x = &inputs.tensor(0);
    if (type != DataType::kFLOAT) x = &cast(ctx, *x, DataType::kFLOAT);
    Tensor* grid = &inputs.tensor(1);
    if (inputs.type(1) != DataType::kFLOAT) grid = &cast(ctx, *grid, DataType::kFLOAT);

    // Pixel coordinate of each output point along spatial axis a ([N, points]); the grid lists
    // them innermost axis first.
    s.setRank(2);
    Tensor& flatGrid = reshape(ctx, *grid, {0, points, spatial});
    std::vector<Tensor*> coords(spatial);
    for (int32_t a = 0; a < spatial; ++a) {
        const int64_t size = xDims[2 + a];
        Tensor& index = ctx.tensorOf(ImportContext::int64Weights({spatial - 1 - a}, {}));
        Tensor& g = *ctx.check(ctx.network().addGather(flatGrid, index, 2))->getOutput(0);
        Tensor* coord = &s.denormalize(g, size);
        if (mode == "nearest") coord = &unary(ctx, *coord, UnaryOperation::kROUND);  // half to even
        coords[a] = &s.insideBorders(*coord, size, mode == "cubic");
    }

    // Per axis: the taps' indices and weights.
    struct Tap {
        Tensor* index;
        Tensor* weight;  // nullptr: 1
    };
    std::vector<std::vector<Tap>> taps(spatial);
    for (int32_t a = 0; a < spatial; ++a) {
        const int64_t size = xDims[2 + a];
        Tensor& coord = *coords[a];
        std::vector<std::pair<double, Tensor*>> offsets;  // tap offset from the base, weight
        Tensor* base = nullptr;
        if (mode == "nearest") {
            base = &coord;  // integral: rounded, and border or reflection keep integers integral
            offsets = {{0.0, nullptr}};
        } else {
            base = &s.floor(coord);
            Tensor& t = s.sub(coord, *base);
            if (mode == "linear") {
                offsets = {{0.0, &s.sub(s.c(1.0), t)}, {1.0, &t}};
            } else {
                std::vector<Tensor*> w = cubicWeights(s, t);
                for (int k = 0; k < 4; ++k) offsets.push_back({k - 1.0, w[k]});
            }
        }
        for (auto& [offset, weight] : offsets) {
            Tensor& at = offset == 0.0 ? *base : s.add(*base, s.c(offset));
            auto [index, valid] = s.tapIndex(at, size);
            Tensor* w = weight;
            if (valid) w = w ? &s.mul(*w, *valid) : valid;
            taps[a].push_back({index, w});
        }
    }

    // X as [N, pixels, C]; each tap combination gathers [N, points, C] (GatherND, one batch dim)
    // with its flat index.
    Tensor& pixelsFirst = transpose(ctx, reshape(ctx, *x, {0, 0, pixels}), {0, 2, 1});
    Tensor* sum = nullptr;
    std::vector<size_t> pick(spatial, 0);
    while (true) {
        Tensor* flat = nullptr;
        Tensor* weight = nullptr;
        int64_t stride = 1;
        for (int32_t a = spatial - 1; a >= 0; --a) {
            const Tap& tap = taps[a][pick[a]];
            Tensor* term = tap.index;
            if (stride != 1) term = &elementWise(ctx, *term, ctx.tensorOf(ImportContext::scalarWeights(DataType::kINT64, double(stride), 2)),
                                                 ElementWiseOperation::kPROD);
            flat = flat ? &elementWise(ctx, *flat, *term, ElementWiseOperation::kSUM) : term;
            if (tap.weight) weight = weight ? &s.mul(*weight, *tap.weight) : tap.weight;
            stride *= xDims[2 + a];
        }
        GatherLayer* g = ctx.check(ctx.network().addGatherV2(pixelsFirst, unsqueeze(ctx, *flat, {2}), GatherMode::kND));
        g->setNbElementWiseDims(1);
        Tensor* value = g->getOutput(0);
        if (weight) value = &elementWise(ctx, *value, unsqueeze(ctx, *weight, {2}), ElementWiseOperation::kPROD);
        sum = sum ? &elementWise(ctx, *sum, *value, ElementWiseOperation::kSUM) : value;
        // Next combination of taps (odometer over the axes).
        int32_t a = spatial - 1;
        while (a >= 0 && ++pick[a] == taps[a].size()) pick[a--] = 0;
        if (a < 0) break;
    }
    sum = &transpose(ctx, *sum, {0, 2, 1});
    std::vector<int64_t> outDims = {0, 0};
    for (int32_t a = 1; a < rank - 1; ++a) outDims.push_back(gDims[a]);
    Tensor* y = &reshape(ctx, *sum, outDims);
    if (type != DataType::kFLOAT) y = &cast(ctx, *y, type);
    return {y};
}

// AffineGrid: the output grid [N, (D,) H, W, s] is the constant grid of normalized pixel centres
// (x, y(, z), 1) times theta^T; size must be known at import.
KILN_ONNX_IMPORTER(AffineGrid) {
    const std::vector<int64_t> size = inputs.ints(1);
    ONNX_CHECK(size.size() == 4 || size.size() == 5, kUNSUPPORTED_NODE)
        << "AffineGrid size must have 4 or 5 values, got " << size.size();
    const int64_t spatial = static_cast<int64_t>(size.size()) - 2;
    ONNX_CHECK(inputs.dims(0) == (std::vector<int64_t>{size[0], spatial, spatial + 1}), kINVALID_NODE)
        << "theta must be [N, " << spatial << ", " << spatial + 1 << "] for N = " << size[0];
    const bool align = attrs.getInt("align_corners", 0) != 0;
    int64_t points = 1;
    for (int64_t a = 2; a < 2 + spatial; ++a) {
        ONNX_CHECK(size[a] >= 1, kUNSUPPORTED_NODE) << "AffineGrid of an empty size " << size[a];
        points = mulDims(points, size[a]);
    }
    ONNX_CHECK(mulDims(points, spatial + 1) <= (int64_t(1) << 22), kUNSUPPORTED_NODE) << "the grid is too large";
    auto position = [&](int64_t i, int64_t length) {
        if (align) return length <= 1 ? 0.0 : -1.0 + 2.0 * double(i) / double(length - 1);
        return (2.0 * double(i) + 1.0) / double(length) - 1.0;
    };
    // Rows: points in row-major order of the spatial dims; columns: x (innermost axis) first.
    auto base = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, {points, spatial + 1}));
    float* out = base->as<float>();
    for (int64_t p = 0; p < points; ++p) {
        int64_t rest = p;
        for (int64_t a = 1 + spatial; a >= 2; --a) {
            const int64_t i = rest % size[a];
            rest /= size[a];
            out[p * (spatial + 1) + (1 + spatial - a)] = static_cast<float>(position(i, size[a]));
        }
        out[p * (spatial + 1) + spatial] = 1.f;
    }
    const DataType type = inputs.type(0);
    Tensor& grid = ctx.tensorOf(castWeights(*base, type));
    Tensor& y = *ctx.check(ctx.network().addMatrixMultiply(grid, MatrixOperation::kNONE, inputs.tensor(0),
                                                           MatrixOperation::kTRANSPOSE))
                     ->getOutput(0);  // [N, points, s]
    std::vector<int64_t> outDims = {size[0]};
    for (int64_t a = 2; a < 2 + spatial; ++a) outDims.push_back(size[a]);
    outDims.push_back(spatial);
    return {&reshape(ctx, y, outDims)};
}

}  // namespace kiln::onnximport
