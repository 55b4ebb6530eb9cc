// MatrixMultiply through cuBLASLt. Kiln's operands are row-major; cuBLASLt is column-major, so
// C = A*B is computed as C^T = B^T * A^T: cuBLASLt's "A" is our B and its "B" our A, and the
// row-major C is a column-major [N, M] matrix. Broadcast batches become strided batches (stride
// 0 for a repeated operand) or, when no single stride describes them, a loop over chunks.
// Tactics: cublaslt_fp32 (float32, exact FP32 compute), cublaslt_tf32 (float32 on TF32 tensor
// cores), cublaslt (float16/bfloat16 with FP32 accumulation, float64).
#include <cublasLt.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "backends/cpu/kernels/matmul_common.h"
#include "backends/cuda/handles.h"
#include "backends/cuda/kernels/activation.h"
#include "backends/cuda/kernels/linalg.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/fused_activation.h"
#include "ir/ops/matrix_multiply.h"

namespace kiln::cuda {
namespace {

constexpr size_t kWorkspaceBytes = size_t(32) << 20;

enum class Mode { kFP32, kTF32, kOther };

struct TypeConfig {
    cudaDataType_t data;
    cublasComputeType_t compute;
    cudaDataType_t scale;
};

TypeConfig typeConfig(DataType t, Mode mode) {
    switch (t) {
        case DataType::kFLOAT:
            return {CUDA_R_32F, mode == Mode::kTF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F, CUDA_R_32F};
        case DataType::kHALF: return {CUDA_R_16F, CUBLAS_COMPUTE_32F, CUDA_R_32F};
        case DataType::kBF16: return {CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_R_32F};
        case DataType::kDOUBLE: return {CUDA_R_64F, CUBLAS_COMPUTE_64F, CUDA_R_64F};
        default: break;
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "MatrixMultiply: cuBLASLt has no " << dataTypeName(t);
    return {};
}

bool supportsMatmul(const ir::Op& op, const std::vector<ir::ValueInfo>& in, Mode mode) {
    if (in.size() < 2 || in[0].type != in[1].type) return false;
    const DataType t = in[0].type;
    const bool typeOk = mode == Mode::kOther ? (t == DataType::kHALF || t == DataType::kBF16 || t == DataType::kDOUBLE)
                                             : t == DataType::kFLOAT;
    if (!typeOk) return false;
    const auto& mm = static_cast<const ir::MatrixMultiplyOp&>(op);
    // (An absent bias arrives as a default ValueInfo, so the bias is checked at run time.)
    return mm.fusedActivation < 0 || ir::isFusableActivation(mm.fusedActivation);
}

// RAII owners of the cuBLASLt descriptors.
struct MatmulDesc {
    cublasLtMatmulDesc_t h{nullptr};
    ~MatmulDesc() {
        if (h) cublasLtMatmulDescDestroy(h);
    }
};
struct MatrixLayout {
    cublasLtMatrixLayout_t h{nullptr};
    ~MatrixLayout() {
        if (h) cublasLtMatrixLayoutDestroy(h);
    }
};
struct Preference {
    cublasLtMatmulPreference_t h{nullptr};
    ~Preference() {
        if (h) cublasLtMatmulPreferenceDestroy(h);
    }
};

//! One cuBLASLt configuration: `count` batches of the product, operands `strideA`/`strideB`
//! elements apart (ours, not cuBLASLt's naming), outputs m*n apart.
struct GemmConfig {
    int64_t m{0}, n{0}, k{0};
    bool aTrans{false}, bTrans{false};
    int64_t count{1}, strideA{0}, strideB{0};
    cublasLtEpilogue_t epilogue{CUBLASLT_EPILOGUE_DEFAULT};
    uint32_t alignA{256}, alignB{256}, alignC{256};
};

//! Largest power of two (<= 256) dividing the address and, for a batch, the byte stride.
uint32_t alignmentOf(const void* p, int64_t strideBytes) {
    uint64_t v = reinterpret_cast<uintptr_t>(p) | 256u;
    if (strideBytes != 0) v |= static_cast<uint64_t>(strideBytes);
    return static_cast<uint32_t>(v & (~v + 1));
}

void setLayoutBatch(cublasLtMatrixLayout_t l, int64_t count, int64_t stride) {
    if (count <= 1) return;
    const int32_t c = static_cast<int32_t>(count);
    checkCublas(cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &c, sizeof(c)),
                "MatrixMultiply: cublasLtMatrixLayoutSetAttribute(BATCH_COUNT)");
    checkCublas(cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)),
                "MatrixMultiply: cublasLtMatrixLayoutSetAttribute(STRIDED_BATCH_OFFSET)");
}

//! The descriptors of one configuration, column-major: lt "A" = our B, lt "B" = our A, D = C^T.
struct GemmDescs {
    MatmulDesc desc;
    MatrixLayout ltA, ltB, ltD;

