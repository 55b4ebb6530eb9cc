// Pooling: hand values, a naive 2-d loop written here, padding modes and ceil mode, N-d windows,
// integer max pooling, float16 storage, and shape errors.
#include "ir/ops/pooling.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "core/half.h"

namespace kiln {
namespace {

using ir::HostTensor;
using V = std::vector<int64_t>;

//! Naive 2-d pooling of x [..., H, W]; pre/post are the resolved paddings.
HostTensor naivePool(const HostTensor& x, PoolingType type, V win, V s, V pre, V post, V out, bool exclude,
                     double blend) {
    const int64_t h = x.dims[x.dims.size() - 2], w = x.dims.back();
    const int64_t planes = x.numel() / std::max<int64_t>(h * w, 1);
    V od = x.dims;
    od[od.size() - 2] = out[0];
    od.back() = out[1];
    HostTensor y = HostTensor::make(DataType::kFLOAT, od);
    int64_t yi = 0;
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t oh = 0; oh < out[0]; ++oh)
            for (int64_t ow = 0; ow < out[1]; ++ow, ++yi) {
                double mx = -std::numeric_limits<double>::infinity(), sum = 0;
                int64_t count = 0, padded = 0;
                for (int64_t i = oh * s[0] - pre[0]; i < oh * s[0] - pre[0] + win[0]; ++i)
                    for (int64_t j = ow * s[1] - pre[1]; j < ow * s[1] - pre[1] + win[1]; ++j) {
                        if (i < h + post[0] && j < w + post[1]) ++padded;
                        if (i < 0 || j < 0 || i >= h || j >= w) continue;
                        double v = x.floatAt((p * h + i) * w + j);
                        mx = std::max(mx, v);
                        sum += v;
                        ++count;
                    }
                double avg = sum / static_cast<double>(exclude ? count : padded);
                double r = type == PoolingType::kMAX       ? mx
                           : type == PoolingType::kAVERAGE ? avg
                                                           : blend * mx + (1 - blend) * avg;
                y.as<float>()[yi] = static_cast<float>(r);
            }
    return y;
}

TEST(Pooling, HandValues) {
    ir::PoolingOp op;
    op.window = {2, 2};
    op.stride = {2, 2};
    auto x = test::tensorFrom({1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    EXPECT_TRUE(
        test::allClose(cpu::evaluateReference(op, {&x})[0], test::tensorFrom({1, 1, 2, 2}, {6, 8, 14, 16}), 0, 0));
    op.type = PoolingType::kAVERAGE;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                               test::tensorFrom({1, 1, 2, 2}, {3.5, 5.5, 11.5, 13.5}), 0, 0));
    op.type = PoolingType::kMAX_AVERAGE_BLEND;
    op.blendFactor = 0.5;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                               test::tensorFrom({1, 1, 2, 2}, {4.75, 6.75, 12.75, 14.75}), 0, 0));
}

TEST(Pooling, AverageCountsPaddingOnRequest) {
    // 3x3 window, padding 1, stride 1 on a 2x2 image of ones + a 5: each window sees all four pixels.
    ir::PoolingOp op;
    op.type = PoolingType::kAVERAGE;
    op.window = {3, 3};
    op.prePadding = {1, 1};
    op.postPadding = {1, 1};
    auto x = test::tensorFrom({1, 1, 2, 2}, {1, 1, 1, 5});
    EXPECT_TRUE(
        test::allClose(cpu::evaluateReference(op, {&x})[0], test::tensorFrom({1, 1, 2, 2}, {2, 2, 2, 2}), 0, 0));
    op.averageCountExcludesPadding = false;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                               test::tensorFrom({1, 1, 2, 2}, {8.f / 9, 8.f / 9, 8.f / 9, 8.f / 9}), 1e-6, 0));
}

