// Reduction-family CUDA tactics (SoftMax, Normalization, Reduce, Pooling, Cumulative, TopK)
// against the CPU reference, on fresh random inputs.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "cuda/cuda_test_util.h"
#include "ir/ops/cumulative.h"
#include "ir/ops/normalization.h"
#include "ir/ops/pooling.h"
#include "ir/ops/reduce.h"
#include "ir/ops/softmax.h"
#include "ir/ops/topk.h"

namespace kiln {
namespace {

using Dims = std::vector<int64_t>;
using test::GpuCheck;
using test::tol;
using test::randomTensor;

const DataType kFloats[] = {DataType::kFLOAT, DataType::kHALF, DataType::kBF16};
const DataType kInts[] = {DataType::kINT8, DataType::kUINT8, DataType::kINT32, DataType::kINT64};

GpuCheck tolerance(DataType t, double floatRtol = 1e-4, double floatAtol = 1e-5) {
    switch (t) {
        case DataType::kFLOAT: return tol(floatRtol, floatAtol);
        case DataType::kHALF: return tol(1e-2, 2e-3);
        case DataType::kBF16: return tol(2e-2, 1e-2);
        case DataType::kDOUBLE: return tol(1e-12, 1e-12);
        default: return tol(0, 0);
    }
}

std::string trace(DataType t, const Dims& d, const std::string& what = "") {
    return std::string(dataTypeName(t)) + " " + ir::dimsToString(d) + " " + what;
}

void setValue(ir::HostTensor& t, int64_t i, double v) {
    cpu::dispatchType(t.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (!std::is_same_v<T, cpu::Bool>) cpu::store(t.as<T>(), i, v);
    });
}

// ---- SoftMax ----

TEST(CudaSoftMax, AxesShapesAndTypes) {
    KILN_REQUIRE_GPU();
    struct Case {
        Dims dims;
        int64_t axis;
    };
    const Case cases[] = {{{1}, 0},          {{7}, 0},          {{33}, -1},        {{5, 33}, 1},
                          {{1000, 7}, -1},   {{3, 5000}, 1},    {{2, 1000003}, 1}, {{4, 33, 7}, 1},
                          {{4, 33, 7}, 0},   {{6, 2, 9}, -2},   {{1000003, 2}, 0}, {{0, 5}, 1},
                          {{3, 500, 4}, 1},  {{64, 300, 100}, 1},
                          {{2, 1, 3, 1, 2, 3, 1, 5}, 3},       {{2, 1, 3, 1, 2, 3, 1, 5}, 7}};
    for (DataType t : kFloats) {
        for (const Case& c : cases) {
            SCOPED_TRACE(trace(t, c.dims, "axis " + std::to_string(c.axis)));
            ir::SoftMaxOp op;
            op.axis = c.axis;
            EXPECT_TRUE(test::gpuMatchesReference(op, {randomTensor(t, c.dims, -5, 5)}, tolerance(t, 1e-4, 1e-7)));
        }
    }
}

TEST(CudaSoftMax, InfinitiesAndNaN) {
    KILN_REQUIRE_GPU();
    ir::HostTensor x = randomTensor(DataType::kFLOAT, {4, 40}, -3, 3);
    setValue(x, 3, -INFINITY);                            // one -inf: gives 0
    setValue(x, 45, NAN);                                 // NaN row: NaN everywhere
    for (int j = 0; j < 40; ++j) setValue(x, 80 + j, -INFINITY);  // all -inf: NaN
    ir::SoftMaxOp op;
    EXPECT_TRUE(test::gpuMatchesReference(op, {x}, tolerance(DataType::kFLOAT)));
}

// ---- Normalization ----

struct NormCase {
    Dims x, scale, bias;
    std::vector<int64_t> axes;
    int64_t groups;
};

TEST(CudaNormalization, LayerInstanceGroup) {
    KILN_REQUIRE_GPU();
    const NormCase cases[] = {
        {{4, 7, 33}, {33}, {33}, {2}, 1},                   // layer norm
        {{2, 3, 1000}, {1, 1, 1000}, {1000}, {-1}, 1},      // layer norm, rank-3 scale
        {{2, 100000}, {100000}, {1}, {1}, 1},               // long rows
        {{3, 5, 7}, {5, 7}, {7}, {1, 2}, 1},                // two trailing axes
        {{3, 4, 5}, {4, 1}, {5}, {0, 2}, 1},                // non-contiguous axes
        {{1000}, {1}, {1}, {0}, 1},                         // rank 1
        {{1}, {1}, {1}, {0}, 1},                            // one element
        {{2, 3, 5, 7}, {1, 3, 1, 1}, {1}, {2, 3}, 1},       // instance norm
        {{2, 6, 5, 7}, {6}, {1, 6, 1, 1}, {2, 3}, 3},       // group norm
        {{2, 6, 5, 7}, {1, 6, 1, 1}, {6}, {1, 2, 3}, 2},    // group norm, axis 1 listed
        {{3, 32, 33}, {32}, {32}, {2}, 32},                 // one channel per group
        {{1, 64, 40, 40}, {64}, {64}, {2, 3}, 8},           // large groups
        {{0, 4, 3}, {3}, {3}, {2}, 1},                      // empty
        {{2, 1, 2, 1, 3, 1, 2, 3}, {3}, {1}, {4, 6, 7}, 1}, // rank 8
    };
    for (DataType t : kFloats) {
        for (const NormCase& c : cases) {
            SCOPED_TRACE(trace(t, c.x, "groups " + std::to_string(c.groups)));
            ir::NormalizationOp op;
            op.axes = c.axes;
            op.nbGroups = c.groups;
            op.epsilon = 1e-3;
            EXPECT_TRUE(test::gpuMatchesReference(
                op, {randomTensor(t, c.x, -2, 3), randomTensor(t, c.scale, 0.5, 2), randomTensor(t, c.bias, -1, 1)},
                tolerance(t, 1e-4, 1e-4)));
        }
    }
}

TEST(CudaNormalization, MixedParameterTypes) {
    KILN_REQUIRE_GPU();
    ir::NormalizationOp op;
    op.axes = {2};
    for (DataType t : kFloats) {
        SCOPED_TRACE(dataTypeName(t));
        EXPECT_TRUE(test::gpuMatchesReference(op,
                                              {randomTensor(t, {3, 5, 64}), randomTensor(DataType::kFLOAT, {64}),
                                               randomTensor(DataType::kHALF, {64})},
                                              tolerance(t, 1e-4, 1e-4)));
    }
}

// ---- Reduce ----

struct ReduceCase {
    Dims dims;
    std::vector<int64_t> axes;
    bool keepDims;
};

const ReduceCase kReduceCases[] = {
    {{1}, {0}, true},          {{7}, {0}, false},        {{33}, {}, true},           {{1000003}, {0}, false},
    {{7, 33}, {1}, true},      {{7, 33}, {0}, false},    {{4, 5, 6}, {0, 2}, false}, {{4, 5, 6}, {-1, 1}, true},
    {{3000, 4}, {0}, true},    {{5, 4096}, {0}, false},  {{100000, 3}, {0}, true},   {{3, 200000}, {1}, true},
    {{20000, 7}, {1}, false},  {{64, 3, 70}, {1}, true}, {{}, {}, true},             {{0, 5}, {0}, true},
    {{5, 0}, {1}, false},      {{2, 1, 3, 1, 2, 3, 1, 5}, {0, 2, 5, 7}, true},
};

TEST(CudaReduce, FloatOperations) {
    KILN_REQUIRE_GPU();
    const ReduceOperation ops[] = {ReduceOperation::kSUM, ReduceOperation::kPROD, ReduceOperation::kMAX,
                                   ReduceOperation::kMIN, ReduceOperation::kAVG};
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kDOUBLE}) {
        for (ReduceOperation o : ops) {
            for (const ReduceCase& c : kReduceCases) {
                const bool prod = o == ReduceOperation::kPROD;
                if (prod && ir::numelOf(c.dims) > 100000) continue;  // the product under/overflows
                SCOPED_TRACE(trace(t, c.dims, "op " + std::to_string(static_cast<int>(o))));
                ir::ReduceOp op;
                op.op = o;
                op.axes = c.axes;
                op.keepDims = c.keepDims;
                ir::HostTensor x = prod ? randomTensor(t, c.dims, 0.9, 1.1) : randomTensor(t, c.dims, -1, 2);
                EXPECT_TRUE(test::gpuMatchesReference(op, {x}, tolerance(t, 1e-5, 1e-6)));
            }
        }
    }
}

