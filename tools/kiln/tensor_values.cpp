#include "tensor_values.h"

#include <cmath>
#include <cstring>

namespace kiln::cli {

float halfToFloat(uint16_t h) {
    uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0x1f) bits = sign | 0x7f800000u | (mant << 13);  // inf / nan
    else if (exp != 0) bits = sign | ((exp + 112) << 23) | (mant << 13);
    else if (mant == 0) bits = sign;
    else {  // subnormal: normalise
        int e = -1;
        do {
            ++e;
            mant <<= 1;
        } while (!(mant & 0x400u));
        bits = sign | ((112 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t floatToHalf(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) return sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0);
    if (absx >= 0x477ff000u) return sign | 0x7c00u;  // overflow to inf
    if (absx < 0x38800000u) {                        // subnormal or zero in half
        float a;
        std::memcpy(&a, &absx, 4);
        return sign | static_cast<uint16_t>(std::lrint(a * 16777216.0f));  // a / 2^-24
    }
    uint32_t rounded = absx + 0xfffu + ((absx >> 13) & 1u);  // round to nearest even
    return sign | static_cast<uint16_t>((rounded - 0x38000000u) >> 13);
}

float bf16ToFloat(uint16_t b) {
    uint32_t bits = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t floatToBf16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);
    return static_cast<uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

namespace {

template <typename T, typename Gen>
void fill(std::vector<uint8_t>& bytes, Gen gen) {
    size_t n = bytes.size() / sizeof(T);
    for (size_t i = 0; i < n; ++i) {
        T v = gen();
        std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
    }
}

template <typename T, typename Out = T>
nlohmann::ordered_json values(const std::vector<uint8_t>& bytes) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    size_t n = bytes.size() / sizeof(T);
    for (size_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
        out.push_back(static_cast<Out>(v));
    }
    return out;
}

nlohmann::ordered_json halfValues(const std::vector<uint8_t>& bytes, float (*convert)(uint16_t)) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
        uint16_t v;
        std::memcpy(&v, bytes.data() + i, 2);
        out.push_back(convert(v));
    }
    return out;
}

}  // namespace

void fillRandom(std::vector<uint8_t>& bytes, DataType type, std::mt19937& rng) {
    std::uniform_real_distribution<float> real(-1.f, 1.f);
    auto ints = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    switch (type) {
        case DataType::kFLOAT: fill<float>(bytes, [&] { return real(rng); }); break;
        case DataType::kDOUBLE: fill<double>(bytes, [&] { return static_cast<double>(real(rng)); }); break;
        case DataType::kHALF: fill<uint16_t>(bytes, [&] { return floatToHalf(real(rng)); }); break;
        case DataType::kBF16: fill<uint16_t>(bytes, [&] { return floatToBf16(real(rng)); }); break;
        case DataType::kINT32: fill<int32_t>(bytes, [&] { return ints(0, 3); }); break;
        case DataType::kINT64: fill<int64_t>(bytes, [&] { return static_cast<int64_t>(ints(0, 3)); }); break;
        case DataType::kBOOL: fill<uint8_t>(bytes, [&] { return static_cast<uint8_t>(ints(0, 1)); }); break;
        case DataType::kINT8: fill<int8_t>(bytes, [&] { return static_cast<int8_t>(ints(-128, 127)); }); break;
        case DataType::kUINT8: fill<uint8_t>(bytes, [&] { return static_cast<uint8_t>(ints(0, 255)); }); break;
        case DataType::kUINT16: fill<uint16_t>(bytes, [&] { return static_cast<uint16_t>(ints(0, 65535)); }); break;
        case DataType::kUINT32: fill<uint32_t>(bytes, [&] { return static_cast<uint32_t>(ints(0, 3)); }); break;
        case DataType::kUINT64: fill<uint64_t>(bytes, [&] { return static_cast<uint64_t>(ints(0, 3)); }); break;
        case DataType::kFP8:
        case DataType::kFP8E4M3FNUZ:
        case DataType::kFP8E5M2:
        case DataType::kFP8E5M2FNUZ: fill<uint8_t>(bytes, [&] { return static_cast<uint8_t>(ints(0, 0x7E)); }); break;
        case DataType::kFP4: fill<uint8_t>(bytes, [&] { return static_cast<uint8_t>(ints(0, 15)); }); break;
        case DataType::kE8M0: fill<uint8_t>(bytes, [&] { return static_cast<uint8_t>(ints(120, 134)); }); break;
        case DataType::kINT2: fill<int8_t>(bytes, [&] { return static_cast<int8_t>(ints(-2, 1)); }); break;
        case DataType::kUINT2: fill<uint8_t>(bytes, [&] { return static_cast<uint8_t>(ints(0, 3)); }); break;
        default: break;  // types Kiln refuses keep their zeros
    }
}

nlohmann::ordered_json valuesToJson(const std::vector<uint8_t>& bytes, DataType type) {
    switch (type) {
        case DataType::kFLOAT: return values<float>(bytes);
        case DataType::kDOUBLE: return values<double>(bytes);
        case DataType::kHALF: return halfValues(bytes, halfToFloat);
        case DataType::kBF16: return halfValues(bytes, bf16ToFloat);
        case DataType::kINT32: return values<int32_t>(bytes);
        case DataType::kINT64: return values<int64_t>(bytes);
        case DataType::kBOOL: return values<uint8_t, bool>(bytes);
        case DataType::kINT8:
        case DataType::kINT2: return values<int8_t, int>(bytes);
        case DataType::kUINT8:
        case DataType::kUINT2: return values<uint8_t, int>(bytes);
        case DataType::kUINT16: return values<uint16_t, int>(bytes);
        case DataType::kUINT32: return values<uint32_t>(bytes);
        case DataType::kUINT64: return values<uint64_t>(bytes);
        default: return nullptr;
    }
}

}  // namespace kiln::cli
