// Padding: hand values, a naive N-d loop written here with mixed padding and cropping, every
// storage type, empty dims, symbolic shapes and errors.
#include "ir/ops/padding.h"

#include <cstring>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;
using V = std::vector<int64_t>;

HostTensor naivePad(const HostTensor& x, const V& pre, const V& post) {
    const size_t r = x.dims.size(), n = pre.size();
    V od = x.dims, full(r, 0);
    for (size_t i = 0; i < n; ++i) {
        od[r - n + i] += pre[i] + post[i];
        full[r - n + i] = pre[i];
    }
    HostTensor y = HostTensor::make(x.type, od);
    const size_t es = dataTypeSize(x.type);
    for (int64_t o = 0; o < y.numel(); ++o) {
        int64_t rem = o, src = 0, mul = 1;
        bool inside = true;
        for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) {
            int64_t i = rem % od[d] - full[d];
            rem /= od[d];
            inside = inside && i >= 0 && i < x.dims[d];
            src += i * mul;
            mul *= x.dims[d];
        }
        auto* dst = static_cast<uint8_t*>(y.data()) + o * es;
        if (inside) {
            std::memcpy(dst, static_cast<const uint8_t*>(x.data()) + src * es, es);
        } else {
            std::memset(dst, 0, es);
        }
    }
    return y;
}

TEST(Padding, HandValues) {
    ir::PaddingOp op;
    op.prePadding = {1, 0};
    op.postPadding = {0, 2};
    auto x = test::tensorFrom({2, 2}, {1, 2, 3, 4});
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0],
                               test::tensorFrom({3, 4}, {0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0}), 0, 0));
    op.prePadding = {-1, 1};
    op.postPadding = {0, -2};
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0], test::tensorFrom({1, 1}, {0}), 0, 0));
    op.prePadding = {0, -1};
    op.postPadding = {0, 1};
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&x})[0], test::tensorFrom({2, 2}, {2, 0, 4, 0}), 0, 0));
}

TEST(Padding, MatchesNaiveLoopAcrossTypes) {
    struct Case {
        V x, pre, post;
    };
    const std::vector<Case> cases = {
        {{2, 3, 5, 4}, {1, 2}, {2, 1}},
        {{1, 3, 6, 7}, {-2, 1}, {1, -3}},
        {{2, 2, 3, 4, 5}, {1, -1, 2}, {-1, 2, 0}},
        {{3, 7}, {0, 3}, {1, -4}},
        {{4, 5}, {2}, {-1}},
        {{2, 3, 4}, {}, {}},
        {{1, 1, 1, 1}, {-1, 0}, {1, 0}},  // crops everything, then pads: all zero
    };
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kINT32, DataType::kINT64,
                       DataType::kINT8, DataType::kUINT8, DataType::kBOOL}) {
        for (const Case& c : cases) {
            SCOPED_TRACE(std::string(dataTypeName(t)) + " x " + ir::dimsToString(c.x) + " pre " +
                         ir::dimsToString(c.pre) + " post " + ir::dimsToString(c.post));
            ir::PaddingOp op;
            op.prePadding = c.pre;
            op.postPadding = c.post;
            auto x = test::randomTensor(t, c.x, 1, 9);
            auto y = cpu::evaluateReference(op, {&x});
            EXPECT_TRUE(test::allClose(y[0], naivePad(x, c.pre, c.post), 0, 0));
        }
    }
}

TEST(Padding, EmptyDims) {
    ir::PaddingOp op;
    op.prePadding = {1};
    op.postPadding = {1};
    auto x = test::randomTensor(DataType::kFLOAT, {0, 3});
    EXPECT_EQ(cpu::evaluateReference(op, {&x})[0].dims, (V{0, 5}));
    auto e = test::randomTensor(DataType::kFLOAT, {2, 0});
    auto y = cpu::evaluateReference(op, {&e});
    EXPECT_TRUE(test::allClose(y[0], test::tensorFrom({2, 2}, {0, 0, 0, 0}), 0, 0));
    op.prePadding = {-2};
    op.postPadding = {-1};
    auto z = test::randomTensor(DataType::kFLOAT, {2, 3});
    EXPECT_EQ(cpu::evaluateReference(op, {&z})[0].dims, (V{2, 0}));
}

TEST(Padding, SymbolicShape) {
    ir::PaddingOp op;
    op.prePadding = {1, -1};
    op.postPadding = {2, 3};
    ir::ValueInfo x;
    x.shape = {ir::DimExpr::symbol(0), 3, ir::DimExpr::symbol(1)};
    ir::InferContext ctx("pad", {&x}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    const ir::Shape& s = ctx.outputs()[0].shape;
    EXPECT_TRUE(s[0].equals(ir::DimExpr::symbol(0)));
    EXPECT_EQ(s[1].value(), 6);
    EXPECT_EQ(s[2].evaluate([](int32_t) { return 10; }), 12);
}

TEST(Padding, Errors) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3});
    ir::PaddingOp op;
    op.prePadding = {1, 1};
    op.postPadding = {1};
    EXPECT_THROW(cpu::evaluateReference(op, {&x}), KilnError);
    op.prePadding = {1, 1, 1};
    op.postPadding = {1, 1, 1};
    EXPECT_THROW(cpu::evaluateReference(op, {&x}), KilnError);
    op.prePadding = {-2, 0};
    op.postPadding = {-1, 0};
    try {
        cpu::evaluateReference(op, {&x}, "pad_9");
        ADD_FAILURE();
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("pad_9: padding [-2,0]/[-1,0] crops more than input [2,3]"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace kiln
