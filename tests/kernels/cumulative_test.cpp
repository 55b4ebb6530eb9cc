// Cumulative (ONNX CumSum, CumProd): hand values for the four flag combinations, random tensors
// against a loop on every axis, int types and the axis input's checks.
#include "ir/ops/cumulative.h"

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "core/half.h"

namespace kiln {
namespace {

using ir::HostTensor;

HostTensor cumsum(const HostTensor& x, int64_t axis, bool exclusive, bool reverse,
                  DataType axisType = DataType::kINT32) {
    ir::CumulativeOp op;
    op.exclusive = exclusive;
    op.reverse = reverse;
    auto a = test::intTensor(axisType, {}, {axis});
    return cpu::evaluateReference(op, {&x, &a}, "my_cumsum")[0];
}

TEST(Cumulative, OnnxExamples) {
    auto x = test::tensorFrom({5}, {1, 2, 3, 4, 5});
    EXPECT_TRUE(test::allClose(cumsum(x, 0, false, false), test::tensorFrom({5}, {1, 3, 6, 10, 15})));
    EXPECT_TRUE(test::allClose(cumsum(x, 0, true, false), test::tensorFrom({5}, {0, 1, 3, 6, 10})));
    EXPECT_TRUE(test::allClose(cumsum(x, 0, false, true), test::tensorFrom({5}, {15, 14, 12, 9, 5})));
    EXPECT_TRUE(test::allClose(cumsum(x, -1, true, true), test::tensorFrom({5}, {14, 12, 9, 5, 0})));
}

TEST(Cumulative, RandomEveryAxisAndFlag) {
    auto x = test::randomTensor(DataType::kFLOAT, {3, 4, 5});
    const int64_t dims[3] = {3, 4, 5};
    for (int64_t axis = -3; axis < 3; ++axis) {
        const int ax = static_cast<int>(axis < 0 ? axis + 3 : axis);
        for (int flags = 0; flags < 4; ++flags) {
            bool exclusive = flags & 1, reverse = flags & 2;
            auto out = cumsum(x, axis, exclusive, reverse, DataType::kINT64);
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 4; ++j)
                    for (int k = 0; k < 5; ++k) {
                        int idx[3] = {i, j, k};
                        double s = 0;
                        for (int t = 0; t < dims[ax]; ++t) {
                            bool take = reverse ? (exclusive ? t > idx[ax] : t >= idx[ax])
                                                : (exclusive ? t < idx[ax] : t <= idx[ax]);
                            int o[3] = {i, j, k};
                            o[ax] = t;
                            if (take) s += x.floatAt((o[0] * 4 + o[1]) * 5 + o[2]);
                        }
                        EXPECT_NEAR(out.floatAt((i * 4 + j) * 5 + k), s, 1e-5) << "axis " << axis << " flags " << flags;
                    }
        }
    }
}

TEST(Cumulative, IntAndHalfTypes) {
    auto x = test::intTensor(DataType::kINT32, {2, 3}, {1, 2, 3, 4, 5, 6});
    EXPECT_TRUE(test::allClose(cumsum(x, 0, false, false),
                               test::intTensor(DataType::kINT32, {2, 3}, {1, 2, 3, 5, 7, 9}), 0, 0));
    auto y = test::intTensor(DataType::kINT64, {3}, {1LL << 40, 1LL << 40, 1});
    EXPECT_EQ(cumsum(y, 0, false, false).intAt(2), (1LL << 41) + 1);
    auto h = test::tensorFrom({4}, {0.5f, 0.25f, 1, 2});
    ir::HostTensor hh = ir::HostTensor::make(DataType::kHALF, {4});
    for (int i = 0; i < 4; ++i) hh.as<Half>()[i].bits = floatToHalf(h.as<float>()[i]);
    auto out = cumsum(hh, 0, false, false);
    EXPECT_EQ(out.type, DataType::kHALF);
    EXPECT_EQ(out.floatAt(3), 3.75);
    auto empty = test::randomTensor(DataType::kFLOAT, {0, 2});
    EXPECT_EQ(cumsum(empty, 1, false, false).dims, (std::vector<int64_t>{0, 2}));
}

HostTensor cumprod(const HostTensor& x, int64_t axis, bool exclusive, bool reverse) {
    ir::CumulativeOp op;
    op.op = CumulativeOperation::kPROD;
    op.exclusive = exclusive;
    op.reverse = reverse;
    auto a = test::intTensor(DataType::kINT64, {}, {axis});
    return cpu::evaluateReference(op, {&x, &a})[0];
}

TEST(Cumulative, ProductHandValues) {
    auto x = test::tensorFrom({5}, {1, 2, 3, 4, 5});
    EXPECT_TRUE(test::allClose(cumprod(x, 0, false, false), test::tensorFrom({5}, {1, 2, 6, 24, 120})));
    EXPECT_TRUE(test::allClose(cumprod(x, 0, true, false), test::tensorFrom({5}, {1, 1, 2, 6, 24})));
    EXPECT_TRUE(test::allClose(cumprod(x, 0, false, true), test::tensorFrom({5}, {120, 120, 60, 20, 5})));
    EXPECT_TRUE(test::allClose(cumprod(x, -1, true, true), test::tensorFrom({5}, {120, 60, 20, 5, 1})));
    auto i = test::intTensor(DataType::kINT32, {2, 3}, {-1, 2, 3, 4, -5, 6});
    EXPECT_TRUE(test::allClose(cumprod(i, 1, false, false),
                               test::intTensor(DataType::kINT32, {2, 3}, {-1, -2, -6, 4, -20, -120}), 0, 0));
    EXPECT_TRUE(test::allClose(cumprod(i, 0, true, false),
                               test::intTensor(DataType::kINT32, {2, 3}, {1, 1, 1, -1, 2, 3}), 0, 0));
}

TEST(Cumulative, ProductRandomEveryAxisAndFlag) {
    auto x = test::randomTensor(DataType::kDOUBLE, {3, 4, 5}, 0.5, 1.5);
    const int64_t dims[3] = {3, 4, 5};
    for (int64_t axis = -3; axis < 3; ++axis) {
        const int ax = static_cast<int>(axis < 0 ? axis + 3 : axis);
        for (int flags = 0; flags < 4; ++flags) {
            bool exclusive = flags & 1, reverse = flags & 2;
            auto out = cumprod(x, axis, exclusive, reverse);
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 4; ++j)
                    for (int k = 0; k < 5; ++k) {
                        int idx[3] = {i, j, k};
                        double p = 1;
                        for (int t = 0; t < dims[ax]; ++t) {
                            bool take = reverse ? (exclusive ? t > idx[ax] : t >= idx[ax])
                                                : (exclusive ? t < idx[ax] : t <= idx[ax]);
                            int o[3] = {i, j, k};
                            o[ax] = t;
                            if (take) p *= x.floatAt((o[0] * 4 + o[1]) * 5 + o[2]);
                        }
                        EXPECT_NEAR(out.floatAt((i * 4 + j) * 5 + k), p, 1e-12) << "axis " << axis << " flags " << flags;
                    }
        }
    }
}

