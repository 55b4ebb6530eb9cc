// Activation: each of the 14 functions against its formula written out here in double, with
// TensorRT's alpha/beta meanings, on random inputs; float16/bfloat16 storage; int inputs refused.
#include "ir/ops/activation.h"

#include <cmath>
#include <functional>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;
using Act = ActivationType;

HostTensor run(Act type, double alpha, double beta, const HostTensor& x) {
    ir::ActivationOp op;
    op.type = type;
    op.alpha = alpha;
    op.beta = beta;
    auto out = cpu::evaluateReference(op, {&x});
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

HostTensor mapNaive(const HostTensor& x, const std::function<double(double)>& f) {
    HostTensor out = HostTensor::make(DataType::kFLOAT, x.dims);
    for (int64_t i = 0; i < x.numel(); ++i) out.as<float>()[i] = static_cast<float>(f(x.floatAt(i)));
    return out;
}

struct Case {
    Act type;
    double alpha, beta;
    std::function<double(double)> f;
};

std::vector<Case> cases() {
    const double a = 0.3, b = 1.7;
    return {
        {Act::kRELU, 0, 0, [](double x) { return x > 0 ? x : 0; }},
        {Act::kSIGMOID, 0, 0, [](double x) { return 1 / (1 + std::exp(-x)); }},
        {Act::kTANH, 0, 0, [](double x) { return std::tanh(x); }},
        {Act::kLEAKY_RELU, a, 0, [=](double x) { return x >= 0 ? x : a * x; }},
        {Act::kELU, a, 0, [=](double x) { return x >= 0 ? x : a * (std::exp(x) - 1); }},
        {Act::kSELU, 1.6732632423543772, 1.0507009873554805,
         [](double x) { return 1.0507009873554805 * (x >= 0 ? x : 1.6732632423543772 * (std::exp(x) - 1)); }},
        {Act::kSOFTSIGN, 0, 0, [](double x) { return x / (1 + std::fabs(x)); }},
        {Act::kSOFTPLUS, a, b, [=](double x) { return a * std::log(std::exp(b * x) + 1); }},
        {Act::kCLIP, -0.5, 0.75, [](double x) { return std::max(-0.5, std::min(0.75, x)); }},
        {Act::kHARD_SIGMOID, 0.2, 0.5, [](double x) { return std::max(0.0, std::min(1.0, 0.2 * x + 0.5)); }},
        {Act::kSCALED_TANH, a, b, [=](double x) { return a * std::tanh(b * x); }},
        {Act::kTHRESHOLDED_RELU, 0.4, 0, [](double x) { return x > 0.4 ? x : 0; }},
        {Act::kGELU_ERF, 0, 0, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }},
        {Act::kGELU_TANH, 0, 0,
         [](double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); }},
        {Act::kHARD_SWISH, 1.0 / 6, 0.5, [](double x) { return x * std::max(0.0, std::min(1.0, x / 6 + 0.5)); }},
    };
}

TEST(Activation, AllTypesMatchFormulas) {
    auto x = test::randomTensor(DataType::kFLOAT, {3, 7, 11}, -6, 6);
    auto cs = cases();
    ASSERT_EQ(cs.size(), 15u);
    for (const Case& c : cs)
        EXPECT_TRUE(test::allClose(run(c.type, c.alpha, c.beta, x), mapNaive(x, c.f), 2e-6, 2e-6))
            << "activation " << int(c.type);
}

TEST(Activation, HandValues) {
    auto x = test::tensorFrom({5}, {-2, -0.5f, 0, 0.5f, 2});
    EXPECT_TRUE(test::allClose(run(Act::kRELU, 0, 0, x), test::tensorFrom({5}, {0, 0, 0, 0.5f, 2}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Act::kLEAKY_RELU, 0.1, 0, x), test::tensorFrom({5}, {-0.2f, -0.05f, 0, 0.5f, 2})));
    EXPECT_TRUE(test::allClose(run(Act::kCLIP, -1, 1, x), test::tensorFrom({5}, {-1, -0.5f, 0, 0.5f, 1}), 0, 0));
    EXPECT_TRUE(test::allClose(run(Act::kTHRESHOLDED_RELU, 0.5, 0, x), test::tensorFrom({5}, {0, 0, 0, 0, 2}), 0, 0));
    EXPECT_TRUE(
        test::allClose(run(Act::kHARD_SIGMOID, 0.25, 0.5, x), test::tensorFrom({5}, {0, 0.375f, 0.5f, 0.625f, 1})));
    EXPECT_TRUE(
        test::allClose(run(Act::kSOFTSIGN, 0, 0, x), test::tensorFrom({5}, {-2 / 3.f, -1 / 3.f, 0, 1 / 3.f, 2 / 3.f})));
}

TEST(Activation, ExtremeInputsStayFinite) {
    auto x = test::tensorFrom({4}, {-1000, -100, 100, 1000});
    auto sig = run(Act::kSIGMOID, 0, 0, x);
    EXPECT_TRUE(test::allClose(sig, test::tensorFrom({4}, {0, 0, 1, 1}), 0, 1e-30));
    auto sp = run(Act::kSOFTPLUS, 1, 1, x);
    EXPECT_TRUE(test::allClose(sp, test::tensorFrom({4}, {0, 0, 100, 1000}), 1e-6, 1e-30));
}

TEST(Activation, HalfAndBf16Storage) {
    for (DataType t : {DataType::kHALF, DataType::kBF16}) {
        auto x = test::randomTensor(t, {4, 9}, -4, 4);
        const double tol = t == DataType::kHALF ? 2e-3 : 1.6e-2;
        for (const Case& c : cases()) {
            HostTensor got = run(c.type, c.alpha, c.beta, x);
            ASSERT_EQ(got.type, t);
            HostTensor gotF = HostTensor::make(DataType::kFLOAT, got.dims);
            for (int64_t i = 0; i < got.numel(); ++i) gotF.as<float>()[i] = static_cast<float>(got.floatAt(i));
            EXPECT_TRUE(test::allClose(gotF, mapNaive(x, c.f), tol, tol)) << "activation " << int(c.type);
        }
    }
}

TEST(Activation, EmptyAndScalar) {
    auto e = test::randomTensor(DataType::kFLOAT, {0, 5});
    EXPECT_EQ(run(Act::kTANH, 0, 0, e).dims, (std::vector<int64_t>{0, 5}));
    auto s = test::tensorFrom({}, {-3});
    EXPECT_TRUE(test::allClose(run(Act::kRELU, 0, 0, s), test::tensorFrom({}, {0}), 0, 0));
}

TEST(Activation, IntegerInputIsAClearError) {
    auto x = test::randomTensor(DataType::kINT32, {3});
    try {
        run(Act::kRELU, 0, 0, x);
        FAIL() << "int32 activation must be refused";
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("int32"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("node"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace kiln
