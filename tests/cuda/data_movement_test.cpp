// GPU data movement tactics (Shuffle, Concatenation, Slice, Squeeze, Unsqueeze, Shape, Padding,
// Gather, Scatter, OneHot) against the CPU reference: every type, odd and empty shapes, rank 0
// to 8, every mode and attribute. Moves are exact, so the comparisons have no tolerance.
#include <algorithm>
#include <numeric>
#include <random>

#include "backends/tactic.h"
#include "cuda/cuda_test_util.h"
#include "ir/ops/concatenation.h"
#include "ir/ops/gather.h"
#include "ir/ops/one_hot.h"
#include "ir/ops/padding.h"
#include "ir/ops/scatter.h"
#include "ir/ops/shape.h"
#include "ir/ops/shuffle.h"
#include "ir/ops/slice.h"
#include "ir/ops/squeeze.h"
#include "ir/ops/unsqueeze.h"

namespace kiln {
namespace {

using ir::HostTensor;
using V = std::vector<int64_t>;

const std::vector<DataType> kTypes = {DataType::kFLOAT, DataType::kHALF,  DataType::kBF16,
                                      DataType::kINT8,  DataType::kUINT8, DataType::kBOOL,
                                      DataType::kINT32, DataType::kINT64, DataType::kDOUBLE};
const test::GpuCheck kExact{0.0, 0.0, {}};

HostTensor rnd(DataType type, V dims) {
    // uint8 from non-negative values only (a negative double -> uint8 cast is undefined).
    return type == DataType::kUINT8 ? test::randomTensor(type, std::move(dims), 0, 250)
                                    : test::randomTensor(type, std::move(dims), -100, 100);
}

//! Random indices in [lo, hi] (negative ones count from the end).
HostTensor indicesIn(DataType type, V dims, int64_t lo, int64_t hi) {
    std::uniform_int_distribution<int64_t> dist(lo, hi);
    V values(static_cast<size_t>(ir::numelOf(dims)));
    for (auto& v : values) v = dist(test::rng());
    return test::intTensor(type, std::move(dims), values);
}

bool gpuOk(const ir::Op& op, const std::vector<const HostTensor*>& in) { return test::gpuMatchesReference(op, in, kExact); }

// ---- Shuffle ----

ir::ShuffleOp shuffle(V first, std::optional<V> reshape, V second) {
    ir::ShuffleOp op;
    op.firstTranspose = std::move(first);
    op.hasReshape = reshape.has_value();
    if (reshape) op.reshapeDims = *reshape;
    op.secondTranspose = std::move(second);
    return op;
}

TEST(CudaShuffle, TransposeReshapeTransposeEveryType) {
    KILN_REQUIRE_GPU();
    const auto both = shuffle({2, 0, 3, 1}, V{0, -1, 3}, {2, 0, 1});
    const auto first = shuffle({2, 0, 3, 1}, std::nullopt, {});
    const auto second = shuffle({}, V{6, 20}, {1, 0});
    for (DataType type : kTypes) {
        auto x = rnd(type, {2, 3, 4, 5});
        EXPECT_TRUE(gpuOk(both, {&x})) << dataTypeName(type);
        EXPECT_TRUE(gpuOk(first, {&x})) << dataTypeName(type);
        EXPECT_TRUE(gpuOk(second, {&x})) << dataTypeName(type);
    }
}

TEST(CudaShuffle, ReshapeOnlyOddSizesAndRankZero) {
    KILN_REQUIRE_GPU();
    for (int64_t n : {1, 7, 33, 1000003}) {
        auto x = rnd(DataType::kHALF, {n});
        EXPECT_TRUE(gpuOk(shuffle({}, V{1, n}, {}), {&x})) << n;
        EXPECT_TRUE(gpuOk(shuffle({0, 1}, V{n, 1}, {1, 0}), {&x})) << n;  // size-1 transposes move nothing
    }
    auto scalar = rnd(DataType::kINT64, {});
    EXPECT_TRUE(gpuOk(shuffle({}, std::nullopt, {}), {&scalar}));
    EXPECT_TRUE(gpuOk(shuffle({}, V{1, 1}, {1, 0}), {&scalar}));
    auto empty = rnd(DataType::kFLOAT, {0, 3});
    EXPECT_TRUE(gpuOk(shuffle({1, 0}, std::nullopt, {}), {&empty}));
}

TEST(CudaShuffle, LargeAndWideningTransposes) {
    KILN_REQUIRE_GPU();
    auto big = rnd(DataType::kFLOAT, {1000, 1003});
    EXPECT_TRUE(gpuOk(shuffle({1, 0}, std::nullopt, {}), {&big}));
    // Contiguous inner rows of bytes move as wide words.
    auto bytes = rnd(DataType::kUINT8, {64, 6, 32});
    EXPECT_TRUE(gpuOk(shuffle({1, 0, 2}, std::nullopt, {}), {&bytes}));
    auto halves = rnd(DataType::kHALF, {3, 5, 6});
    EXPECT_TRUE(gpuOk(shuffle({1, 0, 2}, std::nullopt, {}), {&halves}));
    // A permutation longer than the rank: only its first entries count.
    auto x = rnd(DataType::kINT32, {4, 7});
    EXPECT_TRUE(gpuOk(shuffle({1, 0, 2, 3, 4, 5, 6, 7}, std::nullopt, {}), {&x}));
}

TEST(CudaShuffle, RankEightAndRandomPermutations) {
    KILN_REQUIRE_GPU();
    auto x8 = rnd(DataType::kBF16, {2, 1, 3, 2, 1, 2, 3, 2});
    EXPECT_TRUE(gpuOk(shuffle({7, 6, 5, 4, 3, 2, 1, 0}, std::nullopt, {}), {&x8}));
    EXPECT_TRUE(gpuOk(shuffle({1, 3, 5, 7, 0, 2, 4, 6}, V{6, -1, 4}, {2, 0, 1}), {&x8}));
    std::uniform_int_distribution<int> rank(1, 6), dim(1, 5), type(0, static_cast<int>(kTypes.size()) - 1);
    for (int trial = 0; trial < 40; ++trial) {
        V dims(static_cast<size_t>(rank(test::rng())));
        for (auto& d : dims) d = dim(test::rng());
        V perm(dims.size());
        std::iota(perm.begin(), perm.end(), 0);
        std::shuffle(perm.begin(), perm.end(), test::rng());
        auto x = rnd(kTypes[static_cast<size_t>(type(test::rng()))], dims);
        EXPECT_TRUE(gpuOk(shuffle(perm, std::nullopt, {}), {&x})) << ir::dimsToString(dims);
    }
}

// ---- Concatenation ----

TEST(CudaConcatenation, EveryAxisEveryType) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        for (int64_t axis : {0, 1, 2, -1}) {
            const int32_t ax = static_cast<int32_t>(axis < 0 ? axis + 3 : axis);
            V d1 = {2, 3, 5}, d2 = d1, d3 = d1;
            d1[ax] = 1, d2[ax] = 7, d3[ax] = 0;
            auto a = rnd(type, d1), b = rnd(type, d2), c = rnd(type, d3);
            ir::ConcatenationOp op;
            op.axis = axis;
            EXPECT_TRUE(gpuOk(op, {&a, &b, &c, &a})) << dataTypeName(type) << " axis " << axis;
        }
    }
}

