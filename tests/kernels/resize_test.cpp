// Resize: hand values for each mode and coordinate transform, naive trilinear and bicubic loops
// written here (ONNX Resize formulas), output dims from outputDims / scales / input 1, TensorRT's
// selector for 1-pixel outputs, integer and float16 storage, symbolic shapes and errors.
#include "ir/ops/resize.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "core/half.h"

namespace kiln {
namespace {

using ir::HostTensor;
using V = std::vector<int64_t>;
using CT = ResizeCoordinateTransformation;

ir::ResizeOp makeOp(InterpolationMode mode, CT ct, V outputDims = {}) {
    ir::ResizeOp op;
    op.mode = mode;
    op.coordinateTransformation = ct;
    op.outputDims = std::move(outputDims);
    return op;
}

double coord(CT ct, int64_t o, int64_t in, int64_t out, double scale) {
    if (ct == CT::kALIGN_CORNERS) return out == 1 ? 0.0 : o * double(in - 1) / double(out - 1);
    if (ct == CT::kASYMMETRIC) return o / scale;
    return (o + 0.5) / scale - 0.5;
}

//! Naive trilinear resize of x [A, B, C] (edge values outside).
HostTensor naiveTrilinear(const HostTensor& x, const V& out, CT ct) {
    HostTensor y = HostTensor::make(DataType::kFLOAT, out);
    auto at = [&](int64_t a, int64_t b, int64_t c) {
        auto cl = [](int64_t v, int64_t n) { return std::min(std::max<int64_t>(v, 0), n - 1); };
        return x.floatAt((cl(a, x.dims[0]) * x.dims[1] + cl(b, x.dims[1])) * x.dims[2] + cl(c, x.dims[2]));
    };
    int64_t yi = 0;
    for (int64_t i = 0; i < out[0]; ++i)
        for (int64_t j = 0; j < out[1]; ++j)
            for (int64_t k = 0; k < out[2]; ++k, ++yi) {
                double c[3], f[3];
                const int64_t o[3] = {i, j, k};
                for (int d = 0; d < 3; ++d) {
                    c[d] = coord(ct, o[d], x.dims[d], out[d], double(out[d]) / double(x.dims[d]));
                    c[d] = std::min(std::max(c[d], 0.0), double(x.dims[d] - 1));
                    f[d] = std::floor(c[d]);
                    c[d] -= f[d];
                }
                double s = 0;
                for (int a = 0; a < 2; ++a)
                    for (int b = 0; b < 2; ++b)
                        for (int e = 0; e < 2; ++e)
                            s += (a ? c[0] : 1 - c[0]) * (b ? c[1] : 1 - c[1]) * (e ? c[2] : 1 - c[2]) *
                                 at(int64_t(f[0]) + a, int64_t(f[1]) + b, int64_t(f[2]) + e);
                y.as<float>()[yi] = float(s);
            }
    return y;
}

double cubicWeight(double t, double A) {
    t = std::fabs(t);
    if (t <= 1) return (A + 2) * t * t * t - (A + 3) * t * t + 1;
    if (t < 2) return A * t * t * t - 5 * A * t * t + 8 * A * t - 4 * A;
    return 0;
}

//! Naive bicubic resize of x [P, H, W] (ONNX: edge values outside, or excluded and renormalised).
HostTensor naiveBicubic(const HostTensor& x, int64_t oh, int64_t ow, CT ct, double A, bool exclude) {
    const int64_t p = x.dims[0], h = x.dims[1], w = x.dims[2];
    HostTensor y = HostTensor::make(DataType::kFLOAT, {p, oh, ow});
    int64_t yi = 0;
    for (int64_t q = 0; q < p; ++q)
        for (int64_t i = 0; i < oh; ++i)
            for (int64_t j = 0; j < ow; ++j, ++yi) {
                double cy = coord(ct, i, h, oh, double(oh) / h), cx = coord(ct, j, w, ow, double(ow) / w);
                int64_t fy = int64_t(std::floor(cy)), fx = int64_t(std::floor(cx));
                double s = 0, wy[4], wx[4], sy = 0, sx = 0;
                for (int t = 0; t < 4; ++t) {
                    int64_t iy = fy - 1 + t, ix = fx - 1 + t;
                    wy[t] = (exclude && (iy < 0 || iy >= h)) ? 0 : cubicWeight(cy - double(iy), A);
                    wx[t] = (exclude && (ix < 0 || ix >= w)) ? 0 : cubicWeight(cx - double(ix), A);
                    sy += wy[t];
                    sx += wx[t];
                }
                for (int a = 0; a < 4; ++a)
                    for (int b = 0; b < 4; ++b) {
                        int64_t iy = std::min(std::max<int64_t>(fy - 1 + a, 0), h - 1);
                        int64_t ix = std::min(std::max<int64_t>(fx - 1 + b, 0), w - 1);
                        double wt = exclude ? (wy[a] / sy) * (wx[b] / sx) : wy[a] * wx[b];
                        s += wt * x.floatAt((q * h + iy) * w + ix);
                    }
                y.as<float>()[yi] = float(s);
            }
    return y;
}

TEST(Resize, NearestUpsampleHandValues) {
    auto op = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {1, 4, 4});
    auto x = test::tensorFrom({1, 2, 2}, {1, 2, 3, 4});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                               test::tensorFrom({1, 4, 4}, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}), 0, 0));
}

