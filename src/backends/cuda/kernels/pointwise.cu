// Scale and Fill. Scale computes in float as the reference, with explicitly rounded multiply
// and add (no contraction to fma, which the CPU does not do either). Fill reproduces the
// reference's values: LINSPACE summed in double in the same order, random values from the same
// SplitMix64 hash of (seed, index).
#include "backends/cuda/kernels/pointwise.h"

#include <type_traits>

#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

using pw::kThreads;

__device__ __forceinline__ double operandAsDouble(const DeviceOperand& o, int64_t k) {
    switch (o.type) {
        case DataType::kFLOAT: return static_cast<const float*>(o.data)[k];
        case DataType::kHALF: return __half2float(static_cast<const __half*>(o.data)[k]);
        case DataType::kBF16: return __bfloat162float(static_cast<const __nv_bfloat16*>(o.data)[k]);
        case DataType::kDOUBLE: return static_cast<const double*>(o.data)[k];
        case DataType::kINT8: return static_cast<const int8_t*>(o.data)[k];
        case DataType::kUINT8: return static_cast<const uint8_t*>(o.data)[k];
        case DataType::kINT32: return static_cast<const int32_t*>(o.data)[k];
        case DataType::kINT64: return static_cast<double>(static_cast<const int64_t*>(o.data)[k]);
        case DataType::kBOOL: return static_cast<const uint8_t*>(o.data)[k] != 0 ? 1.0 : 0.0;
        default: return 0.0;
    }
}

//! Integer operands exactly, others through double (the reference's loadIndex / cast).
__device__ __forceinline__ int64_t operandAsInt(const DeviceOperand& o, int64_t k) {
    switch (o.type) {
        case DataType::kINT8: return static_cast<const int8_t*>(o.data)[k];
        case DataType::kUINT8: return static_cast<const uint8_t*>(o.data)[k];
        case DataType::kINT32: return static_cast<const int32_t*>(o.data)[k];
        case DataType::kINT64: return static_cast<const int64_t*>(o.data)[k];
        default: return static_cast<int64_t>(operandAsDouble(o, k));
    }
}

__device__ __forceinline__ float coefficient(const DeviceOperand& o, int64_t k, float absent) {
    return o.data ? static_cast<float>(operandAsDouble(o, k)) : absent;
}

template <class T>
__global__ void __launch_bounds__(kThreads) scaleKernel(const T* x, T* y, int64_t n, int64_t count, int64_t inner,
                                                          DeviceOperand shift, DeviceOperand scale,
                                                          DeviceOperand power) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        const int64_t c = (i / inner) % count;
        float v = __fadd_rn(__fmul_rn(pw::ld(x, i), coefficient(scale, c, 1.f)), coefficient(shift, c, 0.f));
        if (power.data) v = powf(v, coefficient(power, c, 1.f));
        pw::st(y, i, v);
    }
}

__device__ __forceinline__ uint64_t splitMix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

//! Uniform in [0, 1) with 53 random bits.
__device__ __forceinline__ double uniformAt(uint64_t seed, uint64_t i) {
    return static_cast<double>(splitMix64(splitMix64(seed) + i) >> 11) * (1.0 / 9007199254740992.0);
}

