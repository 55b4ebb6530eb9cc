// Shape, Squeeze, Unsqueeze and NonZero: values, symbolic inference, data-dependent output.
#include <cmath>

#include "ir/ops/cast.h"
#include "ir/ops/non_zero.h"
#include "ir/ops/shape.h"
#include "ir/ops/squeeze.h"
#include "ir/ops/unsqueeze.h"
#include "kernels/data_movement_test_util.h"

namespace kiln {
namespace {

using namespace dmtest;  // NOLINT

std::vector<int64_t> values(const HostTensor& t) {
    std::vector<int64_t> v;
    for (int64_t i = 0; i < t.numel(); ++i) v.push_back(t.intAt(i));
    return v;
}

TEST(Shape, ConcreteValues) {
    ir::ShapeOp op;
    auto x = randomOf(DataType::kHALF, {2, 0, 5});
    auto out = cpu::evaluateReference(op, {&x});
    EXPECT_EQ(out[0].type, DataType::kINT64);
    EXPECT_EQ(out[0].dims, (std::vector<int64_t>{3}));
    EXPECT_EQ(values(out[0]), (std::vector<int64_t>{2, 0, 5}));
    auto s = randomOf(DataType::kBOOL, {});
    EXPECT_EQ(cpu::evaluateReference(op, {&s})[0].dims, (std::vector<int64_t>{0}));
}

TEST(Shape, SymbolicValue) {
    ir::ShapeOp op;
    auto x = infoOf(DataType::kFLOAT, {s0, DimExpr(3), s1 * DimExpr(2)});
    auto out = infer(op, {&x});
    EXPECT_EQ(out[0].type, DataType::kINT64);
    EXPECT_TRUE(ir::shapesEqual(out[0].shape, {DimExpr(3)}));
    ASSERT_TRUE(out[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*out[0].value, x.shape));
}

TEST(Squeeze, EveryTypeNegativeAxes) {
    ir::SqueezeOp op;
    auto axes = test::intTensor(DataType::kINT64, {2}, {-1, 0});
    for (DataType type : kAllTypes) {
        auto x = randomOf(type, {1, 3, 1});
        auto out = cpu::evaluateReference(op, {&x, &axes});
        ASSERT_EQ(out[0].dims, (std::vector<int64_t>{3}));
        EXPECT_EQ(std::memcmp(out[0].data(), x.data(), x.bytes()), 0) << dataTypeName(type);
    }
}

TEST(Squeeze, NoAxesSqueezesAllOnes) {
    ir::SqueezeOp op;
    auto x = randomOf(DataType::kFLOAT, {1, 4, 1, 0});
    EXPECT_EQ(cpu::evaluateReference(op, {&x})[0].dims, (std::vector<int64_t>{4, 0}));
    auto sym = infoOf(DataType::kFLOAT, {DimExpr(1), s0});
    EXPECT_TRUE(ir::shapesEqual(infer(op, {&sym})[0].shape, {s0}));
}

TEST(Squeeze, Errors) {
    ir::SqueezeOp op;
    auto x = randomOf(DataType::kFLOAT, {1, 3});
    auto bad = test::intTensor(DataType::kINT32, {1}, {1});
    std::string msg = errorOf([&] { cpu::evaluateReference(op, {&x, &bad}); });
    EXPECT_NE(msg.find("axis 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("size 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("node"), std::string::npos) << msg;
    auto twice = test::intTensor(DataType::kINT32, {2}, {0, -2});
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&x, &twice}), "twice");
    auto far = test::intTensor(DataType::kINT64, {1}, {2});
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&x, &far}), "out of range");
    auto floats = test::tensorFrom({1}, {0.f});
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&x, &floats}), "int32 or int64");
    // Axes that are not known at build time.
    auto in = infoOf(DataType::kFLOAT, {DimExpr(1), DimExpr(3)});
    auto axes = infoOf(DataType::kINT64, {DimExpr(1)});
    EXPECT_ERROR_HAS(infer(op, {&in, &axes}), "build time");
}

TEST(Squeeze, SymbolicDimsAndValues) {
    ir::SqueezeOp op;
    auto in = infoOf(DataType::kINT64, {DimExpr(1)}, std::vector<DimExpr>{s0});
    auto axes = test::intTensor(DataType::kINT64, {1}, {0});
    auto axesInfo = ir::constantInfo(axes);
    auto out = infer(op, {&in, &axesInfo});
    EXPECT_TRUE(out[0].shape.empty());
    ASSERT_TRUE(out[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*out[0].value, {s0}));

    // A symbolic dim is squeezed on trust (the run-time inference checks it).
    auto sym = infoOf(DataType::kFLOAT, {s1, s0, DimExpr(1)});
    auto both = test::intTensor(DataType::kINT32, {2}, {0, 2});
    auto bothInfo = ir::constantInfo(both);
    EXPECT_TRUE(ir::shapesEqual(infer(op, {&sym, &bothInfo})[0].shape, {s0}));
}