    GemmDescs(const GemmConfig& c, const TypeConfig& tc) {
        const char* what = "MatrixMultiply: cuBLASLt descriptor";
        checkCublas(cublasLtMatmulDescCreate(&desc.h, tc.compute, tc.scale), what);
        const cublasOperation_t opA = c.bTrans ? CUBLAS_OP_T : CUBLAS_OP_N;
        const cublasOperation_t opB = c.aTrans ? CUBLAS_OP_T : CUBLAS_OP_N;
        checkCublas(cublasLtMatmulDescSetAttribute(desc.h, CUBLASLT_MATMUL_DESC_TRANSA, &opA, sizeof(opA)), what);
        checkCublas(cublasLtMatmulDescSetAttribute(desc.h, CUBLASLT_MATMUL_DESC_TRANSB, &opB, sizeof(opB)), what);
        checkCublas(cublasLtMatmulDescSetAttribute(desc.h, CUBLASLT_MATMUL_DESC_EPILOGUE, &c.epilogue,
                                                   sizeof(c.epilogue)),
                    what);
        // Our B: [K,N] row-major is column-major [N,K] (ld N); transposed, [N,K] is [K,N] (ld K).
        if (c.bTrans)
            checkCublas(cublasLtMatrixLayoutCreate(&ltA.h, tc.data, c.k, c.n, c.k), what);
        else
            checkCublas(cublasLtMatrixLayoutCreate(&ltA.h, tc.data, c.n, c.k, c.n), what);
        // Our A: [M,K] row-major is column-major [K,M] (ld K); transposed, [K,M] is [M,K] (ld M).
        if (c.aTrans)
            checkCublas(cublasLtMatrixLayoutCreate(&ltB.h, tc.data, c.m, c.k, c.m), what);
        else
            checkCublas(cublasLtMatrixLayoutCreate(&ltB.h, tc.data, c.k, c.m, c.k), what);
        checkCublas(cublasLtMatrixLayoutCreate(&ltD.h, tc.data, c.n, c.m, c.n), what);
        setLayoutBatch(ltA.h, c.count, c.strideB);
        setLayoutBatch(ltB.h, c.count, c.strideA);
        setLayoutBatch(ltD.h, c.count, c.m * c.n);
    }
};

struct CachedAlgo {
    bool found{false};
    cublasLtMatmulAlgo_t algo{};
};

//! Heuristic answers by configuration (per thread, like the handle): the query costs more than
//! a small product.
bool findAlgo(cublasLtHandle_t handle, const GemmConfig& c, const TypeConfig& tc, const GemmDescs& d,
              size_t workspace, cublasLtMatmulAlgo_t& algo) {
    int device = 0;
    cudaGetDevice(&device);
    const std::vector<int64_t> key{device, tc.data, tc.compute, c.m, c.n, c.k, c.aTrans, c.bTrans, c.count,
                                   c.strideA, c.strideB, c.epilogue, c.alignA, c.alignB, c.alignC,
                                   static_cast<int64_t>(workspace)};
    thread_local std::map<std::vector<int64_t>, CachedAlgo> cache;
    auto it = cache.find(key);
    if (it == cache.end()) {
        Preference pref;
        const char* what = "MatrixMultiply: cuBLASLt preference";
        checkCublas(cublasLtMatmulPreferenceCreate(&pref.h), what);
        const uint64_t ws = workspace;
        checkCublas(cublasLtMatmulPreferenceSetAttribute(pref.h, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws,
                                                         sizeof(ws)),
                    what);
        // Our A is cuBLASLt's B and vice versa; C and D are the output.
        const std::array<std::pair<cublasLtMatmulPreferenceAttributes_t, uint32_t>, 4> aligns{{
            {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, c.alignB},
            {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, c.alignA},
            {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, c.alignC},
            {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, c.alignC},
        }};
        for (const auto& [attr, value] : aligns)
            checkCublas(cublasLtMatmulPreferenceSetAttribute(pref.h, attr, &value, sizeof(value)), what);
        cublasLtMatmulHeuristicResult_t result{};
        int count = 0;
        cublasStatus_t s = cublasLtMatmulAlgoGetHeuristic(handle, d.desc.h, d.ltA.h, d.ltB.h, d.ltD.h, d.ltD.h,
                                                          pref.h, 1, &result, &count);
        CachedAlgo entry;
        // NOT_SUPPORTED / INVALID_VALUE (no algorithm, or an unsupported layout such as a stride-0
        // batch) make the caller try a simpler configuration.
        if (s != CUBLAS_STATUS_NOT_SUPPORTED && s != CUBLAS_STATUS_INVALID_VALUE)
            checkCublas(s, "MatrixMultiply: cublasLtMatmulAlgoGetHeuristic");
        entry.found = s == CUBLAS_STATUS_SUCCESS && count > 0 && result.state == CUBLAS_STATUS_SUCCESS;
        entry.algo = result.algo;
        it = cache.emplace(key, entry).first;
    }
    algo = it->second.algo;
    return it->second.found;
}