TEST(Resize, NearestRoundingModes) {
    // Asymmetric 5 -> 2: source coordinates 0 and 2.5.
    auto x = test::tensorFrom({5}, {10, 20, 30, 40, 50});
    const std::vector<std::pair<ResizeRoundMode, float>> modes = {{ResizeRoundMode::kHALF_UP, 40},
                                                                  {ResizeRoundMode::kHALF_DOWN, 30},
                                                                  {ResizeRoundMode::kFLOOR, 30},
                                                                  {ResizeRoundMode::kCEIL, 40}};
    for (auto [mode, second] : modes) {
        auto op = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {2});
        op.nearestRounding = mode;
        EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0], test::tensorFrom({2}, {10, second}), 0, 0));
    }
    // Half-pixel 2 -> 5 with round-half-down: coordinates -0.3, 0.1, 0.5, 0.9, 1.3.
    auto x2 = test::tensorFrom({2}, {1, 2});
    auto op = makeOp(InterpolationMode::kNEAREST, CT::kHALF_PIXEL, {5});
    op.nearestRounding = ResizeRoundMode::kHALF_DOWN;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x2})[0], test::tensorFrom({5}, {1, 1, 1, 2, 2}), 0, 0));
}

TEST(Resize, LinearHandValues) {
    auto x = test::tensorFrom({2}, {0, 3});
    auto ac = makeOp(InterpolationMode::kLINEAR, CT::kALIGN_CORNERS, {4});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(ac, {&x})[0], test::tensorFrom({4}, {0, 1, 2, 3}), 1e-6, 1e-6));
    auto x4 = test::tensorFrom({2}, {0, 4});
    auto hp = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {4});  // -0.25, 0.25, 0.75, 1.25
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(hp, {&x4})[0], test::tensorFrom({4}, {0, 1, 3, 4}), 1e-6, 1e-6));
    auto as = makeOp(InterpolationMode::kLINEAR, CT::kASYMMETRIC, {4});  // 0, 0.5, 1, 1.5
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(as, {&x4})[0], test::tensorFrom({4}, {0, 2, 4, 4}), 1e-6, 1e-6));
}

TEST(Resize, HalfPixelSymmetricHandValues) {
    // in 4, scale 0.6: out floor(2.4) = 2, adjustment 2 / 2.4, offset 2 * (1 - adjustment) = 1/3;
    // sources 1/3 + (o + 0.5) / 0.6 - 0.5 = 2/3 and 7/3.
    auto x = test::tensorFrom({4}, {0, 3, 6, 9});
    auto op = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL_SYMMETRIC);
    op.scales = {0.6f};
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0], test::tensorFrom({2}, {2, 7}), 1e-5, 1e-6));
    // Sizes given (or scales that land on whole lengths): the same as half_pixel.
    auto y = test::randomTensor(DataType::kFLOAT, {3, 5});
    auto sym = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL_SYMMETRIC, {7, 3});
    auto hp = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {7, 3});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(sym, {&y})[0], cpu::evaluateReference(hp, {&y})[0], 0, 1e-6));
}

