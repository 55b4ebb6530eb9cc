// Reduce: hand values, every operation on random tensors against a loop over reduced index
// combinations, integer AVG, empty dims, shape-value propagation and bad axes.
#include "ir/ops/reduce.h"

#include <cmath>
#include <limits>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;
using RO = ReduceOperation;

HostTensor reduce(RO kind, std::vector<int64_t> axes, bool keep, const HostTensor& x) {
    ir::ReduceOp op;
    op.op = kind;
    op.axes = std::move(axes);
    op.keepDims = keep;
    return cpu::evaluateReference(op, {&x}, "my_reduce")[0];
}

//! For each output position, visits all combinations of the reduced dims (rank <= 4).
std::vector<double> naive(RO kind, const HostTensor& x, const std::vector<bool>& red) {
    std::vector<int64_t> d(4, 1);
    std::vector<bool> r(4, false);
    size_t off = 4 - x.dims.size();
    for (size_t i = 0; i < x.dims.size(); ++i) {
        d[off + i] = x.dims[i];
        r[off + i] = red[i];
    }
    std::vector<double> out;
    for (int64_t a = 0; a < (r[0] ? 1 : d[0]); ++a)
        for (int64_t b = 0; b < (r[1] ? 1 : d[1]); ++b)
            for (int64_t c = 0; c < (r[2] ? 1 : d[2]); ++c)
                for (int64_t e = 0; e < (r[3] ? 1 : d[3]); ++e) {
                    std::vector<double> vals;
                    for (int64_t i = 0; i < (r[0] ? d[0] : 1); ++i)
                        for (int64_t j = 0; j < (r[1] ? d[1] : 1); ++j)
                            for (int64_t k = 0; k < (r[2] ? d[2] : 1); ++k)
                                for (int64_t l = 0; l < (r[3] ? d[3] : 1); ++l) {
                                    int64_t idx = (((a + i) * d[1] + b + j) * d[2] + c + k) * d[3] + e + l;
                                    vals.push_back(x.floatAt(idx));
                                }
                    double acc = kind == RO::kPROD ? 1 : kind == RO::kMAX ? -INFINITY : kind == RO::kMIN ? INFINITY : 0;
                    for (double v : vals) {
                        if (kind == RO::kSUM || kind == RO::kAVG) acc += v;
                        if (kind == RO::kPROD) acc *= v;
                        if (kind == RO::kMAX) acc = std::max(acc, v);
                        if (kind == RO::kMIN) acc = std::min(acc, v);
                    }
                    if (kind == RO::kAVG) acc /= static_cast<double>(vals.size());
                    out.push_back(acc);
                }
    return out;
}

TEST(Reduce, HandValues) {
    auto x = test::tensorFrom({2, 3}, {1, 2, 3, 4, 5, 6});
    auto s = reduce(RO::kSUM, {1}, true, x);
    EXPECT_EQ(s.dims, (std::vector<int64_t>{2, 1}));
    EXPECT_TRUE(test::allClose(s, test::tensorFrom({2, 1}, {6, 15})));
    EXPECT_TRUE(test::allClose(reduce(RO::kSUM, {0}, false, x), test::tensorFrom({3}, {5, 7, 9})));
    EXPECT_TRUE(test::allClose(reduce(RO::kAVG, {}, false, x), test::tensorFrom({}, {3.5f})));
    EXPECT_TRUE(test::allClose(reduce(RO::kPROD, {-1}, false, x), test::tensorFrom({2}, {6, 120})));
    EXPECT_TRUE(test::allClose(reduce(RO::kMAX, {0, 1}, true, x), test::tensorFrom({1, 1}, {6})));
    EXPECT_TRUE(test::allClose(reduce(RO::kMIN, {-2}, false, x), test::tensorFrom({3}, {1, 2, 3})));
}

TEST(Reduce, RandomAgainstNaive) {
    const std::vector<std::vector<int64_t>> axesSets = {{0}, {1}, {-1}, {0, 2}, {1, -1}, {}, {-4, 3}, {2, 2}};
    for (RO kind : {RO::kSUM, RO::kPROD, RO::kMAX, RO::kMIN, RO::kAVG}) {
        for (const auto& axes : axesSets) {
            for (bool keep : {true, false}) {
                auto x = test::randomTensor(DataType::kFLOAT, {3, 1, 4, 5}, 0.5, 1.5);
                std::vector<bool> red(4, axes.empty());
                for (int64_t a : axes) red[a < 0 ? a + 4 : a] = true;
                auto out = reduce(kind, axes, keep, x);
                std::vector<int64_t> dims;
                for (int d = 0; d < 4; ++d)
                    if (!red[d] || keep) dims.push_back(red[d] ? 1 : x.dims[d]);
                ASSERT_EQ(out.dims, dims);
                std::vector<double> want = naive(kind, x, red);
                ASSERT_EQ(static_cast<int64_t>(want.size()), out.numel());
                for (size_t i = 0; i < want.size(); ++i)
                    EXPECT_NEAR(out.floatAt(i), want[i], 1e-5 * std::max(1.0, std::fabs(want[i])))
                        << "op " << static_cast<int>(kind) << " axes " << ir::dimsToString(axes);
            }
        }
    }
}

