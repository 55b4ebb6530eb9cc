// TopK: hand values with ties, random tensors on every axis against a selection loop, k from
// the attribute or input 1, types, NaN, and the k checks.
#include "ir/ops/topk.h"

#include <cmath>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;

std::vector<HostTensor> topk(const HostTensor& x, int64_t k, int64_t axis, TopKOperation kind,
                             const HostTensor* kInput = nullptr) {
    ir::TopKOp op;
    op.k = k;
    op.axis = axis;
    op.op = kind;
    std::vector<const HostTensor*> in = {&x};
    if (kInput) in.push_back(kInput);
    return cpu::evaluateReference(op, in, "my_topk");
}

TEST(TopK, HandValuesWithTies) {
    auto x = test::tensorFrom({8}, {3, 1, 4, 1, 5, 9, 2, 6});
    auto mx = topk(x, 3, 0, TopKOperation::kMAX);
    EXPECT_TRUE(test::allClose(mx[0], test::tensorFrom({3}, {9, 6, 5}), 0, 0));
    EXPECT_TRUE(test::allClose(mx[1], test::intTensor(DataType::kINT32, {3}, {5, 7, 4}), 0, 0));
    auto mn = topk(x, 3, -1, TopKOperation::kMIN);
    EXPECT_TRUE(test::allClose(mn[0], test::tensorFrom({3}, {1, 1, 2}), 0, 0));
    EXPECT_TRUE(test::allClose(mn[1], test::intTensor(DataType::kINT32, {3}, {1, 3, 6}), 0, 0));
    auto same = test::tensorFrom({4}, {2, 2, 2, 2});
    EXPECT_TRUE(test::allClose(topk(same, 4, 0, TopKOperation::kMAX)[1],
                               test::intTensor(DataType::kINT32, {4}, {0, 1, 2, 3}), 0, 0));
}

TEST(TopK, RandomEveryAxisAgainstSelection) {
    // Small integers make ties frequent.
    auto x = test::randomTensor(DataType::kINT32, {4, 6, 5}, -4, 4);
    const int64_t dims[3] = {4, 6, 5};
    for (int64_t axis = -3; axis < 3; ++axis) {
        const int ax = static_cast<int>(axis < 0 ? axis + 3 : axis);
        for (TopKOperation kind : {TopKOperation::kMAX, TopKOperation::kMIN}) {
            const int64_t k = dims[ax] - 1;
            auto out = topk(x, k, axis, kind);
            std::vector<int64_t> outDims(dims, dims + 3);
            outDims[ax] = k;
            ASSERT_EQ(out[0].dims, outDims);
            ASSERT_EQ(out[1].type, DataType::kINT32);
            int64_t inner = 1, outer = 1;
            for (int d = ax + 1; d < 3; ++d) inner *= dims[d];
            for (int d = 0; d < ax; ++d) outer *= dims[d];
            for (int64_t o = 0; o < outer; ++o)
                for (int64_t i = 0; i < inner; ++i) {
                    std::vector<bool> taken(dims[ax], false);
                    for (int64_t r = 0; r < k; ++r) {
                        int64_t best = -1;
                        for (int64_t t = 0; t < dims[ax]; ++t) {
                            if (taken[t]) continue;
                            int64_t v = x.intAt((o * dims[ax] + t) * inner + i);
                            int64_t bv = best < 0 ? 0 : x.intAt((o * dims[ax] + best) * inner + i);
                            if (best < 0 || (kind == TopKOperation::kMAX ? v > bv : v < bv)) best = t;
                        }
                        taken[best] = true;
                        const int64_t at = (o * k + r) * inner + i;
                        EXPECT_EQ(out[1].intAt(at), best) << "axis " << axis;
                        EXPECT_EQ(out[0].intAt(at), x.intAt((o * dims[ax] + best) * inner + i));
                    }
                }
        }
    }
}

TEST(TopK, KFromInput) {
    auto x = test::randomTensor(DataType::kFLOAT, {3, 10});
    auto k64 = test::intTensor(DataType::kINT64, {}, {4});
    auto k32 = test::intTensor(DataType::kINT32, {1}, {4});
    auto viaAttr = topk(x, 4, 1, TopKOperation::kMAX);
    auto viaScalar = topk(x, 1, 1, TopKOperation::kMAX, &k64);
    auto viaVector = topk(x, 1, 1, TopKOperation::kMAX, &k32);
    EXPECT_EQ(viaScalar[0].dims, (std::vector<int64_t>{3, 4}));
    EXPECT_TRUE(test::allClose(viaScalar[0], viaAttr[0], 0, 0));
    EXPECT_TRUE(test::allClose(viaVector[1], viaAttr[1], 0, 0));
    auto kk = test::intTensor(DataType::kINT32, {2}, {1, 2});
    EXPECT_THROW(topk(x, 1, 1, TopKOperation::kMAX, &kk), KilnError);
}

TEST(TopK, TypesNaNAndEdges) {
    auto h = test::randomTensor(DataType::kHALF, {2, 9});
    auto out = topk(h, 9, 1, TopKOperation::kMAX);
    EXPECT_EQ(out[0].type, DataType::kHALF);
    for (int r = 0; r < 2; ++r)
        for (int j = 1; j < 9; ++j) EXPECT_GE(out[0].floatAt(r * 9 + j - 1), out[0].floatAt(r * 9 + j));
    auto n = test::tensorFrom({4}, {1, NAN, 3, 2});
    auto mx = topk(n, 2, 0, TopKOperation::kMAX);
    EXPECT_TRUE(std::isnan(mx[0].floatAt(0)));
    EXPECT_EQ(mx[1].intAt(0), 1);
    EXPECT_EQ(mx[1].intAt(1), 2);
    EXPECT_EQ(topk(n, 1, 0, TopKOperation::kMIN)[1].intAt(0), 0);
    auto x = test::randomTensor(DataType::kFLOAT, {3, 5});
    EXPECT_EQ(topk(x, 0, 1, TopKOperation::kMAX)[0].dims, (std::vector<int64_t>{3, 0}));
    auto l = test::intTensor(DataType::kINT64, {3}, {5, -7, 9});
    EXPECT_EQ(topk(l, 1, 0, TopKOperation::kMIN)[0].intAt(0), -7);
}

TEST(TopK, KLargerThanAxisNamesNode) {
    auto x = test::randomTensor(DataType::kFLOAT, {3, 5});
    try {
        topk(x, 6, 1, TopKOperation::kMAX);
        FAIL() << "expected an error";
    } catch (const KilnError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("my_topk"), std::string::npos) << msg;
        EXPECT_NE(msg.find("k=6"), std::string::npos) << msg;
    }
    EXPECT_THROW(topk(x, -1, 1, TopKOperation::kMAX), KilnError);
    EXPECT_THROW(topk(x, 1, 2, TopKOperation::kMAX), KilnError);
}

TEST(TopK, SymbolicK) {
    ir::TopKOp op;
    ir::ValueInfo x, k;
    x.shape = {2, ir::DimExpr::symbol(0)};
    k.type = DataType::kINT64;
    k.shape = {1};
    k.value = std::vector<ir::DimExpr>{ir::DimExpr::symbol(1)};
    ir::InferContext ctx("t", {&x, &k}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    EXPECT_TRUE(ctx.outputs()[0].shape[1].equals(ir::DimExpr::symbol(1)));
    EXPECT_EQ(ctx.outputs()[1].type, DataType::kINT32);
}

}  // namespace
}  // namespace kiln
