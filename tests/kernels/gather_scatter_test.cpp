// Gather (DEFAULT / ELEMENT / ND) and Scatter (ELEMENT / ND) against naive loops for every type;
// out-of-range indices are errors; the Shape -> Gather pattern folds to symbolic values.
#include <algorithm>
#include <cmath>

#include "ir/ops/gather.h"
#include "ir/ops/scatter.h"
#include "ir/ops/shape.h"
#include "kernels/data_movement_test_util.h"

namespace kiln {
namespace {

using namespace dmtest;  // NOLINT

ir::GatherOp gather(GatherMode mode, int64_t axis, int64_t batch = 0) {
    ir::GatherOp op;
    op.mode = mode;
    op.axis = axis;
    op.nbElementWiseDims = batch;
    return op;
}

ir::ScatterOp scatter(ScatterMode mode, int64_t axis = 0) {
    ir::ScatterOp op;
    op.mode = mode;
    op.axis = axis;
    return op;
}

//! Random indices in [-dim, dim) (negative ones count from the end).
HostTensor randomIndices(DataType type, std::vector<int64_t> dims, int64_t dim, bool negative = true) {
    HostTensor t = HostTensor::make(type, dims);
    std::uniform_int_distribution<int64_t> pick(negative ? -dim : 0, dim - 1);
    std::vector<int64_t> v(t.numel());
    for (auto& x : v) x = pick(test::rng());
    return test::intTensor(type, dims, v);
}

int64_t wrap(int64_t k, int64_t dim) { return k < 0 ? k + dim : k; }

TEST(Gather, DefaultEveryType) {
    for (DataType type : kAllTypes) {
        auto data = randomOf(type, {3, 4, 5});
        auto idx = randomIndices(DataType::kINT32, {2, 3}, 4);
        auto out = cpu::evaluateReference(gather(GatherMode::kDEFAULT, 1), {&data, &idx});
        auto expected = HostTensor::make(type, {3, 2, 3, 5});
        for (int64_t a = 0; a < 3; ++a)
            for (int64_t i = 0; i < 6; ++i)
                for (int64_t c = 0; c < 5; ++c)
                    copyElem(expected, (a * 6 + i) * 5 + c, data, (a * 4 + wrap(idx.intAt(i), 4)) * 5 + c);
        EXPECT_TRUE(sameBytes(out[0], expected)) << dataTypeName(type);
    }
}

TEST(Gather, DefaultScalarIndexNegativeAxisAndEmpty) {
    auto data = randomOf(DataType::kHALF, {3, 4});
    auto idx = test::intTensor(DataType::kINT64, {}, {-1});
    auto out = cpu::evaluateReference(gather(GatherMode::kDEFAULT, -1), {&data, &idx});
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{3}));
    for (int64_t a = 0; a < 3; ++a) EXPECT_EQ(out[0].floatAt(a), data.floatAt(a * 4 + 3));

    auto none = test::intTensor(DataType::kINT64, {0}, {});
    EXPECT_EQ(cpu::evaluateReference(gather(GatherMode::kDEFAULT, 0), {&data, &none})[0].dims,
              (std::vector<int64_t>{0, 4}));
}

TEST(Gather, DefaultWithElementWiseDims) {
    auto data = randomOf(DataType::kINT8, {2, 4, 3});
    auto idx = randomIndices(DataType::kINT64, {2, 5}, 4);
    auto out = cpu::evaluateReference(gather(GatherMode::kDEFAULT, 1, 1), {&data, &idx});
    auto expected = HostTensor::make(DataType::kINT8, {2, 5, 3});
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t i = 0; i < 5; ++i)
            for (int64_t c = 0; c < 3; ++c)
                copyElem(expected, (b * 5 + i) * 3 + c, data, (b * 4 + wrap(idx.intAt(b * 5 + i), 4)) * 3 + c);
    EXPECT_TRUE(sameBytes(out[0], expected));
}

