// Concatenation (any axis, any type, shape values) and OneHot (axis, negative and out-of-range
// indices), against naive loops over multi-indices.
#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "ir/ops/concatenation.h"
#include "ir/ops/one_hot.h"

namespace kiln {
namespace {

using ir::HostTensor;

HostTensor concat(int64_t axis, std::vector<const HostTensor*> inputs) {
    ir::ConcatenationOp op;
    op.axis = axis;
    auto out = cpu::evaluateReference(op, inputs);
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

TEST(Concatenation, HandValues) {
    auto a = test::tensorFrom({2, 1}, {1, 2});
    auto b = test::tensorFrom({2, 2}, {3, 4, 5, 6});
    EXPECT_TRUE(test::allClose(concat(1, {&a, &b}), test::tensorFrom({2, 3}, {1, 3, 4, 2, 5, 6}), 0, 0));
    EXPECT_TRUE(test::allClose(concat(-1, {&a, &b}), test::tensorFrom({2, 3}, {1, 3, 4, 2, 5, 6}), 0, 0));
    auto c = test::tensorFrom({1, 1}, {9});
    EXPECT_TRUE(test::allClose(concat(0, {&a, &c}), test::tensorFrom({3, 1}, {1, 2, 9}), 0, 0));
}

TEST(Concatenation, EveryAxisAndTypeMatchesNaive) {
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kINT64, DataType::kBOOL, DataType::kINT8}) {
        for (int64_t axis = -3; axis < 3; ++axis) {
            const int64_t ax = axis < 0 ? axis + 3 : axis;
            std::vector<HostTensor> ins;
            std::vector<const HostTensor*> ptrs;
            for (int64_t extent : {2, 0, 3, 1}) {
                std::vector<int64_t> dims = {2, 3, 4};
                dims[ax] = extent;
                ins.push_back(test::randomTensor(t, dims, -5, 5));
            }
            for (auto& x : ins) ptrs.push_back(&x);
            HostTensor got = concat(axis, ptrs);
            std::vector<int64_t> want = {2, 3, 4};
            want[ax] = 6;
            ASSERT_EQ(got.dims, want);
            int bad = 0;
            for (int64_t i = 0; i < 2; ++i)
                for (int64_t j = 0; j < want[1]; ++j)
                    for (int64_t k = 0; k < want[2]; ++k) {
                        int64_t idx[3] = {i, j, k};
                        int64_t along = idx[ax];
                        size_t which = 0;
                        while (along >= ins[which].dims[ax]) along -= ins[which++].dims[ax];
                        idx[ax] = along;
                        const auto& d = ins[which].dims;
                        double src = ins[which].floatAt((idx[0] * d[1] + idx[1]) * d[2] + idx[2]);
                        bad += got.floatAt((i * want[1] + j) * want[2] + k) != src;
                    }
            EXPECT_EQ(bad, 0) << dataTypeName(t) << " axis " << axis;
        }
    }
}

TEST(Concatenation, MismatchNamesInputAndShapes) {
    auto a = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto b = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto c = test::randomTensor(DataType::kFLOAT, {4, 5});
    try {
        concat(1, {&a, &b, &c});
        FAIL();
    } catch (const KilnError& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("input 2"), std::string::npos) << m;
        EXPECT_NE(m.find("[4,5]"), std::string::npos) << m;
        EXPECT_NE(m.find("[2,3]"), std::string::npos) << m;
        EXPECT_NE(m.find("node"), std::string::npos) << m;
    }
    auto r = test::randomTensor(DataType::kFLOAT, {2, 3, 1});
    EXPECT_THROW(concat(0, {&a, &r}), KilnError);
    auto i = test::randomTensor(DataType::kINT32, {2, 3});
    EXPECT_THROW(concat(0, {&a, &i}), KilnError);
    EXPECT_THROW(concat(2, {&a, &b}), KilnError);
    auto s = test::tensorFrom({}, {1});
    EXPECT_THROW(concat(0, {&s, &s}), KilnError);
}

