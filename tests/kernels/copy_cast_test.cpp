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
            if (std::isfinite(c)) {
                EXPECT_LE(std::fabs(got - v), std::fabs(c - v) + 1e-12) << v << " seed " << test::seed();
            }
        }
    }
}

// FP4 (E2M1), one element per byte: the 16 codes, nearest even on its grid, saturation at 6.
TEST(Cast, Fp4EveryCodeRoundTripsAndRandomValuesAreTheNearest) {
    const float grid[8] = {0.f, 0.5f, 1.f, 1.5f, 2.f, 3.f, 4.f, 6.f};
    for (int b = 0; b < 16; ++b) {
        const float v = fp4ToFloat(static_cast<uint8_t>(b));
        EXPECT_EQ(v, (b & 8) ? -grid[b & 7] : grid[b & 7]) << "code " << b;
        EXPECT_EQ(floatToFp4(v), b) << "code " << b;  // -0 keeps its sign bit
    }
    EXPECT_EQ(fp4ToFloat(floatToFp4(0.25)), 0.f) << "a tie goes to the even code";
    EXPECT_EQ(fp4ToFloat(floatToFp4(2.5)), 2.f);
    EXPECT_EQ(fp4ToFloat(floatToFp4(5.0)), 4.f);
    EXPECT_EQ(fp4ToFloat(floatToFp4(1e30)), 6.f);
    EXPECT_EQ(fp4ToFloat(floatToFp4(-std::numeric_limits<double>::infinity())), -6.f);

    auto x = test::randomTensor(DataType::kFLOAT, {301}, -8, 8);
    ir::CastOp to4;
    to4.toType = DataType::kFP4;
    auto y = cpu::evaluateReference(to4, {&x})[0];
    ASSERT_EQ(y.bytes(), 301u);
    for (int64_t i = 0; i < x.numel(); ++i) {
        const double v = x.as<float>()[i], got = fp4ToFloat(y.as<uint8_t>()[i]);
        ASSERT_LT(y.as<uint8_t>()[i], 16) << "one code per byte";
        for (int b = 0; b < 16; ++b)
            EXPECT_LE(std::fabs(got - v), std::fabs(fp4ToFloat(static_cast<uint8_t>(b)) - v) + 1e-12)
                << v << " seed " << test::seed();
    }
}

// E8M0: powers of two from the float's exponent; round_mode up, down and nearest; NaN at 0xFF.
TEST(Cast, E8m0RoundingModesSaturationAndNaN) {
    using M = E8M0RoundingMode;
    EXPECT_EQ(e8m0ToFloat(127), 1.f);
    EXPECT_EQ(e8m0ToFloat(0), std::ldexp(1.f, -127));
    EXPECT_TRUE(std::isnan(e8m0ToFloat(0xFF)));
    EXPECT_EQ(e8m0ToFloat(floatToE8m0(1.1f, true, M::kUP)), 2.f);
    EXPECT_EQ(e8m0ToFloat(floatToE8m0(1.9f, true, M::kDOWN)), 1.f);
    EXPECT_EQ(e8m0ToFloat(floatToE8m0(1.4f, true, M::kNEAREST)), 1.f);
    EXPECT_EQ(e8m0ToFloat(floatToE8m0(1.6f, true, M::kNEAREST)), 2.f);
    EXPECT_EQ(e8m0ToFloat(floatToE8m0(-4.f, true, M::kUP)), 4.f) << "the sign is dropped";
    EXPECT_EQ(floatToE8m0(std::ldexp(1.5f, 127), true, M::kUP), 0xFE) << "saturates below NaN";
    EXPECT_EQ(floatToE8m0(std::ldexp(1.5f, 127), false, M::kUP), 0xFF);
    EXPECT_EQ(floatToE8m0(std::numeric_limits<float>::infinity(), true, M::kUP), 0xFF);

    auto x = test::randomTensor(DataType::kFLOAT, {97}, 0.01, 1000);
    for (M mode : {M::kUP, M::kDOWN}) {
        ir::CastOp op;
        op.toType = DataType::kE8M0;
        op.e8m0Rounding = static_cast<int64_t>(mode);
        auto y = cpu::evaluateReference(op, {&x})[0];
        for (int64_t i = 0; i < x.numel(); ++i) {
            const float v = x.as<float>()[i], p = e8m0ToFloat(y.as<uint8_t>()[i]);
            if (mode == M::kUP) EXPECT_TRUE(p >= v && p / 2 < v) << v << " -> " << p << " seed " << test::seed();
            else EXPECT_TRUE(p <= v && p * 2 > v) << v << " -> " << p << " seed " << test::seed();
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

// INT2/UINT2, one element per byte: floats truncate and become 0 outside the range (ml_dtypes,
// the suite's reference); integers keep their low two bits; back to float is exact.
TEST(Cast, TwoBitIntegersFromFloatsAndIntegers) {
    ir::CastOp op;
    op.toType = DataType::kINT2;
    auto f = test::tensorFrom({9}, {-3.f, -2.5f, -2.f, -1.7f, -0.5f, 0.9f, 1.9f, 2.f, std::nanf("")});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&f})[0],
                               test::intTensor(DataType::kINT2, {9}, {0, -2, -2, -1, 0, 0, 1, 0, 0}), 0, 0));
    op.toType = DataType::kUINT2;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&f})[0],
                               test::intTensor(DataType::kUINT2, {9}, {0, 0, 0, 0, 0, 0, 1, 2, 0}), 0, 0));
    auto i = test::intTensor(DataType::kINT32, {6}, {-5, -3, 2, 3, 5, 7});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&i})[0],
                               test::intTensor(DataType::kUINT2, {6}, {3, 1, 2, 3, 1, 3}), 0, 0));
    op.toType = DataType::kINT2;
    auto i2 = cpu::evaluateReference(op, {&i})[0];
    EXPECT_TRUE(test::allClose(i2, test::intTensor(DataType::kINT2, {6}, {-1, 1, -2, -1, 1, -1}), 0, 0));
    op.toType = DataType::kFLOAT;
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&i2})[0], test::tensorFrom({6}, {-1, 1, -2, -1, 1, -1}), 0, 0));

    // Random floats: every in-range value truncates, every out-of-range one is 0.
    auto x = test::randomTensor(DataType::kFLOAT, {203}, -4, 4);
    for (DataType to : {DataType::kINT2, DataType::kUINT2}) {
        op.toType = to;
        auto y = cpu::evaluateReference(op, {&x})[0];
        const double lo = to == DataType::kINT2 ? -2 : 0, hi = to == DataType::kINT2 ? 1 : 3;
        for (int64_t k = 0; k < x.numel(); ++k) {
            const double t = std::trunc(x.as<float>()[k]);
            EXPECT_EQ(y.intAt(k), t >= lo && t <= hi ? t : 0) << x.as<float>()[k] << " seed " << test::seed();
        }
    }
}

}  // namespace
}  // namespace kiln