TEST(Pooling, MatchesNaiveLoop) {
    struct Case {
        V x, win, s, pre, post;
        PaddingMode mode;
    };
    const std::vector<Case> cases = {
        {{2, 3, 7, 9}, {3, 2}, {2, 2}, {1, 0}, {1, 1}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{1, 2, 8, 5}, {3, 3}, {2, 3}, {1, 2}, {2, 0}, PaddingMode::kEXPLICIT_ROUND_UP},
        {{1, 1, 3, 3}, {2, 2}, {2, 2}, {1, 1}, {1, 1}, PaddingMode::kEXPLICIT_ROUND_UP},  // ceil-mode correction
        {{2, 2, 6, 7}, {3, 2}, {2, 2}, {}, {}, PaddingMode::kSAME_UPPER},
        {{1, 3, 5, 5}, {4, 3}, {1, 2}, {}, {}, PaddingMode::kSAME_LOWER},
        {{3, 4, 1}, {1, 1}, {1, 1}, {}, {}, PaddingMode::kEXPLICIT_ROUND_DOWN},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("x " + ir::dimsToString(c.x) + " window " + ir::dimsToString(c.win));
        auto x = test::randomTensor(DataType::kFLOAT, c.x, -3, 3);
        V pre = c.pre.empty() ? V{0, 0} : c.pre, post = c.post.empty() ? V{0, 0} : c.post, out(2);
        for (int i = 0; i < 2; ++i) {
            int64_t in = c.x[c.x.size() - 2 + i];
            if (c.mode == PaddingMode::kSAME_UPPER || c.mode == PaddingMode::kSAME_LOWER) {
                out[i] = (in + c.s[i] - 1) / c.s[i];
                int64_t total = std::max<int64_t>(0, (out[i] - 1) * c.s[i] + c.win[i] - in);
                pre[i] = c.mode == PaddingMode::kSAME_UPPER ? total / 2 : total - total / 2;
                post[i] = total - pre[i];
            } else {
                int64_t span = in + pre[i] + post[i] - c.win[i];
                out[i] = (c.mode == PaddingMode::kEXPLICIT_ROUND_UP ? (span + c.s[i] - 1) / c.s[i] : span / c.s[i]) + 1;
                if (c.mode == PaddingMode::kEXPLICIT_ROUND_UP && (out[i] - 1) * c.s[i] >= in + pre[i]) --out[i];
            }
        }
        for (PoolingType type : {PoolingType::kMAX, PoolingType::kAVERAGE, PoolingType::kMAX_AVERAGE_BLEND}) {
            for (bool exclude : {true, false}) {
                ir::PoolingOp op;
                op.type = type;
                op.window = c.win;
                op.stride = c.s;
                op.prePadding = c.pre;
                op.postPadding = c.post;
                op.paddingMode = c.mode;
                op.blendFactor = 0.3;
                op.averageCountExcludesPadding = exclude;
                auto y = cpu::evaluateReference(op, {&x});
                EXPECT_TRUE(
                    test::allClose(y[0], naivePool(x, type, c.win, c.s, pre, post, out, exclude, 0.3), 1e-5, 1e-6));
                // The fast 2-D tactic takes max and average of float32 and gives the reference's values.
                if (type != PoolingType::kMAX_AVERAGE_BLEND && c.win.size() == 2)
                    EXPECT_TRUE(test::allClose(cpu::evaluateWithTactic(op, {&x}, "float32_2d")[0], y[0], 1e-6, 1e-6))
                        << "type " << static_cast<int>(type) << " exclude " << exclude;
            }
        }
    }
}

// Max propagates NaN and keeps -inf (the max of a window of -inf is -inf), in the reference and
// the fast tactic; the fast tactic refuses other types, blends and other window ranks.
TEST(Pooling, NaNAndInfinityInMaxAndWhatTheFastTacticTakes) {
    auto x = test::tensorFrom({1, 1, 2, 4}, {1.f, NAN, -INFINITY, -INFINITY, 2.f, 3.f, -INFINITY, -INFINITY});
    ir::PoolingOp op;
    op.window = {2, 2};
    op.stride = {2, 2};
    for (const char* tactic : {"reference", "float32_2d"}) {
        auto y = cpu::evaluateWithTactic(op, {&x}, tactic)[0];
        ASSERT_EQ(y.numel(), 2) << tactic;
        EXPECT_TRUE(std::isnan(y.as<float>()[0])) << tactic;
        EXPECT_EQ(y.as<float>()[1], -INFINITY) << tactic;
    }
    const cpu::Tactic* t = cpu::findTactic("Pooling", "float32_2d");
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->supports(op, {ir::constantInfo(x)}));
    auto h = test::randomTensor(DataType::kHALF, {1, 1, 4, 4});
    EXPECT_FALSE(t->supports(op, {ir::constantInfo(h)}));
    op.type = PoolingType::kMAX_AVERAGE_BLEND;
    EXPECT_FALSE(t->supports(op, {ir::constantInfo(x)}));
    op.type = PoolingType::kMAX;
    op.window = {2};
    EXPECT_FALSE(t->supports(op, {ir::constantInfo(x)}));
}