TEST(Gather, ElementBothAxes) {
    auto data = randomOf(DataType::kBF16, {3, 4});
    auto idx0 = randomIndices(DataType::kINT32, {2, 4}, 3);
    auto out0 = cpu::evaluateReference(gather(GatherMode::kELEMENT, 0), {&data, &idx0});
    auto e0 = HostTensor::make(DataType::kBF16, {2, 4});
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 4; ++j) copyElem(e0, i * 4 + j, data, wrap(idx0.intAt(i * 4 + j), 3) * 4 + j);
    EXPECT_TRUE(sameBytes(out0[0], e0));

    auto idx1 = randomIndices(DataType::kINT64, {3, 6}, 4);
    auto out1 = cpu::evaluateReference(gather(GatherMode::kELEMENT, -1), {&data, &idx1});
    auto e1 = HostTensor::make(DataType::kBF16, {3, 6});
    for (int64_t i = 0; i < 3; ++i)
        for (int64_t j = 0; j < 6; ++j) copyElem(e1, i * 6 + j, data, i * 4 + wrap(idx1.intAt(i * 6 + j), 4));
    EXPECT_TRUE(sameBytes(out1[0], e1));
}

TEST(Gather, NdWithAndWithoutBatchDims) {
    auto data = randomOf(DataType::kFLOAT, {2, 3, 4});
    auto idx = test::intTensor(DataType::kINT64, {3, 2}, {1, 2, 0, -1, -2, 0});
    auto out = cpu::evaluateReference(gather(GatherMode::kND, 0), {&data, &idx});
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{3, 4}));
    const int64_t rows[3][2] = {{1, 2}, {0, 2}, {0, 0}};
    for (int64_t m = 0; m < 3; ++m)
        for (int64_t c = 0; c < 4; ++c)
            EXPECT_EQ(out[0].floatAt(m * 4 + c), data.floatAt((rows[m][0] * 3 + rows[m][1]) * 4 + c));

    // One batch dim: data [2,3,4], indices [2,5,1] -> [2,5,4].
    auto bidx = randomIndices(DataType::kINT32, {2, 5, 1}, 3);
    auto bout = cpu::evaluateReference(gather(GatherMode::kND, 0, 1), {&data, &bidx});
    auto expected = HostTensor::make(DataType::kFLOAT, {2, 5, 4});
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t m = 0; m < 5; ++m)
            for (int64_t c = 0; c < 4; ++c)
                copyElem(expected, (b * 5 + m) * 4 + c, data, (b * 3 + wrap(bidx.intAt(b * 5 + m), 3)) * 4 + c);
    EXPECT_TRUE(sameBytes(bout[0], expected));

    // Full tuples give scalars.
    auto full = test::intTensor(DataType::kINT32, {1, 3}, {1, 1, 3});
    auto fout = cpu::evaluateReference(gather(GatherMode::kND, 0), {&data, &full});
    ASSERT_EQ(fout[0].dims, (std::vector<int64_t>{1}));
    EXPECT_EQ(fout[0].floatAt(0), data.floatAt((1 * 3 + 1) * 4 + 3));
}

TEST(Gather, OutOfRangeIndicesAreErrors) {
    auto data = randomOf(DataType::kFLOAT, {3, 4});
    auto big = test::intTensor(DataType::kINT32, {2}, {0, 4});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kDEFAULT, 1), {&data, &big}), "index 4");
    auto low = test::intTensor(DataType::kINT64, {1}, {-4});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kDEFAULT, 0), {&data, &low}), "index -4");
    auto el = test::intTensor(DataType::kINT64, {1, 1}, {7});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kELEMENT, 1), {&data, &el}), "index 7");
    auto nd = test::intTensor(DataType::kINT64, {1, 2}, {2, 4});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kND, 0), {&data, &nd}), "index 4");
}

