// MatrixMultiply through cuBLASLt against the CPU reference: odd shapes, transposes, vector
// operands, broadcast batches (strided, stride 0 and chunked), bias in every layout, each fused
// activation, float32 (exact and TF32), float16, bfloat16 and float64; Einsum's kernel.
#include <cstdint>
#include <string>
#include <vector>

#include "backends/tactic.h"
#include "cuda/cuda_test_util.h"
#include "ir/ops/einsum.h"
#include "ir/ops/matrix_multiply.h"

namespace kiln {
namespace {

using Dims = std::vector<int64_t>;
using MO = MatrixOperation;
using test::GpuCheck;
using test::tol;
using test::randomTensor;
using Inputs = std::vector<const ir::HostTensor*>;

//! Exact FP32 only: the TF32 tactic would not meet float32 tolerances.
GpuCheck checkFor(DataType t) {
    switch (t) {
        case DataType::kFLOAT: return tol(1e-4, 1e-5, {"cublaslt_fp32"});
        case DataType::kHALF: return tol(1e-2, 1e-2);
        case DataType::kBF16: return tol(2e-2, 3e-2);
        default: return tol(1e-10, 1e-12);  // double
    }
}

ir::MatrixMultiplyOp makeOp(MO op0 = MO::kNONE, MO op1 = MO::kNONE, int64_t act = -1, double alpha = 0,
                            double beta = 0) {
    ir::MatrixMultiplyOp op;
    op.op0 = op0;
    op.op1 = op1;
    op.fusedActivation = act;
    op.fusedAlpha = alpha;
    op.fusedBeta = beta;
    return op;
}

::testing::AssertionResult matches(const ir::MatrixMultiplyOp& op, DataType t, const Dims& a, const Dims& b,
                                   const Dims* bias = nullptr) {
    ir::HostTensor ta = randomTensor(t, a), tb = randomTensor(t, b);
    if (!bias) return test::gpuMatchesReference(op, Inputs{&ta, &tb}, checkFor(t));
    ir::HostTensor tbias = randomTensor(t, *bias);
    return test::gpuMatchesReference(op, Inputs{&ta, &tb, &tbias}, checkFor(t));
}

std::string trace(const Dims& a, const Dims& b) { return ir::dimsToString(a) + " x " + ir::dimsToString(b); }

TEST(CudaMatmul, OddShapesFloat) {
    KILN_REQUIRE_GPU();
    const int64_t sizes[] = {1, 7, 33, 129};
    for (int64_t m : sizes)
        for (int64_t n : sizes)
            for (int64_t k : sizes) {
                SCOPED_TRACE(trace({m, k}, {k, n}));
                EXPECT_TRUE(matches(makeOp(), DataType::kFLOAT, {m, k}, {k, n}));
            }
}

TEST(CudaMatmul, Transposes) {
    KILN_REQUIRE_GPU();
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kDOUBLE})
        for (MO o0 : {MO::kNONE, MO::kTRANSPOSE})
            for (MO o1 : {MO::kNONE, MO::kTRANSPOSE}) {
                const int64_t m = 33, n = 7, k = 65;
                Dims a = o0 == MO::kTRANSPOSE ? Dims{k, m} : Dims{m, k};
                Dims b = o1 == MO::kTRANSPOSE ? Dims{n, k} : Dims{k, n};
                SCOPED_TRACE(std::string(dataTypeName(t)) + " " + trace(a, b));
                EXPECT_TRUE(matches(makeOp(o0, o1), t, a, b));
                // Batched too.
                a.insert(a.begin(), 3);
                b.insert(b.begin(), 3);
                EXPECT_TRUE(matches(makeOp(o0, o1), t, a, b));
            }
}