//! Antialiased resize of the last axis of x [P, W] by `scale` (half_pixel): every input pixel j
//! weighs filter(scale * (j - x)), edge values outside, normalised (ONNX Resize-18).
HostTensor naiveAntialias(const HostTensor& x, double scale, bool cubic, bool exclude) {
    const int64_t p = x.dims[0], w = x.dims[1], ow = static_cast<int64_t>(std::floor(w * scale));
    HostTensor y = HostTensor::make(DataType::kFLOAT, {p, ow});
    for (int64_t q = 0; q < p; ++q)
        for (int64_t o = 0; o < ow; ++o) {
            const double c = (o + 0.5) / scale - 0.5;
            double sum = 0, total = 0;
            for (int64_t j = static_cast<int64_t>(std::floor(c - 3 / scale)); j <= c + 3 / scale; ++j) {
                const double t = scale * (j - c);
                double f = cubic ? cubicWeight(t, -0.75) : std::max(0.0, 1 - std::fabs(t));
                if (exclude && (j < 0 || j >= w)) f = 0;
                sum += f * x.floatAt(q * w + std::min<int64_t>(std::max<int64_t>(j, 0), w - 1));
                total += f;
            }
            y.as<float>()[q * ow + o] = static_cast<float>(sum / total);
        }
    return y;
}

TEST(Resize, AntialiasMatchesNaiveFilter) {
    for (bool cubic : {false, true}) {
        for (bool exclude : {false, true}) {
            for (float scale : {0.4f, 0.6f, 0.25f}) {
                SCOPED_TRACE(std::string(cubic ? "cubic" : "linear") + " exclude " + std::to_string(exclude) +
                             " scale " + std::to_string(scale));
                auto x = test::randomTensor(DataType::kFLOAT, {3, 13});
                auto op = makeOp(cubic ? InterpolationMode::kCUBIC : InterpolationMode::kLINEAR, CT::kHALF_PIXEL);
                op.scales = {1.f, scale};
                op.antialias = true;
                op.excludeOutside = exclude;
                EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                                           naiveAntialias(x, static_cast<double>(scale), cubic, exclude), 1e-5, 1e-6));
            }
        }
    }
    // Growing axes are unaffected.
    auto x = test::randomTensor(DataType::kFLOAT, {2, 4, 5});
    auto plain = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {2, 7, 9});
    auto aa = plain;
    aa.antialias = true;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(aa, {&x})[0], cpu::evaluateReference(plain, {&x})[0], 0, 0));
}

TEST(Resize, TfCropAndResizeHandValues) {
    // Axis 1: in 4, roi [0.5, 1.2], out 3: sources 1.5, 2.55 and 3.6 (outside: the extrapolation
    // value). Axis 0: roi [0, 1] keeps rows 0 and 1.
    auto x = test::tensorFrom({2, 4}, {0, 10, 20, 30, 100, 110, 120, 130});
    auto op = makeOp(InterpolationMode::kLINEAR, CT::kTF_CROP_AND_RESIZE, {2, 3});
    op.roi = {0, 0.5, 1, 1.2};
    op.extrapolationValue = -7;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                               test::tensorFrom({2, 3}, {15, 25.5f, -7, 115, 125.5f, -7}), 1e-5, 1e-5));
    // One output pixel reads the region's centre: axis 0 (0 + 0) / 2 = row 0, axis 1 (0.2 + 0.6) / 2 * 3 = 1.2.
    auto one = makeOp(InterpolationMode::kLINEAR, CT::kTF_CROP_AND_RESIZE, {1, 1});
    one.roi = {0, 0.2, 0, 0.6};
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(one, {&x})[0], test::tensorFrom({1, 1}, {12}), 1e-5, 1e-5));
    // A region of the wrong size is a shape error.
    auto bad = makeOp(InterpolationMode::kLINEAR, CT::kTF_CROP_AND_RESIZE, {2, 3});
    bad.roi = {0, 1};
    EXPECT_THROW(cpu::evaluateReference(bad, {&x}), KilnError);
}