TEST(Gather, ShapeErrors) {
    auto data = randomOf(DataType::kFLOAT, {3, 4});
    auto idx = test::intTensor(DataType::kINT32, {1}, {0});
    auto fidx = test::tensorFrom({1}, {0.f});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kDEFAULT, 2), {&data, &idx}), "axis 2");
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kDEFAULT, 0), {&data, &fidx}), "int32 or int64");
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kELEMENT, 0), {&data, &idx}), "rank");
    auto wide = test::intTensor(DataType::kINT32, {1, 5}, {0, 0, 0, 0, 0});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kELEMENT, 0), {&data, &wide}), "exceeds");
    auto tuple3 = test::intTensor(DataType::kINT32, {1, 3}, {0, 0, 0});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kND, 0), {&data, &tuple3}), "does not fit");
    auto batch = test::intTensor(DataType::kINT32, {2, 1}, {0, 0});
    EXPECT_ERROR_HAS(cpu::evaluateReference(gather(GatherMode::kDEFAULT, 1, 1), {&data, &batch}), "differs");
}

TEST(Gather, ShapeThenGatherFoldsSymbolically) {
    ir::ShapeOp shapeOp;
    auto x = infoOf(DataType::kFLOAT, {s0, DimExpr(3)});
    auto shape = infer(shapeOp, {&x});
    auto idx = test::intTensor(DataType::kINT64, {1}, {0});
    auto first = ir::constantInfo(idx);  // keeps a pointer to idx
    auto out = infer(gather(GatherMode::kDEFAULT, 0), {&shape[0], &first});
    ASSERT_TRUE(out[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*out[0].value, {s0}));
    EXPECT_TRUE(ir::shapesEqual(out[0].shape, {DimExpr(1)}));

    auto rev = test::intTensor(DataType::kINT32, {2}, {-1, 0});
    auto revInfo = ir::constantInfo(rev);
    auto out2 = infer(gather(GatherMode::kDEFAULT, 0), {&shape[0], &revInfo});
    ASSERT_TRUE(out2[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*out2[0].value, {DimExpr(3), s0}));

    auto scalar = test::intTensor(DataType::kINT64, {}, {1});
    auto scalarInfo = ir::constantInfo(scalar);
    auto out3 = infer(gather(GatherMode::kDEFAULT, 0), {&shape[0], &scalarInfo});
    EXPECT_TRUE(out3[0].shape.empty());
    ASSERT_TRUE(out3[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*out3[0].value, {DimExpr(3)}));

    // Symbolic data dims flow into the output shape.
    auto data = infoOf(DataType::kFLOAT, {s0, s1, DimExpr(2)});
    auto idxInfo = infoOf(DataType::kINT32, {DimExpr(5), s0});
    EXPECT_TRUE(ir::shapesEqual(infer(gather(GatherMode::kDEFAULT, 1), {&data, &idxInfo})[0].shape,
                                {s0, DimExpr(5), s0, DimExpr(2)}));
}

TEST(Scatter, ElementEveryTypeBothAxes) {
    for (DataType type : kAllTypes) {
        for (int64_t axis : {0, -1}) {
            auto data = randomOf(type, {4, 5});
            const int64_t dim = axis == 0 ? 4 : 5;
            auto idx = randomIndices(DataType::kINT64, {3, 4}, dim);
            auto upd = randomOf(type, {3, 4});
            auto out = cpu::evaluateReference(scatter(ScatterMode::kELEMENT, axis), {&data, &idx, &upd});
            HostTensor expected = HostTensor::make(type, {4, 5});
            std::memcpy(expected.data(), data.data(), data.bytes());
            for (int64_t i = 0; i < 3; ++i)
                for (int64_t j = 0; j < 4; ++j) {
                    int64_t k = wrap(idx.intAt(i * 4 + j), dim);
                    copyElem(expected, axis == 0 ? k * 5 + j : i * 5 + k, upd, i * 4 + j);
                }
            EXPECT_TRUE(sameBytes(out[0], expected)) << dataTypeName(type) << " axis " << axis;
        }
    }
}

