// Reduce: hand values, every operation on random tensors against a loop over reduced index
// combinations, integer AVG, empty dims, shape-value propagation and bad axes.
#include "ir/ops/reduce.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

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

// --- The float32_contiguous_block tactic against the reference. --------------------------------

const char* const kFastTactic = "float32_contiguous_block";

ir::ReduceOp makeReduce(RO kind, std::vector<int64_t> axes, bool keep) {
    ir::ReduceOp op;
    op.op = kind;
    op.axes = std::move(axes);
    op.keepDims = keep;
    return op;
}

//! Same float32 bits element by element (any NaN matches any NaN).
::testing::AssertionResult sameBits(const HostTensor& got, const HostTensor& want) {
    if (got.dims != want.dims || got.type != want.type || got.type != DataType::kFLOAT)
        return ::testing::AssertionFailure()
               << "shape/type " << ir::dimsToString(got.dims) << " vs " << ir::dimsToString(want.dims);
    for (int64_t i = 0; i < got.numel(); ++i) {
        const float g = got.as<float>()[i], w = want.as<float>()[i];
        if (std::isnan(g) && std::isnan(w)) continue;
        if (std::memcmp(&g, &w, sizeof g) != 0)
            return ::testing::AssertionFailure()
                   << "element " << i << ": " << g << " vs reference " << w << " (seed " << test::seed() << ")";
    }
    return ::testing::AssertionSuccess();
}

bool fastSupports(const ir::ReduceOp& op, DataType type, const std::vector<int64_t>& dims) {
    const cpu::Tactic* t = cpu::findTactic("Reduce", kFastTactic);
    EXPECT_NE(t, nullptr);
    if (!t) return false;
    ir::ValueInfo in;
    in.type = type;
    for (int64_t d : dims) in.shape.push_back(ir::DimExpr(d));
    return t->supports(op, {in});
}

//! Whether, for this shape, the rows are contiguous (one reduced block at the end): there the
//! tactic sums in another order than the reference (in double), elsewhere it folds in its order.
bool reducesTrailingBlock(const std::vector<int64_t>& dims, const std::vector<int64_t>& axes) {
    const int64_t rank = static_cast<int64_t>(dims.size());
    std::vector<bool> red(rank, axes.empty());
    for (int64_t a : axes) red[a < 0 ? a + rank : a] = true;
    // Kept dims (of size > 1) after the last reduced dim of size > 1 make it a column reduction.
    int64_t lastRed = -1;
    for (int64_t d = 0; d < rank; ++d)
        if (red[d] && dims[d] != 1) lastRed = d;
    for (int64_t d = lastRed + 1; d < rank; ++d)
        if (dims[d] != 1) return false;
    return true;
}

void expectFastMatches(const std::vector<int64_t>& dims, const std::vector<int64_t>& axes, RO kind, bool keep,
                       double lo = -1.0, double hi = 1.0) {
    auto x = test::randomTensor(DataType::kFLOAT, dims, lo, hi);
    auto op = makeReduce(kind, axes, keep);
    EXPECT_TRUE(fastSupports(op, DataType::kFLOAT, dims));
    HostTensor got = cpu::evaluateWithTactic(op, {&x}, kFastTactic)[0];
    HostTensor want = cpu::evaluateReference(op, {&x})[0];
    const std::string what = "op " + std::to_string(static_cast<int>(kind)) + " dims " + ir::dimsToString(dims) +
                             " axes " + ir::dimsToString(axes) + (keep ? " keep" : "");
    if ((kind == RO::kSUM || kind == RO::kAVG) && reducesTrailingBlock(dims, axes))
        EXPECT_TRUE(test::allClose(got, want, 1e-6, 1e-7)) << what;
    else
        EXPECT_TRUE(sameBits(got, want)) << what;
}