TEST(CudaConcatenation, OddAndLargeRows) {
    KILN_REQUIRE_GPU();
    ir::ConcatenationOp op;
    auto a = rnd(DataType::kFLOAT, {33}), b = rnd(DataType::kFLOAT, {1000003});
    EXPECT_TRUE(gpuOk(op, {&a, &b}));
    op.axis = 1;
    auto u = rnd(DataType::kUINT8, {9, 3}), w = rnd(DataType::kUINT8, {9, 16});
    EXPECT_TRUE(gpuOk(op, {&u, &w, &u}));
    auto h1 = rnd(DataType::kHALF, {1000, 8}), h2 = rnd(DataType::kHALF, {1000, 24});
    EXPECT_TRUE(gpuOk(op, {&h1, &h2}));
}

// ---- Slice ----

ir::SliceOp slice(V start, V size, V stride, SampleMode mode = SampleMode::kSTRICT_BOUNDS) {
    ir::SliceOp op;
    op.start = std::move(start);
    op.size = std::move(size);
    op.stride = std::move(stride);
    op.mode = mode;
    return op;
}

TEST(CudaSlice, StrictBoundsStridesEveryType) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        auto x = rnd(type, {5, 7, 6});
        EXPECT_TRUE(gpuOk(slice({1, 0, 1}, {3, 7, 2}, {1, 1, 2}), {&x})) << dataTypeName(type);
        EXPECT_TRUE(gpuOk(slice({4, 6, 5}, {3, 4, 6}, {-2, -1, -1}), {&x})) << dataTypeName(type);
        EXPECT_TRUE(gpuOk(slice({0, 2, 0}, {5, 0, 6}, {1, 1, 1}), {&x})) << dataTypeName(type);  // empty
    }
    auto big = rnd(DataType::kFLOAT, {1000003});
    EXPECT_TRUE(gpuOk(slice({1000002}, {500002}, {-2}), {&big}));
    auto scalar = rnd(DataType::kINT8, {});
    EXPECT_TRUE(gpuOk(slice({}, {}, {}), {&scalar}));
}