TEST(Scatter, NdSlicesAndElements) {
    auto data = randomOf(DataType::kHALF, {4, 3, 2});
    auto idx = test::intTensor(DataType::kINT32, {2, 1}, {3, -4});
    auto upd = randomOf(DataType::kHALF, {2, 3, 2});
    auto out = cpu::evaluateReference(scatter(ScatterMode::kND), {&data, &idx, &upd});
    HostTensor expected = HostTensor::make(DataType::kHALF, {4, 3, 2});
    std::memcpy(expected.data(), data.data(), data.bytes());
    for (int64_t e = 0; e < 6; ++e) {
        copyElem(expected, 3 * 6 + e, upd, e);
        copyElem(expected, 0 * 6 + e, upd, 6 + e);
    }
    EXPECT_TRUE(sameBytes(out[0], expected));

    auto full = test::intTensor(DataType::kINT64, {2, 3}, {1, 2, 1, 0, 0, 0});
    auto vals = randomOf(DataType::kHALF, {2});
    auto out2 = cpu::evaluateReference(scatter(ScatterMode::kND), {&data, &full, &vals});
    std::memcpy(expected.data(), data.data(), data.bytes());
    copyElem(expected, (1 * 3 + 2) * 2 + 1, vals, 0);
    copyElem(expected, 0, vals, 1);
    EXPECT_TRUE(sameBytes(out2[0], expected));
}

//! The naive oracle of a reduction, in double (exact for the small integers used below).
double reduceNaive(ScatterReduction r, double x, double y) {
    switch (r) {
        case ScatterReduction::kSUM: return x + y;
        case ScatterReduction::kPROD: return x * y;
        case ScatterReduction::kMAX: return std::max(x, y);
        case ScatterReduction::kMIN: return std::min(x, y);
        default: return y;
    }
}

TEST(Scatter, ReductionsHandValues) {
    // ONNX's ScatterElements example with duplicate indices: data [1,2,3,4,5], indices [1,1], updates [1.1,2.1].
    auto data = test::tensorFrom({1, 5}, {1, 2, 3, 4, 5});
    auto idx = test::intTensor(DataType::kINT64, {1, 2}, {1, 1});
    auto upd = test::tensorFrom({1, 2}, {1.1f, 2.1f});
    const std::pair<ScatterReduction, float> cases[] = {{ScatterReduction::kSUM, 2 + 1.1f + 2.1f},
                                                        {ScatterReduction::kPROD, 2 * 1.1f * 2.1f},
                                                        {ScatterReduction::kMAX, 2.1f},
                                                        {ScatterReduction::kMIN, 1.1f}};
    for (auto [r, v] : cases) {
        ir::ScatterOp op = scatter(ScatterMode::kELEMENT, 1);
        op.reduction = r;
        auto out = cpu::evaluateReference(op, {&data, &idx, &upd});
        EXPECT_TRUE(test::allClose(out[0], test::tensorFrom({1, 5}, {1, v, 3, 4, 5}), 1e-6, 1e-6)) << int(r);
    }
    // ScatterND with repeated slices: data [4,2] int32, rows 1 and 1 again, then row -1.
    auto nd = test::intTensor(DataType::kINT32, {4, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    auto rows = test::intTensor(DataType::kINT64, {3, 1}, {1, 1, -1});
    auto vals = test::intTensor(DataType::kINT32, {3, 2}, {10, -1, 20, 7, 2, 2});
    ir::ScatterOp op = scatter(ScatterMode::kND);
    op.reduction = ScatterReduction::kSUM;
    EXPECT_TRUE(sameBytes(cpu::evaluateReference(op, {&nd, &rows, &vals})[0],
                          test::intTensor(DataType::kINT32, {4, 2}, {1, 2, 33, 10, 5, 6, 9, 10})));
    op.reduction = ScatterReduction::kMIN;
    EXPECT_TRUE(sameBytes(cpu::evaluateReference(op, {&nd, &rows, &vals})[0],
                          test::intTensor(DataType::kINT32, {4, 2}, {1, 2, 3, -1, 5, 6, 2, 2})));
}

TEST(Scatter, ReductionsRandomAgainstNaive) {
    for (DataType type : {DataType::kFLOAT, DataType::kINT64, DataType::kDOUBLE}) {
        for (ScatterReduction r : {ScatterReduction::kSUM, ScatterReduction::kPROD, ScatterReduction::kMAX,
                                   ScatterReduction::kMIN}) {
            // Small values: products of a few stay well inside float's precision.
            auto data = test::randomTensor(type, {3, 5}, -3, 4);
            auto idx = randomIndices(DataType::kINT64, {3, 4}, 5);  // duplicates are likely
            auto upd = test::randomTensor(type, {3, 4}, -3, 4);
            ir::ScatterOp op = scatter(ScatterMode::kELEMENT, -1);
            op.reduction = r;
            auto out = cpu::evaluateReference(op, {&data, &idx, &upd})[0];
            std::vector<double> expected(15);
            for (int64_t i = 0; i < 15; ++i) expected[i] = data.floatAt(i);
            for (int64_t i = 0; i < 3; ++i)
                for (int64_t j = 0; j < 4; ++j) {
                    double& e = expected[i * 5 + wrap(idx.intAt(i * 4 + j), 5)];
                    e = reduceNaive(r, e, upd.floatAt(i * 4 + j));
                }
            for (int64_t i = 0; i < 15; ++i)
                EXPECT_NEAR(out.floatAt(i), expected[i], 1e-5 * std::max(1.0, std::fabs(expected[i])))
                    << dataTypeName(type) << " reduction " << int(r);
        }
    }
    auto flags = test::intTensor(DataType::kINT64, {1}, {0});
    ir::HostTensor b = HostTensor::make(DataType::kBOOL, {2});
    ir::HostTensor bu = HostTensor::make(DataType::kBOOL, {1});
    ir::ScatterOp op = scatter(ScatterMode::kELEMENT, 0);
    op.reduction = ScatterReduction::kMAX;
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&b, &flags, &bu}), "bool");
}