TEST(Reduce, IntegerTypes) {
    auto x = test::intTensor(DataType::kINT32, {2, 2}, {-3, 4, 1, 2});
    EXPECT_TRUE(test::allClose(reduce(RO::kAVG, {1}, false, x), test::intTensor(DataType::kINT32, {2}, {0, 1}), 0, 0));
    EXPECT_TRUE(test::allClose(reduce(RO::kSUM, {0}, false, x), test::intTensor(DataType::kINT32, {2}, {-2, 6}), 0, 0));
    auto y = test::randomTensor(DataType::kINT64, {3, 5}, -100, 100);
    auto m = reduce(RO::kMAX, {1}, false, y);
    auto p = reduce(RO::kPROD, {0}, true, y);
    for (int i = 0; i < 3; ++i) {
        int64_t mx = std::numeric_limits<int64_t>::min();
        for (int j = 0; j < 5; ++j) mx = std::max(mx, y.intAt(i * 5 + j));
        EXPECT_EQ(m.intAt(i), mx);
    }
    for (int j = 0; j < 5; ++j) EXPECT_EQ(p.intAt(j), y.intAt(j) * y.intAt(5 + j) * y.intAt(10 + j));
    auto b = test::intTensor(DataType::kINT8, {3}, {100, 100, -7});
    EXPECT_EQ(reduce(RO::kMIN, {0}, false, b).intAt(0), -7);
}

TEST(Reduce, Float16AndNaN) {
    auto h = test::randomTensor(DataType::kHALF, {4, 9});
    auto s = reduce(RO::kSUM, {1}, false, h);
    EXPECT_EQ(s.type, DataType::kHALF);
    for (int i = 0; i < 4; ++i) {
        double want = 0;
        for (int j = 0; j < 9; ++j) want += h.floatAt(i * 9 + j);
        EXPECT_NEAR(s.floatAt(i), want, 1e-2);
    }
    auto n = test::tensorFrom({3}, {1, NAN, 2});
    EXPECT_TRUE(std::isnan(reduce(RO::kMAX, {0}, false, n).floatAt(0)));
    EXPECT_TRUE(std::isnan(reduce(RO::kMIN, {0}, false, n).floatAt(0)));
}

TEST(Reduce, EmptyDims) {
    auto x = test::randomTensor(DataType::kFLOAT, {0, 3});
    auto s = reduce(RO::kSUM, {0}, false, x);
    ASSERT_EQ(s.dims, (std::vector<int64_t>{3}));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(s.floatAt(i), 0.0);
    EXPECT_EQ(reduce(RO::kPROD, {0}, false, x).floatAt(0), 1.0);
    EXPECT_EQ(reduce(RO::kMAX, {0}, false, x).floatAt(0), -INFINITY);
    EXPECT_EQ(reduce(RO::kSUM, {1}, true, x).dims, (std::vector<int64_t>{0, 1}));
    auto scalar = test::tensorFrom({}, {2.5f});
    EXPECT_EQ(reduce(RO::kSUM, {}, false, scalar).floatAt(0), 2.5);
}

TEST(Reduce, BadAxisNamesNode) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3});
    try {
        reduce(RO::kSUM, {2}, true, x);
        FAIL() << "expected an error";
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("my_reduce"), std::string::npos) << e.what();
    }
    EXPECT_THROW(reduce(RO::kSUM, {-3}, true, x), KilnError);
    auto b = test::intTensor(DataType::kBOOL, {2}, {1, 0});
    EXPECT_THROW(reduce(RO::kSUM, {0}, true, b), KilnError);
}

TEST(Reduce, PropagatesShapeValues) {
    ir::ReduceOp op;
    op.op = RO::kPROD;
    op.keepDims = false;
    op.axes = {0};
    ir::ValueInfo in;
    in.type = DataType::kINT64;
    in.shape = {3};
    in.value = std::vector<ir::DimExpr>{ir::DimExpr::symbol(0), 3, 4};
    ir::InferContext ctx("r", {&in}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    ASSERT_TRUE(ctx.outputs()[0].value.has_value());
    EXPECT_TRUE(ctx.outputs()[0].shape.empty());
    const ir::DimExpr& v = (*ctx.outputs()[0].value)[0];
    EXPECT_EQ(v.evaluate([](int32_t) { return 2; }), 24);
}

}  // namespace
}  // namespace kiln
