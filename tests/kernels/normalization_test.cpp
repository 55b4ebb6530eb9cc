// Normalization: layer, instance and group norm against loops written here, hand values,
// float16, and the shape checks on scale/bias and groups.
#include "ir/ops/normalization.h"

#include <cmath>
#include <functional>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;

HostTensor normalize(const HostTensor& x, const HostTensor& scale, const HostTensor& bias, std::vector<int64_t> axes,
                     int64_t groups = 1, double eps = 1e-5) {
    ir::NormalizationOp op;
    op.axes = std::move(axes);
    op.nbGroups = groups;
    op.epsilon = eps;
    return cpu::evaluateReference(op, {&x, &scale, &bias}, "my_norm")[0];
}

//! Normalises x (float) where `members` lists the flat indices of each statistics set.
void expectNormalized(const HostTensor& out, const HostTensor& x, const std::vector<std::vector<int64_t>>& sets,
                      const std::function<double(int64_t)>& scaleAt, const std::function<double(int64_t)>& biasAt,
                      double eps, double tol = 1e-5) {
    for (const auto& set : sets) {
        double mean = 0, var = 0;
        for (int64_t i : set) mean += x.floatAt(i);
        mean /= set.size();
        for (int64_t i : set) var += (x.floatAt(i) - mean) * (x.floatAt(i) - mean);
        var /= set.size();
        for (int64_t i : set) {
            double want = (x.floatAt(i) - mean) / std::sqrt(var + eps) * scaleAt(i) + biasAt(i);
            EXPECT_NEAR(out.floatAt(i), want, tol) << "element " << i;
        }
    }
}

TEST(Normalization, HandValues) {
    auto x = test::tensorFrom({1, 4}, {1, 2, 3, 4});
    auto one = test::tensorFrom({1}, {1});
    auto zero = test::tensorFrom({1}, {0});
    auto out = normalize(x, one, zero, {1}, 1, 0);
    const float s = 1.0f / std::sqrt(1.25f);
    EXPECT_TRUE(test::allClose(out, test::tensorFrom({1, 4}, {-1.5f * s, -0.5f * s, 0.5f * s, 1.5f * s})));
    auto c = test::tensorFrom({2, 2}, {3, 3, 3, 3});
    auto b = test::tensorFrom({2}, {0.5f, -1});
    EXPECT_TRUE(test::allClose(normalize(c, one, b, {-1}), test::tensorFrom({2, 2}, {0.5f, -1, 0.5f, -1})));
}

TEST(Normalization, LayerNorm) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3, 4}, -3, 3);
    auto scale = test::randomTensor(DataType::kFLOAT, {4});
    auto bias = test::randomTensor(DataType::kFLOAT, {4});
    std::vector<std::vector<int64_t>> rows;
    for (int r = 0; r < 6; ++r) rows.push_back({r * 4, r * 4 + 1, r * 4 + 2, r * 4 + 3});
    expectNormalized(
        normalize(x, scale, bias, {2}), x, rows, [&](int64_t i) { return scale.floatAt(i % 4); },
        [&](int64_t i) { return bias.floatAt(i % 4); }, 1e-5);
    // Over the last two axes, with [3,4] scale and [1,1,4] bias.
    auto scale2 = test::randomTensor(DataType::kFLOAT, {3, 4});
    auto bias2 = test::randomTensor(DataType::kFLOAT, {1, 1, 4});
    std::vector<std::vector<int64_t>> blocks(2);
    for (int i = 0; i < 24; ++i) blocks[i / 12].push_back(i);
    expectNormalized(
        normalize(x, scale2, bias2, {-2, -1}, 1, 1e-3), x, blocks, [&](int64_t i) { return scale2.floatAt(i % 12); },
        [&](int64_t i) { return bias2.floatAt(i % 4); }, 1e-3);
}

TEST(Normalization, InstanceNorm) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3, 4, 5});
    auto scale = test::randomTensor(DataType::kFLOAT, {1, 3, 1, 1});
    auto bias = test::randomTensor(DataType::kFLOAT, {1, 3, 1, 1});
    std::vector<std::vector<int64_t>> planes(6);
    for (int i = 0; i < 120; ++i) planes[i / 20].push_back(i);
    expectNormalized(
        normalize(x, scale, bias, {2, 3}), x, planes, [&](int64_t i) { return scale.floatAt(i / 20 % 3); },
        [&](int64_t i) { return bias.floatAt(i / 20 % 3); }, 1e-5);
}