TEST(Cumulative, AxisKnownOnlyAtRunTimeInfersTheInputShape) {
    ir::CumulativeOp op;
    ir::ValueInfo x;
    x.type = DataType::kFLOAT;
    x.shape = {ir::DimExpr::symbol(0), ir::DimExpr(4)};
    ir::ValueInfo axis;  // a scalar whose value shape inference does not know
    axis.type = DataType::kINT64;
    ir::InferContext ctx("cum", {&x, &axis}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    EXPECT_TRUE(ir::shapesEqual(ctx.outputs()[0].shape, x.shape));
    axis.value = std::vector<ir::DimExpr>{ir::DimExpr(2)};  // known and out of range: refused now
    ir::InferContext bad("cum", {&x, &axis}, [](const ir::DimExpr& d) { return d; });
    EXPECT_THROW(op.inferShapes(bad), KilnError);
    axis.value.reset();
    axis.shape = {ir::DimExpr(2)};  // two values: refused whatever they are
    ir::InferContext two("cum", {&x, &axis}, [](const ir::DimExpr& d) { return d; });
    EXPECT_THROW(op.inferShapes(two), KilnError);
}

TEST(Cumulative, RefusesBadAxis) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3});
    try {
        cumsum(x, 2, false, false);
        FAIL() << "expected an error";
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("my_cumsum"), std::string::npos) << e.what();
    }
    EXPECT_THROW(cumsum(x, -3, false, false), KilnError);
    ir::CumulativeOp op;
    auto fa = test::tensorFrom({}, {0});
    EXPECT_THROW(cpu::evaluateReference(op, {&x, &fa}), KilnError);  // float axis
    auto two = test::intTensor(DataType::kINT32, {2}, {0, 1});
    EXPECT_THROW(cpu::evaluateReference(op, {&x, &two}), KilnError);
}

}  // namespace
}  // namespace kiln