TEST(CudaSlice, EverySampleMode) {
    KILN_REQUIRE_GPU();
    for (DataType type : {DataType::kFLOAT, DataType::kHALF, DataType::kUINT8, DataType::kINT64}) {
        auto x = rnd(type, {4, 5});
        auto fill = rnd(type, {});
        for (SampleMode mode : {SampleMode::kWRAP, SampleMode::kCLAMP, SampleMode::kREFLECT, SampleMode::kFILL}) {
            auto op = slice({-3, 7}, {11, 6}, {1, -2}, mode);
            EXPECT_TRUE(gpuOk(op, {&x})) << dataTypeName(type) << " mode " << static_cast<int>(mode);
            auto one = slice({2, -1}, {1, 13}, {3, 1}, mode);
            EXPECT_TRUE(gpuOk(one, {&x})) << dataTypeName(type) << " mode " << static_cast<int>(mode);
        }
        auto op = slice({-2, 3}, {8, 4}, {1, 1}, SampleMode::kFILL);
        EXPECT_TRUE(gpuOk(op, {&x, nullptr, nullptr, nullptr, &fill})) << dataTypeName(type);
    }
    auto emptyAxis = rnd(DataType::kFLOAT, {0, 3});
    auto fill = rnd(DataType::kFLOAT, {1});
    EXPECT_TRUE(gpuOk(slice({0, 0}, {2, 3}, {1, 1}, SampleMode::kFILL), {&emptyAxis, nullptr, nullptr, nullptr, &fill}));
    auto single = rnd(DataType::kBF16, {1, 6});
    EXPECT_TRUE(gpuOk(slice({0, 0}, {5, 6}, {1, 1}, SampleMode::kREFLECT), {&single}));
}

