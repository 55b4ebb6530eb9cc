// Reduce kernels. Floats accumulate in double and integers in int64 as the reference does, so
// integer sums are exact and wrap only at the final store; NaN propagates through MAX/MIN.
// Three shapes of work: a group of threads (warp or block) per output, several groups per
// output with partials in the workspace (few long outputs), or one thread per output when
// neighbouring outputs are neighbours in memory (the reduced dims are outer ones).
#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/kernels/reduction_common.cuh"

namespace kiln::cuda {
namespace {

constexpr int kBlock = 256;
constexpr int64_t kMaxBlocks = 1 << 20;

template <class A>
__device__ __forceinline__ A combine(A a, A v, int32_t op) {
    switch (static_cast<ReduceOperation>(op)) {
        case ReduceOperation::kPROD:
            if constexpr (std::is_integral<A>::value)
                return static_cast<A>(static_cast<uint64_t>(a) * static_cast<uint64_t>(v));  // wraps
            else
                return a * v;
        case ReduceOperation::kMAX:
            if constexpr (std::is_integral<A>::value) return v > a ? v : a;
            else return (v > a || isnan(v)) ? v : a;
        case ReduceOperation::kMIN:
            if constexpr (std::is_integral<A>::value) return v < a ? v : a;
            else return (v < a || isnan(v)) ? v : a;
        default:
            return a + v;
    }
}

template <class T>
__device__ __forceinline__ T finalize(AccT<T> a, int32_t op, int64_t count) {
    if (static_cast<ReduceOperation>(op) == ReduceOperation::kAVG) {
        if constexpr (isFloatT<T>()) a = count ? a / static_cast<double>(count) : nan("");
        else a = count ? a / count : 0;
    }
    return fromAcc<T>(a);
}

struct ReduceArgs {
    int32_t op;
    int64_t outCount, count, split, chunk;
    double initF;
    int64_t initI;
};

template <class T>
__device__ __forceinline__ AccT<T> initOf(const ReduceArgs& a) {
    if constexpr (isFloatT<T>()) return a.initF;
    else return a.initI;
}

//! Groups of G threads (32: a warp, kBlock: the block) each fold one chunk of one output.
template <class T, int G>
__global__ void reduceGroups(T* dst, AccT<T>* partial, const T* src, Layout slots, Layout members, ReduceArgs a) {
    using A = AccT<T>;
    __shared__ A shared[32];
    constexpr int kPerBlock = kBlock / G;
    const int lane = threadIdx.x % G;
    const int64_t units = a.outCount * a.split;
    const int64_t step = static_cast<int64_t>(gridDim.x) * kPerBlock;
    const auto op = [&](A x, A y) { return combine(x, y, a.op); };
    for (int64_t unit = static_cast<int64_t>(blockIdx.x) * kPerBlock + threadIdx.x / G; unit < units; unit += step) {
        const int64_t s = unit / a.split, part = unit - s * a.split;
        const int64_t base = offsetOf(slots, s);
        const int64_t begin = part * a.chunk;
        const int64_t end = begin + a.chunk < a.count ? begin + a.chunk : a.count;
        A acc = initOf<T>(a);
        for (int64_t r = begin + lane; r < end; r += G) acc = op(acc, toAcc(src[base + offsetOf(members, r)]));
        if constexpr (G == 32) acc = warpReduce(acc, op);
        else acc = blockReduce(acc, op, initOf<T>(a), shared);
        if (lane == 0) {
            if (a.split == 1) dst[s] = finalize<T>(acc, a.op, a.count);
            else partial[unit] = acc;
        }
    }
}

template <class T>
__global__ void reducePartials(T* dst, const AccT<T>* partial, ReduceArgs a) {
    for (int64_t s = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; s < a.outCount;
         s += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        AccT<T> acc = initOf<T>(a);
        for (int64_t p = 0; p < a.split; ++p) acc = combine(acc, partial[s * a.split + p], a.op);
        dst[s] = finalize<T>(acc, a.op, a.count);
    }
}

template <class T>
__global__ void reduceThreadPerOutput(T* dst, const T* src, Layout slots, Layout members, ReduceArgs a) {
    for (int64_t s = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; s < a.outCount;
         s += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t base = offsetOf(slots, s);
        AccT<T> acc = initOf<T>(a);
        for (int64_t r = 0; r < a.count; ++r) acc = combine(acc, toAcc(src[base + offsetOf(members, r)]), a.op);
        dst[s] = finalize<T>(acc, a.op, a.count);
    }
}

template <class Fn>
bool dispatchReduce(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kFLOAT: fn(float{}); return true;
        case DataType::kHALF: fn(__half{}); return true;
        case DataType::kBF16: fn(__nv_bfloat16{}); return true;
        case DataType::kDOUBLE: fn(double{}); return true;
        case DataType::kINT8: fn(int8_t{}); return true;
        case DataType::kUINT8: fn(uint8_t{}); return true;
        case DataType::kINT32: fn(int32_t{}); return true;
        case DataType::kINT64: fn(int64_t{}); return true;
        default: return false;
    }
}

//! The identity of `op` for T (so that an empty reduction gives it, as the reference).
template <class T>
void initValues(int32_t op, double& f, int64_t& i) {
    const auto o = static_cast<ReduceOperation>(op);
    f = o == ReduceOperation::kPROD ? 1.0 : o == ReduceOperation::kMAX ? -HUGE_VAL : o == ReduceOperation::kMIN ? HUGE_VAL : 0.0;
    int64_t lo = 0, hi = 0;
    if constexpr (!isFloatT<T>()) {
        lo = static_cast<int64_t>(std::numeric_limits<T>::lowest());
        hi = static_cast<int64_t>(std::numeric_limits<T>::max());
    }
    i = o == ReduceOperation::kPROD ? 1 : o == ReduceOperation::kMAX ? lo : o == ReduceOperation::kMIN ? hi : 0;
}

unsigned blocksFor(int64_t units, int64_t perBlock) {
    int64_t b = (units + perBlock - 1) / perBlock;
    return static_cast<unsigned>(b < 1 ? 1 : b > kMaxBlocks ? kMaxBlocks : b);
}

}  // namespace

