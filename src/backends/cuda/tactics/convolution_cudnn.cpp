// Convolution (cudnnConvolutionForward) and Deconvolution (cudnnConvolutionBackwardData: the
// transposed convolution is the data gradient of the convolution whose weights it shares)
// through cuDNN 9's legacy API, 1-D (as 2-D with height 1), 2-D and 3-D. cuDNN pads the same on
// both sides of an axis; any other padding is staged in the workspace: convolution reads a
// zero-padded copy of the input, deconvolution writes the full output and crops it. Bias, the
// fused residual and the fused activation run after, in one epilogue kernel (convEpilogue). Tactics: cudnn_fp32 (float32, FMA math: exact
// FP32), cudnn_tf32 (float32, TF32 allowed), cudnn (float16/bfloat16, tensor cores, FP32 accumulation).
#include <cudnn.h>

#include <algorithm>
#include <climits>
#include <exception>
#include <limits>
#include <map>
#include <type_traits>
#include <vector>

#include "backends/cpu/kernels/conv_common.h"
#include "backends/cuda/handles.h"
#include "backends/cuda/kernels/activation.h"
#include "backends/cuda/kernels/linalg.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/convolution.h"
#include "ir/ops/deconvolution.h"
#include "ir/ops/fused_activation.h"

namespace kiln::cuda {
namespace {

enum class Mode { kFP32, kTF32, kOther };

//! The most algorithm workspace a tactic asks for (the builder skips tactics above its limit).
constexpr size_t kMaxAlgoWorkspace = size_t(256) << 20;
constexpr size_t kAlign = 256;

size_t alignUp(size_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

bool typeFits(DataType t, Mode mode) {
    return mode == Mode::kOther ? (t == DataType::kHALF || t == DataType::kBF16) : t == DataType::kFLOAT;
}

//! Shared by both ops: types, 1 to 3 spatial dims. (An absent bias arrives as a default
//! ValueInfo, so the bias is checked at run time; any float bias type is accepted.)
bool supportsConv(const std::vector<ir::ValueInfo>& in, Mode mode) {
    if (in.size() < 2 || in[0].type != in[1].type || !typeFits(in[0].type, mode)) return false;
    if (in.size() > 3 && !in[3].shape.empty() && in[3].type != in[0].type) return false;  // the residual
    const int64_t ns = static_cast<int64_t>(in[1].shape.size()) - 2;
    return ns >= 1 && ns <= 3 && static_cast<int64_t>(in[0].shape.size()) >= ns + 2;
}

// RAII owners of the cuDNN descriptors.
struct TensorDesc {
    cudnnTensorDescriptor_t h{nullptr};
    TensorDesc() { checkCudnn(cudnnCreateTensorDescriptor(&h), "cudnnCreateTensorDescriptor"); }
    ~TensorDesc() { cudnnDestroyTensorDescriptor(h); }
};
struct FilterDesc {
    cudnnFilterDescriptor_t h{nullptr};
    FilterDesc() { checkCudnn(cudnnCreateFilterDescriptor(&h), "cudnnCreateFilterDescriptor"); }
    ~FilterDesc() { cudnnDestroyFilterDescriptor(h); }
};
struct ConvDesc {
    cudnnConvolutionDescriptor_t h{nullptr};
    ConvDesc() { checkCudnn(cudnnCreateConvolutionDescriptor(&h), "cudnnCreateConvolutionDescriptor"); }
    ~ConvDesc() { cudnnDestroyConvolutionDescriptor(h); }
};

//! One node as cuDNN sees it. "x" is the convolution input (Deconvolution: its input, cuDNN's
//! dy), "y" the convolution output (Deconvolution: its output, cuDNN's dx); `staged` dims are
//! those of the workspace copy replacing x (Convolution) or y (Deconvolution).
struct Problem {
    const char* opName{""};
    bool forward{true};
    cudnnDataType_t type{CUDNN_DATA_FLOAT};
    std::vector<int> x, w, y, pad, stride, dilation;
    int groups{1};
    bool staged{false};
    WindowCopy copy;  //!< the staging copy over [N*C, spatial...]
    size_t stageBytes{0};
};

int toInt(int64_t v, const char* opName) {
    KILN_CHECK_CODE(v >= 0 && v <= INT_MAX, ErrorCode::kUNSUPPORTED_STATE)
        << opName << ": dimension " << v << " exceeds cuDNN's 32-bit limit";
    return static_cast<int>(v);
}

cudnnDataType_t cudnnTypeOf(DataType t) {
    switch (t) {
        case DataType::kFLOAT: return CUDNN_DATA_FLOAT;
        case DataType::kHALF: return CUDNN_DATA_HALF;
        case DataType::kBF16: return CUDNN_DATA_BFLOAT16;
        default: break;
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "cuDNN: unsupported type " << dataTypeName(t);
    return CUDNN_DATA_FLOAT;
}

//! Output size of cuDNN's forward convolution along one axis.
int64_t cudnnOut(int64_t in, int64_t pad, int64_t dk, int64_t s) {
    const int64_t span = in + 2 * pad - dk;
    return span < 0 ? 0 : span / s + 1;
}

template <class OpT>
Problem makeProblem(const KernelArgs& a, bool forward) {
    const auto& op = a.opAs<OpT>();
    const cpu::ConvGeometry g = cpu::convGeometry(op, a, forward);
    Problem p;
    p.opName = OpT::kName;
    p.forward = forward;
    p.type = cudnnTypeOf(a.inputs[0].type);
    p.groups = toInt(g.groups, p.opName);
    // 1-D runs as 2-D with a leading axis of size 1 (kernel 1, stride 1, no padding).
    std::vector<int64_t> in = g.in, out = g.out, kernel = g.kernel, stride = g.stride, dil = g.dilation, pre = g.pre;
    if (g.ns == 1) {
        in.insert(in.begin(), 1), out.insert(out.begin(), 1), kernel.insert(kernel.begin(), 1);
        stride.insert(stride.begin(), 1), dil.insert(dil.begin(), 1), pre.insert(pre.begin(), 0);
    }
    const size_t nd = in.size();
    // Symmetric padding works when cuDNN's size formula gives back this node's sizes.
    for (size_t i = 0; i < nd; ++i) {
        const int64_t dk = 1 + dil[i] * (kernel[i] - 1);
        const bool fits = forward ? cudnnOut(in[i], pre[i], dk, stride[i]) == out[i]
                                  : cudnnOut(out[i], pre[i], dk, stride[i]) == in[i];
        p.staged = p.staged || pre[i] < 0 || !fits;
    }
    std::vector<int64_t> xs = in, ys = out;
    if (p.staged) {
        const int64_t planes = g.batch * (forward ? g.c : g.k);
        p.copy.rank = static_cast<int32_t>(nd) + 1;
        p.copy.inDims[0] = p.copy.outDims[0] = planes;
        for (size_t i = 0; i < nd; ++i) {
            const int64_t dk = 1 + dil[i] * (kernel[i] - 1);
            if (forward) {  // x padded to exactly the windows of the output, read at offset pre
                xs[i] = (out[i] - 1) * stride[i] + dk;
                p.copy.inDims[i + 1] = in[i], p.copy.outDims[i + 1] = xs[i], p.copy.offset[i + 1] = pre[i];
            } else {  // the full transposed output, cropped at offset pre
                ys[i] = (in[i] - 1) * stride[i] + dk;
                p.copy.inDims[i + 1] = ys[i], p.copy.outDims[i + 1] = out[i], p.copy.offset[i + 1] = -pre[i];
            }
        }
        int64_t n = 1;
        for (int32_t d = 0; d < p.copy.rank; ++d) n *= forward ? p.copy.outDims[d] : p.copy.inDims[d];
        p.stageBytes = alignUp(static_cast<size_t>(n) * dataTypeSize(a.inputs[0].type));
    }
    p.x = {toInt(g.batch, p.opName), toInt(g.c, p.opName)};
    p.y = {toInt(g.batch, p.opName), toInt(g.k, p.opName)};
    // cuDNN filters are [K, C/groups, ...] for the forward convolution; the deconvolution's
    // [C, K/groups, ...] is exactly that filter of the convolution it transposes.
    p.w = {toInt(a.inputs[1].dims[0], p.opName), toInt(a.inputs[1].dims[1], p.opName)};
    for (size_t i = 0; i < nd; ++i) {
        p.x.push_back(toInt(xs[i], p.opName));
        p.y.push_back(toInt(ys[i], p.opName));
        p.w.push_back(toInt(kernel[i], p.opName));
        p.pad.push_back(p.staged ? 0 : toInt(pre[i], p.opName));
        p.stride.push_back(toInt(stride[i], p.opName));
        p.dilation.push_back(toInt(dil[i], p.opName));
    }
    return p;
}

void setTensor(cudnnTensorDescriptor_t d, cudnnDataType_t type, const std::vector<int>& dims, const char* opName) {
    std::vector<int> strides(dims.size());
    int64_t s = 1;
    for (size_t i = dims.size(); i-- > 0;) {
        strides[i] = toInt(s, opName);
        s *= dims[i];
    }
    checkCudnn(cudnnSetTensorNdDescriptor(d, type, static_cast<int>(dims.size()), dims.data(), strides.data()),
               opName);
}

struct Descs {
    TensorDesc x, y;
    FilterDesc w;
    ConvDesc conv;

    Descs(const Problem& p, Mode mode) {
        setTensor(x.h, p.type, p.x, p.opName);
        setTensor(y.h, p.type, p.y, p.opName);
        checkCudnn(cudnnSetFilterNdDescriptor(w.h, p.type, CUDNN_TENSOR_NCHW, static_cast<int>(p.w.size()), p.w.data()),
                   p.opName);
        // FP32 accumulation for every type (float16/bfloat16 data: cuDNN's "pseudo-half").
        checkCudnn(cudnnSetConvolutionNdDescriptor(conv.h, static_cast<int>(p.pad.size()), p.pad.data(),
                                                   p.stride.data(), p.dilation.data(), CUDNN_CROSS_CORRELATION,
                                                   CUDNN_DATA_FLOAT),
                   p.opName);
        checkCudnn(cudnnSetConvolutionGroupCount(conv.h, p.groups), p.opName);
        // FMA math keeps FP32 exact (the default lets cuDNN use TF32 tensor cores).
        const cudnnMathType_t math = mode == Mode::kFP32   ? CUDNN_FMA_MATH
                                     : mode == Mode::kTF32 ? CUDNN_DEFAULT_MATH
                                                           : CUDNN_TENSOR_OP_MATH;
        checkCudnn(cudnnSetConvolutionMathType(conv.h, math), p.opName);
        if (p.forward) {  // cuDNN must derive the output size this node has
            std::vector<int> dims(p.y.size());
            checkCudnn(cudnnGetConvolutionNdForwardOutputDim(conv.h, x.h, w.h, static_cast<int>(dims.size()),
                                                             dims.data()),
                       p.opName);
            KILN_CHECK_CODE(dims == p.y, ErrorCode::kINTERNAL_ERROR)
                << p.opName << ": cuDNN derives another output size than shape inference";
        }
    }
};

struct Candidate {
    int algo;
    size_t memory;
};

//! cuDNN's ranked algorithms for a problem (cached per thread by configuration), each with the
//! larger of the heuristic's and cudnnGet*WorkspaceSize's workspace (the heuristic's figure can be
//! short, and cuDNN then refuses the call with BAD_PARAM), without the FFT and Winograd ones in exact FP32 mode (their transforms round far more than a direct
//! sum: float32 engines must stay within 1e-4 of ONNX Runtime on real models).
std::vector<Candidate>& candidatesFor(const Problem& p, const Descs& d, Mode mode) {
    int device = 0;
    cudaGetDevice(&device);
    std::vector<int64_t> key{device, p.forward, static_cast<int64_t>(mode), p.type, p.groups};
    for (const auto* v : {&p.x, &p.w, &p.y, &p.pad, &p.stride, &p.dilation}) {
        key.push_back(-1);
        key.insert(key.end(), v->begin(), v->end());
    }
    thread_local std::map<std::vector<int64_t>, std::vector<Candidate>> cache;
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    cudnnHandle_t h = cudnnHandle();
    std::vector<Candidate> list;
    int returned = 0;
    if (p.forward) {
        cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
        checkCudnn(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x.h, d.w.h, d.conv.h, d.y.h,
                                                          CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf),
                   "Convolution: cudnnGetConvolutionForwardAlgorithm_v7");
        for (int i = 0; i < returned; ++i) {
            const bool fft = perf[i].algo == CUDNN_CONVOLUTION_FWD_ALGO_FFT ||
                             perf[i].algo == CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING ||
                             perf[i].algo == CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD ||
                             perf[i].algo == CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED;
            size_t exact = 0;
            if (perf[i].status == CUDNN_STATUS_SUCCESS && !(fft && mode == Mode::kFP32) &&
                cudnnGetConvolutionForwardWorkspaceSize(h, d.x.h, d.w.h, d.conv.h, d.y.h, perf[i].algo, &exact) ==
                    CUDNN_STATUS_SUCCESS)
                list.push_back({static_cast<int>(perf[i].algo), std::max(perf[i].memory, exact)});
        }
    } else {
        cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
        checkCudnn(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w.h, d.x.h, d.conv.h, d.y.h,
                                                               CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &returned, perf),
                   "Deconvolution: cudnnGetConvolutionBackwardDataAlgorithm_v7");
        for (int i = 0; i < returned; ++i) {
            const bool fft = perf[i].algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT ||
                             perf[i].algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING ||
                             perf[i].algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD ||
                             perf[i].algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED;
            size_t exact = 0;
            if (perf[i].status == CUDNN_STATUS_SUCCESS && !(fft && mode == Mode::kFP32) &&
                cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w.h, d.x.h, d.conv.h, d.y.h, perf[i].algo,
                                                             &exact) == CUDNN_STATUS_SUCCESS)
                list.push_back({static_cast<int>(perf[i].algo), std::max(perf[i].memory, exact)});
        }
    }
    return cache.emplace(std::move(key), std::move(list)).first->second;
}

//! The best-ranked algorithm that fits `available` bytes; nullptr if none does.
const Candidate* pick(const std::vector<Candidate>& list, size_t available) {
    for (const Candidate& c : list)
        if (c.memory <= available) return &c;
    return nullptr;
}

//! A status that says this algorithm cannot take this problem (cuDNN 9's BAD_PARAM and
//! NOT_SUPPORTED families), as opposed to a failure of the device or the library.
bool algorithmRefused(cudnnStatus_t status) {
    const int family = static_cast<int>(status) / 1000;
    return family == 2 || family == 3;
}

//! Staging copy + the best algorithm's workspace. A shape cuDNN cannot run (dims past 32 bits,
//! no algorithm) asks for SIZE_MAX, so that the builder passes over this tactic instead of failing.
template <class OpT>
size_t workspaceOf(const KernelArgs& a, bool forward, Mode mode) {
    if (a.outputs.empty() || a.outputs[0].numel() == 0 || a.inputs[0].numel() == 0) return 0;
    try {
        const Problem p = makeProblem<OpT>(a, forward);
        const Descs d(p, mode);
        const Candidate* c = pick(candidatesFor(p, d, mode), kMaxAlgoWorkspace);
        if (c) return p.stageBytes + c->memory;
    } catch (const std::exception&) {
    }
    return std::numeric_limits<size_t>::max();
}

//! y = act(y + bias[k] + residual) in one pass (convEpilogue): the bias per output channel,
//! the residual (Convolution's input 3, the output's shape), the activation (activationType < 0:
//! none); nothing to do leaves y alone.
void epilogue(KernelArgs& a, const char* opName, int64_t activationType, float alpha, float beta) {
    ir::TensorView& y = a.outputs[0];
    const int32_t c0 = y.rank - (a.inputs[1].rank - 2) - 1;  // channel axis
    const int64_t k = y.dims[c0];
    int64_t inner = 1;
    for (int32_t i = c0 + 1; i < y.rank; ++i) inner *= y.dims[i];
    const void* bias = nullptr;
    DataType biasType = DataType::kFLOAT;
    if (a.has(2)) {
        KILN_CHECK(a.inputs[2].numel() == k) << opName << ": bias has " << a.inputs[2].numel() << " values for " << k
                                             << " output maps";
        bias = a.inputs[2].data, biasType = a.inputs[2].type;
    }
    const void* residual = nullptr;
    if (a.has(3)) {
        const ir::TensorView& r = a.inputs[3];
        KILN_CHECK(r.numel() == y.numel() && r.type == y.type)
            << opName << ": the residual has " << r.numel() << " " << dataTypeName(r.type) << " values for an output of "
            << y.numel() << " " << dataTypeName(y.type);
        residual = r.data;
    }
    if (!bias && !residual && activationType < 0) return;
    check(convEpilogue(y.data, y.type, y.numel(), bias, biasType, k, std::max<int64_t>(inner, 1), residual,
                       static_cast<int32_t>(activationType), alpha, beta, a.stream),
          opName);
}

template <class OpT>
void runConv(KernelArgs& a, bool forward, Mode mode) {
    const char* opName = OpT::kName;
    ir::TensorView& y = a.outputs[0];
    const ir::TensorView& x = a.inputs[0];
    const ir::TensorView& w = a.inputs[1];
    KILN_CHECK_CODE(w.type == x.type && y.type == x.type && typeFits(x.type, mode), ErrorCode::kUNSUPPORTED_STATE)
        << opName << ": input " << dataTypeName(x.type) << ", weights " << dataTypeName(w.type) << ", output "
        << dataTypeName(y.type) << " (this tactic takes one type for all)";
    int64_t act = -1;
    float alpha = 0.f, beta = 0.f;
    if constexpr (std::is_same_v<OpT, ir::ConvolutionOp>) {
        const auto& op = a.opAs<OpT>();
        act = op.fusedActivation, alpha = static_cast<float>(op.fusedAlpha), beta = static_cast<float>(op.fusedBeta);
    }
    if (y.numel() == 0) return;
    cudaStream_t stream = streamOf(a);
    if (x.numel() == 0) {  // nothing reaches the output but bias (padding only, or no channels)
        check(static_cast<int>(cudaMemsetAsync(y.data, 0, y.bytes(), stream)), opName);
        epilogue(a, opName, act, alpha, beta);
        return;
    }
    const Problem p = makeProblem<OpT>(a, forward);
    const Descs d(p, mode);
    KILN_CHECK_CODE(!p.staged || (a.workspace && a.workspaceSize >= p.stageBytes), ErrorCode::kINVALID_ARGUMENT)
        << opName << ": workspace of " << a.workspaceSize << " bytes, the padded copy needs " << p.stageBytes;
    const size_t available = a.workspace ? a.workspaceSize - p.stageBytes : 0;
    void* stage = a.workspace;
    void* algoSpace = p.stageBytes ? static_cast<char*>(a.workspace) + p.stageBytes : a.workspace;
    const size_t es = dataTypeSize(x.type);
    cudnnHandle_t h = cudnnHandle();
    checkCudnn(cudnnSetStream(h, stream), "cudnnSetStream");
    const float one = 1.f, zero = 0.f;
    const void* src = x.data;
    if (forward && p.staged) {
        check(launchWindowCopy(x.data, stage, es, p.copy, a.stream), "Convolution: padding copy");
        src = stage;
    }
    void* dst = !forward && p.staged ? stage : y.data;
    // The best-ranked algorithm that fits; one that cuDNN refuses for this problem (its
    // heuristics rank some it then rejects) leaves the list, and the next one runs instead.
    std::vector<Candidate>& list = candidatesFor(p, d, mode);
    cudnnStatus_t status = CUDNN_STATUS_SUCCESS;
    for (const Candidate* c = pick(list, available);; c = pick(list, available)) {
        KILN_CHECK_CODE(c, ErrorCode::kUNSUPPORTED_STATE)
            << opName << ": no cuDNN algorithm fits the workspace of " << a.workspaceSize << " bytes"
            << (status == CUDNN_STATUS_SUCCESS ? "" : " and takes this problem (last refusal: ")
            << (status == CUDNN_STATUS_SUCCESS ? "" : cudnnGetErrorString(status))
            << (status == CUDNN_STATUS_SUCCESS ? "" : ")");
        const int algo = c->algo;
        status = forward ? cudnnConvolutionForward(h, &one, d.x.h, src, d.w.h, w.data, d.conv.h,
                                                   static_cast<cudnnConvolutionFwdAlgo_t>(algo), algoSpace,
                                                   c->memory, &zero, d.y.h, dst)
                         : cudnnConvolutionBackwardData(h, &one, d.w.h, w.data, d.x.h, x.data, d.conv.h,
                                                        static_cast<cudnnConvolutionBwdDataAlgo_t>(algo), algoSpace,
                                                        c->memory, &zero, d.y.h, dst);
        if (!algorithmRefused(status)) break;
        list.erase(list.begin() + (c - list.data()));
    }
    checkCudnn(status, forward ? "Convolution: cudnnConvolutionForward" : "Deconvolution: cudnnConvolutionBackwardData");
    if (!forward && p.staged) check(launchWindowCopy(stage, y.data, es, p.copy, a.stream), "Deconvolution: crop copy");
    epilogue(a, opName, act, alpha, beta);
}

template <class OpT>
Tactic makeTactic(const char* name, Mode mode) {
    constexpr bool kForward = std::is_same_v<OpT, ir::ConvolutionOp>;
    Tactic t;
    t.name = name;
    t.tf32 = mode == Mode::kTF32;
    t.supports = [mode](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if constexpr (kForward) {
            const auto& conv = static_cast<const ir::ConvolutionOp&>(op);
            if (conv.fusedActivation >= 0 && !ir::isFusableActivation(conv.fusedActivation)) return false;
        }
        return supportsConv(in, mode);
    };
    t.workspaceSize = [mode](const KernelArgs& a) { return workspaceOf<OpT>(a, kForward, mode); };
    t.run = [mode](KernelArgs& a) { runConv<OpT>(a, kForward, mode); };
    return t;
}

KILN_REGISTER_CUDA_TACTIC("Convolution", makeTactic<ir::ConvolutionOp>("cudnn_fp32", Mode::kFP32));
KILN_REGISTER_CUDA_TACTIC("Convolution", makeTactic<ir::ConvolutionOp>("cudnn_tf32", Mode::kTF32));
KILN_REGISTER_CUDA_TACTIC("Convolution", makeTactic<ir::ConvolutionOp>("cudnn", Mode::kOther));
KILN_REGISTER_CUDA_TACTIC("Deconvolution", makeTactic<ir::DeconvolutionOp>("cudnn_fp32", Mode::kFP32));
KILN_REGISTER_CUDA_TACTIC("Deconvolution", makeTactic<ir::DeconvolutionOp>("cudnn_tf32", Mode::kTF32));
KILN_REGISTER_CUDA_TACTIC("Deconvolution", makeTactic<ir::DeconvolutionOp>("cudnn", Mode::kOther));

}  // namespace
}  // namespace kiln::cuda