TEST(CudaSlice, ParametersFromInputs) {
    KILN_REQUIRE_GPU();
    auto x = rnd(DataType::kFLOAT, {6, 5, 7});
    auto start = test::intTensor(DataType::kINT32, {3}, {5, 1, 0});
    auto size = test::intTensor(DataType::kINT64, {3}, {3, 4, 4});
    auto stride = test::intTensor(DataType::kINT64, {3}, {-2, 1, 2});
    EXPECT_TRUE(gpuOk(slice({}, {}, {}), {&x, &start, &size, &stride}));
    // Axes (negative included) pick the sliced dims; the rest are copied whole.
    auto axes = test::intTensor(DataType::kINT32, {2}, {-1, 0});
    auto start2 = test::intTensor(DataType::kINT64, {2}, {6, 1});
    auto stride2 = test::intTensor(DataType::kINT32, {2}, {-3, 2});
    ir::SliceOp op = slice({}, {3, 3}, {});
    EXPECT_TRUE(gpuOk(op, {&x, &start2, nullptr, &stride2, nullptr, &axes}));
    ir::SliceOp attrs = slice({6, 1}, {3, 3}, {-3, 2});
    EXPECT_TRUE(gpuOk(attrs, {&x, nullptr, nullptr, nullptr, nullptr, &axes}));
    // Out of range starts from a device tensor under WRAP.
    auto far = test::intTensor(DataType::kINT32, {3}, {-20, 9, 30});
    ir::SliceOp wrap = slice({}, {7, 5, 9}, {1, 1, -1}, SampleMode::kWRAP);
    EXPECT_TRUE(gpuOk(wrap, {&x, &far}));
    auto fill = rnd(DataType::kFLOAT, {});
    ir::SliceOp filled = slice({}, {7, 5, 9}, {1, 1, -1}, SampleMode::kFILL);
    EXPECT_TRUE(gpuOk(filled, {&x, &far, nullptr, nullptr, &fill}));
}

// ---- Squeeze, Unsqueeze, Shape ----

TEST(CudaSqueezeUnsqueeze, EveryType) {
    KILN_REQUIRE_GPU();
    auto sqAxes = test::intTensor(DataType::kINT64, {2}, {-1, 0});
    auto unAxes = test::intTensor(DataType::kINT32, {2}, {0, 3});
    for (DataType type : kTypes) {
        auto x = rnd(type, {1, 33, 1});
        EXPECT_TRUE(gpuOk(ir::SqueezeOp{}, {&x, &sqAxes})) << dataTypeName(type);
        auto y = rnd(type, {7, 3});
        EXPECT_TRUE(gpuOk(ir::UnsqueezeOp{}, {&y, &unAxes})) << dataTypeName(type);
    }
    auto empty = rnd(DataType::kFLOAT, {1, 0, 1});
    EXPECT_TRUE(gpuOk(ir::SqueezeOp{}, {&empty, &sqAxes}));
}

TEST(CudaShape, EveryRank) {
    KILN_REQUIRE_GPU();
    for (const V& dims : {V{}, V{7}, V{2, 0, 3}, V{1, 2, 3, 4}, V{2, 1, 2, 1, 2, 1, 2, 3}}) {
        auto x = rnd(DataType::kHALF, dims);
        EXPECT_TRUE(gpuOk(ir::ShapeOp{}, {&x})) << ir::dimsToString(dims);
    }
}

// ---- Padding ----

TEST(CudaPadding, PadAndCropEveryType) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        auto x = rnd(type, {2, 3, 5, 7});
        ir::PaddingOp pad;
        pad.prePadding = {1, 2};
        pad.postPadding = {2, 1};
        EXPECT_TRUE(gpuOk(pad, {&x})) << dataTypeName(type);
        ir::PaddingOp crop;
        crop.prePadding = {-1, 3, -2};
        crop.postPadding = {1, -2, 0};
        EXPECT_TRUE(gpuOk(crop, {&x})) << dataTypeName(type);
    }
    auto scalar = rnd(DataType::kFLOAT, {});
    EXPECT_TRUE(gpuOk(ir::PaddingOp{}, {&scalar}));
    auto row = rnd(DataType::kBF16, {1000003});
    ir::PaddingOp pad1;
    pad1.prePadding = {3};
    pad1.postPadding = {0};
    EXPECT_TRUE(gpuOk(pad1, {&row}));
    ir::PaddingOp all;  // crops a whole axis away
    all.prePadding = {-4};
    all.postPadding = {-1};
    auto small = rnd(DataType::kINT32, {3, 5});
    EXPECT_TRUE(gpuOk(all, {&small}));
}