TEST(Scatter, Errors) {
    auto data = randomOf(DataType::kFLOAT, {3, 4});
    auto idx = test::intTensor(DataType::kINT32, {1, 2}, {0, 3});
    auto upd = randomOf(DataType::kFLOAT, {1, 2});
    EXPECT_ERROR_HAS(cpu::evaluateReference(scatter(ScatterMode::kELEMENT, 0), {&data, &idx, &upd}), "index 3");
    auto nd = test::intTensor(DataType::kINT64, {1, 2}, {-4, 0});
    auto one = randomOf(DataType::kFLOAT, {1});
    EXPECT_ERROR_HAS(cpu::evaluateReference(scatter(ScatterMode::kND), {&data, &nd, &one}), "index -4");
    auto badUpd = randomOf(DataType::kFLOAT, {2, 2});
    EXPECT_ERROR_HAS(cpu::evaluateReference(scatter(ScatterMode::kELEMENT, 1), {&data, &idx, &badUpd}), "updates");
    auto intUpd = randomOf(DataType::kINT32, {1, 2});
    EXPECT_ERROR_HAS(cpu::evaluateReference(scatter(ScatterMode::kELEMENT, 1), {&data, &idx, &intUpd}), "type");
    EXPECT_ERROR_HAS(cpu::evaluateReference(scatter(ScatterMode::kND), {&data, &nd, &badUpd}), "[1]");

    // Symbolic shapes: the output is the data's.
    auto sdata = infoOf(DataType::kFLOAT, {s0, DimExpr(4)});
    auto sidx = infoOf(DataType::kINT64, {s1, DimExpr(1)});
    auto supd = infoOf(DataType::kFLOAT, {s1, DimExpr(4)});
    EXPECT_TRUE(ir::shapesEqual(infer(scatter(ScatterMode::kND), {&sdata, &sidx, &supd})[0].shape, {s0, DimExpr(4)}));
}

}  // namespace
}  // namespace kiln
