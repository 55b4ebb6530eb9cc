// Branch-free float32 math that compilers vectorize (the libm calls they replace are scalar).
#pragma once

#include <cstdint>
#include <bit>

namespace kiln::cpu {

//! exp(x) in float32 within 2 ulp (Cephes' range reduction and polynomial); NaN stays NaN,
//! results below 2^-126 flush to the smallest normal, overflow saturates at exp(88.7).
inline float expFast(float x) {
    // Clamp (a NaN fails both comparisons and is carried to the end by `x != x`).
    float xc = x < 88.7f ? x : 88.7f;
    xc = xc > -87.3f ? xc : -87.3f;
    // x = n ln2 + r, |r| <= ln2 / 2, n = x log2(e) rounded to nearest by adding and removing
    // 1.5 * 2^23 (a floor with a correction compiles to a branch in the AVX clones, which
    // stops the vectorizer); ln2 split in two for an exact product.
    const float fx = (xc * 1.44269504088896341f + 12582912.f) - 12582912.f;
    float r = xc - fx * 0.693359375f;
    r = r - fx * -2.12194440e-4f;
    const float z = r * r;
    float y = 1.9875691500e-4f;
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * z + r + 1.f;
    const int32_t bits = (static_cast<int32_t>(fx) + 127) << 23;
    const float result = y * std::bit_cast<float>(bits);
    return x != x ? x : result;
}

//! erf(x) in float32 within 2.5e-7 absolute (4 ulp of 1), branch-free. |x| < 0.921875:
//! x P(x^2); up to 3.925: 1 - exp(Q(|x|)), Q fitting log(erfc) (erfc(3.925) is below half an
//! ulp of 1); beyond: +-1. P (degree 5) and Q (degree 8) are weighted least-squares fits made
//! for Kiln (minimax-like, in double, checked in float32 against libm's erf). NaN stays NaN.
inline float erfFast(float x) {
    const float a = x < 0.f ? -x : x;
    const float z = x * x;
    float p = -6.014380488e-04f;
    p = p * z + 4.998194519e-03f;
    p = p * z + -2.677036263e-02f;
    p = p * z + 1.128193066e-01f;
    p = p * z + -3.761250675e-01f;
    p = p * z + 1.128379107e+00f;
    const float small = x * p;
    const float t = a < 3.925f ? a : 3.925f;
    float q = 1.630804149e-06f;
    q = q * t + -4.589655509e-05f;
    q = q * t + 5.951359053e-04f;
    q = q * t + -4.750309978e-03f;
    q = q * t + 2.639054880e-02f;
    q = q * t + -1.100187898e-01f;
    q = q * t + -6.318991184e-01f;
    q = q * t + -1.130185962e+00f;
    q = q * t + 3.072936379e-04f;
    const float large = 1.f - expFast(q);
    const float result = a < 0.921875f ? small : (x < 0.f ? -large : large);
    return x != x ? x : result;
}

}  // namespace kiln::cpu