TEST(CudaReduce, IntegerOperationsAreExact) {
    KILN_REQUIRE_GPU();
    const ReduceOperation ops[] = {ReduceOperation::kSUM, ReduceOperation::kPROD, ReduceOperation::kMAX,
                                   ReduceOperation::kMIN, ReduceOperation::kAVG};
    for (DataType t : kInts) {
        const bool isUnsigned = t == DataType::kUINT8;
        for (ReduceOperation o : ops) {
            for (const ReduceCase& c : kReduceCases) {
                SCOPED_TRACE(trace(t, c.dims, "op " + std::to_string(static_cast<int>(o))));
                ir::ReduceOp op;
                op.op = o;
                op.axes = c.axes;
                op.keepDims = c.keepDims;
                // Products wrap: small values keep them varied; sums wrap at the store for int8.
                ir::HostTensor x = o == ReduceOperation::kPROD ? randomTensor(t, c.dims, isUnsigned ? 0 : -3, 4)
                                                               : randomTensor(t, c.dims, isUnsigned ? 0 : -100, 100);
                EXPECT_TRUE(test::gpuMatchesReference(op, {x}, tol(0, 0)));
            }
        }
    }
}

TEST(CudaReduce, NaNPropagatesThroughMaxMin) {
    KILN_REQUIRE_GPU();
    for (DataType t : kFloats) {
        ir::HostTensor x = randomTensor(t, {6, 3000});
        setValue(x, 17, NAN);
        setValue(x, 3000 * 4 + 2999, NAN);
        for (ReduceOperation o : {ReduceOperation::kMAX, ReduceOperation::kMIN, ReduceOperation::kSUM}) {
            for (const std::vector<int64_t>& axes : {std::vector<int64_t>{1}, std::vector<int64_t>{0},
                                                     std::vector<int64_t>{}}) {
                SCOPED_TRACE(trace(t, {6, 3000}, std::to_string(axes.size())));
                ir::ReduceOp op;
                op.op = o;
                op.axes = axes;
                EXPECT_TRUE(test::gpuMatchesReference(op, {x}, tolerance(t, 1e-5, 1e-6)));
            }
        }
    }
}