TEST(ReduceFast, GlobalAveragePoolShapes) {
    // AVG over the trailing spatial axes of [N, C, H, W], spatial sizes below, at and above the
    // vector widths (2 doubles, 16 partial sums), odd ones.
    for (std::vector<int64_t> hw : {std::vector<int64_t>{1, 1},
                                    {1, 7},
                                    {7, 1},
                                    {2, 4},
                                    {3, 3},
                                    {4, 4},
                                    {1, 9},
                                    {3, 11},
                                    {1, 33},
                                    {7, 9},
                                    {17, 33},
                                    {40, 40},
                                    {80, 81}})
        for (bool keep : {true, false})
            for (RO kind : {RO::kAVG, RO::kSUM, RO::kMAX, RO::kMIN, RO::kPROD}) {
                const double lo = kind == RO::kPROD ? 0.9 : -1.0, hi = kind == RO::kPROD ? 1.1 : 1.0;
                expectFastMatches({2, 5, hw[0], hw[1]}, {2, 3}, kind, keep, lo, hi);
                expectFastMatches({1, 3, hw[0], hw[1]}, {-2, -1}, kind, keep, lo, hi);
            }
}

TEST(ReduceFast, LastAxisShapes) {
    // ReduceMean (and the others) over the last axis.
    for (int64_t n : {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 257})
        for (bool keep : {true, false})
            for (RO kind : {RO::kAVG, RO::kSUM, RO::kMAX, RO::kMIN, RO::kPROD}) {
                const double lo = kind == RO::kPROD ? 0.9 : -1.0, hi = kind == RO::kPROD ? 1.1 : 1.0;
                expectFastMatches({n}, {0}, kind, keep, lo, hi);
                expectFastMatches({3, n}, {-1}, kind, keep, lo, hi);
                expectFastMatches({2, 3, n}, {2}, kind, keep, lo, hi);
            }
}

TEST(ReduceFast, OtherSingleBlocks) {
    // Leading and middle blocks (a column reduction: inner > 1), all axes, size-1 dims between
    // reduced axes, negative and repeated axes.
    const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases = {{{5, 7}, {0}},
                                                                                      {{9, 33}, {0}},
                                                                                      {{4, 3, 9}, {1}},
                                                                                      {{3, 4, 5, 7}, {1, 2}},
                                                                                      {{2, 8, 3, 3}, {1}},
                                                                                      {{2, 3, 4, 5}, {}},
                                                                                      {{2, 3, 4, 5}, {0, 1, 2, 3}},
                                                                                      {{3, 1, 4}, {0, 2}},
                                                                                      {{1, 1, 9}, {-1, 0}},
                                                                                      {{2, 3, 4}, {1, 1}},
                                                                                      {{6, 1, 1, 17}, {0, 1}},
                                                                                      {{1}, {0}},
                                                                                      {{4, 1, 9}, {1}},
                                                                                      {{2, 2, 2, 2, 3}, {1, 2, 3}}};
    for (const auto& [dims, axes] : cases)
        for (bool keep : {true, false})
            for (RO kind : {RO::kAVG, RO::kSUM, RO::kMAX, RO::kMIN, RO::kPROD})
                expectFastMatches(dims, axes, kind, keep, kind == RO::kPROD ? 0.9 : -1.0,
                                  kind == RO::kPROD ? 1.1 : 1.0);
    // Rank 0.
    auto s = test::tensorFrom({}, {2.5f});
    for (RO kind : {RO::kAVG, RO::kSUM, RO::kMAX, RO::kMIN, RO::kPROD}) {
        auto op = makeReduce(kind, {}, false);
        EXPECT_TRUE(sameBits(cpu::evaluateWithTactic(op, {&s}, kFastTactic)[0], cpu::evaluateReference(op, {&s})[0]));
    }
}

