// Activation: TensorRT's activation functions with their alpha/beta meanings, a device copy of
// the CPU reference's formulas (backends/cpu/kernels/activation_math.h), computed in float.
#include "backends/cuda/kernels/activation.h"

#include <type_traits>

#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

using A = ActivationType;
using pw::kThreads;

// std::min/std::max exactly (the first operand wins ties and NaN comparisons), so that CLIP of
// NaN gives what the reference gives.
__device__ __forceinline__ float stdMin(float a, float b) { return b < a ? b : a; }
__device__ __forceinline__ float stdMax(float a, float b) { return a < b ? b : a; }

template <A kType>
__device__ __forceinline__ float activate(float x, float alpha, float beta) {
    if constexpr (kType == A::kRELU) {
        return x > 0.f ? x : 0.f;
    } else if constexpr (kType == A::kSIGMOID) {
        // Split at 0 so that exp never overflows.
        if (x >= 0.f) return 1.f / (1.f + expf(-x));
        const float e = expf(x);
        return e / (1.f + e);
    } else if constexpr (kType == A::kTANH) {
        return tanhf(x);
    } else if constexpr (kType == A::kLEAKY_RELU) {
        return x >= 0.f ? x : alpha * x;
    } else if constexpr (kType == A::kELU) {
        return x >= 0.f ? x : alpha * expm1f(x);
    } else if constexpr (kType == A::kSELU) {
        return beta * (x >= 0.f ? x : alpha * expm1f(x));
    } else if constexpr (kType == A::kSOFTSIGN) {
        return x / (1.f + fabsf(x));
    } else if constexpr (kType == A::kSOFTPLUS) {
        // alpha * log(exp(beta*x) + 1), written so that exp never overflows.
        const float bx = beta * x;
        return alpha * (bx > 0.f ? bx + log1pf(expf(-bx)) : log1pf(expf(bx)));
    } else if constexpr (kType == A::kCLIP) {
        return stdMax(alpha, stdMin(beta, x));
    } else if constexpr (kType == A::kHARD_SIGMOID) {
        return stdMax(0.f, stdMin(1.f, alpha * x + beta));
    } else if constexpr (kType == A::kSCALED_TANH) {
        return alpha * tanhf(beta * x);
    } else if constexpr (kType == A::kTHRESHOLDED_RELU) {
        return x > alpha ? x : 0.f;
    } else if constexpr (kType == A::kGELU_ERF) {
        return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
    } else if constexpr (kType == A::kGELU_TANH) {
        constexpr float kSqrt2OverPi = 0.79788456080286536f;
        return 0.5f * x * (1.f + tanhf(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
    } else {
        static_assert(kType == A::kHARD_SWISH);
        return x * stdMax(0.f, stdMin(1.f, alpha * x + beta));
    }
}

template <A kType, class T>
__global__ void __launch_bounds__(kThreads) activationKernel(const T* in, T* out, int64_t n, float alpha, float beta) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep())
        pw::st(out, i, activate<kType>(static_cast<float>(pw::ld(in, i)), alpha, beta));
}

template <A kType>
int launchActivation(const void* in, void* out, DataType type, int64_t n, float alpha, float beta,
                     cudaStream_t stream) {
    int status = pw::kUnsupported;
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (pw::kIsFloat<T>) {
            activationKernel<kType, T><<<gridFor(n, kThreads), kThreads, 0, stream>>>(
                static_cast<const T*>(in), static_cast<T*>(out), n, alpha, beta);
            status = static_cast<int>(cudaGetLastError());
        }
    });
    return status;
}

//! Element i of a float vector of any float type (the bias of a convolution may differ from y).
__device__ __forceinline__ float loadAnyFloat(const void* p, DataType t, int64_t i) {
    switch (t) {
        case DataType::kHALF: return __half2float(static_cast<const __half*>(p)[i]);
        case DataType::kBF16: return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
        case DataType::kDOUBLE: return static_cast<float>(static_cast<const double*>(p)[i]);
        default: return static_cast<const float*>(p)[i];
    }
}

template <bool kHasAct, A kType, class T>
__global__ void __launch_bounds__(kThreads)
    convEpilogueKernel(T* y, int64_t n, const void* bias, DataType biasType, int64_t channels, int64_t inner,
                       const T* residual, float alpha, float beta) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        float v = static_cast<float>(pw::ld(y, i));
        if (bias) v += loadAnyFloat(bias, biasType, (i / inner) % channels);
        if (residual) v += static_cast<float>(pw::ld(residual, i));
        if constexpr (kHasAct) v = activate<kType>(v, alpha, beta);
        pw::st(y, i, v);
    }
}