TEST(Resize, TrilinearMatchesNaiveLoop) {
    for (CT ct : {CT::kALIGN_CORNERS, CT::kASYMMETRIC, CT::kHALF_PIXEL}) {
        for (V out : {V{5, 7, 3}, V{2, 3, 9}, V{3, 1, 4}}) {
            SCOPED_TRACE(static_cast<int>(ct));
            auto x = test::randomTensor(DataType::kFLOAT, {3, 4, 5});
            auto op = makeOp(InterpolationMode::kLINEAR, ct, out);
            EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0], naiveTrilinear(x, out, ct), 1e-5, 1e-6));
        }
    }
}

TEST(Resize, BicubicMatchesNaiveLoop) {
    for (CT ct : {CT::kALIGN_CORNERS, CT::kASYMMETRIC, CT::kHALF_PIXEL}) {
        for (double A : {-0.75, -0.5}) {
            for (bool exclude : {false, true}) {
                for (V hw : {V{7, 9}, V{3, 2}, V{8, 5}}) {
                    SCOPED_TRACE(std::to_string(static_cast<int>(ct)) + " A " + std::to_string(A) + " exclude " +
                                 std::to_string(exclude) + " out " + ir::dimsToString(hw));
                    auto x = test::randomTensor(DataType::kFLOAT, {2, 4, 5});
                    auto op = makeOp(InterpolationMode::kCUBIC, ct, {2, hw[0], hw[1]});
                    op.cubicCoeff = A;
                    op.excludeOutside = exclude;
                    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                                               naiveBicubic(x, hw[0], hw[1], ct, A, exclude), 1e-5, 1e-5));
                }
            }
        }
    }
}

TEST(Resize, OutputDimsFromScalesAndInput1) {
    auto x = test::randomTensor(DataType::kFLOAT, {1, 2, 5, 3});
    ir::ResizeOp op;
    op.scales = {1, 1, 1.5, 0.7};
    EXPECT_EQ(cpu::evaluateReference(op, {&x})[0].dims, (V{1, 2, 7, 2}));  // floor(7.5), floor(2.1)
    auto scales = test::tensorFrom({4}, {1, 2, 2.5f, 1});
    ir::ResizeOp plain;
    EXPECT_EQ(cpu::evaluateReference(plain, {&x, &scales})[0].dims, (V{1, 4, 12, 3}));
    auto sizes = test::intTensor(DataType::kINT64, {4}, {1, 2, 3, 6});
    EXPECT_EQ(cpu::evaluateReference(plain, {&x, &sizes})[0].dims, (V{1, 2, 3, 6}));
    auto sizes32 = test::intTensor(DataType::kINT32, {4}, {2, 1, 1, 1});
    EXPECT_EQ(cpu::evaluateReference(plain, {&x, &sizes32})[0].dims, (V{2, 1, 1, 1}));
}

TEST(Resize, GivenScalesDriveTheCoordinateTransform) {
    // Scale 2.5 on 2 pixels gives 5 outputs; asymmetric coordinates are o / 2.5 (not o * 2/5... the same
    // here), and with scale 1.7 on 3 pixels (5 outputs) o / 1.7 differs from o * 3/5.
    auto x = test::tensorFrom({3}, {0, 10, 20});
    auto scales = test::tensorFrom({1}, {1.7f});
    auto op = makeOp(InterpolationMode::kLINEAR, CT::kASYMMETRIC);
    auto y = cpu::evaluateReference(op, {&x, &scales});
    ASSERT_EQ(y[0].dims, (V{5}));
    for (int64_t o = 0; o < 5; ++o) EXPECT_NEAR(y[0].floatAt(o), std::min(20.0, 10 * o / double(1.7f)), 1e-4);
}

TEST(Resize, SelectorForOnePixelOutputs) {
    auto x = test::tensorFrom({4}, {0, 10, 20, 30});
    auto op = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {1});
    EXPECT_NEAR(cpu::evaluateReference(op, {&x})[0].floatAt(0), 15, 1e-5);  // formula: coordinate 1.5
    op.selector = ResizeSelector::kUPPER;
    EXPECT_NEAR(cpu::evaluateReference(op, {&x})[0].floatAt(0), 0, 1e-6);  // upper-left pixel
    auto ac = makeOp(InterpolationMode::kLINEAR, CT::kALIGN_CORNERS, {1});
    EXPECT_NEAR(cpu::evaluateReference(ac, {&x})[0].floatAt(0), 0, 1e-6);
}

