// Unary: each of the 25 operations against the C library in double on random inputs in its
// domain; integer ABS/NEG/SIGN; NOT on bool; ISINF/ISNAN give bool; ROUND is half to even.
#include "ir/ops/unary.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "backends/cpu/kernel.h"
#include "ir/ops/activation.h"
#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/fast_math.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;
using U = UnaryOperation;

HostTensor run(U op, const HostTensor& x) {
    ir::UnaryOp node;
    node.op = op;
    auto out = cpu::evaluateReference(node, {&x});
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

HostTensor mapNaive(const HostTensor& x, const std::function<double(double)>& f) {
    HostTensor out = HostTensor::make(DataType::kFLOAT, x.dims);
    for (int64_t i = 0; i < x.numel(); ++i) out.as<float>()[i] = static_cast<float>(f(x.floatAt(i)));
    return out;
}

struct Case {
    U op;
    double lo, hi;
    std::function<double(double)> f;
};

TEST(Unary, FloatOpsMatchLibm) {
    const std::vector<Case> cases = {
        {U::kEXP, -5, 5, [](double x) { return std::exp(x); }},
        {U::kLOG, 0.01, 10, [](double x) { return std::log(x); }},
        {U::kSQRT, 0, 10, [](double x) { return std::sqrt(x); }},
        {U::kRECIP, 0.1, 10, [](double x) { return 1 / x; }},
        {U::kABS, -5, 5, [](double x) { return std::fabs(x); }},
        {U::kNEG, -5, 5, [](double x) { return -x; }},
        {U::kSIN, -5, 5, [](double x) { return std::sin(x); }},
        {U::kCOS, -5, 5, [](double x) { return std::cos(x); }},
        {U::kTAN, -1.2, 1.2, [](double x) { return std::tan(x); }},
        {U::kSINH, -3, 3, [](double x) { return std::sinh(x); }},
        {U::kCOSH, -3, 3, [](double x) { return std::cosh(x); }},
        {U::kASIN, -0.99, 0.99, [](double x) { return std::asin(x); }},
        {U::kACOS, -0.99, 0.99, [](double x) { return std::acos(x); }},
        {U::kATAN, -5, 5, [](double x) { return std::atan(x); }},
        {U::kASINH, -5, 5, [](double x) { return std::asinh(x); }},
        {U::kACOSH, 1, 10, [](double x) { return std::acosh(x); }},
        {U::kATANH, -0.99, 0.99, [](double x) { return std::atanh(x); }},
        {U::kCEIL, -5, 5, [](double x) { return std::ceil(x); }},
        {U::kFLOOR, -5, 5, [](double x) { return std::floor(x); }},
        {U::kERF, -3, 3, [](double x) { return std::erf(x); }},
        {U::kSIGN, -5, 5, [](double x) { return x > 0   ? 1.0
                                                : x < 0 ? -1.0
                                                        : 0.0; }},
        {U::kROUND, -5, 5, [](double x) { return std::nearbyint(x); }},
    };
    for (const Case& c : cases) {
        auto x = test::randomTensor(DataType::kFLOAT, {2, 13, 3}, c.lo, c.hi);
        EXPECT_TRUE(test::allClose(run(c.op, x), mapNaive(x, c.f), 3e-6, 1e-6)) << "op " << int(c.op);
        auto h = test::randomTensor(DataType::kHALF, {17}, c.lo, c.hi);
        HostTensor got = run(c.op, h);
        ASSERT_EQ(got.type, DataType::kHALF);
        HostTensor gotF = HostTensor::make(DataType::kFLOAT, got.dims);
        for (int64_t i = 0; i < got.numel(); ++i) gotF.as<float>()[i] = static_cast<float>(got.floatAt(i));
        EXPECT_TRUE(test::allClose(gotF, mapNaive(h, c.f), 2e-3, 1e-3)) << "half op " << int(c.op);
    }
}

TEST(Unary, RoundIsHalfToEven) {
    auto x = test::tensorFrom({9}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4f, 2.6f, -3.7f});
    EXPECT_TRUE(test::allClose(run(U::kROUND, x), test::tensorFrom({9}, {0, 2, 2, -0.f, -2, -2, 2, 3, -4}), 0, 0));
}

