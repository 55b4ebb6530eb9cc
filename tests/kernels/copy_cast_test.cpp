// Identity and Cast against hand values, over the type pairs that shape math needs.
#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "ir/ops/cast.h"
#include "ir/ops/identity.h"

namespace kiln {
namespace {

TEST(Identity, CopiesRandomFloats) {
    ir::IdentityOp op;
    auto x = test::randomTensor(DataType::kFLOAT, {3, 5, 7});
    auto out = cpu::evaluateReference(op, {&x});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(test::allClose(out[0], x, 0, 0));
}

TEST(Identity, EmptyTensor) {
    ir::IdentityOp op;
    auto x = test::randomTensor(DataType::kFLOAT, {0, 4});
    auto out = cpu::evaluateReference(op, {&x});
    EXPECT_EQ(out[0].dims, (std::vector<int64_t>{0, 4}));
}

TEST(Cast, FloatToIntTruncatesTowardZero) {
    ir::CastOp op;
    op.toType = DataType::kINT32;
    auto x = test::tensorFrom({4}, {1.7f, -1.7f, 0.2f, -0.0f});
    auto out = cpu::evaluateReference(op, {&x});
    EXPECT_TRUE(test::allClose(out[0], test::intTensor(DataType::kINT32, {4}, {1, -1, 0, 0}), 0, 0));
}

TEST(Cast, ToBoolIsNonZero) {
    ir::CastOp op;
    op.toType = DataType::kBOOL;
    auto x = test::tensorFrom({3}, {0.f, 0.5f, -2.f});
    auto out = cpu::evaluateReference(op, {&x});
    EXPECT_TRUE(test::allClose(out[0], test::intTensor(DataType::kBOOL, {3}, {0, 1, 1}), 0, 0));
}

TEST(Cast, HalfRoundTripWithinHalfPrecision) {
    ir::CastOp toHalf;
    toHalf.toType = DataType::kHALF;
    ir::CastOp toFloat;
    toFloat.toType = DataType::kFLOAT;
    auto x = test::randomTensor(DataType::kFLOAT, {17}, -100, 100);
    auto h = cpu::evaluateReference(toHalf, {&x});
    auto back = cpu::evaluateReference(toFloat, {&h[0]});
    EXPECT_TRUE(test::allClose(back[0], x, 1e-3, 0));
}

TEST(Cast, Int64ToInt32KeepsShapeValues) {
    ir::CastOp op;
    op.toType = DataType::kINT32;
    auto x = test::intTensor(DataType::kINT64, {3}, {2, -5, 7});
    auto out = cpu::evaluateReference(op, {&x});
    EXPECT_TRUE(test::allClose(out[0], test::intTensor(DataType::kINT32, {3}, {2, -5, 7}), 0, 0));
}

}  // namespace
}  // namespace kiln