TEST(Resize, IntegerNearestAndHalfLinear) {
    auto xi = test::intTensor(DataType::kINT32, {2, 2}, {1, -2, 300000001, 4});
    auto op = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {4, 2});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&xi})[0],
                               test::intTensor(DataType::kINT32, {4, 2}, {1, -2, 1, -2, 300000001, 4, 300000001, 4}), 0,
                               0));
    auto lin = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {3, 7});
    EXPECT_THROW(cpu::evaluateReference(lin, {&xi}), KilnError);
    auto xf = test::randomTensor(DataType::kFLOAT, {2, 3});
    HostTensor xh = HostTensor::make(DataType::kHALF, {2, 3});
    for (int64_t i = 0; i < 6; ++i) xh.as<uint16_t>()[i] = floatToHalf(xf.as<float>()[i]);
    auto yh = cpu::evaluateReference(lin, {&xh});
    auto yf = cpu::evaluateReference(lin, {&xf});
    ASSERT_EQ(yh[0].type, DataType::kHALF);
    for (int64_t i = 0; i < yf[0].numel(); ++i) EXPECT_NEAR(yh[0].floatAt(i), yf[0].floatAt(i), 3e-3);
}

TEST(Resize, EmptyDims) {
    auto x = test::randomTensor(DataType::kFLOAT, {0, 3});
    auto op = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {0, 6});
    EXPECT_EQ(cpu::evaluateReference(op, {&x})[0].dims, (V{0, 6}));
    auto y = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto toZero = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {2, 0});
    EXPECT_EQ(cpu::evaluateReference(toZero, {&y})[0].dims, (V{2, 0}));
    auto fromEmpty = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {2, 3});
    EXPECT_THROW(cpu::evaluateReference(fromEmpty, {&x}), KilnError);
}

TEST(Resize, SymbolicShapeFromScales) {
    ir::ResizeOp op;
    op.scales = {1, 2.5, 0.75};
    ir::ValueInfo x;
    x.shape = {ir::DimExpr::symbol(0), ir::DimExpr::symbol(1), 8};
    ir::InferContext ctx("resize", {&x}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    const ir::Shape& s = ctx.outputs()[0].shape;
    EXPECT_EQ(s[2].value(), 6);
    for (int64_t v : {1, 2, 3, 7, 11}) EXPECT_EQ(s[1].evaluate([&](int32_t) { return v; }), (v * 5) / 2);
}

TEST(Resize, Errors) {
    auto x = test::randomTensor(DataType::kFLOAT, {1, 2, 4, 4});
    ir::ResizeOp none;
    EXPECT_THROW(cpu::evaluateReference(none, {&x}), KilnError);
    auto wrong = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {8, 8});
    try {
        cpu::evaluateReference(wrong, {&x}, "resize_2");
        ADD_FAILURE();
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("resize_2: outputDims [8,8]"), std::string::npos) << e.what();
    }
    auto cubic3 = makeOp(InterpolationMode::kCUBIC, CT::kASYMMETRIC, {1, 3, 8, 8});
    EXPECT_THROW(cpu::evaluateReference(cubic3, {&x}), KilnError);
    ir::ResizeOp bad;
    bad.scales = {1, 1, -2, 1};
    EXPECT_THROW(cpu::evaluateReference(bad, {&x}), KilnError);
    auto sizes = test::intTensor(DataType::kINT64, {3}, {1, 2, 3});
    EXPECT_THROW(cpu::evaluateReference(none, {&x, &sizes}), KilnError);
    // Float scales that are not constant cannot give a shape.
    ir::ValueInfo xi, si;
    xi.shape = {1, 2, 4, 4};
    si.shape = {4};
    ir::InferContext ctx("resize", {&xi, &si}, [](const ir::DimExpr& d) { return d; });
    EXPECT_THROW(none.inferShapes(ctx), KilnError);
}