// ---- Gather ----

ir::GatherOp gather(GatherMode mode, int64_t axis, int64_t batch = 0) {
    ir::GatherOp op;
    op.mode = mode;
    op.axis = axis;
    op.nbElementWiseDims = batch;
    return op;
}

TEST(CudaGather, DefaultEveryAxisTypeAndIndexType) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        auto data = rnd(type, {4, 5, 6});
        for (int64_t axis : {0, 1, 2, -1}) {
            const int64_t dim = data.dims[static_cast<size_t>(axis < 0 ? axis + 3 : axis)];
            for (DataType it : {DataType::kINT32, DataType::kINT64}) {
                auto idx = indicesIn(it, {2, 3}, -dim, dim - 1);
                EXPECT_TRUE(gpuOk(gather(GatherMode::kDEFAULT, axis), {&data, &idx})) << dataTypeName(type);
                auto scalarIdx = indicesIn(it, {}, -dim, dim - 1);
                EXPECT_TRUE(gpuOk(gather(GatherMode::kDEFAULT, axis), {&data, &scalarIdx})) << dataTypeName(type);
            }
        }
    }
    auto big = rnd(DataType::kFLOAT, {1000003});
    auto idx = indicesIn(DataType::kINT64, {1000}, -1000003, 1000002);
    EXPECT_TRUE(gpuOk(gather(GatherMode::kDEFAULT, 0), {&big, &idx}));
    auto rows = rnd(DataType::kHALF, {1000, 33});
    auto idx7 = indicesIn(DataType::kINT32, {7}, 0, 999);
    EXPECT_TRUE(gpuOk(gather(GatherMode::kDEFAULT, 0), {&rows, &idx7}));
    auto empty = indicesIn(DataType::kINT32, {0}, 0, 0);
    EXPECT_TRUE(gpuOk(gather(GatherMode::kDEFAULT, 1), {&rows, &empty}));
}

TEST(CudaGather, DefaultWithBatchDims) {
    KILN_REQUIRE_GPU();
    auto data = rnd(DataType::kBF16, {2, 3, 4, 5});
    auto idx = indicesIn(DataType::kINT64, {2, 3, 6}, -4, 3);
    EXPECT_TRUE(gpuOk(gather(GatherMode::kDEFAULT, 2, 2), {&data, &idx}));
    auto idx1 = indicesIn(DataType::kINT32, {2, 7}, -5, 4);
    EXPECT_TRUE(gpuOk(gather(GatherMode::kDEFAULT, -1, 1), {&data, &idx1}));
}

TEST(CudaGather, Elements) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        auto data = rnd(type, {3, 4, 5});
        auto idx = indicesIn(DataType::kINT32, {2, 6, 3}, -4, 3);  // smaller than data off the axis
        EXPECT_TRUE(gpuOk(gather(GatherMode::kELEMENT, 1), {&data, &idx})) << dataTypeName(type);
        auto idxLast = indicesIn(DataType::kINT64, {3, 4, 9}, -5, 4);
        EXPECT_TRUE(gpuOk(gather(GatherMode::kELEMENT, -1), {&data, &idxLast})) << dataTypeName(type);
    }
    auto line = rnd(DataType::kFLOAT, {1000003});
    auto idx = indicesIn(DataType::kINT64, {1000003}, -1000003, 1000002);
    EXPECT_TRUE(gpuOk(gather(GatherMode::kELEMENT, 0), {&line, &idx}));
}