// ---- Pooling ----

struct PoolCase {
    Dims x, window, stride, pre, post;
    PaddingMode mode;
};

TEST(CudaPooling, WindowsPaddingModesAndTypes) {
    KILN_REQUIRE_GPU();
    const PoolCase cases[] = {
        {{2, 3, 9, 9}, {2, 2}, {2, 2}, {}, {}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{2, 3, 9, 9}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{1, 2, 10, 7}, {3, 2}, {2, 3}, {1, 0}, {2, 1}, PaddingMode::kEXPLICIT_ROUND_UP},
        {{1, 2, 10, 7}, {3, 3}, {2, 2}, {}, {}, PaddingMode::kSAME_UPPER},
        {{1, 2, 10, 7}, {4, 3}, {3, 2}, {}, {}, PaddingMode::kSAME_LOWER},
        {{2, 2, 5, 6, 7}, {2, 3, 2}, {1, 2, 2}, {1, 1, 0}, {0, 1, 1}, PaddingMode::kEXPLICIT_ROUND_UP},
        {{2, 2, 5, 6, 7}, {3, 3, 3}, {2, 2, 2}, {}, {}, PaddingMode::kSAME_UPPER},
        {{1, 3}, {3}, {1}, {}, {}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{4, 33}, {4}, {3}, {2}, {1}, PaddingMode::kEXPLICIT_ROUND_UP},
        {{1, 1, 300, 301}, {7, 7}, {1, 1}, {3, 3}, {3, 3}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{0, 3, 4, 4}, {2, 2}, {}, {}, {}, PaddingMode::kEXPLICIT_ROUND_DOWN},
    };
    const PoolingType types[] = {PoolingType::kMAX, PoolingType::kAVERAGE, PoolingType::kMAX_AVERAGE_BLEND};
    for (DataType t : kFloats) {
        for (const PoolCase& c : cases) {
            for (PoolingType pt : types) {
                for (bool exclude : {true, false}) {
                    SCOPED_TRACE(trace(t, c.x, "type " + std::to_string(static_cast<int>(pt)) + " mode " +
                                                   std::to_string(static_cast<int>(c.mode)) + " exclude " +
                                                   std::to_string(exclude)));
                    ir::PoolingOp op;
                    op.type = pt;
                    op.window = c.window;
                    op.stride = c.stride;
                    op.prePadding = c.pre;
                    op.postPadding = c.post;
                    op.paddingMode = c.mode;
                    op.averageCountExcludesPadding = exclude;
                    op.blendFactor = 0.3;
                    EXPECT_TRUE(test::gpuMatchesReference(op, {randomTensor(t, c.x, -2, 2)}, tolerance(t, 1e-5, 1e-6)));
                }
            }
        }
    }
}

TEST(CudaPooling, IntegerMaxAndNaN) {
    KILN_REQUIRE_GPU();
    ir::PoolingOp op;
    op.window = {3, 2};
    op.stride = {2, 1};
    op.prePadding = {1, 1};
    for (DataType t : kInts) {
        SCOPED_TRACE(dataTypeName(t));
        EXPECT_TRUE(test::gpuMatchesReference(
            op, {randomTensor(t, {2, 3, 11, 8}, t == DataType::kUINT8 ? 0 : -100, 100)}, tol(0, 0)));
    }
    ir::HostTensor x = randomTensor(DataType::kFLOAT, {1, 1, 6, 6});
    setValue(x, 7, NAN);
    EXPECT_TRUE(test::gpuMatchesReference(op, {x}, tol(0, 0)));
}