// --- The float32_separable tactic against the reference. ---------------------------------------

const char* const kFastTactic = "float32_separable";

//! Same float32 bits element by element (any NaN matches any NaN).
::testing::AssertionResult sameBits(const HostTensor& got, const HostTensor& want) {
    if (got.dims != want.dims || got.type != want.type || got.type != DataType::kFLOAT)
        return ::testing::AssertionFailure()
               << "shape/type " << ir::dimsToString(got.dims) << " vs " << ir::dimsToString(want.dims);
    for (int64_t i = 0; i < got.numel(); ++i) {
        const float g = got.as<float>()[i], w = want.as<float>()[i];
        if (std::isnan(g) && std::isnan(w)) continue;
        if (std::memcmp(&g, &w, sizeof g) != 0)
            return ::testing::AssertionFailure()
                   << "element " << i << ": " << g << " vs reference " << w << " (seed " << test::seed() << ")";
    }
    return ::testing::AssertionSuccess();
}

bool fastSupports(const ir::ResizeOp& op, DataType type, const V& dims) {
    const cpu::Tactic* t = cpu::findTactic("Resize", kFastTactic);
    EXPECT_NE(t, nullptr);
    if (!t) return false;
    ir::ValueInfo in;
    in.type = type;
    for (int64_t d : dims) in.shape.push_back(ir::DimExpr(d));
    return t->supports(op, {in});
}

//! The tactic and the reference on a fresh random x (and optional input 1): the same bits.
void expectFastMatches(const ir::ResizeOp& op, const V& xDims, const HostTensor* input1 = nullptr,
                       bool expectSupported = true) {
    auto x = test::randomTensor(DataType::kFLOAT, xDims, -2.0, 2.0);
    std::vector<const HostTensor*> in = {&x};
    if (input1) in.push_back(input1);
    EXPECT_EQ(fastSupports(op, DataType::kFLOAT, xDims), expectSupported) << ir::dimsToString(xDims);
    HostTensor want = cpu::evaluateReference(op, in)[0];
    HostTensor got = cpu::evaluateWithTactic(op, in, kFastTactic)[0];
    EXPECT_TRUE(sameBits(got, want)) << "mode " << static_cast<int>(op.mode) << " ct "
                                     << static_cast<int>(op.coordinateTransformation) << " " << ir::dimsToString(xDims)
                                     << " -> " << ir::dimsToString(want.dims);
}

V scaled(const V& dims, const std::vector<double>& s) {
    V out(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) out[i] = static_cast<int64_t>(std::floor(dims[i] * s[i]));
    return out;
}

// Spatial sizes below, at and above the vector widths, odd ones.
const std::vector<V> kSpatial = {{1, 1}, {1, 7}, {7, 1}, {2, 3}, {4, 4}, {7, 9}, {8, 8}, {9, 9}, {5, 33}, {33, 17}};

TEST(ResizeFast, NearestAsymmetricFloorIntegerScales) {
    // The detection-model case: scale 2 (and 3, 4, 8) on [N, C, H, W], given as scales or sizes.
    for (const V& hw : kSpatial)
        for (double k : {2.0, 3.0, 4.0, 8.0}) {
            auto op = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC);
            op.scales = {1, 1, k, k};
            expectFastMatches(op, {2, 3, hw[0], hw[1]});
            auto bySize =
                makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, scaled({1, 2, hw[0], hw[1]}, {1, 1, k, k}));
            expectFastMatches(bySize, {1, 2, hw[0], hw[1]});
        }
    // Only one axis upsampled, and scales from input 1.
    auto op = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC);
    op.scales = {1, 1, 1, 2};
    expectFastMatches(op, {1, 3, 7, 9});
    op.scales = {1, 1, 2, 1};
    expectFastMatches(op, {1, 3, 7, 9});
    auto scales = test::tensorFrom({4}, {1, 1, 2, 2});
    expectFastMatches(makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC), {1, 4, 9, 7}, &scales);
}