template <bool kHasAct, A kType>
int launchConvEpilogue(void* y, DataType type, int64_t n, const void* bias, DataType biasType, int64_t channels,
                       int64_t inner, const void* residual, float alpha, float beta, cudaStream_t stream) {
    int status = pw::kUnsupported;
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (pw::kIsFloat<T> && !std::is_same_v<T, double>) {
            convEpilogueKernel<kHasAct, kType, T><<<gridFor(n, kThreads), kThreads, 0, stream>>>(
                static_cast<T*>(y), n, bias, biasType, channels, inner, static_cast<const T*>(residual), alpha, beta);
            status = static_cast<int>(cudaGetLastError());
        }
    });
    return status;
}

}  // namespace

int convEpilogue(void* y, DataType type, int64_t n, const void* bias, DataType biasType, int64_t channels,
                 int64_t inner, const void* residual, int32_t activationType, float alpha, float beta, void* stream) {
    if (n <= 0) return cudaSuccess;
    if (bias && (channels <= 0 || inner <= 0)) return pw::kUnsupported;
    auto s = static_cast<cudaStream_t>(stream);
    if (activationType < 0)
        return launchConvEpilogue<false, A::kRELU>(y, type, n, bias, biasType, channels, inner, residual, alpha, beta, s);
    switch (static_cast<A>(activationType)) {
#define KILN_EPI_CASE(name) \
    case A::name:           \
        return launchConvEpilogue<true, A::name>(y, type, n, bias, biasType, channels, inner, residual, alpha, beta, s);
        KILN_EPI_CASE(kRELU)
        KILN_EPI_CASE(kSIGMOID)
        KILN_EPI_CASE(kTANH)
        KILN_EPI_CASE(kLEAKY_RELU)
        KILN_EPI_CASE(kELU)
        KILN_EPI_CASE(kSELU)
        KILN_EPI_CASE(kSOFTSIGN)
        KILN_EPI_CASE(kSOFTPLUS)
        KILN_EPI_CASE(kCLIP)
        KILN_EPI_CASE(kHARD_SIGMOID)
        KILN_EPI_CASE(kSCALED_TANH)
        KILN_EPI_CASE(kTHRESHOLDED_RELU)
        KILN_EPI_CASE(kGELU_ERF)
        KILN_EPI_CASE(kGELU_TANH)
        KILN_EPI_CASE(kHARD_SWISH)
#undef KILN_EPI_CASE
    }
    return pw::kUnsupported;
}

int activation(const void* in, void* out, DataType type, int64_t n, int32_t activationType, float alpha, float beta,
               void* stream) {
    if (type != DataType::kFLOAT && type != DataType::kHALF && type != DataType::kBF16 && type != DataType::kDOUBLE)
        return pw::kUnsupported;
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    switch (static_cast<A>(activationType)) {
#define KILN_ACT_CASE(name) \
    case A::name: return launchActivation<A::name>(in, out, type, n, alpha, beta, s);
        KILN_ACT_CASE(kRELU)
        KILN_ACT_CASE(kSIGMOID)
        KILN_ACT_CASE(kTANH)
        KILN_ACT_CASE(kLEAKY_RELU)
        KILN_ACT_CASE(kELU)
        KILN_ACT_CASE(kSELU)
        KILN_ACT_CASE(kSOFTSIGN)
        KILN_ACT_CASE(kSOFTPLUS)
        KILN_ACT_CASE(kCLIP)
        KILN_ACT_CASE(kHARD_SIGMOID)
        KILN_ACT_CASE(kSCALED_TANH)
        KILN_ACT_CASE(kTHRESHOLDED_RELU)
        KILN_ACT_CASE(kGELU_ERF)
        KILN_ACT_CASE(kGELU_TANH)
        KILN_ACT_CASE(kHARD_SWISH)
#undef KILN_ACT_CASE
    }
    return pw::kUnsupported;
}

int activationInPlace(void* data, DataType type, int64_t n, int32_t activationType, float alpha, float beta,
                      void* stream) {
    return activation(data, data, type, n, activationType, alpha, beta, stream);
}

}  // namespace kiln::cuda
