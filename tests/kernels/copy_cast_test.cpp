// Identity and Cast against hand values, over the type pairs that shape math needs.
#include <cmath>
#include <limits>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "core/float8.h"
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

// The 8-bit floats against the tables of the ONNX Cast spec: round to nearest even, and out of
// range to the largest value (saturate) or to Inf/NaN (not).
TEST(Cast, Float8HandValuesSaturationAndNaN) {
    struct Format {
        DataType type;
        Float8Format f;
        float max;
    };
    const float inf = std::numeric_limits<float>::infinity();
    for (Format fmt : {Format{DataType::kFP8, Float8Format::kE4M3FN, 448.f},
                       Format{DataType::kFP8E4M3FNUZ, Float8Format::kE4M3FNUZ, 240.f},
                       Format{DataType::kFP8E5M2, Float8Format::kE5M2, 57344.f},
                       Format{DataType::kFP8E5M2FNUZ, Float8Format::kE5M2FNUZ, 57344.f}}) {
        ir::CastOp to8;
        to8.toType = fmt.type;
        ir::CastOp back;
        back.toType = DataType::kFLOAT;
        auto x = test::tensorFrom({6}, {1.0f, -1.5f, 0.0f, 1e9f, -inf, std::nanf("")});
        auto y = cpu::evaluateReference(back, {&cpu::evaluateReference(to8, {&x})[0]})[0];
        const float* v = y.as<float>();
        EXPECT_EQ(v[0], 1.0f);
        EXPECT_EQ(v[1], -1.5f);
        EXPECT_EQ(v[2], 0.0f);
        EXPECT_EQ(v[3], fmt.max) << "saturates";
        EXPECT_EQ(v[4], -fmt.max) << "-Inf saturates";
        EXPECT_TRUE(std::isnan(v[5]));
        to8.saturate = 0;
        auto z = cpu::evaluateReference(back, {&cpu::evaluateReference(to8, {&x})[0]})[0];
        if (fmt.f == Float8Format::kE5M2) {
            EXPECT_EQ(z.as<float>()[3], inf);
            EXPECT_EQ(z.as<float>()[4], -inf);
        } else {
            EXPECT_TRUE(std::isnan(z.as<float>()[3]));
            EXPECT_TRUE(std::isnan(z.as<float>()[4]));
        }
    }
    // Round to nearest even in E4M3FN: 1.0625 lies halfway between 1 and 1.125 (3 mantissa bits).
    EXPECT_EQ(float8ToFloat(floatToFloat8(1.0625, Float8Format::kE4M3FN), Float8Format::kE4M3FN), 1.0f);
    EXPECT_EQ(float8ToFloat(floatToFloat8(1.1875, Float8Format::kE4M3FN), Float8Format::kE4M3FN), 1.25f);
    // The smallest subnormal of E4M3FN is 2^-9; FNUZ has no negative zero.
    EXPECT_EQ(float8ToFloat(0x01, Float8Format::kE4M3FN), std::ldexp(1.f, -9));
    EXPECT_EQ(floatToFloat8(-0.0, Float8Format::kE4M3FNUZ), 0x00);
    EXPECT_EQ(floatToFloat8(-0.0, Float8Format::kE4M3FN), 0x80);
}

// Every finite 8-bit float decodes and re-encodes to itself.
TEST(Cast, Float8EveryValueRoundTrips) {
    for (Float8Format f : {Float8Format::kE4M3FN, Float8Format::kE4M3FNUZ, Float8Format::kE5M2, Float8Format::kE5M2FNUZ})
        for (int b = 0; b < 256; ++b) {
            const float v = float8ToFloat(static_cast<uint8_t>(b), f);
            if (!std::isfinite(v)) continue;
            EXPECT_EQ(float8ToFloat(floatToFloat8(v, f), f), v) << "format " << int(f) << " bits " << b;
        }
}

// Random floats: the cast equals the nearest representable value (ties aside, which are rare).
TEST(Cast, Float8RandomValuesAreTheNearest) {
    auto x = test::randomTensor(DataType::kFLOAT, {257}, -300, 300);
    ir::CastOp to8;
    to8.toType = DataType::kFP8;
    auto y = cpu::evaluateReference(to8, {&x})[0];
    for (int64_t i = 0; i < x.numel(); ++i) {
        const double v = x.as<float>()[i], got = float8ToFloat(y.as<uint8_t>()[i], Float8Format::kE4M3FN);
        for (int b = 0; b < 256; ++b) {
            const double c = float8ToFloat(static_cast<uint8_t>(b), Float8Format::kE4M3FN);
            if (std::isfinite(c)) EXPECT_LE(std::fabs(got - v), std::fabs(c - v) + 1e-12) << v << " seed " << test::seed();
        }
    }
}

TEST(Cast, UnsignedIntegersWrapAndConvert) {
    ir::CastOp op;
    op.toType = DataType::kUINT16;
    auto x = test::intTensor(DataType::kINT32, {3}, {70000, -1, 5});
    auto out = cpu::evaluateReference(op, {&x})[0];
    EXPECT_TRUE(test::allClose(out, test::intTensor(DataType::kUINT16, {3}, {70000 - 65536, 65535, 5}), 0, 0));
    op.toType = DataType::kFLOAT;
    auto u = test::intTensor(DataType::kUINT64, {2}, {0, 1ll << 40});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&u})[0], test::tensorFrom({2}, {0, std::ldexp(1.f, 40)}), 0, 0));
}

}  // namespace
}  // namespace kiln
