// The narrow float formats of ONNX (and TensorRT's kFP8, which is E4M3FN, kFP4 and kE8M0):
// decoding to float and encoding with round-to-nearest-even, saturating or not as ONNX Cast's
// `saturate` says.
//   E4M3FN   bias 7,  no infinity, NaN = S.1111.111, max 448
//   E4M3FNUZ bias 8,  no infinity, no -0, NaN = 0x80, max 240
//   E5M2     bias 15, IEEE-like (infinities, NaNs), max 57344
//   E5M2FNUZ bias 16, no infinity, no -0, NaN = 0x80, max 57344
//   E2M1     4 bits (Kiln keeps one per byte, in the low nibble), bias 1, no infinity or NaN,
//            values 0, 0.5, 1, 1.5, 2, 3, 4, 6; always saturates
//   E8M0     unsigned, exponent only: 2^(bits - 127), 0xFF = NaN, no zero; rounding by mode
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kiln/types.h"

// Host and device: the CUDA cast kernels encode and decode with these same functions.
#if defined(__CUDACC__)
#define KILN_FLOAT8_FN __host__ __device__ inline
#else
#define KILN_FLOAT8_FN inline
#endif

namespace kiln {

enum class Float8Format : uint8_t { kE4M3FN, kE4M3FNUZ, kE5M2, kE5M2FNUZ, kE2M1, kE8M0 };

struct Float8Layout {
    int mantissaBits, bias;
    bool unsignedZero;  //!< FNUZ: 0x80 is NaN, there is no -0
    double max;
};

KILN_FLOAT8_FN constexpr Float8Layout layoutOf(Float8Format f) {
    switch (f) {
        case Float8Format::kE4M3FN: return {3, 7, false, 448.0};
        case Float8Format::kE4M3FNUZ: return {3, 8, true, 240.0};
        case Float8Format::kE5M2: return {2, 15, false, 57344.0};
        case Float8Format::kE5M2FNUZ: return {2, 16, true, 57344.0};
        // E2M1 and E8M0 have encoders of their own below; listed for completeness.
        case Float8Format::kE2M1: return {1, 1, false, 6.0};
        case Float8Format::kE8M0: return {0, 127, true, 1.7014118346046923e38};
    }
    return {3, 7, false, 448.0};
}

KILN_FLOAT8_FN float fp4ToFloat(uint8_t bits) {
    const int exponent = (bits >> 1) & 3, mantissa = bits & 1;
    const float v = exponent == 0 ? 0.5f * static_cast<float>(mantissa)
                                  : std::ldexp(1.0f + 0.5f * static_cast<float>(mantissa), exponent - 1);
    return (bits & 0x8) ? -v : v;
}

KILN_FLOAT8_FN float e8m0ToFloat(uint8_t bits) {
    if (bits == 0xFF) return std::numeric_limits<float>::quiet_NaN();
    return std::ldexp(1.0f, static_cast<int>(bits) - 127);
}

KILN_FLOAT8_FN float float8ToFloat(uint8_t bits, Float8Format f) {
    if (f == Float8Format::kE2M1) return fp4ToFloat(bits);
    if (f == Float8Format::kE8M0) return e8m0ToFloat(bits);
    const Float8Layout l = layoutOf(f);
    const int m = l.mantissaBits, e = 7 - m;
    if (l.unsignedZero && bits == 0x80) return std::numeric_limits<float>::quiet_NaN();
    const bool negative = (bits & 0x80) != 0;
    const int exponent = (bits >> m) & ((1 << e) - 1);
    const int mantissa = bits & ((1 << m) - 1);
    if (f == Float8Format::kE4M3FN && exponent == 15 && mantissa == 7) return std::numeric_limits<float>::quiet_NaN();
    if (f == Float8Format::kE5M2 && exponent == 31) {
        if (mantissa) return std::numeric_limits<float>::quiet_NaN();
        return negative ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
    }
    double v = exponent == 0 ? std::ldexp(static_cast<double>(mantissa), 1 - l.bias - m)
                             : std::ldexp(1.0 + std::ldexp(static_cast<double>(mantissa), -m), exponent - l.bias);
    return static_cast<float>(negative ? -v : v);
}

//! Nearest even on the grid 0, 0.5, 1, 1.5, 2, 3, 4, 6, saturating (there is no infinity);
//! NaN becomes -0, as the ONNX suite's data (ml_dtypes) has it.
KILN_FLOAT8_FN uint8_t floatToFp4(double x) {
    if (std::isnan(x)) return 0x8;
    const uint8_t sign = std::signbit(x) ? 0x8 : 0;
    const double a = std::fabs(x);
    if (a >= 6.0) return static_cast<uint8_t>(sign | 0x7);
    const int e = a < 1.0 ? 0 : std::ilogb(a);              // 0 also covers the subnormal 0.5
    const double r = std::ldexp(std::nearbyint(std::ldexp(a, 1 - e)), e - 1);  // step 2^(e-1)
    if (r == 0) return sign;
    if (r < 1.0) return static_cast<uint8_t>(sign | 0x1);  // 0.5, the only subnormal
    const int re = std::ilogb(r);
    const int mantissa = static_cast<int>(std::ldexp(r, 1 - re)) - 2;
    return static_cast<uint8_t>(sign | ((re + 1) << 1) | mantissa);
}

//! E8M0 from the float32 bits as ONNX defines it: the sign is dropped, Inf and NaN give NaN,
//! the fraction decides the rounding; saturate keeps 2^127 from rounding up into NaN.
KILN_FLOAT8_FN uint8_t floatToE8m0(float x, bool saturate, E8M0RoundingMode mode) {
#if defined(__CUDA_ARCH__)
    const uint32_t bits = __float_as_uint(x);
#else
    uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
#endif
    const uint32_t exponent = (bits >> 23) & 0xFF;
    if (exponent == 0xFF) return 0xFF;
    bool up = false;
    if (mode == E8M0RoundingMode::kUP) {
        up = (bits & 0x7FFFFF) != 0;
    } else if (mode == E8M0RoundingMode::kNEAREST) {
        const bool guard = bits & 0x400000, round = bits & 0x200000, sticky = bits & 0x1FFFFF;
        up = guard && (round || sticky || exponent > 0);
    }
    if (up && saturate && exponent == 0xFE) up = false;
    return static_cast<uint8_t>(exponent + (up ? 1 : 0));
}

KILN_FLOAT8_FN uint8_t floatToFloat8(double x, Float8Format f, bool saturate = true) {
    if (f == Float8Format::kE2M1) return floatToFp4(x);
    if (f == Float8Format::kE8M0) return floatToE8m0(static_cast<float>(x), saturate, E8M0RoundingMode::kUP);
    const Float8Layout l = layoutOf(f);
    const int m = l.mantissaBits;
    const uint8_t nan = l.unsignedZero ? 0x80 : 0x7F;  // E4M3FN S.1111.111, E5M2 S.11111.11
    const bool negative = std::signbit(x);
    const uint8_t sign = negative ? 0x80 : 0;
    if (std::isnan(x)) return l.unsignedZero ? nan : static_cast<uint8_t>(nan | (negative ? 0x80 : 0));
    const uint8_t infinity = static_cast<uint8_t>(0x7C | (negative ? 0x80 : 0));  // E5M2 only
    auto overflow = [&]() -> uint8_t {
        if (saturate) return floatToFloat8(negative ? -l.max : l.max, f, true);
        return f == Float8Format::kE5M2 ? infinity : l.unsignedZero ? nan : static_cast<uint8_t>(nan | sign);
    };
    double a = std::fabs(x);
    if (std::isinf(a)) return overflow();
    const int minExponent = 1 - l.bias;  // of the smallest normal number
    // Round to the grid of representable magnitudes (nearest, ties to even; the scalings by
    // powers of two are exact in double).
    int e = std::ilogb(a == 0 ? 1.0 : a);
    if (a == 0 || e < minExponent) e = minExponent;
    double r = std::ldexp(std::nearbyint(std::ldexp(a, m - e)), e - m);
    if (r > l.max) return overflow();
    if (r == 0) return l.unsignedZero ? 0 : sign;  // FNUZ has no -0 (0x80 is its NaN)
    int re = std::ilogb(r);
    if (re < minExponent) {  // subnormal: exponent field 0
        return static_cast<uint8_t>(sign | static_cast<uint8_t>(std::ldexp(r, l.bias - 1 + m)));
    }
    const int mantissa = static_cast<int>(std::ldexp(r, m - re)) - (1 << m);
    return static_cast<uint8_t>(sign | ((re + l.bias) << m) | mantissa);
}

}  // namespace kiln
