// Select (3-way broadcasting), Fill (LINSPACE, seeded random) and Assertion.
#include <cmath>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "ir/ops/assertion.h"
#include "ir/ops/fill.h"
#include "ir/ops/select.h"

namespace kiln {
namespace {

using ir::HostTensor;

int64_t sourceIndex(const std::vector<int64_t>& dims, const std::vector<int64_t>& idx) {
    int64_t flat = 0;
    size_t off = idx.size() - dims.size();
    for (size_t i = 0; i < dims.size(); ++i) flat = flat * dims[i] + (dims[i] == 1 ? 0 : idx[i + off]);
    return flat;
}

HostTensor select(const HostTensor& c, const HostTensor& a, const HostTensor& b) {
    ir::SelectOp op;
    auto out = cpu::evaluateReference(op, {&c, &a, &b});
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

TEST(Select, HandValues) {
    auto c = test::intTensor(DataType::kBOOL, {3}, {1, 0, 1});
    auto a = test::tensorFrom({3}, {1, 2, 3});
    auto b = test::tensorFrom({1}, {-1});
    EXPECT_TRUE(test::allClose(select(c, a, b), test::tensorFrom({3}, {1, -1, 3}), 0, 0));
}

TEST(Select, ThreeWayBroadcastMatchesNaive) {
    for (DataType t : {DataType::kFLOAT, DataType::kINT64, DataType::kHALF, DataType::kBOOL, DataType::kINT8}) {
        auto c = test::randomTensor(DataType::kBOOL, {4, 1, 1});
        auto a = test::randomTensor(t, {3, 1}, -10, 10);
        auto b = test::randomTensor(t, {1, 5}, -10, 10);
        HostTensor got = select(c, a, b);
        ASSERT_EQ(got.dims, (std::vector<int64_t>{4, 3, 5}));
        ASSERT_EQ(got.type, t);
        std::vector<int64_t> idx(3, 0);
        int bad = 0;
        for (int64_t i = 0; i < got.numel(); ++i) {
            double want = c.floatAt(sourceIndex(c.dims, idx)) != 0 ? a.floatAt(sourceIndex(a.dims, idx))
                                                                   : b.floatAt(sourceIndex(b.dims, idx));
            bad += got.floatAt(i) != want;
            for (int d = 2; d >= 0; --d) {
                if (++idx[d] < got.dims[d]) break;
                idx[d] = 0;
            }
        }
        EXPECT_EQ(bad, 0) << dataTypeName(t) << " seed " << test::seed();
    }
}

TEST(Select, EmptyAndErrors) {
    auto c = test::randomTensor(DataType::kBOOL, {0, 1});
    auto a = test::randomTensor(DataType::kFLOAT, {1, 3});
    EXPECT_EQ(select(c, a, a).dims, (std::vector<int64_t>{0, 3}));
    auto fc = test::randomTensor(DataType::kFLOAT, {3});
    EXPECT_THROW(select(fc, a, a), KilnError);
    auto i = test::randomTensor(DataType::kINT32, {1, 3});
    try {
        select(test::randomTensor(DataType::kBOOL, {3}), a, i);
        FAIL();
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("same type"), std::string::npos) << e.what();
    }
    auto bad = test::randomTensor(DataType::kFLOAT, {2, 4});
    EXPECT_THROW(select(test::randomTensor(DataType::kBOOL, {3}), a, bad), KilnError);
}

HostTensor fill(const ir::FillOp& op, std::vector<const HostTensor*> inputs = {}) {
    auto out = cpu::evaluateReference(op, inputs);
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

TEST(Fill, Linspace1DFromAttributes) {
    ir::FillOp op;
    op.dims = {5};
    op.alpha = 2;
    op.beta = 0.5;
    EXPECT_TRUE(test::allClose(fill(op), test::tensorFrom({5}, {2, 2.5f, 3, 3.5f, 4}), 0, 0));
    op.outputType = DataType::kINT32;
    op.alpha = -3;
    op.beta = 2;
    EXPECT_TRUE(test::allClose(fill(op), test::intTensor(DataType::kINT32, {5}, {-3, -1, 1, 3, 5}), 0, 0));
}

TEST(Fill, LinspaceNdWithDeltaInput) {
    ir::FillOp op;
    auto shape = test::intTensor(DataType::kINT64, {3}, {2, 3, 4});
    auto alpha = test::tensorFrom({}, {1});
    auto delta = test::tensorFrom({3}, {100, 10, 1});
    HostTensor got = fill(op, {&shape, &alpha, &delta});
    ASSERT_EQ(got.dims, (std::vector<int64_t>{2, 3, 4}));
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j)
            for (int64_t k = 0; k < 4; ++k) EXPECT_EQ(got.as<float>()[(i * 3 + j) * 4 + k], 1 + 100 * i + 10 * j + k);
    // int64 output with int inputs stays exact beyond 2^53.
    op.outputType = DataType::kINT64;
    auto ia = test::intTensor(DataType::kINT64, {}, {(int64_t(1) << 60) + 1});
    auto id = test::intTensor(DataType::kINT64, {3}, {3, 2, 1});
    HostTensor gi = fill(op, {&shape, &ia, &id});
    EXPECT_EQ(gi.as<int64_t>()[0], (int64_t(1) << 60) + 1);
    EXPECT_EQ(gi.as<int64_t>()[23], (int64_t(1) << 60) + 1 + 3 + 4 + 3);
}

TEST(Fill, LinspaceNdWithoutDeltaIsAnError) {
    ir::FillOp op;
    op.dims = {2, 3};
    try {
        fill(op);
        FAIL();
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("one delta per dimension"), std::string::npos) << e.what();
    }
    auto shape = test::intTensor(DataType::kINT32, {2}, {2, 3});
    auto alpha = test::tensorFrom({}, {0});
    auto delta = test::tensorFrom({3}, {1, 1, 1});
    EXPECT_THROW(fill(op, {&shape, &alpha, &delta}), KilnError);  // 3 deltas for 2 dims
}

TEST(Fill, RandomUniformIsSeededAndInRange) {
    ir::FillOp op;
    op.op = FillOperation::kRANDOM_UNIFORM;
    op.dims = {64, 64};
    op.alpha = -2;
    op.beta = 3;
    op.seed = 42;
    HostTensor a = fill(op);
    HostTensor b = fill(op);
    EXPECT_TRUE(test::allClose(a, b, 0, 0));
    double sum = 0;
    for (int64_t i = 0; i < a.numel(); ++i) {
        float v = a.as<float>()[i];
        ASSERT_GE(v, -2.f);
        ASSERT_LT(v, 3.f);
        sum += v;
    }
    EXPECT_NEAR(sum / a.numel(), 0.5, 0.1);
    op.seed = 43;
    EXPECT_FALSE(test::allClose(fill(op), a, 0, 0));
    op.outputType = DataType::kINT32;
    HostTensor ints = fill(op);
    for (int64_t i = 0; i < ints.numel(); ++i) {
        ASSERT_GE(ints.as<int32_t>()[i], -2);
        ASSERT_LT(ints.as<int32_t>()[i], 3);
    }
}

TEST(Fill, RandomNormalMoments) {
    ir::FillOp op;
    op.op = FillOperation::kRANDOM_NORMAL;
    op.dims = {100, 100};
    op.alpha = 1.5;
    op.beta = 0.25;
    op.seed = 7;
    op.outputType = DataType::kHALF;
    HostTensor a = fill(op);
    ASSERT_EQ(a.type, DataType::kHALF);
    double s = 0, s2 = 0;
    for (int64_t i = 0; i < a.numel(); ++i) {
        s += a.floatAt(i);
        s2 += a.floatAt(i) * a.floatAt(i);
    }
    const double mean = s / a.numel();
    EXPECT_NEAR(mean, 1.5, 0.02);
    EXPECT_NEAR(std::sqrt(s2 / a.numel() - mean * mean), 0.25, 0.02);
    // alpha and beta from inputs override the attributes.
    op.outputType = DataType::kFLOAT;
    auto shape = test::intTensor(DataType::kINT32, {1}, {10000});
    auto alpha = test::tensorFrom({1}, {-4});
    auto beta = test::tensorFrom({1}, {2});
    HostTensor b = fill(op, {&shape, &alpha, &beta});
    double sb = 0;
    for (int64_t i = 0; i < b.numel(); ++i) sb += b.floatAt(i);
    EXPECT_NEAR(sb / b.numel(), -4, 0.1);
}

TEST(Fill, ShapeErrorsAndEmpty) {
    ir::FillOp op;
    op.dims = {0};
    EXPECT_EQ(fill(op).dims, (std::vector<int64_t>{0}));
    op.dims = {-1};
    EXPECT_THROW(fill(op), KilnError);
    op.dims = {3};
    op.outputType = DataType::kBOOL;
    EXPECT_THROW(fill(op), KilnError);
    // A shape input whose value is unknown at build time is a clear error.
    ir::FillOp g;
    ir::ValueInfo s;
    s.type = DataType::kINT64;
    s.shape = {ir::DimExpr(2)};
    ir::InferContext ctx("fill", {&s}, [](const ir::DimExpr& d) { return d; });
    EXPECT_THROW(g.inferShapes(ctx), KilnError);
}

TEST(Fill, SymbolicShapeInput) {
    ir::FillOp op;
    op.op = FillOperation::kRANDOM_UNIFORM;
    ir::ValueInfo s;
    s.type = DataType::kINT64;
    s.shape = {ir::DimExpr(2)};
    s.value = std::vector<ir::DimExpr>{ir::DimExpr::symbol(0), ir::DimExpr(4)};
    ir::InferContext ctx("fill", {&s}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    ASSERT_EQ(ctx.outputs()[0].shape.size(), 2u);
    EXPECT_TRUE(ctx.outputs()[0].shape[0].equals(ir::DimExpr::symbol(0)));
}

TEST(Assertion, PassesOrThrowsWithMessage) {
    ir::AssertionOp op;
    op.message = "shapes must agree";
    auto ok = test::intTensor(DataType::kBOOL, {3}, {1, 1, 1});
    EXPECT_TRUE(cpu::evaluateReference(op, {&ok}).empty());
    auto empty = test::intTensor(DataType::kBOOL, {0}, {});
    EXPECT_TRUE(cpu::evaluateReference(op, {&empty}).empty());
    auto bad = test::intTensor(DataType::kBOOL, {2, 2}, {1, 1, 0, 1});
    try {
        cpu::evaluateReference(op, {&bad});
        FAIL() << "a false element must fail the execution";
    } catch (const KilnError& e) {
        EXPECT_EQ(e.code(), ErrorCode::kFAILED_EXECUTION);
        EXPECT_NE(std::string(e.what()).find("shapes must agree"), std::string::npos) << e.what();
    }
    auto f = test::randomTensor(DataType::kFLOAT, {2});
    EXPECT_THROW(cpu::evaluateReference(op, {&f}), KilnError);
}

}  // namespace
}  // namespace kiln
