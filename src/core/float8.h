// The four 8-bit float formats of ONNX (and TensorRT's kFP8, which is E4M3FN): decoding to float
// and encoding with round-to-nearest-even, saturating or not as ONNX Cast's `saturate` says.
//   E4M3FN   bias 7,  no infinity, NaN = S.1111.111, max 448
//   E4M3FNUZ bias 8,  no infinity, no -0, NaN = 0x80, max 240
//   E5M2     bias 15, IEEE-like (infinities, NaNs), max 57344
//   E5M2FNUZ bias 16, no infinity, no -0, NaN = 0x80, max 57344
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace kiln {

enum class Float8Format : uint8_t { kE4M3FN, kE4M3FNUZ, kE5M2, kE5M2FNUZ };

struct Float8Layout {
    int mantissaBits, bias;
    bool unsignedZero;  //!< FNUZ: 0x80 is NaN, there is no -0
    double max;
};

constexpr Float8Layout layoutOf(Float8Format f) {
    switch (f) {
        case Float8Format::kE4M3FN: return {3, 7, false, 448.0};
        case Float8Format::kE4M3FNUZ: return {3, 8, true, 240.0};
        case Float8Format::kE5M2: return {2, 15, false, 57344.0};
        case Float8Format::kE5M2FNUZ: return {2, 16, true, 57344.0};
    }
    return {3, 7, false, 448.0};
}

inline float float8ToFloat(uint8_t bits, Float8Format f) {
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

inline uint8_t floatToFloat8(double x, Float8Format f, bool saturate = true) {
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