TEST(Concatenation, PropagatesShapeValues) {
    ir::ValueInfo a, b;
    a.type = b.type = DataType::kINT64;
    a.shape = {ir::DimExpr(2)};
    a.value = std::vector<ir::DimExpr>{ir::DimExpr::symbol(0), ir::DimExpr(3)};
    b.shape = {ir::DimExpr(1)};
    b.value = std::vector<ir::DimExpr>{ir::DimExpr(-1)};
    ir::ConcatenationOp op;
    ir::InferContext ctx("cat", {&a, &b}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    const auto& out = ctx.outputs()[0];
    ASSERT_TRUE(out.value.has_value());
    ASSERT_EQ(out.value->size(), 3u);
    EXPECT_TRUE((*out.value)[0].equals(ir::DimExpr::symbol(0)));
    EXPECT_EQ((*out.value)[2].value(), -1);
    EXPECT_EQ(out.shape[0].value(), 3);
    // Symbolic dims: the concat axis adds up, the others are kept.
    ir::ValueInfo x, y;
    x.shape = {ir::DimExpr::symbol(1), ir::DimExpr(2)};
    y.shape = {ir::DimExpr::symbol(1), ir::DimExpr::symbol(2)};
    ir::InferContext ctx2("cat", {&x, &y}, [](const ir::DimExpr& d) { return d; });
    op.axis = 1;
    op.inferShapes(ctx2);
    EXPECT_TRUE(ctx2.outputs()[0].shape[0].equals(ir::DimExpr::symbol(1)));
    EXPECT_TRUE(ctx2.outputs()[0].shape[1].equals(ir::DimExpr(2) + ir::DimExpr::symbol(2)));
}

HostTensor oneHot(int64_t axis, const HostTensor& idx, const HostTensor& values, const HostTensor& depth) {
    ir::OneHotOp op;
    op.axis = axis;
    auto out = cpu::evaluateReference(op, {&idx, &values, &depth});
    EXPECT_EQ(out.size(), 1u);
    return out[0];
}

TEST(OneHot, HandValuesNegativeAndOutOfRange) {
    auto idx = test::intTensor(DataType::kINT64, {4}, {0, 2, -1, 3});
    auto values = test::tensorFrom({2}, {0.5f, 7});
    auto depth = test::intTensor(DataType::kINT32, {}, {3});
    EXPECT_TRUE(test::allClose(oneHot(-1, idx, values, depth),
                               test::tensorFrom({4, 3}, {7, .5f, .5f, .5f, .5f, 7, .5f, .5f, 7, .5f, .5f, .5f}), 0, 0));
    EXPECT_TRUE(test::allClose(oneHot(0, idx, values, depth),
                               test::tensorFrom({3, 4}, {7, .5f, .5f, .5f, .5f, .5f, .5f, .5f, .5f, 7, 7, .5f}), 0, 0));
}

TEST(OneHot, EveryAxisMatchesNaive) {
    auto idx = test::randomTensor(DataType::kINT32, {2, 3}, -6, 6);
    auto values = test::intTensor(DataType::kINT64, {2}, {-1, 9});
    auto depth = test::intTensor(DataType::kINT64, {1}, {4});
    for (int64_t axis = -3; axis < 3; ++axis) {
        HostTensor got = oneHot(axis, idx, values, depth);
        const int64_t ax = axis < 0 ? axis + 3 : axis;
        ASSERT_EQ(got.type, DataType::kINT64);
        std::vector<int64_t> want = {2, 3};
        want.insert(want.begin() + ax, 4);
        ASSERT_EQ(got.dims, want);
        int bad = 0;
        for (int64_t i = 0; i < 2; ++i)
            for (int64_t j = 0; j < 3; ++j)
                for (int64_t d = 0; d < 4; ++d) {
                    int64_t v = idx.as<int32_t>()[i * 3 + j];
                    if (v < 0) v += 4;
                    int64_t o[3];
                    int64_t rest[2] = {i, j};
                    for (int64_t k = 0, r = 0; k < 3; ++k) o[k] = k == ax ? d : rest[r++];
                    int64_t flat = (o[0] * want[1] + o[1]) * want[2] + o[2];
                    bad += got.as<int64_t>()[flat] != (v == d ? 9 : -1);
                }
        EXPECT_EQ(bad, 0) << "axis " << axis << " seed " << test::seed();
    }
}

TEST(OneHot, ErrorsAndEmpty) {
    auto idx = test::intTensor(DataType::kINT32, {2}, {0, 1});
    auto values = test::tensorFrom({2}, {0, 1});
    auto depth = test::intTensor(DataType::kINT32, {}, {2});
    auto three = test::tensorFrom({3}, {0, 1, 2});
    EXPECT_THROW(oneHot(-1, idx, three, depth), KilnError);
    auto fidx = test::tensorFrom({2}, {0, 1});
    EXPECT_THROW(oneHot(-1, fidx, values, depth), KilnError);
    EXPECT_THROW(oneHot(2, idx, values, depth), KilnError);
    EXPECT_THROW(oneHot(-3, idx, values, depth), KilnError);
    auto negDepth = test::intTensor(DataType::kINT32, {}, {-2});
    EXPECT_THROW(oneHot(-1, idx, values, negDepth), KilnError);
    auto zero = test::intTensor(DataType::kINT32, {}, {0});
    EXPECT_EQ(oneHot(-1, idx, values, zero).dims, (std::vector<int64_t>{2, 0}));
    auto none = test::intTensor(DataType::kINT64, {0, 3}, {});
    EXPECT_EQ(oneHot(1, none, values, depth).dims, (std::vector<int64_t>{0, 2, 3}));
}

}  // namespace
}  // namespace kiln
