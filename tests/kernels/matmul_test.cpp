// MatrixMultiply: reference and openblas_gemm against a naive loop written here (explicit
// batch broadcasting and transposes), hand values, epilogues and shape errors.
#include <cmath>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "ir/ops/matrix_multiply.h"

namespace kiln {
namespace {

using ir::HostTensor;
using MO = MatrixOperation;

//! numpy-style matmul with TensorRT's ops, written with no shared code: expected output in float.
HostTensor naiveMatmul(const HostTensor& a, const HostTensor& b, MO opA, MO opB, const HostTensor* bias = nullptr,
                       int act = -1, double alpha = 0, double beta = 0) {
    const bool aVec = opA == MO::kVECTOR || a.dims.size() == 1;
    const bool bVec = opB == MO::kVECTOR || b.dims.size() == 1;
    std::vector<int64_t> aB(a.dims.begin(), a.dims.end() - (aVec ? 1 : 2));
    std::vector<int64_t> bB(b.dims.begin(), b.dims.end() - (bVec ? 1 : 2));
    size_t r = std::max(aB.size(), bB.size());
    while (aB.size() < r) aB.insert(aB.begin(), 1);
    while (bB.size() < r) bB.insert(bB.begin(), 1);
    std::vector<int64_t> outB(r);
    for (size_t i = 0; i < r; ++i) outB[i] = std::max(aB[i], bB[i]);
    const int64_t ar = a.dims.size(), br = b.dims.size();
    const int64_t m = aVec ? 1 : (opA == MO::kTRANSPOSE ? a.dims[ar - 1] : a.dims[ar - 2]);
    const int64_t k = aVec ? a.dims[ar - 1] : (opA == MO::kTRANSPOSE ? a.dims[ar - 2] : a.dims[ar - 1]);
    const int64_t n = bVec ? 1 : (opB == MO::kTRANSPOSE ? b.dims[br - 2] : b.dims[br - 1]);
    std::vector<int64_t> outDims = outB;
    if (!aVec) outDims.push_back(m);
    if (!bVec) outDims.push_back(n);
    HostTensor out = HostTensor::make(DataType::kFLOAT, outDims);
    int64_t batches = 1;
    for (int64_t d : outB) batches *= d;
    for (int64_t bi = 0; bi < batches; ++bi) {
        // Flat batch offsets of a and b (broadcast dims read index 0).
        std::vector<int64_t> idx(r);
        for (int64_t d = r - 1, rem = bi; d >= 0; --d) {
            idx[d] = rem % outB[d];
            rem /= outB[d];
        }
        int64_t aOff = 0, bOff = 0;
        for (size_t d = 0; d < r; ++d) {
            aOff = aOff * aB[d] + (aB[d] == 1 ? 0 : idx[d]);
            bOff = bOff * bB[d] + (bB[d] == 1 ? 0 : idx[d]);
        }
        for (int64_t i = 0; i < m; ++i) {
            for (int64_t j = 0; j < n; ++j) {
                double s = 0;
                for (int64_t p = 0; p < k; ++p) {
                    int64_t ai = aVec ? p : (opA == MO::kTRANSPOSE ? p * m + i : i * k + p);
                    int64_t bj = bVec ? p : (opB == MO::kTRANSPOSE ? j * k + p : p * n + j);
                    s += a.floatAt(aOff * m * k + ai) * b.floatAt(bOff * k * n + bj);
                }
                int64_t o = (bi * m + i) * n + j;
                if (bias) s += bias->floatAt(bias->numel() == 1 ? 0 : j);
                if (act == static_cast<int>(ActivationType::kRELU)) s = std::max(s, 0.0);
                if (act == static_cast<int>(ActivationType::kLEAKY_RELU)) s = s >= 0 ? s : alpha * s;
                if (act == static_cast<int>(ActivationType::kCLIP)) s = std::min(std::max(s, alpha), beta);
                if (act == static_cast<int>(ActivationType::kSIGMOID)) s = 1 / (1 + std::exp(-s));
                if (act == static_cast<int>(ActivationType::kTANH)) s = std::tanh(s);
                if (act == static_cast<int>(ActivationType::kGELU_ERF))
                    s = 0.5 * s * (1 + std::erf(s / std::sqrt(2.0)));
                if (act == static_cast<int>(ActivationType::kGELU_TANH))
                    s = 0.5 * s * (1 + std::tanh(std::sqrt(2 / M_PI) * (s + 0.044715 * s * s * s)));
                out.as<float>()[o] = static_cast<float>(s);
            }
        }
    }
    return out;
}

HostTensor asFloat(const HostTensor& t) {
    HostTensor f = HostTensor::make(DataType::kFLOAT, t.dims);
    for (int64_t i = 0; i < t.numel(); ++i) f.as<float>()[i] = static_cast<float>(t.floatAt(i));
    return f;
}

struct Case {
    std::vector<int64_t> a, b;
    MO opA{MO::kNONE}, opB{MO::kNONE};
};

const std::vector<Case>& cases() {
    static const std::vector<Case> c = {
        {{2, 3}, {3, 4}},
        {{1, 1}, {1, 1}},
        {{7, 33}, {33, 65}},
        {{65, 7}, {65, 33}, MO::kTRANSPOSE},
        {{7, 33}, {65, 33}, MO::kNONE, MO::kTRANSPOSE},
        {{33, 7}, {1, 33}, MO::kTRANSPOSE, MO::kTRANSPOSE},
        {{3, 5, 7}, {7, 9}},        // shared B
        {{3, 1, 5, 7}, {4, 7, 2}},  // rank-promoting broadcast both ways
        {{1, 5, 7}, {6, 7, 3}},     // A broadcast
        {{2, 1, 7, 5}, {3, 9, 7}, MO::kTRANSPOSE, MO::kTRANSPOSE},
        {{7}, {7, 4}},                     // 1-D A
        {{3, 7}, {7}},                     // 1-D B
        {{33}, {33}},                      // dot product -> scalar
        {{5, 7}, {5, 7, 3}, MO::kVECTOR},  // batch of vectors times matrices
        {{2, 1, 7}, {4, 7, 3}, MO::kVECTOR},
        {{5, 3, 7}, {5, 7}, MO::kNONE, MO::kVECTOR},
        {{5, 7}, {5, 7}, MO::kVECTOR, MO::kVECTOR},
        {{2, 3, 7}, {2, 7, 1}},
    };
    return c;
}

TEST(MatMul, HandValues) {
    ir::MatrixMultiplyOp op;
    auto a = test::tensorFrom({2, 3}, {1, 2, 3, 4, 5, 6});
    auto b = test::tensorFrom({3, 2}, {7, 8, 9, 10, 11, 12});
    auto out = cpu::evaluateReference(op, {&a, &b});
    EXPECT_TRUE(test::allClose(out[0], test::tensorFrom({2, 2}, {58, 64, 139, 154}), 0, 0));
    op.op0 = MO::kTRANSPOSE;  // a^T is [3,2]: needs b [2,k]
    auto b2 = test::tensorFrom({2, 1}, {1, -1});
    out = cpu::evaluateReference(op, {&a, &b2});
    EXPECT_TRUE(test::allClose(out[0], test::tensorFrom({3, 1}, {-3, -3, -3}), 0, 0));
}

TEST(MatMul, ReferenceMatchesNaive) {
    for (const Case& c : cases()) {
        ir::MatrixMultiplyOp op;
        op.op0 = c.opA;
        op.op1 = c.opB;
        auto a = test::randomTensor(DataType::kFLOAT, c.a);
        auto b = test::randomTensor(DataType::kFLOAT, c.b);
        auto out = cpu::evaluateReference(op, {&a, &b});
        auto expected = naiveMatmul(a, b, c.opA, c.opB);
        EXPECT_EQ(out[0].dims, expected.dims) << ir::dimsToString(c.a) << " x " << ir::dimsToString(c.b);
        EXPECT_TRUE(test::allClose(out[0], expected, 1e-5, 1e-5))
            << ir::dimsToString(c.a) << " x " << ir::dimsToString(c.b);
    }
}

TEST(MatMul, OpenblasMatchesReference) {
    for (const Case& c : cases()) {
        ir::MatrixMultiplyOp op;
        op.op0 = c.opA;
        op.op1 = c.opB;
        auto a = test::randomTensor(DataType::kFLOAT, c.a);
        auto b = test::randomTensor(DataType::kFLOAT, c.b);
        auto ref = cpu::evaluateReference(op, {&a, &b});
        auto fast = cpu::evaluateWithTactic(op, {&a, &b}, "openblas_gemm");
        EXPECT_EQ(fast[0].dims, ref[0].dims);
        EXPECT_TRUE(test::allClose(fast[0], ref[0], 1e-4, 1e-5))
            << ir::dimsToString(c.a) << " x " << ir::dimsToString(c.b);
    }
}

TEST(MatMul, BiasAndFusedActivations) {
    const ActivationType acts[] = {ActivationType::kRELU,     ActivationType::kLEAKY_RELU, ActivationType::kCLIP,
                                   ActivationType::kSIGMOID,  ActivationType::kTANH,       ActivationType::kGELU_ERF,
                                   ActivationType::kGELU_TANH};
    auto a = test::randomTensor(DataType::kFLOAT, {3, 5, 33}, -2, 2);
    auto b = test::randomTensor(DataType::kFLOAT, {33, 7}, -2, 2);
    auto bias = test::randomTensor(DataType::kFLOAT, {7}, -2, 2);
    for (ActivationType act : acts) {
        ir::MatrixMultiplyOp op;
        op.fusedActivation = static_cast<int64_t>(act);
        op.fusedAlpha = 0.1;
        op.fusedBeta = 0.5;
        if (act == ActivationType::kCLIP) op.fusedAlpha = -0.5;
        auto expected =
            naiveMatmul(a, b, MO::kNONE, MO::kNONE, &bias, static_cast<int>(act), op.fusedAlpha, op.fusedBeta);
        auto ref = cpu::evaluateReference(op, {&a, &b, &bias});
        auto fast = cpu::evaluateWithTactic(op, {&a, &b, &bias}, "openblas_gemm");
        EXPECT_TRUE(test::allClose(ref[0], expected, 1e-5, 1e-5)) << "activation " << static_cast<int>(act);
        EXPECT_TRUE(test::allClose(fast[0], expected, 1e-4, 1e-5)) << "activation " << static_cast<int>(act);
    }
}

TEST(MatMul, BiasBroadcastShapes) {
    ir::MatrixMultiplyOp op;
    auto a = test::randomTensor(DataType::kFLOAT, {2, 3, 4});
    auto b = test::randomTensor(DataType::kFLOAT, {4, 5});
    auto scalarBias = test::tensorFrom({1}, {0.75f});
    auto expected = naiveMatmul(a, b, MO::kNONE, MO::kNONE, &scalarBias);
    EXPECT_TRUE(test::allClose(cpu::evaluateReference(op, {&a, &b, &scalarBias})[0], expected));
    EXPECT_TRUE(test::allClose(cpu::evaluateWithTactic(op, {&a, &b, &scalarBias}, "openblas_gemm")[0], expected));
    // A per-row bias [3,1] takes the generic broadcast path.
    auto rowBias = test::tensorFrom({3, 1}, {1, 2, 3});
    auto ref = cpu::evaluateReference(op, {&a, &b, &rowBias});
    auto fast = cpu::evaluateWithTactic(op, {&a, &b, &rowBias}, "openblas_gemm");
    auto plain = cpu::evaluateReference(op, {&a, &b});
    for (int64_t i = 0; i < plain[0].numel(); ++i) {
        double want = plain[0].floatAt(i) + 1 + (i / 5) % 3;
        EXPECT_NEAR(ref[0].floatAt(i), want, 1e-5);
        EXPECT_NEAR(fast[0].floatAt(i), want, 1e-5);
    }
    auto badBias = test::tensorFrom({4}, {1, 2, 3, 4});
    EXPECT_THROW(cpu::evaluateReference(op, {&a, &b, &badBias}), KilnError);
}

TEST(MatMul, Float16ComputedInFloat) {
    ir::MatrixMultiplyOp op;
    op.op1 = MO::kTRANSPOSE;
    auto a = test::randomTensor(DataType::kHALF, {2, 7, 33});
    auto b = test::randomTensor(DataType::kHALF, {9, 33});
    auto out = cpu::evaluateReference(op, {&a, &b});
    EXPECT_EQ(out[0].type, DataType::kHALF);
    EXPECT_TRUE(test::allClose(asFloat(out[0]), naiveMatmul(a, b, MO::kNONE, MO::kTRANSPOSE), 2e-3, 2e-3));
    EXPECT_FALSE(
        cpu::findTactic("MatrixMultiply", "openblas_gemm")->supports(op, {ir::constantInfo(a), ir::constantInfo(b)}));
}

TEST(MatMul, Int32Exact) {
    ir::MatrixMultiplyOp op;
    auto a = test::randomTensor(DataType::kINT32, {3, 4, 5}, -50, 50);
    auto b = test::randomTensor(DataType::kINT32, {5, 6}, -50, 50);
    auto out = cpu::evaluateReference(op, {&a, &b});
    EXPECT_EQ(out[0].type, DataType::kINT32);
    EXPECT_TRUE(test::allClose(asFloat(out[0]), naiveMatmul(a, b, MO::kNONE, MO::kNONE), 0, 0));
}

TEST(MatMul, Float64StaysDouble) {
    // Products of doubles that float32 cannot hold: the result must keep double precision.
    ir::MatrixMultiplyOp op;
    op.op1 = MO::kTRANSPOSE;
    auto a = test::randomTensor(DataType::kDOUBLE, {2, 3, 17});
    auto b = test::randomTensor(DataType::kDOUBLE, {5, 17});
    auto out = cpu::evaluateReference(op, {&a, &b});
    ASSERT_EQ(out[0].type, DataType::kDOUBLE);
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{2, 3, 5}));
    for (int64_t i = 0; i < 6; ++i)
        for (int64_t j = 0; j < 5; ++j) {
            double s = 0;
            for (int64_t p = 0; p < 17; ++p) s += a.as<double>()[i * 17 + p] * b.as<double>()[j * 17 + p];
            EXPECT_NEAR(out[0].as<double>()[i * 5 + j], s, 1e-14) << i << "," << j;
        }
}

