// TensorRT's activation functions with their alpha/beta meanings, written once: the Activation
// kernel and the fused epilogues of Convolution and MatrixMultiply all use these.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/status.h"
#include "kiln/types.h"

namespace kiln::cpu {

template <ActivationType kType>
inline float activate(float x, float alpha, float beta) {
    using A = ActivationType;
    if constexpr (kType == A::kRELU) {
        return x > 0.f ? x : 0.f;
    } else if constexpr (kType == A::kSIGMOID) {
        // Split at 0 so that exp never overflows.
        if (x >= 0.f) return 1.f / (1.f + std::exp(-x));
        const float e = std::exp(x);
        return e / (1.f + e);
    } else if constexpr (kType == A::kTANH) {
        return std::tanh(x);
    } else if constexpr (kType == A::kLEAKY_RELU) {
        return x >= 0.f ? x : alpha * x;
    } else if constexpr (kType == A::kELU) {
        return x >= 0.f ? x : alpha * std::expm1(x);
    } else if constexpr (kType == A::kSELU) {
        return beta * (x >= 0.f ? x : alpha * std::expm1(x));
    } else if constexpr (kType == A::kSOFTSIGN) {
        return x / (1.f + std::fabs(x));
    } else if constexpr (kType == A::kSOFTPLUS) {
        // alpha * log(exp(beta*x) + 1), written so that exp never overflows.
        const float bx = beta * x;
        return alpha * (bx > 0.f ? bx + std::log1p(std::exp(-bx)) : std::log1p(std::exp(bx)));
    } else if constexpr (kType == A::kCLIP) {
        return std::max(alpha, std::min(beta, x));
    } else if constexpr (kType == A::kHARD_SIGMOID) {
        return std::max(0.f, std::min(1.f, alpha * x + beta));
    } else if constexpr (kType == A::kSCALED_TANH) {
        return alpha * std::tanh(beta * x);
    } else if constexpr (kType == A::kTHRESHOLDED_RELU) {
        return x > alpha ? x : 0.f;
    } else if constexpr (kType == A::kGELU_ERF) {
        return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f));
    } else if constexpr (kType == A::kGELU_TANH) {
        constexpr float kSqrt2OverPi = 0.79788456080286536f;
        return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
    } else {
        static_assert(kType == A::kHARD_SWISH);
        return x * std::max(0.f, std::min(1.f, alpha * x + beta));
    }
}

//! Calls fn(std::integral_constant<ActivationType, type>{}), so the switch happens once, not
//! per element.
template <class Fn>
void dispatchActivation(ActivationType type, Fn&& fn) {
    using A = ActivationType;
    switch (type) {
        case A::kRELU: return fn(std::integral_constant<A, A::kRELU>{});
        case A::kSIGMOID: return fn(std::integral_constant<A, A::kSIGMOID>{});
        case A::kTANH: return fn(std::integral_constant<A, A::kTANH>{});
        case A::kLEAKY_RELU: return fn(std::integral_constant<A, A::kLEAKY_RELU>{});
        case A::kELU: return fn(std::integral_constant<A, A::kELU>{});
        case A::kSELU: return fn(std::integral_constant<A, A::kSELU>{});
        case A::kSOFTSIGN: return fn(std::integral_constant<A, A::kSOFTSIGN>{});
        case A::kSOFTPLUS: return fn(std::integral_constant<A, A::kSOFTPLUS>{});
        case A::kCLIP: return fn(std::integral_constant<A, A::kCLIP>{});
        case A::kHARD_SIGMOID: return fn(std::integral_constant<A, A::kHARD_SIGMOID>{});
        case A::kSCALED_TANH: return fn(std::integral_constant<A, A::kSCALED_TANH>{});
        case A::kTHRESHOLDED_RELU: return fn(std::integral_constant<A, A::kTHRESHOLDED_RELU>{});
        case A::kGELU_ERF: return fn(std::integral_constant<A, A::kGELU_ERF>{});
        case A::kGELU_TANH: return fn(std::integral_constant<A, A::kGELU_TANH>{});
        case A::kHARD_SWISH: return fn(std::integral_constant<A, A::kHARD_SWISH>{});
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "unknown activation type " << static_cast<int>(type);
}

//! One element, dispatching on the type at run time (reference kernels' epilogues).
inline float activate(int64_t type, float alpha, float beta, float x) {
    float y = x;
    dispatchActivation(static_cast<ActivationType>(type),
                       [&](auto a) { y = activate<decltype(a)::value>(x, alpha, beta); });
    return y;
}

//! GELU (erf) over a contiguous range in place with the vectorised erf of fast_math.h
//! (unary_fast.cpp): libm's scalar erff made a fused GELU epilogue slower than the separate
//! Erf layer it replaced.
void geluErfFastInPlace(float* data, int64_t n);

//! A contiguous range in place (fast tactics' epilogues).
inline void activateInPlace(int64_t type, float alpha, float beta, float* data, int64_t n) {
    if (type == static_cast<int64_t>(ActivationType::kGELU_ERF)) return geluErfFastInPlace(data, n);
    dispatchActivation(static_cast<ActivationType>(type), [&](auto a) {
        for (int64_t i = 0; i < n; ++i) data[i] = activate<decltype(a)::value>(data[i], alpha, beta);
    });
}

}  // namespace kiln::cpu
