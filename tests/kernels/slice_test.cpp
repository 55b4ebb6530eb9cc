// Slice: every sample mode by hand, random slices of every type against a naive loop, parameters
// from inputs and axes, symbolic sizes and shape values, and the errors.
#include "ir/ops/slice.h"

#include <algorithm>

#include "kernels/data_movement_test_util.h"

namespace kiln {
namespace {

using namespace dmtest;  // NOLINT

ir::SliceOp slice(std::vector<int64_t> start, std::vector<int64_t> size, std::vector<int64_t> stride,
                  SampleMode mode = SampleMode::kSTRICT_BOUNDS) {
    ir::SliceOp op;
    op.start = std::move(start);
    op.size = std::move(size);
    op.stride = std::move(stride);
    op.mode = mode;
    return op;
}

std::vector<int64_t> values(const HostTensor& t) {
    std::vector<int64_t> v;
    for (int64_t i = 0; i < t.numel(); ++i) v.push_back(t.intAt(i));
    return v;
}

HostTensor iota(DataType type, int64_t n) {
    std::vector<int64_t> v(n);
    for (int64_t i = 0; i < n; ++i) v[i] = i;
    return test::intTensor(type, {n}, v);
}

//! The test's own sample rule, written from TensorRT's description of each mode.
int64_t naiveSample(SampleMode mode, int64_t c, int64_t dim) {
    if (c >= 0 && c < dim) return c;
    if (mode == SampleMode::kWRAP) {
        while (c < 0) c += dim;
        return c % dim;
    }
    if (mode == SampleMode::kCLAMP) return c < 0 ? 0 : dim - 1;
    if (mode == SampleMode::kREFLECT) {
        if (dim == 1) return 0;
        // Bounce between 0 and dim-1 one step at a time.
        int64_t pos = 0, dir = c < 0 ? -1 : 1;
        for (int64_t steps = c < 0 ? -c : c; steps > 0; --steps) {
            if (pos + dir < 0 || pos + dir >= dim) dir = -dir;
            pos += dir;
        }
        return pos;
    }
    return -1;  // fill
}

TEST(Slice, EachModeByHand) {
    auto x = iota(DataType::kINT32, 5);
    auto run = [&](SampleMode mode, int64_t start, int64_t size, int64_t stride) {
        auto op = slice({start}, {size}, {stride}, mode);
        return values(cpu::evaluateReference(op, {&x})[0]);
    };
    EXPECT_EQ(run(SampleMode::kSTRICT_BOUNDS, 1, 2, 2), (std::vector<int64_t>{1, 3}));
    EXPECT_EQ(run(SampleMode::kSTRICT_BOUNDS, 4, 5, -1), (std::vector<int64_t>{4, 3, 2, 1, 0}));
    EXPECT_EQ(run(SampleMode::kWRAP, -2, 7, 1), (std::vector<int64_t>{3, 4, 0, 1, 2, 3, 4}));
    EXPECT_EQ(run(SampleMode::kCLAMP, -2, 4, 2), (std::vector<int64_t>{0, 0, 2, 4}));
    EXPECT_EQ(run(SampleMode::kCLAMP, 6, 3, -3), (std::vector<int64_t>{4, 3, 0}));
    EXPECT_EQ(run(SampleMode::kREFLECT, -3, 10, 1), (std::vector<int64_t>{3, 2, 1, 0, 1, 2, 3, 4, 3, 2}));
    EXPECT_EQ(run(SampleMode::kFILL, 3, 4, 1), (std::vector<int64_t>{3, 4, 0, 0}));

    auto op = slice({-1}, {4}, {2}, SampleMode::kFILL);
    auto fill = test::intTensor(DataType::kINT32, {}, {9});
    auto out = cpu::evaluateReference(op, {&x, nullptr, nullptr, nullptr, &fill});
    EXPECT_EQ(values(out[0]), (std::vector<int64_t>{9, 1, 3, 9}));
}

TEST(Slice, RandomSlicesEveryTypeAndMode) {
    const SampleMode modes[] = {SampleMode::kSTRICT_BOUNDS, SampleMode::kWRAP, SampleMode::kCLAMP, SampleMode::kFILL,
                                SampleMode::kREFLECT};
    std::uniform_int_distribution<int64_t> pick(-6, 6);
    for (DataType type : kAllTypes) {
        for (SampleMode mode : modes) {
            auto x = randomOf(type, {3, 1, 5});
            std::vector<int64_t> start(3), size(3), stride(3);
            for (int d = 0; d < 3; ++d) {
                const int64_t dim = x.dims[d];
                stride[d] = pick(test::rng());
                if (stride[d] == 0) stride[d] = 1;
                if (mode == SampleMode::kSTRICT_BOUNDS) {
                    // Stay in bounds: start anywhere, as many steps as fit.
                    start[d] = std::uniform_int_distribution<int64_t>(0, dim - 1)(test::rng());
                    int64_t room = stride[d] > 0 ? (dim - 1 - start[d]) / stride[d] : start[d] / -stride[d];
                    size[d] = 1 + room;
                } else {
                    start[d] = pick(test::rng());
                    size[d] = std::uniform_int_distribution<int64_t>(0, 6)(test::rng());
                }
            }
            auto op = slice(start, size, stride, mode);
            auto out = cpu::evaluateReference(op, {&x});
            auto expected = HostTensor::make(type, size);
            std::memset(expected.data(), 0, expected.bytes());
            for (int64_t i = 0; i < size[0]; ++i)
                for (int64_t j = 0; j < size[1]; ++j)
                    for (int64_t k = 0; k < size[2]; ++k) {
                        int64_t a = naiveSample(mode, start[0] + i * stride[0], 3);
                        int64_t b = naiveSample(mode, start[1] + j * stride[1], 1);
                        int64_t c = naiveSample(mode, start[2] + k * stride[2], 5);
                        if (a < 0 || b < 0 || c < 0) continue;  // fill: zero
                        copyElem(expected, (i * size[1] + j) * size[2] + k, x, (a * 1 + b) * 5 + c);
                    }
            EXPECT_TRUE(sameBytes(out[0], expected))
                << dataTypeName(type) << " mode " << static_cast<int>(mode) << " start " << ir::dimsToString(start)
                << " size " << ir::dimsToString(size) << " stride " << ir::dimsToString(stride);
        }
    }
}

TEST(Slice, HalfFillValue) {
    auto x = randomOf(DataType::kHALF, {2, 3});
    auto fill = test::randomTensor(DataType::kHALF, {1});
    auto op = slice({1, -1}, {2, 3}, {1, 1}, SampleMode::kFILL);
    auto out = cpu::evaluateReference(op, {&x, nullptr, nullptr, nullptr, &fill});
    auto expected = HostTensor::make(DataType::kHALF, {2, 3});
    copyElem(expected, 0, fill, 0);
    copyElem(expected, 1, x, 3);
    copyElem(expected, 2, x, 4);
    for (int64_t i = 3; i < 6; ++i) copyElem(expected, i, fill, 0);
    EXPECT_TRUE(sameBytes(out[0], expected));
}

TEST(Slice, ParametersFromInputsAndAxes) {
    auto x = randomOf(DataType::kFLOAT, {3, 4, 5});
    ir::SliceOp op;
    auto start = test::intTensor(DataType::kINT32, {1}, {4});
    auto size = test::intTensor(DataType::kINT64, {1}, {2});
    auto stride = test::intTensor(DataType::kINT32, {1}, {-3});
    auto axes = test::intTensor(DataType::kINT64, {1}, {-1});
    auto out = cpu::evaluateReference(op, {&x, &start, &size, &stride, nullptr, &axes});
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{3, 4, 2}));
    auto expected = HostTensor::make(DataType::kFLOAT, {3, 4, 2});
    for (int64_t i = 0; i < 12; ++i) {
        copyElem(expected, i * 2, x, i * 5 + 4);
        copyElem(expected, i * 2 + 1, x, i * 5 + 1);
    }
    EXPECT_TRUE(sameBytes(out[0], expected));