TEST(CudaMatmul, Vectors) {
    KILN_REQUIRE_GPU();
    for (DataType t : {DataType::kFLOAT, DataType::kHALF}) {
        EXPECT_TRUE(matches(makeOp(), t, {33}, {33, 7}));                      // 1-D A
        EXPECT_TRUE(matches(makeOp(), t, {7, 33}, {33}));                      // 1-D B
        EXPECT_TRUE(matches(makeOp(), t, {129}, {129}));                       // dot product: a scalar
        EXPECT_TRUE(matches(makeOp(MO::kVECTOR), t, {5, 33}, {5, 33, 7}));      // batch of vectors
        EXPECT_TRUE(matches(makeOp(MO::kNONE, MO::kVECTOR), t, {4, 7, 33}, {4, 33}));
        EXPECT_TRUE(matches(makeOp(MO::kTRANSPOSE, MO::kVECTOR), t, {4, 33, 7}, {4, 33}));
        EXPECT_TRUE(matches(makeOp(MO::kVECTOR, MO::kVECTOR), t, {6, 17}, {6, 17}));
        EXPECT_TRUE(matches(makeOp(MO::kVECTOR, MO::kTRANSPOSE), t, {3, 17}, {3, 9, 17}));
        EXPECT_TRUE(matches(makeOp(MO::kVECTOR), t, {1, 17}, {3, 17, 5}));  // broadcast vector
    }
}

TEST(CudaMatmul, BatchBroadcast) {
    KILN_REQUIRE_GPU();
    const std::vector<std::pair<Dims, Dims>> cases = {
        {{3, 7, 5}, {3, 5, 9}},              // one stride each
        {{1, 7, 5}, {4, 5, 9}},              // A repeated: stride 0
        {{4, 7, 5}, {5, 9}},                 // B 2-D
        {{7, 5}, {2, 3, 5, 9}},              // A 2-D, B rank 4
        {{2, 1, 7, 5}, {1, 3, 5, 9}},        // no single stride: chunks
        {{1, 3, 7, 5}, {2, 1, 5, 9}},        // the other way round
        {{2, 1, 3, 7, 5}, {2, 4, 1, 5, 9}},  // mixed
        {{2, 1, 2, 1, 2, 1, 4, 5}, {1, 2, 1, 2, 1, 2, 5, 3}},  // rank 8
        {{3, 1, 33, 17}, {3, 5, 17, 1}},     // N = 1
    };
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16})
        for (const auto& [a, b] : cases) {
            SCOPED_TRACE(std::string(dataTypeName(t)) + " " + trace(a, b));
            EXPECT_TRUE(matches(makeOp(), t, a, b));
        }
    // Transposed operands in a chunked broadcast.
    EXPECT_TRUE(matches(makeOp(MO::kTRANSPOSE, MO::kTRANSPOSE), DataType::kFLOAT, {2, 1, 5, 7}, {1, 3, 9, 5}));
}

TEST(CudaMatmul, Bias) {
    KILN_REQUIRE_GPU();
    struct Case {
        Dims a, b, bias;
    };
    const std::vector<Case> cases = {
        {{7, 33}, {33, 9}, {9}},           // the cuBLASLt bias epilogue
        {{7, 33}, {33, 9}, {1, 9}},        // still one per column
        {{7, 33}, {33, 9}, {7, 1}},        // one per row: the add kernel
        {{7, 33}, {33, 9}, {7, 9}},        // full
        {{7, 33}, {33, 9}, {1}},           // scalar-like
        {{3, 7, 33}, {3, 33, 9}, {9}},     // batched, epilogue
        {{3, 7, 33}, {3, 33, 9}, {3, 1, 9}},
        {{2, 1, 7, 5}, {1, 3, 5, 9}, {9}},  // chunked batches with the epilogue
        {{7, 33}, {33}, {7}},              // vector B: the last output dim is M
        {{33}, {33, 9}, {9}},              // vector A
        {{33, 1}, {1, 1}, {1}},            // N = 1, K = 1
    };
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kDOUBLE})
        for (const Case& c : cases) {
            SCOPED_TRACE(std::string(dataTypeName(t)) + " " + trace(c.a, c.b) + " + " + ir::dimsToString(c.bias));
            EXPECT_TRUE(matches(makeOp(), t, c.a, c.b, &c.bias));
        }
}