TEST(Unsqueeze, AxesIndexTheOutput) {
    ir::UnsqueezeOp op;
    auto axes = test::intTensor(DataType::kINT32, {2}, {0, -1});
    for (DataType type : kAllTypes) {
        auto x = randomOf(type, {3, 4});
        auto out = cpu::evaluateReference(op, {&x, &axes});
        ASSERT_EQ(out[0].dims, (std::vector<int64_t>{1, 3, 4, 1}));
        EXPECT_EQ(std::memcmp(out[0].data(), x.data(), x.bytes()), 0) << dataTypeName(type);
    }
    auto middle = test::intTensor(DataType::kINT64, {2}, {3, 1});
    auto x = randomOf(DataType::kFLOAT, {3, 4});
    EXPECT_EQ(cpu::evaluateReference(op, {&x, &middle})[0].dims, (std::vector<int64_t>{3, 1, 4, 1}));
    auto e = randomOf(DataType::kFLOAT, {0});
    auto zero = test::intTensor(DataType::kINT64, {1}, {0});
    EXPECT_EQ(cpu::evaluateReference(op, {&e, &zero})[0].dims, (std::vector<int64_t>{1, 0}));
}

TEST(Unsqueeze, ValuesAndErrors) {
    ir::UnsqueezeOp op;
    auto scalar = infoOf(DataType::kINT64, {}, std::vector<DimExpr>{s0 + DimExpr(1)});
    auto axes = test::intTensor(DataType::kINT64, {1}, {0});
    auto axesInfo = ir::constantInfo(axes);
    auto out = infer(op, {&scalar, &axesInfo});
    EXPECT_TRUE(ir::shapesEqual(out[0].shape, {DimExpr(1)}));
    ASSERT_TRUE(out[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*out[0].value, {s0 + DimExpr(1)}));

    auto x = randomOf(DataType::kFLOAT, {3});
    auto twice = test::intTensor(DataType::kINT64, {2}, {1, -2});
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&x, &twice}), "twice");
    auto far = test::intTensor(DataType::kINT64, {1}, {2});
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&x, &far}), "out of range");
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&x}), "2 inputs");
}

TEST(NonZero, ByHand) {
    ir::NonZeroOp op;
    auto x = test::tensorFrom({3, 2}, {0.f, 1.f, 2.f, -0.f, 0.f, NAN});
    auto out = cpu::evaluateReference(op, {&x});
    EXPECT_EQ(out[0].type, DataType::kINT64);
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(values(out[0]), (std::vector<int64_t>{0, 1, 2, 1, 0, 1}));

    auto zeros = randomOf(DataType::kINT32, {2, 3});
    std::memset(zeros.data(), 0, zeros.bytes());
    EXPECT_EQ(cpu::evaluateReference(op, {&zeros})[0].dims, (std::vector<int64_t>{2, 0}));
    auto empty = randomOf(DataType::kFLOAT, {0, 4});
    EXPECT_EQ(cpu::evaluateReference(op, {&empty})[0].dims, (std::vector<int64_t>{2, 0}));
}

TEST(NonZero, RandomEveryType) {
    ir::NonZeroOp op;
    for (DataType type : kAllTypes) {
        // Few distinct values so that zeros are common (for the float types too).
        auto raw = test::randomTensor(DataType::kINT32, {3, 1, 4, 5}, -1, 2);
        ir::CastOp cast;
        cast.toType = type;
        auto x = cpu::evaluateReference(cast, {&raw})[0];
        auto out = cpu::evaluateReference(op, {&x});
        std::vector<int64_t> rows[4];
        for (int64_t i = 0; i < x.numel(); ++i) {
            if (x.floatAt(i) == 0) continue;
            rows[0].push_back(i / 20);
            rows[1].push_back(0);
            rows[2].push_back(i / 5 % 4);
            rows[3].push_back(i % 5);
        }
        const int64_t count = static_cast<int64_t>(rows[0].size());
        ASSERT_EQ(out[0].dims, (std::vector<int64_t>{4, count})) << dataTypeName(type);
        std::vector<int64_t> expected;
        for (auto& r : rows) expected.insert(expected.end(), r.begin(), r.end());
        EXPECT_EQ(values(out[0]), expected) << dataTypeName(type) << " seed " << test::seed();
    }
}

TEST(NonZero, BuildTimeCountIsDataDependent) {
    ir::NonZeroOp op;
    EXPECT_TRUE(op.hasDataDependentShape());
    auto x = infoOf(DataType::kFLOAT, {s0, DimExpr(4)});
    DimExpr bound;
    ir::InferContext ctx("nz", {&x}, [&](const DimExpr& b) {
        bound = b;
        return DimExpr::symbol(7);
    });
    op.inferShapes(ctx);
    EXPECT_TRUE(bound.equals(s0 * DimExpr(4))) << bound.toString();
    EXPECT_TRUE(ir::shapesEqual(ctx.outputs()[0].shape, {DimExpr(2), DimExpr::symbol(7)}));
    EXPECT_EQ(ctx.outputs()[0].type, DataType::kINT64);
}

}  // namespace
}  // namespace kiln