    // Attributes over the listed axes only.
    auto op2 = slice({1, 0}, {1, 2}, {1, 2});
    auto axes2 = test::intTensor(DataType::kINT32, {2}, {2, 0});
    auto out2 = cpu::evaluateReference(op2, {&x, nullptr, nullptr, nullptr, nullptr, &axes2});
    ASSERT_EQ(out2[0].dims, (std::vector<int64_t>{2, 4, 1}));
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(out2[0].floatAt(i * 4 + j), x.floatAt((i * 2 * 4 + j) * 5 + 1));
}

TEST(Slice, EmptyAndScalar) {
    auto x = randomOf(DataType::kINT64, {0, 4});
    auto out = cpu::evaluateReference(slice({0, 1}, {0, 2}, {1, 1}), {&x});
    EXPECT_EQ(out[0].dims, (std::vector<int64_t>{0, 2}));
    auto fillFromEmpty = cpu::evaluateReference(slice({0, 0}, {2, 1}, {1, 1}, SampleMode::kFILL), {&x});
    EXPECT_EQ(values(fillFromEmpty[0]), (std::vector<int64_t>{0, 0}));
    EXPECT_ERROR_HAS(cpu::evaluateReference(slice({0, 0}, {2, 1}, {1, 1}, SampleMode::kWRAP), {&x}), "size 0");
    auto s = randomOf(DataType::kFLOAT, {});
    EXPECT_TRUE(sameBytes(cpu::evaluateReference(slice({}, {}, {}), {&s})[0], s));
}