__device__ __forceinline__ double normalAt(uint64_t seed, uint64_t i) {
    const double u1 = uniformAt(seed, 2 * i);
    const double u2 = uniformAt(seed, 2 * i + 1);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

__device__ __forceinline__ bool isIntOperand(DataType t) {
    return t == DataType::kINT32 || t == DataType::kINT64 || t == DataType::kINT8 || t == DataType::kUINT8;
}

template <class T>
__global__ void __launch_bounds__(kThreads) fillKernel(const FillParams p, T* out, int64_t n) {
    double alpha = p.alpha;
    int64_t alphaInt = p.alphaInt;
    if (p.alphaInput.data) {
        alpha = operandAsDouble(p.alphaInput, 0);
        alphaInt = isIntOperand(p.alphaInput.type) ? operandAsInt(p.alphaInput, 0) : static_cast<int64_t>(alpha);
    }
    const int32_t last = (p.rank > 1 ? p.rank : 1) - 1;
    double beta[kMaxRank];
    int64_t betaInt[kMaxRank];
    for (int32_t d = 0; d < kMaxRank; ++d) {
        beta[d] = p.beta[d];
        betaInt[d] = p.betaInt[d];
    }
    if (p.betaInput.data) {
        const int32_t count = p.betaPerAxis ? p.rank : 1;
        for (int32_t k = 0; k < count; ++k) {
            const int32_t at = p.betaPerAxis ? k : last;
            beta[at] = operandAsDouble(p.betaInput, k);
            betaInt[at] = isIntOperand(p.betaInput.type) ? operandAsInt(p.betaInput, k) : static_cast<int64_t>(beta[at]);
        }
    }
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        if (p.op == static_cast<int32_t>(FillOperation::kLINSPACE)) {
            int64_t idx[kMaxRank];
            int64_t rest = i;
            for (int32_t d = p.rank - 1; d >= 0; --d) {
                idx[d] = rest % p.dims[d];
                rest /= p.dims[d];
            }
            if constexpr (pw::kIsFloat<T>) {
                // The reference's order, each step rounded (no fma).
                double v = alpha;
                for (int32_t d = 0; d < p.rank; ++d) v = __dadd_rn(v, __dmul_rn(beta[d], static_cast<double>(idx[d])));
                pw::st(out, i, v);
            } else {
                // Integer outputs stay exact, wrapping.
                uint64_t v = static_cast<uint64_t>(alphaInt);
                for (int32_t d = 0; d < p.rank; ++d) v += static_cast<uint64_t>(betaInt[d]) * static_cast<uint64_t>(idx[d]);
                pw::st(out, i, static_cast<int64_t>(v));
            }
        } else {
            const bool uniform = p.op == static_cast<int32_t>(FillOperation::kRANDOM_UNIFORM);
            const double b = beta[last];
            const auto k = static_cast<uint64_t>(i);
            double v = uniform ? __dadd_rn(alpha, __dmul_rn(b - alpha, uniformAt(p.seed, k)))
                               : __dadd_rn(alpha, __dmul_rn(b, normalAt(p.seed, k)));
            if constexpr (!pw::kIsFloat<T>) v = uniform ? floor(v) : round(v);
            pw::st(out, i, v);
        }
    }
}

bool isCoefficientType(DataType t) { return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16; }

}  // namespace

int scale(DataType type, const void* x, void* y, int64_t n, int64_t count, int64_t inner, DeviceOperand shift,
          DeviceOperand scale, DeviceOperand power, void* stream) {
    for (const DeviceOperand* c : {&shift, &scale, &power})
        if (c->data && !isCoefficientType(c->type)) return pw::kUnsupported;
    if (!isCoefficientType(type) || count <= 0 || inner <= 0) return n <= 0 ? cudaSuccess : pw::kUnsupported;
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    int status = pw::kUnsupported;
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_same_v<T, float> || std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>) {
            scaleKernel<T><<<gridFor(n, kThreads), kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(y), n,
                                                                    count, inner, shift, scale, power);
            status = static_cast<int>(cudaGetLastError());
        }
    });
    return status;
}

bool fillSupports(DataType type) { return type != DataType::kBOOL && pw::dispatchType(type, [](auto) {}); }

int fillTensor(const FillParams& params, DataType type, void* out, int64_t n, void* stream) {
    if (!fillSupports(type) || params.rank < 0 || params.rank > kMaxRank) return pw::kUnsupported;
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    int status = pw::kUnsupported;
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (!pw::kIsBool<T>) {
            fillKernel<T><<<gridFor(n, kThreads), kThreads, 0, s>>>(params, static_cast<T*>(out), n);
            status = static_cast<int>(cudaGetLastError());
        }
    });
    return status;
}

}  // namespace kiln::cuda