TEST(ResizeFast, NearestArbitraryScalesEveryRoundingAndTransform) {
    const std::vector<std::vector<double>> factors = {{1, 1, 1.5, 0.7}, {1, 1, 0.5, 0.5},  {1, 1, 2.5, 1.3},
                                                      {1, 1, 1, 1},     {1, 1, 0.34, 3.1}, {1, 1, 1.7, 1.7}};
    for (CT ct : {CT::kASYMMETRIC, CT::kHALF_PIXEL, CT::kALIGN_CORNERS})
        for (ResizeRoundMode rm :
             {ResizeRoundMode::kFLOOR, ResizeRoundMode::kHALF_UP, ResizeRoundMode::kHALF_DOWN, ResizeRoundMode::kCEIL})
            for (const V& hw : {V{7, 9}, V{8, 8}, V{9, 33}, V{3, 1}})
                for (const auto& f : factors) {
                    V x = {1, 2, hw[0], hw[1]};
                    V out = scaled(x, f);
                    if (out[2] == 0 || out[3] == 0) continue;
                    auto byScale = makeOp(InterpolationMode::kNEAREST, ct);
                    byScale.nearestRounding = rm;
                    byScale.scales = f;
                    expectFastMatches(byScale, x);
                    auto bySize = makeOp(InterpolationMode::kNEAREST, ct, out);
                    bySize.nearestRounding = rm;
                    expectFastMatches(bySize, x);
                    bySize.selector = ResizeSelector::kUPPER;
                    expectFastMatches(bySize, x);
                }
}

TEST(ResizeFast, NearestOtherRanksAndLeadingAxes) {
    auto op = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {9});
    expectFastMatches(op, {4});
    expectFastMatches(makeOp(InterpolationMode::kNEAREST, CT::kHALF_PIXEL, {3, 17}), {5, 8});
    expectFastMatches(makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {3, 5, 8, 10}), {2, 3, 4, 5});
    expectFastMatches(makeOp(InterpolationMode::kNEAREST, CT::kALIGN_CORNERS, {1, 2, 3, 9, 4}), {2, 2, 5, 3, 4});
    expectFastMatches(makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {6, 1, 1}), {3, 1, 1});
}

TEST(ResizeFast, LinearHalfPixelAndOtherTransforms) {
    for (CT ct : {CT::kHALF_PIXEL, CT::kASYMMETRIC, CT::kALIGN_CORNERS})
        for (const V& hw : kSpatial)
            for (const std::vector<double>& f : {std::vector<double>{1, 1, 2, 2},
                                                 {1, 1, 0.5, 0.5},
                                                 {1, 1, 1.5, 0.7},
                                                 {1, 1, 4, 4},
                                                 {1, 1, 1, 3},
                                                 {1, 1, 1, 1}}) {
                V x = {2, 3, hw[0], hw[1]};
                V out = scaled(x, f);
                if (out[2] == 0 || out[3] == 0) continue;
                auto bySize = makeOp(InterpolationMode::kLINEAR, ct, out);
                expectFastMatches(bySize, x);
                auto byScale = makeOp(InterpolationMode::kLINEAR, ct);
                byScale.scales = f;
                expectFastMatches(byScale, x);
                if (out[2] == 1 || out[3] == 1) {
                    bySize.selector = ResizeSelector::kUPPER;
                    expectFastMatches(bySize, x);
                }
            }
    // Ranks 1, 2, 3 and 5 (the leading axes unchanged), scales from input 1.
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {17}), {8});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {9, 4}), {4, 9});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kASYMMETRIC, {3, 14, 18}), {3, 7, 9});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {2, 1, 3, 10, 6}), {2, 1, 3, 5, 3});
    auto scales = test::tensorFrom({4}, {1, 1, 2.5f, 1.7f});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL), {1, 2, 7, 9}, &scales);
    auto sizes = test::intTensor(DataType::kINT64, {4}, {1, 2, 15, 4});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kALIGN_CORNERS), {1, 2, 7, 9}, &sizes);
}