TEST(Normalization, GroupNorm) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 6, 3, 4}, -2, 2);
    auto scale = test::randomTensor(DataType::kFLOAT, {1, 6, 1, 1});
    auto bias = test::randomTensor(DataType::kFLOAT, {6});  // [C] also accepted
    // 3 groups of 2 channels: each (n, g) covers 2 * 12 consecutive elements.
    std::vector<std::vector<int64_t>> groups(6);
    for (int i = 0; i < 144; ++i) groups[i / 24].push_back(i);
    auto scaleAt = [&](int64_t i) { return scale.floatAt(i / 12 % 6); };
    auto biasAt = [&](int64_t i) { return bias.floatAt(i / 12 % 6); };
    expectNormalized(normalize(x, scale, bias, {2, 3}, 3), x, groups, scaleAt, biasAt, 1e-5);
    expectNormalized(normalize(x, scale, bias, {1, 2, 3}, 3), x, groups, scaleAt, biasAt, 1e-5);
    // One group per channel is instance norm.
    std::vector<std::vector<int64_t>> planes(12);
    for (int i = 0; i < 144; ++i) planes[i / 12].push_back(i);
    expectNormalized(normalize(x, scale, bias, {2, 3}, 6), x, planes, scaleAt, biasAt, 1e-5);
}

TEST(Normalization, Float16) {
    auto x = test::randomTensor(DataType::kHALF, {3, 8});
    auto scale = test::randomTensor(DataType::kHALF, {8});
    auto bias = test::randomTensor(DataType::kHALF, {8});
    auto out = normalize(x, scale, bias, {1});
    EXPECT_EQ(out.type, DataType::kHALF);
    std::vector<std::vector<int64_t>> rows(3);
    for (int i = 0; i < 24; ++i) rows[i / 8].push_back(i);
    expectNormalized(
        out, x, rows, [&](int64_t i) { return scale.floatAt(i % 8); }, [&](int64_t i) { return bias.floatAt(i % 8); },
        1e-5, 5e-3);
}

TEST(Normalization, RefusesBadShapes) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 6, 3});
    auto s6 = test::randomTensor(DataType::kFLOAT, {1, 6, 1});
    auto s4 = test::randomTensor(DataType::kFLOAT, {4});
    try {
        normalize(x, s4, s4, {2});
        FAIL() << "expected a shape error";
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("my_norm"), std::string::npos) << e.what();
    }
    EXPECT_THROW(normalize(x, s6, s6, {2}, 4), KilnError);     // 6 channels, 4 groups
    EXPECT_THROW(normalize(x, s6, s6, {0, 2}, 3), KilnError);  // batch axis in group mode
    auto s63 = test::randomTensor(DataType::kFLOAT, {1, 6, 3});
    EXPECT_THROW(normalize(x, s63, s6, {2}, 3), KilnError);  // group scale must be per channel
    EXPECT_THROW(normalize(x, s6, s6, {}), KilnError);
    EXPECT_THROW(normalize(x, s6, s6, {3}), KilnError);
    auto xi = test::intTensor(DataType::kINT32, {2}, {1, 2});
    auto one = test::tensorFrom({1}, {1});
    EXPECT_THROW(normalize(xi, one, one, {0}), KilnError);
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

// The float32 trailing-axes tactic against the reference, and what it refuses.
TEST(NormalizationFast, TrailingAxesMatchTheReference) {
    struct Case {
        std::vector<int64_t> x, scale, bias, axes;
        bool supported;
    };
    const std::vector<Case> cases = {
        {{2, 3, 64}, {64}, {64}, {2}, true},
        {{5, 7}, {7}, {1}, {-1}, true},
        {{3, 23}, {23}, {23}, {1}, true},  // two eight-lane steps and a tail of 7
        {{2, 3, 4, 9}, {4, 9}, {1, 1, 4, 9}, {2, 3}, true},
        {{1, 1, 1}, {1}, {1}, {2}, true},
        {{3, 0, 5}, {5}, {5}, {2}, true},
        {{2, 3, 4}, {4}, {4}, {1, 2}, false},  // scale varies along one of two normalized axes
        {{2, 3, 4}, {3, 1}, {1}, {1}, false},  // axis 1 is not trailing
    };
    const cpu::Tactic* tactic = cpu::findTactic("Normalization", "float32_trailing_axes");
    ASSERT_NE(tactic, nullptr);
    for (const Case& c : cases) {
        SCOPED_TRACE("x " + ir::dimsToString(c.x));
        ir::NormalizationOp op;
        op.axes = c.axes;
        op.epsilon = 1e-5;
        auto x = test::randomTensor(DataType::kFLOAT, c.x, -4, 4);
        auto s = test::randomTensor(DataType::kFLOAT, c.scale);
        auto b = test::randomTensor(DataType::kFLOAT, c.bias);
        EXPECT_EQ(tactic->supports(op, {ir::constantInfo(x), ir::constantInfo(s), ir::constantInfo(b)}), c.supported);
        if (!c.supported) continue;
        auto ref = cpu::evaluateReference(op, {&x, &s, &b});
        auto fast = cpu::evaluateWithTactic(op, {&x, &s, &b}, "float32_trailing_axes");
        EXPECT_TRUE(test::allClose(fast[0], ref[0], 1e-5, 1e-6));
    }
    auto h = test::randomTensor(DataType::kHALF, {2, 8});
    ir::NormalizationOp op;
    op.axes = {1};
    EXPECT_FALSE(tactic->supports(op, {ir::constantInfo(h), ir::constantInfo(h), ir::constantInfo(h)}));
}

}  // namespace
}  // namespace kiln