TEST(MatMul, EmptyDims) {
    ir::MatrixMultiplyOp op;
    auto a = test::randomTensor(DataType::kFLOAT, {3, 0});
    auto b = test::randomTensor(DataType::kFLOAT, {0, 4});
    for (const char* tactic : {"reference", "openblas_gemm"}) {
        auto out = cpu::evaluateWithTactic(op, {&a, &b}, tactic);  // K = 0: zeros
        EXPECT_EQ(out[0].dims, (std::vector<int64_t>{3, 4}));
        for (int64_t i = 0; i < out[0].numel(); ++i) EXPECT_EQ(out[0].floatAt(i), 0.0) << tactic;
        auto a0 = test::randomTensor(DataType::kFLOAT, {0, 5, 2});
        auto b0 = test::randomTensor(DataType::kFLOAT, {2, 3});
        EXPECT_EQ(cpu::evaluateWithTactic(op, {&a0, &b0}, tactic)[0].dims, (std::vector<int64_t>{0, 5, 3}));
    }
}

TEST(MatMul, InnerDimMismatchNamesNode) {
    ir::MatrixMultiplyOp op;
    auto a = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto b = test::randomTensor(DataType::kFLOAT, {4, 5});
    try {
        cpu::evaluateReference(op, {&a, &b}, "proj_matmul");
        FAIL() << "expected a shape error";
    } catch (const KilnError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("proj_matmul"), std::string::npos) << msg;
        EXPECT_NE(msg.find("[2,3]"), std::string::npos) << msg;
        EXPECT_NE(msg.find("[4,5]"), std::string::npos) << msg;
    }
    auto c = test::randomTensor(DataType::kFLOAT, {2, 3, 4});
    auto d = test::randomTensor(DataType::kFLOAT, {3, 4, 5});
    EXPECT_THROW(cpu::evaluateReference(op, {&c, &d}), KilnError);  // batch 2 vs 3
    auto s = test::randomTensor(DataType::kFLOAT, {});
    EXPECT_THROW(cpu::evaluateReference(op, {&s, &b}), KilnError);
    auto i = test::randomTensor(DataType::kINT32, {3, 4});
    EXPECT_THROW(cpu::evaluateReference(op, {&a, &i}), KilnError);  // mixed types
}