//! The largest chunk of consecutive batches (dividing the batch count) in which both operands
//! advance by one stride each, the same in every chunk; 1 always qualifies.
int64_t chunkOf(const cpu::matmul::Geometry& g, int64_t& strideA, int64_t& strideB) {
    const int64_t b = g.batches;
    for (int64_t len = b; len > 1; --len) {
        if (b % len != 0) continue;
        const int64_t sa = g.aOffset[1] - g.aOffset[0], sb = g.bOffset[1] - g.bOffset[0];
        bool ok = sa >= 0 && sb >= 0;
        for (int64_t i = 0; ok && i < b; ++i) {
            const int64_t j = i % len, first = i - j;
            ok = g.aOffset[i] == g.aOffset[first] + j * sa && g.bOffset[i] == g.bOffset[first] + j * sb;
        }
        if (ok) {
            strideA = sa;
            strideB = sb;
            return len;
        }
    }
    strideA = strideB = 0;
    return 1;
}

//! Does the bias fit cuBLASLt's bias epilogue: one value per output column n, same for all rows
//! and batches, and aligned as cuBLASLt vectors are?
bool biasFitsEpilogue(const KernelArgs& a, const cpu::matmul::Geometry& g) {
    const auto& op = a.opAs<ir::MatrixMultiplyOp>();
    const ir::TensorView& bias = a.inputs[2];
    const bool bVec = op.op1 == MatrixOperation::kVECTOR || a.inputs[1].rank == 1;
    return !bVec && bias.rank >= 1 && bias.dims[bias.rank - 1] == g.n && bias.numel() == g.n &&
           reinterpret_cast<uintptr_t>(bias.data) % 16 == 0 && a.inputs[0].type != DataType::kDOUBLE;
}