TEST(ReduceFast, EmptyTensors) {
    const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases = {
        {{0, 3}, {0}}, {{0, 3}, {1}},  {{2, 0, 4}, {1}}, {{2, 3, 0, 0}, {2, 3}},
        {{0}, {0}},    {{3, 0}, {-1}}, {{0, 5}, {}}};
    for (const auto& [dims, axes] : cases)
        for (bool keep : {true, false})
            for (RO kind : {RO::kAVG, RO::kSUM, RO::kMAX, RO::kMIN, RO::kPROD}) {
                auto x = test::randomTensor(DataType::kFLOAT, dims);
                auto op = makeReduce(kind, axes, keep);
                EXPECT_TRUE(
                    sameBits(cpu::evaluateWithTactic(op, {&x}, kFastTactic)[0], cpu::evaluateReference(op, {&x})[0]))
                    << "op " << static_cast<int>(kind) << " dims " << ir::dimsToString(dims);
            }
}

TEST(ReduceFast, NanPropagatesThroughMaxMin) {
    for (std::vector<int64_t> dims : {std::vector<int64_t>{3, 37}, {37, 3}}) {
        auto x = test::randomTensor(DataType::kFLOAT, dims);
        x.as<float>()[5] = NAN;
        x.as<float>()[50] = NAN;
        x.as<float>()[x.numel() - 1] = std::numeric_limits<float>::infinity();
        for (RO kind : {RO::kMAX, RO::kMIN, RO::kSUM, RO::kPROD, RO::kAVG})
            for (int64_t axis : {0, 1}) {
                auto op = makeReduce(kind, {axis}, true);
                HostTensor got = cpu::evaluateWithTactic(op, {&x}, kFastTactic)[0];
                HostTensor want = cpu::evaluateReference(op, {&x})[0];
                for (int64_t i = 0; i < want.numel(); ++i)
                    EXPECT_EQ(std::isnan(got.floatAt(i)), std::isnan(want.floatAt(i)))
                        << "op " << static_cast<int>(kind) << " axis " << axis << " element " << i;
                EXPECT_TRUE(test::allClose(got, want, 1e-6, 1e-7));
            }
    }
}

TEST(ReduceFast, SupportsOnlyFloat32AndOneReducedBlock) {
    auto gap = makeReduce(RO::kAVG, {2, 3}, true);
    EXPECT_TRUE(fastSupports(gap, DataType::kFLOAT, {1, 8, 20, 20}));
    for (DataType t : {DataType::kINT32, DataType::kINT64, DataType::kHALF, DataType::kBF16, DataType::kINT8})
        EXPECT_FALSE(fastSupports(gap, t, {1, 8, 20, 20})) << dataTypeName(t);
    // Two separate reduced blocks.
    EXPECT_FALSE(fastSupports(makeReduce(RO::kSUM, {0, 2}, true), DataType::kFLOAT, {2, 3, 4}));
    EXPECT_FALSE(fastSupports(makeReduce(RO::kSUM, {1, 3}, false), DataType::kFLOAT, {2, 3, 4, 5}));
    // ... unless only size-1 dims separate them.
    EXPECT_TRUE(fastSupports(makeReduce(RO::kSUM, {0, 2}, true), DataType::kFLOAT, {2, 1, 4}));
    // An axis out of range.
    EXPECT_FALSE(fastSupports(makeReduce(RO::kSUM, {3}, true), DataType::kFLOAT, {2, 3, 4}));
    // Run anyway, a configuration it does not handle gives the reference's result, and its errors.
    auto x = test::randomTensor(DataType::kFLOAT, {2, 3, 4, 5});
    for (RO kind : {RO::kAVG, RO::kSUM, RO::kMAX}) {
        auto op = makeReduce(kind, {1, 3}, true);
        EXPECT_TRUE(sameBits(cpu::evaluateWithTactic(op, {&x}, kFastTactic)[0], cpu::evaluateReference(op, {&x})[0]));
    }
    EXPECT_THROW(cpu::evaluateWithTactic(makeReduce(RO::kSUM, {4}, true), {&x}, kFastTactic), KilnError);
    ASSERT_FALSE(cpu::tacticsFor("Reduce").empty());
    EXPECT_EQ(cpu::tacticsFor("Reduce").front().name, "reference");
}

}  // namespace
}  // namespace kiln
