// Scale: y = (x * scale + shift) ^ power in the three modes, against a naive loop over the full
// multi-index; absent optional inputs; count mismatches are clear errors.
#include "ir/ops/scale.h"

#include <cmath>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;

HostTensor run(ScaleMode mode, int64_t axis, const HostTensor& x, const HostTensor* shift, const HostTensor* scale,
               const HostTensor* power) {
    ir::ScaleOp op;
    op.mode = mode;
    op.channelAxis = axis;
    auto out = cpu::evaluateReference(op, {&x, shift, scale, power});
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

//! Naive: coefficient index from the multi-index of each element.
HostTensor naive(ScaleMode mode, int64_t axis, const HostTensor& x, const HostTensor* shift, const HostTensor* scale,
                 const HostTensor* power) {
    HostTensor out = HostTensor::make(DataType::kFLOAT, x.dims);
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    if (axis < 0) axis += rank;
    std::vector<int64_t> idx(x.dims.size(), 0);
    for (int64_t i = 0; i < x.numel(); ++i) {
        int64_t k = 0;
        if (mode == ScaleMode::kCHANNEL) {
            k = idx[axis];
        } else if (mode == ScaleMode::kELEMENTWISE) {
            for (int64_t d = axis; d < rank; ++d) k = k * x.dims[d] + idx[d];
        }
        double v = x.floatAt(i) * (scale ? scale->floatAt(k) : 1.0) + (shift ? shift->floatAt(k) : 0.0);
        if (power) v = std::pow(v, power->floatAt(k));
        out.as<float>()[i] = static_cast<float>(v);
        for (int64_t d = rank - 1; d >= 0; --d) {
            if (++idx[d] < x.dims[d]) break;
            idx[d] = 0;
        }
    }
    return out;
}

TEST(Scale, UniformHandValues) {
    auto x = test::tensorFrom({2, 2}, {1, 2, 3, 4});
    auto shift = test::tensorFrom({1}, {1});
    auto scale = test::tensorFrom({1}, {2});
    auto power = test::tensorFrom({1}, {2});
    EXPECT_TRUE(test::allClose(run(ScaleMode::kUNIFORM, 1, x, &shift, &scale, &power),
                               test::tensorFrom({2, 2}, {9, 25, 49, 81}), 0, 0));
    EXPECT_TRUE(test::allClose(run(ScaleMode::kUNIFORM, 1, x, &shift, nullptr, nullptr),
                               test::tensorFrom({2, 2}, {2, 3, 4, 5}), 0, 0));
    EXPECT_TRUE(test::allClose(run(ScaleMode::kUNIFORM, 1, x, nullptr, nullptr, nullptr), x, 0, 0));
}

TEST(Scale, ChannelModeMatchesNaive) {
    for (int64_t axis : {1, 0, -1, 2}) {
        auto x = test::randomTensor(DataType::kFLOAT, {2, 3, 5}, 0.1, 2);
        const int64_t c = x.dims[axis < 0 ? axis + 3 : axis];
        auto shift = test::randomTensor(DataType::kFLOAT, {c});
        auto scale = test::randomTensor(DataType::kFLOAT, {c});
        auto power = test::randomTensor(DataType::kFLOAT, {c}, 1, 3);
        // (x*scale+shift) may be negative: keep power integral there.
        for (int64_t k = 0; k < c; ++k) power.as<float>()[k] = std::round(power.as<float>()[k]);
        EXPECT_TRUE(test::allClose(run(ScaleMode::kCHANNEL, axis, x, &shift, &scale, &power),
                                   naive(ScaleMode::kCHANNEL, axis, x, &shift, &scale, &power), 1e-5, 1e-6))
            << "axis " << axis;
        EXPECT_TRUE(test::allClose(run(ScaleMode::kCHANNEL, axis, x, nullptr, &scale, nullptr),
                                   naive(ScaleMode::kCHANNEL, axis, x, nullptr, &scale, nullptr), 1e-6, 1e-6));
    }
}

TEST(Scale, ElementwiseModeMatchesNaive) {
    auto x = test::randomTensor(DataType::kFLOAT, {3, 4, 2, 2});
    auto shift = test::randomTensor(DataType::kFLOAT, {4, 2, 2});
    auto scale = test::randomTensor(DataType::kFLOAT, {16});  // any shape with the right count
    EXPECT_TRUE(test::allClose(run(ScaleMode::kELEMENTWISE, 1, x, &shift, &scale, nullptr),
                               naive(ScaleMode::kELEMENTWISE, 1, x, &shift, &scale, nullptr), 1e-6, 1e-6));
    auto s2 = test::randomTensor(DataType::kFLOAT, {2, 2});
    EXPECT_TRUE(test::allClose(run(ScaleMode::kELEMENTWISE, 2, x, nullptr, &s2, nullptr),
                               naive(ScaleMode::kELEMENTWISE, 2, x, nullptr, &s2, nullptr), 1e-6, 1e-6));
}

TEST(Scale, HalfStorageWithFloatCoefficients) {
    auto x = test::randomTensor(DataType::kHALF, {2, 4, 3});
    auto shift = test::randomTensor(DataType::kFLOAT, {4});
    auto scale = test::randomTensor(DataType::kHALF, {4});
    HostTensor got = run(ScaleMode::kCHANNEL, 1, x, &shift, &scale, nullptr);
    ASSERT_EQ(got.type, DataType::kHALF);
    HostTensor gotF = HostTensor::make(DataType::kFLOAT, got.dims);
    for (int64_t i = 0; i < got.numel(); ++i) gotF.as<float>()[i] = static_cast<float>(got.floatAt(i));
    EXPECT_TRUE(test::allClose(gotF, naive(ScaleMode::kCHANNEL, 1, x, &shift, &scale, nullptr), 2e-3, 2e-3));
}

TEST(Scale, EmptyBatch) {
    auto x = test::randomTensor(DataType::kFLOAT, {0, 3, 2});
    auto scale = test::randomTensor(DataType::kFLOAT, {3});
    EXPECT_EQ(run(ScaleMode::kCHANNEL, 1, x, nullptr, &scale, nullptr).dims, (std::vector<int64_t>{0, 3, 2}));
}

TEST(Scale, CountMismatchNamesExpectedCount) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3, 5});
    auto bad = test::randomTensor(DataType::kFLOAT, {4});
    auto check = [&](ScaleMode mode, const std::string& text) {
        try {
            run(mode, 1, x, nullptr, &bad, nullptr);
            ADD_FAILURE() << "expected an error";
        } catch (const KilnError& e) {
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("node"), std::string::npos) << e.what();
        }
    };
    check(ScaleMode::kUNIFORM, "expected 1");
    check(ScaleMode::kCHANNEL, "expected 3");
    check(ScaleMode::kELEMENTWISE, "expected 15");
    auto i = test::randomTensor(DataType::kINT32, {2, 3});
    EXPECT_THROW(run(ScaleMode::kUNIFORM, 1, i, nullptr, nullptr, nullptr), KilnError);
    auto s = test::randomTensor(DataType::kFLOAT, {1});
    EXPECT_THROW(run(ScaleMode::kCHANNEL, 3, x, nullptr, &s, nullptr), KilnError);  // axis out of range
}

}  // namespace
}  // namespace kiln