TEST(Pooling, CeilModeDropsAWindowThatStartsInPadding) {
    ir::PoolingOp op;
    op.window = {2};
    op.stride = {2};
    op.prePadding = {1};
    op.postPadding = {1};
    op.paddingMode = PaddingMode::kEXPLICIT_ROUND_UP;
    auto x = test::tensorFrom({1, 1, 3}, {1, 2, 3});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0], test::tensorFrom({1, 1, 2}, {1, 3}), 0, 0));
}

TEST(Pooling, OneAndThreeDimensionalWindows) {
    ir::PoolingOp op;
    op.type = PoolingType::kAVERAGE;
    op.window = {2, 2, 2};
    op.stride = {2, 2, 2};
    auto x = test::randomTensor(DataType::kFLOAT, {1, 2, 2, 4, 2});
    auto y = cpu::evaluateReference(op, {&x});
    ASSERT_EQ(y[0].dims, (V{1, 2, 1, 2, 1}));
    for (int64_t c = 0; c < 2; ++c)
        for (int64_t hb = 0; hb < 2; ++hb) {
            double s = 0;
            for (int64_t d = 0; d < 2; ++d)
                for (int64_t h = 0; h < 2; ++h)
                    for (int64_t w = 0; w < 2; ++w) s += x.floatAt(((c * 2 + d) * 4 + hb * 2 + h) * 2 + w);
            EXPECT_NEAR(y[0].floatAt(c * 2 + hb), s / 8, 1e-6);
        }
    ir::PoolingOp max1;
    max1.window = {3};
    auto x1 = test::tensorFrom({5}, {1, 5, 2, 0, 4});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(max1, {&x1})[0], test::tensorFrom({3}, {5, 5, 4}), 0, 0));
}

TEST(Pooling, IntegerMaxAndHalfStorage) {
    ir::PoolingOp op;
    op.window = {2, 2};
    auto xi = test::intTensor(DataType::kINT32, {1, 2, 2}, {-7, 3, 100000007, -2});
    auto yi = cpu::evaluateReference(op, {&xi});
    EXPECT_TRUE(test::allClose(yi[0], test::intTensor(DataType::kINT32, {1, 1, 1}, {100000007}), 0, 0));
    op.type = PoolingType::kAVERAGE;
    EXPECT_THROW(cpu::evaluateReference(op, {&xi}), KilnError);

    auto xf = test::randomTensor(DataType::kFLOAT, {2, 3, 5, 4});
    HostTensor xh = HostTensor::make(DataType::kHALF, xf.dims);
    for (int64_t i = 0; i < xf.numel(); ++i) {
        xh.as<uint16_t>()[i] = floatToHalf(xf.as<float>()[i]);
        xf.as<float>()[i] = halfToFloat(xh.as<uint16_t>()[i]);  // same values in both
    }
    auto yh = cpu::evaluateReference(op, {&xh});
    auto yf = cpu::evaluateReference(op, {&xf});
    ASSERT_EQ(yh[0].type, DataType::kHALF);
    for (int64_t i = 0; i < yf[0].numel(); ++i) EXPECT_NEAR(yh[0].floatAt(i), yf[0].floatAt(i), 2e-3);
}

TEST(Pooling, EmptyBatch) {
    ir::PoolingOp op;
    op.window = {2, 2};
    auto x = test::randomTensor(DataType::kFLOAT, {0, 3, 4, 4});
    EXPECT_EQ(cpu::evaluateReference(op, {&x})[0].dims, (V{0, 3, 3, 3}));
}

TEST(Pooling, ShapeErrors) {
    auto x = test::randomTensor(DataType::kFLOAT, {1, 1, 4, 4});
    ir::PoolingOp op;
    EXPECT_THROW(cpu::evaluateReference(op, {&x}), KilnError);  // no window
    op.window = {2, 2};
    op.prePadding = {2, 0};
    op.postPadding = {0, 0};
    EXPECT_THROW(cpu::evaluateReference(op, {&x}), KilnError);  // padding >= window
    op.prePadding = {};
    op.postPadding = {};
    op.window = {5, 2};
    try {
        cpu::evaluateReference(op, {&x}, "pool_3");
        ADD_FAILURE();
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("pool_3: input [1,1,4,4]"), std::string::npos) << e.what();
    }
    op.window = {2, 2, 2, 2, 2};
    EXPECT_THROW(cpu::evaluateReference(op, {&x}), KilnError);
    op.window = {2, 2};
    op.stride = {0, 1};
    EXPECT_THROW(cpu::evaluateReference(op, {&x}), KilnError);
}

}  // namespace
}  // namespace kiln
