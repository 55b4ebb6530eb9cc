// SoftMax: hand values, every axis of a random tensor against a direct loop, large inputs
// (stability), float16 and bad axes.
#include "ir/ops/softmax.h"

#include <cmath>

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/fast_math.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;

HostTensor softmax(const HostTensor& x, int64_t axis) {
    ir::SoftMaxOp op;
    op.axis = axis;
    return cpu::evaluateReference(op, {&x}, "my_softmax")[0];
}

TEST(SoftMax, HandValues) {
    auto x = test::tensorFrom({2, 2}, {0, 0, 0, std::log(3.0f)});
    EXPECT_TRUE(test::allClose(softmax(x, -1), test::tensorFrom({2, 2}, {0.5f, 0.5f, 0.25f, 0.75f})));
    EXPECT_TRUE(test::allClose(softmax(x, 0), test::tensorFrom({2, 2}, {0.5f, 0.25f, 0.5f, 0.75f})));
}

TEST(SoftMax, EveryAxisAgainstLoop) {
    auto x = test::randomTensor(DataType::kFLOAT, {3, 4, 5}, -5, 5);
    const int64_t dims[3] = {3, 4, 5};
    for (int64_t axis = -3; axis < 3; ++axis) {
        const int ax = static_cast<int>(axis < 0 ? axis + 3 : axis);
        auto out = softmax(x, axis);
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 4; ++j)
                for (int k = 0; k < 5; ++k) {
                    int idx[3] = {i, j, k};
                    double sum = 0;
                    for (int t = 0; t < dims[ax]; ++t) {
                        int o[3] = {i, j, k};
                        o[ax] = t;
                        sum += std::exp(x.floatAt((o[0] * 4 + o[1]) * 5 + o[2]));
                    }
                    int64_t flat = (idx[0] * 4 + idx[1]) * 5 + idx[2];
                    EXPECT_NEAR(out.floatAt(flat), std::exp(x.floatAt(flat)) / sum, 1e-6) << "axis " << axis;
                }
    }
}

TEST(SoftMax, StableForLargeInputs) {
    auto x = test::tensorFrom({3}, {1000, 1000, -1000});
    auto out = softmax(x, 0);
    EXPECT_TRUE(test::allClose(out, test::tensorFrom({3}, {0.5f, 0.5f, 0})));
}

TEST(SoftMax, Float16SizeOneAndEmpty) {
    auto h = test::randomTensor(DataType::kHALF, {2, 7});
    auto out = softmax(h, 1);
    EXPECT_EQ(out.type, DataType::kHALF);
    for (int i = 0; i < 2; ++i) {
        double s = 0;
        for (int j = 0; j < 7; ++j) s += out.floatAt(i * 7 + j);
        EXPECT_NEAR(s, 1.0, 3e-3);
    }
    auto one = test::randomTensor(DataType::kFLOAT, {4, 1});
    auto o1 = softmax(one, 1);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(o1.floatAt(i), 1.0);
    auto empty = test::randomTensor(DataType::kFLOAT, {0, 3});
    EXPECT_EQ(softmax(empty, 1).dims, (std::vector<int64_t>{0, 3}));
}

TEST(SoftMax, RefusesBadInputs) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3});
    EXPECT_THROW(softmax(x, 2), KilnError);
    EXPECT_THROW(softmax(x, -3), KilnError);
    auto i = test::intTensor(DataType::kINT32, {2}, {1, 2});
    EXPECT_THROW(softmax(i, 0), KilnError);
    auto s = test::tensorFrom({}, {1});
    EXPECT_THROW(softmax(s, 0), KilnError);
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

// The float32 last-axis tactic against the reference at lengths around vector widths, large
// inputs, and what it refuses.
TEST(SoftMaxFast, LastAxisMatchesTheReference) {
    const cpu::Tactic* tactic = cpu::findTactic("SoftMax", "float32_last_axis");
    ASSERT_NE(tactic, nullptr);
    for (int64_t len : {1, 7, 8, 9, 33, 128, 6625}) {
        for (int64_t axis : {int64_t(-1), int64_t(2)}) {
            ir::SoftMaxOp op;
            op.axis = axis;
            auto x = test::randomTensor(DataType::kFLOAT, {2, 3, len}, -30, 30);
            ASSERT_TRUE(tactic->supports(op, {ir::constantInfo(x)}));
            auto ref = cpu::evaluateReference(op, {&x});
            auto fast = cpu::evaluateWithTactic(op, {&x}, "float32_last_axis");
            EXPECT_TRUE(test::allClose(fast[0], ref[0], 1e-5, 1e-7)) << "len " << len;
        }
    }
    ir::SoftMaxOp first;
    first.axis = 0;
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3});
    EXPECT_FALSE(tactic->supports(first, {ir::constantInfo(x)}));
    auto h = test::randomTensor(DataType::kHALF, {2, 3});
    ir::SoftMaxOp last;
    EXPECT_FALSE(tactic->supports(last, {ir::constantInfo(h)}));
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

TEST(FastMath, ExpWithinTwoUlpAndSpecialValues) {
    std::uniform_real_distribution<float> d(-87.f, 88.f);
    for (int i = 0; i < 200000; ++i) {
        const float x = i < 100 ? -1.f + 0.02f * i : d(test::rng());
        const float want = std::exp(x), got = cpu::expFast(x);
        ASSERT_LE(std::fabs(got - want), 2.5f * std::fabs(std::nextafter(want, INFINITY) - want))
            << "x " << x << " seed " << test::seed();
    }
    EXPECT_TRUE(std::isnan(cpu::expFast(NAN)));
    EXPECT_EQ(cpu::expFast(0.f), 1.f);
    EXPECT_LT(cpu::expFast(-INFINITY), 1.3e-38f);  // exp(-87.3)
    EXPECT_GE(cpu::expFast(-INFINITY), 0.f);
    EXPECT_GT(cpu::expFast(INFINITY), 1e38f);
}

}  // namespace
}  // namespace kiln