void runMatmul(KernelArgs& a, Mode mode) {
    const auto& op = a.opAs<ir::MatrixMultiplyOp>();
    const cpu::matmul::Geometry g = cpu::matmul::geometryOf(a);
    ir::TensorView& out = a.outputs[0];
    const DataType type = a.inputs[0].type;
    KILN_CHECK(a.inputs[1].type == type && out.type == type)
        << "MatrixMultiply: operand types " << dataTypeName(type) << ", " << dataTypeName(a.inputs[1].type)
        << " and output " << dataTypeName(out.type) << " differ";
    const bool hasBias = a.has(2);
    if (hasBias) {
        KILN_CHECK(a.inputs[2].type == type) << "MatrixMultiply: bias has type " << dataTypeName(a.inputs[2].type)
                                             << ", expected " << dataTypeName(type);
        const ir::TensorView& bias = a.inputs[2];
        const ir::TensorView& o = a.outputs[0];
        KILN_CHECK(bias.rank <= o.rank) << "MatrixMultiply: bias has rank " << bias.rank << ", output " << o.rank;
        for (int32_t d = 0; d < bias.rank; ++d) {
            const int64_t sb = bias.dims[d], so = o.dims[d + o.rank - bias.rank];
            KILN_CHECK(sb == 1 || sb == so)
                << "MatrixMultiply: bias dim " << sb << " does not broadcast to output dim " << so;
        }
    }
    if (out.numel() == 0) return;
    const TypeConfig tc = typeConfig(type, mode);
    const size_t es = dataTypeSize(type);
    cudaStream_t stream = streamOf(a);

    bool biasDone = false, actDone = false;
    if (g.k == 0) {
        check(static_cast<int>(cudaMemsetAsync(out.data, 0, out.bytes(), stream)), "MatrixMultiply: cudaMemsetAsync");
    } else {
        GemmConfig c;
        c.m = g.m, c.n = g.n, c.k = g.k, c.aTrans = g.aTrans, c.bTrans = g.bTrans;
        c.count = chunkOf(g, c.strideA, c.strideB);
        const bool biasEpi = hasBias && biasFitsEpilogue(a, g);
        const bool reluEpi = op.fusedActivation == static_cast<int64_t>(ActivationType::kRELU) && (!hasBias || biasEpi);
        c.epilogue = biasEpi ? (reluEpi ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS)
                             : (reluEpi ? CUBLASLT_EPILOGUE_RELU : CUBLASLT_EPILOGUE_DEFAULT);
        const auto* pa = static_cast<const char*>(a.inputs[0].data);
        const auto* pb = static_cast<const char*>(a.inputs[1].data);
        auto* pc = static_cast<char*>(out.data);
        const size_t workspace = a.workspace ? a.workspaceSize : 0;
        cublasLtHandle_t handle = cublasLtHandle();
        cublasLtMatmulAlgo_t algo{};
        // Try the configuration, then without the epilogue, then one batch per call.
        for (;;) {
            const int64_t chunks = g.batches / c.count;
            c.alignA = c.alignB = c.alignC = 256;
            for (int64_t ch = 0; ch < chunks; ++ch) {
                const int64_t first = ch * c.count;
                c.alignA = std::min(c.alignA, alignmentOf(pa + g.aOffset[first] * es, c.count > 1 ? c.strideA * es : 0));
                c.alignB = std::min(c.alignB, alignmentOf(pb + g.bOffset[first] * es, c.count > 1 ? c.strideB * es : 0));
                c.alignC = std::min(c.alignC, alignmentOf(pc + first * g.m * g.n * es, c.count > 1 ? g.m * g.n * es : 0));
            }
            GemmDescs d(c, tc);
            if (findAlgo(handle, c, tc, d, workspace, algo)) {
                if (c.epilogue == CUBLASLT_EPILOGUE_BIAS || c.epilogue == CUBLASLT_EPILOGUE_RELU_BIAS) {
                    const void* bias = a.inputs[2].data;
                    checkCublas(cublasLtMatmulDescSetAttribute(d.desc.h, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias,
                                                               sizeof(bias)),
                                "MatrixMultiply: cublasLtMatmulDescSetAttribute(BIAS_POINTER)");
                }
                const float alpha32 = 1.f, beta32 = 0.f;
                const double alpha64 = 1.0, beta64 = 0.0;
                const void* alpha = tc.scale == CUDA_R_64F ? static_cast<const void*>(&alpha64) : &alpha32;
                const void* beta = tc.scale == CUDA_R_64F ? static_cast<const void*>(&beta64) : &beta32;
                for (int64_t ch = 0; ch < chunks; ++ch) {
                    const int64_t first = ch * c.count;
                    void* dst = pc + first * g.m * g.n * es;
                    checkCublas(cublasLtMatmul(handle, d.desc.h, alpha, pb + g.bOffset[first] * es, d.ltA.h,
                                               pa + g.aOffset[first] * es, d.ltB.h, beta, dst, d.ltD.h, dst, d.ltD.h,
                                               &algo, a.workspace, workspace, stream),
                                "MatrixMultiply: cublasLtMatmul");
                }
                biasDone = biasEpi && c.epilogue != CUBLASLT_EPILOGUE_DEFAULT;
                actDone = reluEpi && c.epilogue != CUBLASLT_EPILOGUE_DEFAULT;
                break;
            }
            if (c.epilogue != CUBLASLT_EPILOGUE_DEFAULT) {
                c.epilogue = CUBLASLT_EPILOGUE_DEFAULT;
            } else if (c.count > 1) {
                c.count = 1;
                c.strideA = c.strideB = 0;
            } else {
                KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
                    << "MatrixMultiply: cuBLASLt has no algorithm for " << dataTypeName(type) << " M=" << g.m
                    << " N=" << g.n << " K=" << g.k;
            }
        }
    }
    if (hasBias && !biasDone) {
        const ir::TensorView& bias = a.inputs[2];
        const Layout bl = broadcastLayout(bias.rank, bias.dims, out.rank, out.dims);
        check(launchBiasAdd(out.data, type, bias.data, bias.type, bl, out.numel(), stream), "MatrixMultiply: bias add");
    }
    if (op.fusedActivation >= 0 && !actDone) {
        check(activationInPlace(out.data, type, out.numel(), static_cast<int32_t>(op.fusedActivation),
                                static_cast<float>(op.fusedAlpha), static_cast<float>(op.fusedBeta), stream),
              "MatrixMultiply: fused activation");
    }
}

Tactic makeTactic(const char* name, Mode mode) {
    Tactic t;
    t.name = name;
    t.tf32 = mode == Mode::kTF32;
    t.supports = [mode](const ir::Op& op, const std::vector<ir::ValueInfo>& in) { return supportsMatmul(op, in, mode); };
    t.workspaceSize = [](const KernelArgs& a) -> size_t {
        return a.outputs.empty() || a.outputs[0].numel() == 0 ? 0 : kWorkspaceBytes;
    };
    t.run = [mode](KernelArgs& a) { runMatmul(a, mode); };
    return t;
}

KILN_REGISTER_CUDA_TACTIC("MatrixMultiply", makeTactic("cublaslt_fp32", Mode::kFP32));
KILN_REGISTER_CUDA_TACTIC("MatrixMultiply", makeTactic("cublaslt_tf32", Mode::kTF32));
KILN_REGISTER_CUDA_TACTIC("MatrixMultiply", makeTactic("cublaslt", Mode::kOther));

}  // namespace
}  // namespace kiln::cuda