TEST(Slice, StrictBoundsIsAnError) {
    auto x = iota(DataType::kINT32, 5);
    EXPECT_ERROR_HAS(cpu::evaluateReference(slice({3}, {3}, {1}), {&x}), "out of bounds");
    EXPECT_ERROR_HAS(cpu::evaluateReference(slice({-1}, {1}, {1}), {&x}), "out of bounds");

    // The kernel checks too (start is a run-time input there): call the tactic directly.
    ir::SliceOp op = slice({}, {3}, {}, SampleMode::kSTRICT_BOUNDS);
    auto start = test::intTensor(DataType::kINT64, {1}, {4});
    auto out = HostTensor::make(DataType::kINT32, {3});
    cpu::KernelArgs args;
    args.op = &op;
    args.inputs = {ir::viewOf(x), ir::viewOf(start)};
    args.outputs = {ir::viewOf(out)};
    const cpu::Tactic* t = cpu::findTactic("Slice", "reference");
    ASSERT_NE(t, nullptr);
    EXPECT_ERROR_HAS(t->run(args), "out of bounds for axis 0 of size 5");
}

TEST(Slice, Errors) {
    auto x = randomOf(DataType::kFLOAT, {2, 3});
    EXPECT_ERROR_HAS(cpu::evaluateReference(slice({0}, {1}, {1}), {&x}), "expected 2");
    EXPECT_ERROR_HAS(cpu::evaluateReference(slice({0, 0}, {1, 1}, {1, 0}), {&x}), "has a 0");
    EXPECT_ERROR_HAS(cpu::evaluateReference(slice({0, 0}, {1, -1}, {1, 1}), {&x}), "negative");
    auto axes = test::intTensor(DataType::kINT32, {2}, {1, -1});
    EXPECT_ERROR_HAS(
        cpu::evaluateReference(slice({0, 0}, {1, 1}, {1, 1}), {&x, nullptr, nullptr, nullptr, nullptr, &axes}),
        "twice");
    auto fill = test::intTensor(DataType::kINT32, {}, {1});
    EXPECT_ERROR_HAS(cpu::evaluateReference(slice({0, 0}, {1, 1}, {1, 1}, SampleMode::kFILL),
                                            {&x, nullptr, nullptr, nullptr, &fill}),
                     "fill value type");
}

TEST(Slice, SymbolicSizeAndShapeValues) {
    // Size from a shape input whose value is symbolic.
    ir::SliceOp op;
    op.start = {0, 1};
    op.stride = {1, 1};
    auto in = infoOf(DataType::kFLOAT, {s0, DimExpr(8)});
    auto size = infoOf(DataType::kINT64, {DimExpr(2)}, std::vector<DimExpr>{s0, s1 - DimExpr(1)});
    auto out = infer(op, {&in, nullptr, &size});
    EXPECT_TRUE(ir::shapesEqual(out[0].shape, {s0, s1 - DimExpr(1)})) << ir::toString(out[0].shape);

    // The Shape -> Slice pattern: values [s0, s1, 7] sliced [1:3] and reversed.
    auto shapeValue = infoOf(DataType::kINT64, {DimExpr(3)}, std::vector<DimExpr>{s0, s1, DimExpr(7)});
    auto tail = infer(slice({1}, {2}, {1}), {&shapeValue});
    ASSERT_TRUE(tail[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*tail[0].value, {s1, DimExpr(7)}));
    auto reversed = infer(slice({2}, {3}, {-1}), {&shapeValue});
    ASSERT_TRUE(reversed[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*reversed[0].value, {DimExpr(7), s1, s0}));
    auto wrapped = infer(slice({-1}, {2}, {1}, SampleMode::kWRAP), {&shapeValue});
    ASSERT_TRUE(wrapped[0].value.has_value());
    EXPECT_TRUE(ir::shapesEqual(*wrapped[0].value, {DimExpr(7), s0}));

    // Start as an input with an unknown value: the shape is still known, the value is not.
    auto startInfo = infoOf(DataType::kINT64, {DimExpr(1)});
    auto dyn = infer(slice({}, {2}, {1}), {&shapeValue, &startInfo});
    EXPECT_TRUE(ir::shapesEqual(dyn[0].shape, {DimExpr(2)}));
    EXPECT_FALSE(dyn[0].value.has_value());
}

}  // namespace
}  // namespace kiln
