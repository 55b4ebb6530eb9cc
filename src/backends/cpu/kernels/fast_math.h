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
    // x = n ln2 + r, |r| <= ln2 / 2, n = floor(x log2(e) + 1/2) (truncation, corrected below 0);
    // ln2 split in two for an exact product.
    const float t = xc * 1.44269504088896341f + 0.5f;
    float fx = static_cast<float>(static_cast<int32_t>(t));
    fx = fx > t ? fx - 1.f : fx;
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

}  // namespace kiln::cpu