TEST(CudaMatmul, FusedActivations) {
    KILN_REQUIRE_GPU();
    using A = ActivationType;
    struct Act {
        A type;
        double alpha, beta;
    };
    const Act acts[] = {{A::kRELU, 0, 0},         {A::kSIGMOID, 0, 0},      {A::kTANH, 0, 0},
                        {A::kLEAKY_RELU, 0.1, 0}, {A::kCLIP, -0.5, 0.75},   {A::kGELU_ERF, 0, 0},
                        {A::kGELU_TANH, 0, 0},    {A::kHARD_SIGMOID, 0.2, 0.5}, {A::kHARD_SWISH, 1.0 / 6, 0.5}};
    const Dims bFit{9}, bRow{7, 1};
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16})
        for (const Act& act : acts) {
            SCOPED_TRACE(std::string(dataTypeName(t)) + " activation " + std::to_string(static_cast<int>(act.type)));
            auto op = makeOp(MO::kNONE, MO::kNONE, static_cast<int64_t>(act.type), act.alpha, act.beta);
            EXPECT_TRUE(matches(op, t, {7, 33}, {33, 9}));
            EXPECT_TRUE(matches(op, t, {7, 33}, {33, 9}, &bFit));  // bias in the epilogue
            EXPECT_TRUE(matches(op, t, {7, 33}, {33, 9}, &bRow));  // bias by kernel, then activation
            EXPECT_TRUE(matches(op, t, {2, 1, 7, 33}, {1, 3, 33, 9}, &bFit));
        }
    auto relu = makeOp(MO::kNONE, MO::kNONE, static_cast<int64_t>(A::kRELU));
    EXPECT_TRUE(matches(relu, DataType::kDOUBLE, {7, 33}, {33, 9}, &bFit));
}

TEST(CudaMatmul, LargeAndDegenerate) {
    KILN_REQUIRE_GPU();
    const Dims bias1{1};
    EXPECT_TRUE(matches(makeOp(), DataType::kFLOAT, {1000003, 3}, {3, 1}, &bias1));  // 1000003 outputs
    EXPECT_TRUE(matches(makeOp(), DataType::kHALF, {1000003, 3}, {3, 1}));
    EXPECT_TRUE(matches(makeOp(), DataType::kFLOAT, {256, 1024}, {1024, 384}));
    EXPECT_TRUE(matches(makeOp(), DataType::kHALF, {2, 256, 1024}, {1024, 384}));
    // K = 0: zeros, plus the bias and activation.
    const Dims bias4{4};
    auto sig = makeOp(MO::kNONE, MO::kNONE, static_cast<int64_t>(ActivationType::kSIGMOID));
    EXPECT_TRUE(matches(sig, DataType::kFLOAT, {3, 0}, {0, 4}, &bias4));
    // Empty outputs.
    EXPECT_TRUE(matches(makeOp(), DataType::kFLOAT, {0, 5}, {5, 4}));
    EXPECT_TRUE(matches(makeOp(), DataType::kFLOAT, {0, 3, 5}, {5, 4}));
}

TEST(CudaMatmul, Tf32Tactic) {
    KILN_REQUIRE_GPU();
    ir::HostTensor a = randomTensor(DataType::kFLOAT, {3, 65, 129}), b = randomTensor(DataType::kFLOAT, {129, 33});
    ir::HostTensor bias = randomTensor(DataType::kFLOAT, {33});
    auto op = makeOp(MO::kNONE, MO::kNONE, static_cast<int64_t>(ActivationType::kRELU));
    EXPECT_TRUE(test::gpuMatchesReference(op, Inputs{&a, &b, &bias}, tol(1e-2, 1e-2, {"cublaslt_tf32"})));
    const backend::Tactic* t = backend::findTactic(DeviceType::kGPU, "MatrixMultiply", "cublaslt_tf32");
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->tf32);
}