TEST(ResizeFast, LinearResizingALeadingAxisRunsTheReference) {
    // Not a 2-d resize: refused when the attributes say so, and correct when run anyway.
    auto op = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {2, 6, 8, 8});
    expectFastMatches(op, {2, 3, 4, 4}, nullptr, /*expectSupported=*/false);
    auto byScale = makeOp(InterpolationMode::kLINEAR, CT::kASYMMETRIC);
    byScale.scales = {2, 1, 2, 2};
    expectFastMatches(byScale, {2, 3, 4, 4}, nullptr, false);
    // Scales from input 1 are only known at run time.
    auto scales = test::tensorFrom({4}, {1, 2, 2, 2});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL), {1, 2, 3, 5}, &scales);
}

TEST(ResizeFast, SignedZerosNanAndInfLikeTheReference) {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> special = {-0.0f, 0.0f, NAN, inf, -inf, 1.5f, -2.0f};
    HostTensor x = HostTensor::make(DataType::kFLOAT, {1, 2, 5, 9});
    for (int64_t i = 0; i < x.numel(); ++i) x.as<float>()[i] = special[i % special.size()];
    for (InterpolationMode mode : {InterpolationMode::kNEAREST, InterpolationMode::kLINEAR})
        for (double k : {2.0, 3.0, 4.0, 8.0, 1.5, 0.5}) {
            auto op = makeOp(mode, mode == InterpolationMode::kNEAREST ? CT::kASYMMETRIC : CT::kHALF_PIXEL);
            op.scales = {1, 1, k, k};
            EXPECT_TRUE(
                sameBits(cpu::evaluateWithTactic(op, {&x}, kFastTactic)[0], cpu::evaluateReference(op, {&x})[0]))
                << "mode " << static_cast<int>(mode) << " scale " << k;
        }
}

TEST(ResizeFast, EmptyTensors) {
    auto up = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {0, 3, 8, 8});
    expectFastMatches(up, {0, 3, 4, 4});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {0, 6}), {0, 3});
    expectFastMatches(makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {2, 0}), {2, 3});
    expectFastMatches(makeOp(InterpolationMode::kLINEAR, CT::kASYMMETRIC, {2, 0}), {2, 3});
    auto x = test::randomTensor(DataType::kFLOAT, {0, 3});
    auto fromEmpty = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {2, 3});
    EXPECT_THROW(cpu::evaluateWithTactic(fromEmpty, {&x}, kFastTactic), KilnError);
}

TEST(ResizeFast, SupportsOnlyFloat32NearestAndLinear) {
    auto nearest = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {1, 2, 8, 8});
    auto linear = makeOp(InterpolationMode::kLINEAR, CT::kHALF_PIXEL, {1, 2, 8, 8});
    EXPECT_TRUE(fastSupports(nearest, DataType::kFLOAT, {1, 2, 4, 4}));
    EXPECT_TRUE(fastSupports(linear, DataType::kFLOAT, {1, 2, 4, 4}));
    for (DataType t :
         {DataType::kINT32, DataType::kINT64, DataType::kHALF, DataType::kBF16, DataType::kUINT8, DataType::kBOOL}) {
        EXPECT_FALSE(fastSupports(nearest, t, {1, 2, 4, 4})) << dataTypeName(t);
        EXPECT_FALSE(fastSupports(linear, t, {1, 2, 4, 4})) << dataTypeName(t);
    }
    auto cubic = makeOp(InterpolationMode::kCUBIC, CT::kHALF_PIXEL, {1, 2, 8, 8});
    EXPECT_FALSE(fastSupports(cubic, DataType::kFLOAT, {1, 2, 4, 4}));
    // Run anyway on what it refuses, it gives the reference's result.
    auto xi = test::intTensor(DataType::kINT32, {2, 2}, {1, -2, 300000001, 4});
    auto op = makeOp(InterpolationMode::kNEAREST, CT::kASYMMETRIC, {4, 2});
    EXPECT_TRUE(
        test::allClose(cpu::evaluateWithTactic(op, {&xi}, kFastTactic)[0], cpu::evaluateReference(op, {&xi})[0], 0, 0));
    expectFastMatches(cubic, {1, 2, 4, 4}, nullptr, false);
    ASSERT_FALSE(cpu::tacticsFor("Resize").empty());
    EXPECT_EQ(cpu::tacticsFor("Resize").front().name, "reference");
}

}  // namespace
}  // namespace kiln