TEST(Unary, IsInfIsNanGiveBool) {
    const float inf = std::numeric_limits<float>::infinity();
    auto x = test::tensorFrom({5}, {1, inf, -inf, NAN, 0});
    EXPECT_TRUE(test::allClose(run(U::kISINF, x), test::intTensor(DataType::kBOOL, {5}, {0, 1, 1, 0, 0}), 0, 0));
    EXPECT_TRUE(test::allClose(run(U::kISNAN, x), test::intTensor(DataType::kBOOL, {5}, {0, 0, 0, 1, 0}), 0, 0));
    auto b = HostTensor::make(DataType::kBF16, {2});
    b.as<uint16_t>()[0] = 0x7f80;  // +inf
    b.as<uint16_t>()[1] = 0x7fc0;  // NaN
    EXPECT_TRUE(test::allClose(run(U::kISINF, b), test::intTensor(DataType::kBOOL, {2}, {1, 0}), 0, 0));
    EXPECT_TRUE(test::allClose(run(U::kISNAN, b), test::intTensor(DataType::kBOOL, {2}, {0, 1}), 0, 0));
}

TEST(Unary, NotOnBool) {
    auto x = test::intTensor(DataType::kBOOL, {2, 2}, {0, 1, 1, 0});
    EXPECT_TRUE(test::allClose(run(U::kNOT, x), test::intTensor(DataType::kBOOL, {2, 2}, {1, 0, 0, 1}), 0, 0));
}

TEST(Unary, BitwiseNotOnIntegers) {
    EXPECT_TRUE(test::allClose(run(U::kBITWISE_NOT, test::intTensor(DataType::kUINT8, {3}, {0, 1, 200})),
                               test::intTensor(DataType::kUINT8, {3}, {255, 254, 55}), 0, 0));
    EXPECT_TRUE(test::allClose(run(U::kBITWISE_NOT, test::intTensor(DataType::kINT32, {3}, {0, -1, 5})),
                               test::intTensor(DataType::kINT32, {3}, {-1, 0, -6}), 0, 0));
    EXPECT_TRUE(test::allClose(run(U::kBITWISE_NOT, test::intTensor(DataType::kUINT64, {1}, {0})),
                               test::intTensor(DataType::kUINT64, {1}, {-1}), 0, 0));
    EXPECT_THROW(run(U::kBITWISE_NOT, test::tensorFrom({1}, {1.f})), KilnError);
}

TEST(Unary, IntegerAbsNegSign) {
    for (DataType t : {DataType::kINT32, DataType::kINT64, DataType::kINT8}) {
        auto x = test::intTensor(t, {5}, {-7, 0, 3, -1, 100});
        EXPECT_TRUE(test::allClose(run(U::kABS, x), test::intTensor(t, {5}, {7, 0, 3, 1, 100}), 0, 0));
        EXPECT_TRUE(test::allClose(run(U::kNEG, x), test::intTensor(t, {5}, {7, 0, -3, 1, -100}), 0, 0));
        EXPECT_TRUE(test::allClose(run(U::kSIGN, x), test::intTensor(t, {5}, {-1, 0, 1, -1, 1}), 0, 0));
        EXPECT_EQ(run(U::kABS, x).type, t);
    }
    auto m = test::intTensor(DataType::kINT32, {1}, {INT32_MIN});  // wraps, no UB
    EXPECT_TRUE(test::allClose(run(U::kNEG, m), m, 0, 0));
}

TEST(Unary, NegPropagatesShapeValues) {
    auto x = test::intTensor(DataType::kINT64, {2}, {4, -2});
    ir::ValueInfo info = ir::constantInfo(x);
    ir::UnaryOp node;
    node.op = U::kNEG;
    ir::InferContext ctx("neg", {&info}, [](const ir::DimExpr& d) { return d; });
    node.inferShapes(ctx);
    ASSERT_TRUE(ctx.outputs()[0].value.has_value());
    EXPECT_EQ((*ctx.outputs()[0].value)[0].value(), -4);
    EXPECT_EQ((*ctx.outputs()[0].value)[1].value(), 2);
}