bool reduceSupportsType(DataType type) {
    return dispatchReduce(type, [](auto) {});
}

ReducePlan planReduce(const Layout& slots, const Layout& members, bool innermostReduced) {
    ReducePlan p;
    p.outCount = numelOf(slots);
    p.count = numelOf(members);
    // Thread per output needs enough threads to hide a whole column's serial loads.
    if (!innermostReduced && p.outCount >= 2048 && (p.count <= 8192 || p.outCount >= 32768)) {
        p.threadPerOutput = true;
        return p;
    }
    // Few long outputs: spread each over several blocks (about 1024 blocks, 8192+ elements each).
    if (p.outCount > 0 && p.outCount < 512 && p.count > 16384) {
        int64_t byLength = (p.count + 8191) / 8192, byBlocks = (1024 + p.outCount - 1) / p.outCount;
        p.split = byLength < byBlocks ? byLength : byBlocks;
        if (p.split < 1) p.split = 1;
    }
    return p;
}

size_t reduceWorkspace(const ReducePlan& plan, DataType type) {
    (void)type;
    return plan.split > 1 ? static_cast<size_t>(plan.outCount * plan.split) * 8 : 0;  // double or int64 partials
}

int launchReduce(void* dst, const void* src, DataType type, int32_t op, const Layout& slots, const Layout& members,
                 const ReducePlan& plan, void* workspace, void* stream) {
    if (plan.outCount == 0) return cudaSuccess;
    if (plan.split > 1 && !workspace) return cudaErrorInvalidValue;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    const bool ok = dispatchReduce(type, [&](auto tag) {
        using T = decltype(tag);
        using A = AccT<T>;
        ReduceArgs a{op, plan.outCount, plan.count, plan.split, (plan.count + plan.split - 1) / plan.split, 0, 0};
        initValues<T>(op, a.initF, a.initI);
        T* y = static_cast<T*>(dst);
        const T* x = static_cast<const T*>(src);
        A* partial = static_cast<A*>(workspace);
        if (plan.threadPerOutput) {
            reduceThreadPerOutput<T><<<blocksFor(plan.outCount, kBlock), kBlock, 0, s>>>(y, x, slots, members, a);
            return;
        }
        const int64_t units = plan.outCount * plan.split;
        if (a.chunk <= 2048)
            reduceGroups<T, 32><<<blocksFor(units, kBlock / 32), kBlock, 0, s>>>(y, partial, x, slots, members, a);
        else
            reduceGroups<T, kBlock><<<blocksFor(units, 1), kBlock, 0, s>>>(y, partial, x, slots, members, a);
        if (plan.split > 1) reducePartials<T><<<blocksFor(plan.outCount, kBlock), kBlock, 0, s>>>(y, partial, a);
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace kiln::cuda