TEST(CudaMatmul, RefusesInt32) {
    // No GPU needed: supports() is host-only.
    ir::ValueInfo v;
    v.type = DataType::kINT32;
    v.shape = ir::shapeOf({4, 4});
    ir::MatrixMultiplyOp op;
    for (const char* name : {"cublaslt_fp32", "cublaslt_tf32", "cublaslt"}) {
        const backend::Tactic* t = backend::findTactic(DeviceType::kGPU, "MatrixMultiply", name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_FALSE(t->supports(op, {v, v})) << name;
    }
}

// Einsum's GPU kernel against the reference: products, batches, transposes, a trace and a
// diagonal (repeated labels), an outer product, full sums, three operands and implicit output
// labels, in float, half, double and the integers.
TEST(CudaEinsum, EquationsAndTypes) {
    KILN_REQUIRE_GPU();
    struct Case {
        std::string equation;
        std::vector<Dims> dims;
    };
    const std::vector<Case> cases = {
        {"ij,jk->ik", {{5, 7}, {7, 3}}},       {"bij,bjk->bik", {{2, 3, 5}, {2, 5, 4}}},
        {"ij->ji", {{4, 9}}},                  {"ii->", {{6, 6}}},
        {"ii->i", {{5, 5}}},                   {"i,j->ij", {{7}, {3}}},
        {"ijk->", {{3, 4, 5}}},                {"ij,jk,kl->il", {{2, 3}, {3, 4}, {4, 5}}},
        {"ij,jk", {{3, 4}, {4, 2}}},           {"bhqd,bhkd->bhqk", {{1, 2, 5, 8}, {1, 2, 6, 8}}},
    };
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kDOUBLE, DataType::kINT32, DataType::kINT64})
        for (const Case& c : cases) {
            SCOPED_TRACE(std::string(dataTypeName(t)) + " " + c.equation);
            ir::EinsumOp op;
            op.equation = c.equation;
            std::vector<ir::HostTensor> tensors;
            for (const Dims& d : c.dims) tensors.push_back(randomTensor(t, d));
            Inputs in;
            for (const auto& x : tensors) in.push_back(&x);
            const GpuCheck check = t == DataType::kHALF ? tol(1e-2, 1e-2) : tol(1e-6, 1e-6);
            EXPECT_TRUE(test::gpuMatchesReference(op, in, check));
        }
}

// int32 products (MatMulInteger, QLinearMatMul) against the reference, exactly: 2-D, transposes,
// a vector operand, broadcast batches (uniform and not).
TEST(CudaMatmulInt32, ShapesTransposesAndBatches) {
    KILN_REQUIRE_GPU();
    struct Case {
        Dims a, b;
        MO op0, op1;
    };
    const std::vector<Case> cases = {
        {{5, 7}, {7, 3}, MO::kNONE, MO::kNONE},          {{7, 5}, {7, 3}, MO::kTRANSPOSE, MO::kNONE},
        {{5, 7}, {3, 7}, MO::kNONE, MO::kTRANSPOSE},     {{4, 5, 7}, {7, 6}, MO::kNONE, MO::kNONE},
        {{2, 1, 5, 7}, {3, 7, 2}, MO::kNONE, MO::kNONE}, {{9}, {9, 4}, MO::kNONE, MO::kNONE},
        {{1, 3}, {3, 1}, MO::kNONE, MO::kNONE},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("a" + ir::dimsToString(c.a) + " b" + ir::dimsToString(c.b));
        ir::HostTensor a = randomTensor(DataType::kINT32, c.a, -100, 100);
        ir::HostTensor b = randomTensor(DataType::kINT32, c.b, -100, 100);
        EXPECT_TRUE(test::gpuMatchesReference(makeOp(c.op0, c.op1), Inputs{&a, &b}, tol(0, 0, {"cuda_int32_gemm"})));
    }
}

}  // namespace
}  // namespace kiln
