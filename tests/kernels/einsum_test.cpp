// Einsum against explicit loops for the common equations, implicit output, diagonals, several
// operands, int types and the refused forms.
#include "ir/ops/einsum.h"

#include "backends/cpu/kernel.h"
#include "common/test_util.h"

namespace kiln {
namespace {

using ir::HostTensor;

std::vector<HostTensor> einsum(const std::string& eq, const std::vector<const HostTensor*>& in) {
    ir::EinsumOp op;
    op.equation = eq;
    return cpu::evaluateReference(op, in, "my_einsum");
}

TEST(Einsum, MatmulExplicitAndImplicit) {
    auto a = test::randomTensor(DataType::kFLOAT, {5, 7});
    auto b = test::randomTensor(DataType::kFLOAT, {7, 3});
    HostTensor expected = HostTensor::make(DataType::kFLOAT, {5, 3});
    for (int i = 0; i < 5; ++i)
        for (int k = 0; k < 3; ++k) {
            double s = 0;
            for (int j = 0; j < 7; ++j) s += a.as<float>()[i * 7 + j] * b.as<float>()[j * 3 + k];
            expected.as<float>()[i * 3 + k] = static_cast<float>(s);
        }
    EXPECT_TRUE(test::allClose(einsum("ij,jk->ik", {&a, &b})[0], expected));
    EXPECT_TRUE(test::allClose(einsum("ij, jk", {&a, &b})[0], expected));  // implicit: i,k alphabetically
    // Implicit output is alphabetical: "jk,ij" still gives [i,k].
    EXPECT_TRUE(test::allClose(einsum("jk,ij", {&b, &a})[0], expected));
}

TEST(Einsum, BatchedAttentionScores) {
    auto q = test::randomTensor(DataType::kFLOAT, {2, 3, 4, 5});
    auto k = test::randomTensor(DataType::kFLOAT, {2, 3, 6, 5});
    auto out = einsum("bhqd,bhkd->bhqk", {&q, &k});
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{2, 3, 4, 6}));
    for (int bh = 0; bh < 6; ++bh)
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 6; ++j) {
                double s = 0;
                for (int d = 0; d < 5; ++d)
                    s += q.as<float>()[(bh * 4 + i) * 5 + d] * k.as<float>()[(bh * 6 + j) * 5 + d];
                EXPECT_NEAR(out[0].as<float>()[(bh * 4 + i) * 6 + j], s, 1e-5);
            }
}

TEST(Einsum, TransposeTraceDiagonalSum) {
    auto x = test::randomTensor(DataType::kFLOAT, {4, 4});
    auto t = einsum("ij->ji", {&x})[0];
    auto tr = einsum("ii", {&x})[0];
    auto diag = einsum("ii->i", {&x})[0];
    auto all = einsum("ij->", {&x})[0];
    auto rows = einsum("ij->i", {&x})[0];
    EXPECT_TRUE(tr.dims.empty());
    double trace = 0, sum = 0;
    for (int i = 0; i < 4; ++i) {
        double r = 0;
        for (int j = 0; j < 4; ++j) {
            EXPECT_EQ(t.as<float>()[j * 4 + i], x.as<float>()[i * 4 + j]);
            sum += x.as<float>()[i * 4 + j];
            r += x.as<float>()[i * 4 + j];
        }
        EXPECT_NEAR(rows.as<float>()[i], r, 1e-5);
        trace += x.as<float>()[i * 5];
        EXPECT_EQ(diag.as<float>()[i], x.as<float>()[i * 5]);
    }
    EXPECT_NEAR(tr.as<float>()[0], trace, 1e-5);
    EXPECT_NEAR(all.as<float>()[0], sum, 1e-5);
}

TEST(Einsum, ThreeOperandsAndOuterProduct) {
    auto a = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto b = test::randomTensor(DataType::kFLOAT, {3, 4});
    auto c = test::randomTensor(DataType::kFLOAT, {4, 5});
    auto out = einsum("ij,jk,kl->il", {&a, &b, &c})[0];
    ASSERT_EQ(out.dims, (std::vector<int64_t>{2, 5}));
    for (int i = 0; i < 2; ++i)
        for (int l = 0; l < 5; ++l) {
            double s = 0;
            for (int j = 0; j < 3; ++j)
                for (int k = 0; k < 4; ++k)
                    s += a.as<float>()[i * 3 + j] * b.as<float>()[j * 4 + k] * c.as<float>()[k * 5 + l];
            EXPECT_NEAR(out.as<float>()[i * 5 + l], s, 1e-5);
        }
    auto u = test::randomTensor(DataType::kFLOAT, {3});
    auto v = test::randomTensor(DataType::kFLOAT, {4});
    auto outer = einsum("i,j->ij", {&u, &v})[0];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) EXPECT_FLOAT_EQ(outer.as<float>()[i * 4 + j], u.as<float>()[i] * v.as<float>()[j]);
}

TEST(Einsum, DiagonalAcrossOperandAndIntTypes) {
    // "iij,j->i": diagonal of a 3-D operand contracted with a vector, in int32 and int64.
    for (DataType t : {DataType::kINT32, DataType::kINT64}) {
        auto x = test::randomTensor(t, {3, 3, 2}, -10, 10);
        auto y = test::randomTensor(t, {2}, -10, 10);
        auto out = einsum("iij,j->i", {&x, &y})[0];
        ASSERT_EQ(out.type, t);
        for (int i = 0; i < 3; ++i) {
            int64_t s = 0;
            for (int j = 0; j < 2; ++j) s += x.intAt((i * 3 + i) * 2 + j) * y.intAt(j);
            EXPECT_EQ(out.intAt(i), s);
        }
    }
}

TEST(Einsum, Float16AndEmptyContraction) {
    auto a = test::randomTensor(DataType::kHALF, {3, 4});
    auto b = test::randomTensor(DataType::kHALF, {4});
    auto out = einsum("ij,j->i", {&a, &b})[0];
    for (int i = 0; i < 3; ++i) {
        double s = 0;
        for (int j = 0; j < 4; ++j) s += a.floatAt(i * 4 + j) * b.floatAt(j);
        EXPECT_NEAR(out.floatAt(i), s, 3e-3);
    }
    auto e0 = test::randomTensor(DataType::kFLOAT, {2, 0});
    auto e1 = test::randomTensor(DataType::kFLOAT, {0, 3});
    auto z = einsum("ij,jk->ik", {&e0, &e1})[0];
    ASSERT_EQ(z.dims, (std::vector<int64_t>{2, 3}));
    for (int i = 0; i < 6; ++i) EXPECT_EQ(z.floatAt(i), 0.0);
}

TEST(Einsum, RefusedEquations) {
    auto a = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto b = test::randomTensor(DataType::kFLOAT, {4, 5});
    EXPECT_THROW(einsum("...ij->ij", {&a}), KilnError);
    EXPECT_THROW(einsum("iJ->i", {&a}), KilnError);
    EXPECT_THROW(einsum("ij,jk->ik", {&a}), KilnError);      // operand count
    EXPECT_THROW(einsum("ijk->i", {&a}), KilnError);         // rank
    EXPECT_THROW(einsum("ij,jk->ik", {&a, &b}), KilnError);  // j: 3 vs 4
    EXPECT_THROW(einsum("ij->iz", {&a}), KilnError);         // unknown output label
    EXPECT_THROW(einsum("ij->ii", {&a}), KilnError);         // repeated output label
    try {
        einsum("ij,jk->ik", {&a, &b});
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("my_einsum"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace kiln
