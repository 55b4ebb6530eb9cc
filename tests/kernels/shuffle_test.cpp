// Shuffle: transpose -> reshape -> transpose, against naive index loops, for every type; symbolic
// reshape inference ([s0,s1,4] -> [0,-1] gives [s0, s1*4]); the errors.
#include "ir/ops/shuffle.h"

#include <algorithm>
#include <random>

#include "kernels/data_movement_test_util.h"

namespace kiln {
namespace {

using namespace dmtest;  // NOLINT

ir::ShuffleOp shuffle(std::vector<int64_t> first, std::optional<std::vector<int64_t>> reshape,
                      std::vector<int64_t> second) {
    ir::ShuffleOp op;
    op.firstTranspose = std::move(first);
    op.hasReshape = reshape.has_value();
    if (reshape) op.reshapeDims = *reshape;
    op.secondTranspose = std::move(second);
    return op;
}

TEST(Shuffle, TransposeReshapeTransposeEveryType) {
    // x [2,3,4,5] -> t1 = perm [2,0,3,1] -> [4,2,5,3] -> reshape [0,-1,3] = [4,10,3] -> perm [2,0,1] -> [3,4,10].
    auto op = shuffle({2, 0, 3, 1}, std::vector<int64_t>{0, -1, 3}, {2, 0, 1});
    for (DataType type : kAllTypes) {
        auto x = randomOf(type, {2, 3, 4, 5});
        auto out = cpu::evaluateReference(op, {&x});
        ASSERT_EQ(out.size(), 1u);
        auto expected = HostTensor::make(type, {3, 4, 10});
        for (int64_t a = 0; a < 3; ++a)
            for (int64_t b = 0; b < 4; ++b)
                for (int64_t c = 0; c < 10; ++c) {
                    // out[a,b,c] = r[b,c,a]; r flat = t1 flat; t1[i0,i1,i2,i3] = x[i1,i3,i0,i2].
                    int64_t flat = (b * 10 + c) * 3 + a;
                    int64_t i3 = flat % 3, i2 = flat / 3 % 5, i1 = flat / 15 % 2, i0 = flat / 30;
                    copyElem(expected, (a * 4 + b) * 10 + c, x, ((i1 * 3 + i3) * 4 + i0) * 5 + i2);
                }
        EXPECT_TRUE(sameBytes(out[0], expected)) << dataTypeName(type);
    }
}

TEST(Shuffle, RandomTransposeOddShapesHalf) {
    auto op = shuffle({3, 1, 0, 2}, std::nullopt, {});
    auto x = randomOf(DataType::kHALF, {3, 1, 7, 2});
    auto out = cpu::evaluateReference(op, {&x});
    auto expected = HostTensor::make(DataType::kHALF, {2, 1, 3, 7});
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t k = 0; k < 3; ++k)
            for (int64_t l = 0; l < 7; ++l) copyElem(expected, (i * 3 + k) * 7 + l, x, (k * 7 + l) * 2 + i);
    EXPECT_TRUE(sameBytes(out[0], expected));
}

// The copy merges source-contiguous dims and drops size-1 dims: random ranks 1-6, dims of 1-5
// (many 1s), random permutations, every element size, against the naive index formula.
TEST(Shuffle, RandomPermutationsMatchNaiveIndexing) {
    std::mt19937 rng(std::random_device{}());
    for (int trial = 0; trial < 200; ++trial) {
        const int rank = 1 + int(rng() % 6);
        std::vector<int64_t> dims(rank), perm(rank);
        for (int i = 0; i < rank; ++i) dims[i] = (rng() % 3 == 0) ? 1 : 1 + int64_t(rng() % 5), perm[i] = i;
        std::shuffle(perm.begin(), perm.end(), rng);
        const DataType type = kAllTypes[rng() % kAllTypes.size()];
        auto x = randomOf(type, dims);
        auto out = cpu::evaluateReference(shuffle(perm, std::nullopt, {}), {&x});
        std::vector<int64_t> outDims(rank), srcStrides(rank, 1);
        for (int i = rank - 2; i >= 0; --i) srcStrides[i] = srcStrides[i + 1] * dims[i + 1];
        for (int i = 0; i < rank; ++i) outDims[i] = dims[perm[i]];
        auto expected = HostTensor::make(type, outDims);
        for (int64_t flat = 0; flat < expected.numel(); ++flat) {
            int64_t rest = flat, src = 0;
            for (int i = rank - 1; i >= 0; --i) src += rest % outDims[i] * srcStrides[perm[i]], rest /= outDims[i];
            copyElem(expected, flat, x, src);
        }
        ASSERT_TRUE(sameBytes(out[0], expected))
            << dataTypeName(type) << " dims " << ir::dimsToString(dims) << " perm " << ir::dimsToString(perm);
    }
}

TEST(Shuffle, SecondTransposeOnlyAndIdentity) {
    auto x = randomOf(DataType::kINT32, {6, 5});
    auto op = shuffle({}, std::vector<int64_t>{2, 3, 5}, {1, 2, 0});
    auto out = cpu::evaluateReference(op, {&x});
    auto expected = HostTensor::make(DataType::kINT32, {3, 5, 2});
    for (int64_t a = 0; a < 3; ++a)
        for (int64_t b = 0; b < 5; ++b)
            for (int64_t c = 0; c < 2; ++c) copyElem(expected, (a * 5 + b) * 2 + c, x, (c * 3 + a) * 5 + b);
    EXPECT_TRUE(sameBytes(out[0], expected));

    auto id = shuffle({0, 1}, std::nullopt, {});
    EXPECT_TRUE(sameBytes(cpu::evaluateReference(id, {&x})[0], x));
}

TEST(Shuffle, EmptyAndScalar) {
    auto x = randomOf(DataType::kFLOAT, {0, 3});
    auto out = cpu::evaluateReference(shuffle({1, 0}, std::nullopt, {}), {&x});
    EXPECT_EQ(out[0].dims, (std::vector<int64_t>{3, 0}));
    auto toEmpty = cpu::evaluateReference(shuffle({}, std::vector<int64_t>{3, -1, 3}, {}), {&x});
    EXPECT_EQ(toEmpty[0].dims, (std::vector<int64_t>{3, 0, 3}));

    auto s = randomOf(DataType::kFLOAT, {});
    auto one = cpu::evaluateReference(shuffle({}, std::vector<int64_t>{1, 1}, {}), {&s});
    EXPECT_EQ(one[0].dims, (std::vector<int64_t>{1, 1}));
    EXPECT_EQ(one[0].floatAt(0), s.floatAt(0));
    auto back = cpu::evaluateReference(shuffle({}, std::vector<int64_t>{}, {}), {&one[0]});
    EXPECT_TRUE(sameBytes(back[0], s));
}

TEST(Shuffle, ReshapeDimsFromInputTensor) {
    ir::ShuffleOp op;  // no hasReshape: input 1 alone makes it a reshape
    auto x = randomOf(DataType::kBF16, {4, 6});
    auto dims = test::intTensor(DataType::kINT64, {3}, {2, -1, 3});
    auto out = cpu::evaluateReference(op, {&x, &dims});
    EXPECT_EQ(out[0].dims, (std::vector<int64_t>{2, 4, 3}));
    EXPECT_EQ(std::memcmp(out[0].data(), x.data(), x.bytes()), 0);
}

TEST(Shuffle, ZeroIsLiteralWithoutPlaceholder) {
    auto op = shuffle({}, std::vector<int64_t>{3, 0}, {});
    auto x = randomOf(DataType::kFLOAT, {0, 3});
    op.zeroIsPlaceholder = false;
    EXPECT_EQ(cpu::evaluateReference(op, {&x})[0].dims, (std::vector<int64_t>{3, 0}));
    op.zeroIsPlaceholder = true;  // 0 copies dim 1 (3): [3,3] has volume 9, not 0
    EXPECT_ERROR_HAS(cpu::evaluateReference(op, {&x}), "[0,3]");
}

TEST(Shuffle, SymbolicReshapeInfersMinusOne) {
    auto op = shuffle({}, std::vector<int64_t>{0, -1}, {});
    auto in = infoOf(DataType::kFLOAT, {s0, s1, DimExpr(4)});
    auto out = infer(op, {&in});
    ASSERT_EQ(out[0].shape.size(), 2u);
    EXPECT_TRUE(out[0].shape[0].equals(s0)) << ir::toString(out[0].shape);
    EXPECT_TRUE(out[0].shape[1].equals(s1 * DimExpr(4))) << ir::toString(out[0].shape);

    // And back: [s0, s1*4] -> [0, s1, -1] gives [s0, s1, 4].
    auto back = shuffle({}, std::vector<int64_t>{}, {});
    auto mid = infoOf(DataType::kFLOAT, out[0].shape);
    auto dims = infoOf(DataType::kINT64, {DimExpr(3)}, std::vector<DimExpr>{DimExpr(0), s1, DimExpr(-1)});
    auto out2 = infer(back, {&mid, &dims});
    EXPECT_TRUE(ir::shapesEqual(out2[0].shape, {s0, s1, DimExpr(4)})) << ir::toString(out2[0].shape);
}

TEST(Shuffle, SymbolicMinusOneThatDoesNotCancel) {
    // [s0, 6] -> [4, -1]: (s0*6) // 4, which evaluates to 3 for s0 = 2.
    auto op = shuffle({1, 0}, std::vector<int64_t>{4, -1}, {1, 0});
    auto in = infoOf(DataType::kFLOAT, {s0, DimExpr(6)});
    auto out = infer(op, {&in});
    ASSERT_EQ(out[0].shape.size(), 2u);
    EXPECT_EQ(out[0].shape[1].value(), 4);
    EXPECT_EQ(out[0].shape[0].evaluate([](int32_t) { return int64_t{2}; }), 3);
}

TEST(Shuffle, SymbolicVolumeMismatchAfterCancelling) {
    auto op = shuffle({}, std::vector<int64_t>{0, 5}, {});
    auto in = infoOf(DataType::kFLOAT, {s0, DimExpr(4)});
    EXPECT_ERROR_HAS(infer(op, {&in}), "[s0,4]");
}

TEST(Shuffle, Errors) {
    auto x = randomOf(DataType::kFLOAT, {2, 3});
    std::string msg = errorOf([&] { cpu::evaluateReference(shuffle({}, std::vector<int64_t>{4, 2}, {}), {&x}); });
    EXPECT_NE(msg.find("[2,3]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[4,2]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("node"), std::string::npos) << msg;
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({}, std::vector<int64_t>{-1, -1}, {}), {&x}), "more than one -1");
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({0, 0}, std::nullopt, {}), {&x}), "permutation");
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({0, 2}, std::nullopt, {}), {&x}), "permutation");
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({0}, std::nullopt, {}), {&x}), "first transpose");
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({}, std::vector<int64_t>{6}, {1, 0}), {&x}), "second transpose");
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({}, std::vector<int64_t>{0, 0, 0}, {}), {&x}), "only 2");
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({}, std::vector<int64_t>{-2, -3}, {}), {&x}), "-2");
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({}, std::vector<int64_t>{4, -1}, {}), {&x}), "multiple of 4");
    auto e = randomOf(DataType::kFLOAT, {0, 3});
    EXPECT_ERROR_HAS(cpu::evaluateReference(shuffle({}, std::vector<int64_t>{0, -1}, {}), {&e}), "volume 0");
}

TEST(Shuffle, PropagatesShapeValuesOfOneDimensionalReshapes) {
    auto op = shuffle({}, std::vector<int64_t>{-1}, {});
    auto in = infoOf(DataType::kINT64, {DimExpr(1)}, std::vector<DimExpr>{s0});
    auto out = infer(op, {&in});
    ASSERT_TRUE(out[0].value.has_value());
    EXPECT_TRUE((*out[0].value)[0].equals(s0));

    auto toScalar = shuffle({}, std::vector<int64_t>{}, {});
    auto scalar = infer(toScalar, {&in});
    EXPECT_TRUE(scalar[0].shape.empty());
    ASSERT_TRUE(scalar[0].value.has_value());

    auto to2d = shuffle({}, std::vector<int64_t>{1, 1}, {});
    EXPECT_FALSE(infer(to2d, {&in})[0].value.has_value());
}

}  // namespace
}  // namespace kiln