// ---- Cumulative ----

TEST(CudaCumulative, SumAndProductEveryFlag) {
    KILN_REQUIRE_GPU();
    struct Case {
        Dims dims;
        int64_t axis;
    };
    const Case cases[] = {{{1}, 0},        {{7}, 0},       {{33}, -1},      {{1000003}, 0}, {{5, 100}, 1},
                          {{5, 100}, 0},   {{3, 70, 9}, 1}, {{0, 4}, 1},     {{2, 1, 3, 1, 2, 3, 1, 5}, 5}};
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kDOUBLE, DataType::kINT32,
                       DataType::kINT64}) {
        for (const Case& c : cases) {
            for (CumulativeOperation o : {CumulativeOperation::kSUM, CumulativeOperation::kPROD}) {
                for (int flags = 0; flags < 4; ++flags) {
                    const bool prod = o == CumulativeOperation::kPROD;
                    if (prod && ir::numelOf(c.dims) > 100000 && t != DataType::kINT32 && t != DataType::kINT64) continue;
                    SCOPED_TRACE(trace(t, c.dims, "prod " + std::to_string(prod) + " flags " + std::to_string(flags)));
                    ir::CumulativeOp op;
                    op.op = o;
                    op.exclusive = flags & 1;
                    op.reverse = flags & 2;
                    const bool isInt = t == DataType::kINT32 || t == DataType::kINT64;
                    ir::HostTensor x = prod ? randomTensor(t, c.dims, isInt ? -3 : 0.9, isInt ? 4 : 1.1)
                                            : randomTensor(t, c.dims, isInt ? -1000 : -1, isInt ? 1000 : 1);
                    ir::HostTensor axis = test::intTensor(c.axis % 2 ? DataType::kINT64 : DataType::kINT32, {},
                                                          {c.axis});
                    // Long float sums: the reference accumulates in double too, only association differs.
                    // A double scan of n terms in [-1, 1] may differ by n ulps of 1 between orders.
                    GpuCheck check = tolerance(t, 1e-5, 1e-5);
                    if (t == DataType::kDOUBLE) check.atol = std::max(check.atol, ir::numelOf(c.dims) * 2.3e-16);
                    EXPECT_TRUE(test::gpuMatchesReference(op, {x, axis}, check));
                }
            }
        }
    }
}

// ---- TopK ----

TEST(CudaTopK, LargestSmallestAxesAndTypes) {
    KILN_REQUIRE_GPU();
    struct Case {
        Dims dims;
        int64_t axis, k;
    };
    const Case cases[] = {{{1}, 0, 1},       {{7}, 0, 7},       {{33}, -1, 5},       {{1000003}, 0, 3},
                          {{20, 100}, 1, 10}, {{20, 100}, 0, 1}, {{3, 70, 9}, 1, 64}, {{4, 5}, 1, 0},
                          {{0, 5}, 1, 2},     {{2, 1, 3, 1, 2, 3, 1, 5}, 7, 2}};
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kDOUBLE, DataType::kINT8,
                       DataType::kUINT8, DataType::kINT32, DataType::kINT64}) {
        for (const Case& c : cases) {
            for (TopKOperation o : {TopKOperation::kMAX, TopKOperation::kMIN}) {
                SCOPED_TRACE(trace(t, c.dims, "k " + std::to_string(c.k) + " min " + std::to_string(static_cast<int>(o))));
                ir::TopKOp op;
                op.op = o;
                op.axis = c.axis;
                op.k = c.k;
                // Narrow integer ranges make ties common: they must keep the lower index.
                const bool isUnsigned = t == DataType::kUINT8;
                EXPECT_TRUE(test::gpuMatchesReference(op, {randomTensor(t, c.dims, isUnsigned ? 0 : -10, 10)},
                                                      tol(0, 0)));
            }
        }
    }
}

TEST(CudaTopK, NaNTiesAndKInput) {
    KILN_REQUIRE_GPU();
    ir::HostTensor x = randomTensor(DataType::kHALF, {3, 50}, -2, 2);
    setValue(x, 4, NAN);
    setValue(x, 9, NAN);
    setValue(x, 60, 0.0);
    setValue(x, 61, -0.0);
    for (int j = 100; j < 150; ++j) setValue(x, j, j % 3);  // many ties
    for (TopKOperation o : {TopKOperation::kMAX, TopKOperation::kMIN}) {
        ir::TopKOp op;
        op.op = o;
        op.k = 1;  // overridden by input 1
        EXPECT_TRUE(test::gpuMatchesReference(op, {x, test::intTensor(DataType::kINT64, {}, {17})}, tol(0, 0)));
    }
}

}  // namespace
}  // namespace kiln