TEST(MatMul, RefusesUnsupportedActivation) {
    ir::MatrixMultiplyOp op;
    op.fusedActivation = static_cast<int64_t>(ActivationType::kSELU);
    auto a = test::randomTensor(DataType::kFLOAT, {2, 3});
    auto b = test::randomTensor(DataType::kFLOAT, {3, 2});
    EXPECT_THROW(cpu::evaluateReference(op, {&a, &b}), KilnError);
}

TEST(MatMul, SymbolicShapes) {
    ir::MatrixMultiplyOp op;
    op.op1 = MO::kTRANSPOSE;
    ir::ValueInfo a, b;
    a.shape = {ir::DimExpr::symbol(0), 1, ir::DimExpr::symbol(1), 64};
    b.shape = {8, 32, 64};
    ir::InferContext ctx("mm", {&a, &b}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    const ir::Shape& out = ctx.outputs()[0].shape;
    ASSERT_EQ(out.size(), 4u);
    EXPECT_TRUE(out[0].equals(ir::DimExpr::symbol(0)));
    EXPECT_TRUE(out[1].equals(8));
    EXPECT_TRUE(out[2].equals(ir::DimExpr::symbol(1)));
    EXPECT_TRUE(out[3].equals(32));
}

}  // namespace
}  // namespace kiln