TEST(Unary, TypeErrorsNameTheOp) {
    auto f = test::randomTensor(DataType::kFLOAT, {3});
    auto i = test::randomTensor(DataType::kINT32, {3});
    auto u = test::randomTensor(DataType::kUINT8, {3});
    auto check = [](U op, const HostTensor& x, const std::string& text) {
        try {
            run(op, x);
            ADD_FAILURE() << "expected an error with '" << text << "'";
        } catch (const KilnError& e) {
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    };
    check(U::kNOT, f, "NOT needs a bool");
    check(U::kEXP, i, "EXP");
    check(U::kISNAN, i, "ISNAN");
    check(U::kABS, u, "uint8");
}

TEST(Unary, EmptyTensor) {
    auto x = test::randomTensor(DataType::kFLOAT, {4, 0});
    EXPECT_EQ(run(U::kEXP, x).dims, (std::vector<int64_t>{4, 0}));
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

// The float32_erf tactic's approximation against libm in double: a dense grid over both
// branches and their joints (0.921875, 3.925) and random points; the special values.
TEST(FastMath, ErfWithinFourUlpOfOne) {
    std::uniform_real_distribution<float> d(-6.f, 6.f);
    double worst = 0;
    for (int i = 0; i < 400000; ++i) {
        const float x = i < 200001 ? -5.f + 5e-5f * static_cast<float>(i) : d(test::rng());
        const double err = std::fabs(double(cpu::erfFast(x)) - std::erf(double(x)));
        worst = std::max(worst, err);
        ASSERT_LE(err, 2.5e-7) << "x " << x << " seed " << test::seed();
    }
    EXPECT_GT(worst, 0.0);  // an approximation, not libm
    EXPECT_TRUE(std::isnan(cpu::erfFast(NAN)));
    EXPECT_EQ(cpu::erfFast(INFINITY), 1.f);
    EXPECT_EQ(cpu::erfFast(-INFINITY), -1.f);
    EXPECT_EQ(cpu::erfFast(0.f), 0.f);
    EXPECT_TRUE(std::signbit(cpu::erfFast(-0.f)));
}

TEST(Unary, ErfTacticMatchesReference) {
    const cpu::Tactic* t = cpu::findTactic("Unary", "float32_erf");
    ASSERT_NE(t, nullptr);
    ir::UnaryOp node;
    node.op = U::kERF;
    auto x = test::randomTensor(DataType::kFLOAT, {3, 37, 11}, -4.0, 4.0);  // odd size: the vector tail
    auto fast = cpu::evaluateWithTactic(node, {&x}, "float32_erf");
    EXPECT_TRUE(test::allClose(fast[0], run(U::kERF, x), 0, 2.5e-7));
    ir::ValueInfo info;
    info.shape = {4};
    EXPECT_TRUE(t->supports(node, {info}));
    info.type = DataType::kHALF;
    EXPECT_FALSE(t->supports(node, {info}));
    node.op = U::kEXP;
    info.type = DataType::kFLOAT;
    EXPECT_FALSE(t->supports(node, {info}));
}

// The float32_gelu_erf Activation tactic and the fused-epilogue path (geluErfFastInPlace)
// against the reference Activation (libm's erf).
TEST(Unary, GeluTacticMatchesReference) {
    ir::ActivationOp node;
    node.type = ActivationType::kGELU_ERF;
    auto x = test::randomTensor(DataType::kFLOAT, {5, 29, 7}, -6.0, 6.0);
    auto ref = cpu::evaluateReference(node, {&x});
    EXPECT_TRUE(test::allClose(cpu::evaluateWithTactic(node, {&x}, "float32_gelu_erf")[0], ref[0], 1e-6, 1e-6));
    ir::HostTensor inPlace = ir::HostTensor::make(DataType::kFLOAT, x.dims);  // a copy: x stays
    std::copy(x.as<float>(), x.as<float>() + x.numel(), inPlace.as<float>());
    cpu::geluErfFastInPlace(inPlace.as<float>(), inPlace.numel());
    EXPECT_TRUE(test::allClose(inPlace, ref[0], 1e-6, 1e-6));
    node.type = ActivationType::kGELU_TANH;
    ir::ValueInfo info;
    info.shape = {4};
    EXPECT_FALSE(cpu::findTactic("Activation", "float32_gelu_erf")->supports(node, {info}));
}

}  // namespace
}  // namespace kiln