TEST(CudaGather, Nd) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        auto data = rnd(type, {2, 3, 4});
        auto rowsIdx = test::intTensor(DataType::kINT64, {5, 2}, {0, 1, 1, -1, -2, 0, 1, 2, 0, -3});
        EXPECT_TRUE(gpuOk(gather(GatherMode::kND, 0), {&data, &rowsIdx})) << dataTypeName(type);
        auto full = indicesIn(DataType::kINT32, {2, 2, 3}, -2, 1);  // last dim 3: elements
        for (int64_t i = 0; i < 4; ++i) {  // keep axes 1 and 2 in range for their sizes
            full.as<int32_t>()[i * 3 + 1] = static_cast<int32_t>(i % 3);
            full.as<int32_t>()[i * 3 + 2] = static_cast<int32_t>(-1 - i);
        }
        EXPECT_TRUE(gpuOk(gather(GatherMode::kND, 0), {&data, &full})) << dataTypeName(type);
    }
    auto data = rnd(DataType::kHALF, {2, 3, 4});
    auto batched = indicesIn(DataType::kINT64, {2, 5, 1}, -3, 2);
    EXPECT_TRUE(gpuOk(gather(GatherMode::kND, 0, 1), {&data, &batched}));
    auto none = indicesIn(DataType::kINT32, {2, 0}, 0, 0);  // empty tuples take the whole data
    EXPECT_TRUE(gpuOk(gather(GatherMode::kND, 0), {&data, &none}));
}

// ---- Scatter ----

ir::ScatterOp scatter(ScatterMode mode, int64_t axis = 0) {
    ir::ScatterOp op;
    op.mode = mode;
    op.axis = axis;
    return op;
}

TEST(CudaScatter, ElementsWithDuplicatesLastWins) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        auto data = rnd(type, {4, 6});
        for (int64_t axis : {0, 1, -1}) {
            const int64_t dim = data.dims[static_cast<size_t>(axis < 0 ? axis + 2 : axis)];
            for (DataType it : {DataType::kINT32, DataType::kINT64}) {
                auto idx = indicesIn(it, {3, 5}, -dim, dim - 1);  // many duplicates
                auto upd = rnd(type, {3, 5});
                EXPECT_TRUE(gpuOk(scatter(ScatterMode::kELEMENT, axis), {&data, &idx, &upd})) << dataTypeName(type);
            }
        }
    }
    auto big = rnd(DataType::kFLOAT, {1000003});
    auto idx = indicesIn(DataType::kINT64, {100000}, -1000003, 1000002);
    auto upd = rnd(DataType::kFLOAT, {100000});
    EXPECT_TRUE(gpuOk(scatter(ScatterMode::kELEMENT), {&big, &idx, &upd}));
}

TEST(CudaScatter, NdRowsAndElements) {
    KILN_REQUIRE_GPU();
    for (DataType type : kTypes) {
        auto data = rnd(type, {4, 5, 6});
        auto rows = indicesIn(DataType::kINT64, {7, 1}, -4, 3);
        auto rowUpd = rnd(type, {7, 5, 6});
        EXPECT_TRUE(gpuOk(scatter(ScatterMode::kND), {&data, &rows, &rowUpd})) << dataTypeName(type);
        auto pairs = indicesIn(DataType::kINT32, {3, 3, 2}, -4, 3);
        auto pairUpd = rnd(type, {3, 3, 6});
        EXPECT_TRUE(gpuOk(scatter(ScatterMode::kND), {&data, &pairs, &pairUpd})) << dataTypeName(type);
    }
    auto data = rnd(DataType::kHALF, {2, 3});
    auto whole = indicesIn(DataType::kINT32, {2, 0}, 0, 0);  // empty tuples overwrite everything
    auto upd = rnd(DataType::kHALF, {2, 2, 3});
    EXPECT_TRUE(gpuOk(scatter(ScatterMode::kND), {&data, &whole, &upd}));
}

// Reductions combine each target with its updates in the reference's order: exact, with many
// duplicates, for ELEMENT along each axis and ND rows and elements; bool data is refused.
TEST(CudaScatter, ReductionsInTheReferencesOrder) {
    KILN_REQUIRE_GPU();
    for (ScatterReduction r : {ScatterReduction::kSUM, ScatterReduction::kPROD, ScatterReduction::kMAX,
                               ScatterReduction::kMIN})
        for (DataType type : {DataType::kFLOAT, DataType::kHALF, DataType::kINT32, DataType::kINT64, DataType::kDOUBLE}) {
            SCOPED_TRACE(std::string(dataTypeName(type)) + " reduction " + std::to_string(static_cast<int>(r)));
            auto data = rnd(type, {4, 6});
            for (int64_t axis : {0, 1, -1}) {
                ir::ScatterOp op = scatter(ScatterMode::kELEMENT, axis);
                op.reduction = r;
                const int64_t dim = data.dims[static_cast<size_t>(axis < 0 ? axis + 2 : axis)];
                auto idx = indicesIn(DataType::kINT64, {3, 5}, -dim, dim - 1);
                auto upd = rnd(type, {3, 5});
                EXPECT_TRUE(gpuOk(op, {&data, &idx, &upd})) << "axis " << axis;
            }
            ir::ScatterOp nd = scatter(ScatterMode::kND);
            nd.reduction = r;
            auto cube = rnd(type, {4, 5, 6});
            auto rows = indicesIn(DataType::kINT32, {7, 1}, -4, 3);
            auto rowUpd = rnd(type, {7, 5, 6});
            EXPECT_TRUE(gpuOk(nd, {&cube, &rows, &rowUpd}));
            auto pairs = indicesIn(DataType::kINT64, {3, 3, 2}, -4, 3);
            auto pairUpd = rnd(type, {3, 3, 6});
            EXPECT_TRUE(gpuOk(nd, {&cube, &pairs, &pairUpd}));
        }
    ir::ScatterOp op = scatter(ScatterMode::kELEMENT);
    op.reduction = ScatterReduction::kSUM;
    auto data = rnd(DataType::kBOOL, {4});
    auto idx = indicesIn(DataType::kINT32, {2}, 0, 3);
    std::vector<ir::ValueInfo> infos = {ir::constantInfo(data), ir::constantInfo(idx), ir::constantInfo(idx)};
    infos[2].type = DataType::kBOOL;
    for (const auto& t : backend::tacticsFor(DeviceType::kGPU, "Scatter"))
        if (t.name == "cuda_scatter") {
            EXPECT_FALSE(t.supports(op, infos));
        }
}

// ---- OneHot ----

TEST(CudaOneHot, EveryAxisNegativeAndOutOfRange) {
    KILN_REQUIRE_GPU();
    auto depth = test::intTensor(DataType::kINT32, {}, {5});
    for (DataType type : {DataType::kFLOAT, DataType::kHALF, DataType::kINT8, DataType::kBOOL, DataType::kINT64}) {
        auto values = rnd(type, {2});
        for (DataType it : {DataType::kINT32, DataType::kINT64}) {
            auto idx = indicesIn(it, {3, 7}, -7, 6);
            for (int64_t axis : {-3, -1, 0, 1, 2}) {
                ir::OneHotOp op;
                op.axis = axis;
                EXPECT_TRUE(gpuOk(op, {&idx, &values, &depth})) << dataTypeName(type) << " axis " << axis;
            }
        }
    }
    auto bigDepth = test::intTensor(DataType::kINT64, {1}, {1000});
    auto idx = indicesIn(DataType::kINT64, {1003}, -1000, 999);
    auto values = rnd(DataType::kFLOAT, {2});
    EXPECT_TRUE(gpuOk(ir::OneHotOp{}, {&idx, &values, &bigDepth}));
    auto scalarIdx = indicesIn(DataType::kINT32, {}, -5, 4);
    EXPECT_TRUE(gpuOk(ir::OneHotOp{}, {&scalarIdx, &values, &depth}));
}

}  // namespace
}  // namespace kiln
