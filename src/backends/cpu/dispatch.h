// Type dispatch for CPU kernels: call a generic lambda with the C++ storage type of a DataType.
// float16/bfloat16 are stored as Half/BFloat16 and computed in float (load/store below).
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/float8.h"
#include "core/half.h"
#include "core/status.h"
#include "ir/host_tensor.h"
#include "kiln/types.h"

namespace kiln::cpu {

template <class T>
struct TypeTag {
    using type = T;
};

//! Calls fn(TypeTag<T>{}) for the storage type T of `type`. bool is stored as uint8_t but has
//! its own tag type (Bool) so kernels can tell it from uint8.
struct Bool {
    uint8_t v;
};

//! The 8-bit floats and FP4 (src/core/float8.h), stored as their bits (one byte each) and
//! computed in float.
template <Float8Format F>
struct Float8 {
    uint8_t bits;
};

template <class Fn>
decltype(auto) dispatchType(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kFLOAT: return fn(TypeTag<float>{});
        case DataType::kDOUBLE: return fn(TypeTag<double>{});
        case DataType::kHALF: return fn(TypeTag<Half>{});
        case DataType::kBF16: return fn(TypeTag<BFloat16>{});
        case DataType::kINT32: return fn(TypeTag<int32_t>{});
        case DataType::kINT64: return fn(TypeTag<int64_t>{});
        case DataType::kINT8:
        case DataType::kINT2: return fn(TypeTag<int8_t>{});  // INT2/UINT2: one per byte (copy_cast.cpp narrows)
        case DataType::kUINT8:
        case DataType::kUINT2: return fn(TypeTag<uint8_t>{});
        case DataType::kBOOL: return fn(TypeTag<Bool>{});
        case DataType::kUINT16: return fn(TypeTag<uint16_t>{});
        case DataType::kUINT32: return fn(TypeTag<uint32_t>{});
        case DataType::kUINT64: return fn(TypeTag<uint64_t>{});
        case DataType::kFP8: return fn(TypeTag<Float8<Float8Format::kE4M3FN>>{});
        case DataType::kFP8E4M3FNUZ: return fn(TypeTag<Float8<Float8Format::kE4M3FNUZ>>{});
        case DataType::kFP8E5M2: return fn(TypeTag<Float8<Float8Format::kE5M2>>{});
        case DataType::kFP8E5M2FNUZ: return fn(TypeTag<Float8<Float8Format::kE5M2FNUZ>>{});
        case DataType::kFP4: return fn(TypeTag<Float8<Float8Format::kE2M1>>{});
        case DataType::kE8M0: return fn(TypeTag<Float8<Float8Format::kE8M0>>{});
        default: break;
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "data type " << dataTypeName(type) << " is not supported";
    return fn(TypeTag<float>{});
}

//! The type arithmetic happens in: float for the 16-bit floats, the type itself otherwise.
template <class T>
struct ComputeOf {
    using type = T;
};
template <>
struct ComputeOf<Half> {
    using type = float;
};
template <>
struct ComputeOf<BFloat16> {
    using type = float;
};
template <>
struct ComputeOf<Bool> {
    using type = bool;
};
template <Float8Format F>
struct ComputeOf<Float8<F>> {
    using type = float;
};
template <class T>
struct IsFloat8 : std::false_type {};
template <Float8Format F>
struct IsFloat8<Float8<F>> : std::true_type {};
template <class T>
using compute_t = typename ComputeOf<T>::type;

template <class T>
constexpr Float8Format float8FormatOf() {
    if constexpr (IsFloat8<T>::value) {
        if constexpr (std::is_same_v<T, Float8<Float8Format::kE4M3FNUZ>>) return Float8Format::kE4M3FNUZ;
        else if constexpr (std::is_same_v<T, Float8<Float8Format::kE5M2>>) return Float8Format::kE5M2;
        else if constexpr (std::is_same_v<T, Float8<Float8Format::kE5M2FNUZ>>) return Float8Format::kE5M2FNUZ;
        else if constexpr (std::is_same_v<T, Float8<Float8Format::kE2M1>>) return Float8Format::kE2M1;
        else if constexpr (std::is_same_v<T, Float8<Float8Format::kE8M0>>) return Float8Format::kE8M0;
        else return Float8Format::kE4M3FN;
    } else {
        return Float8Format::kE4M3FN;
    }
}

template <class T>
inline compute_t<T> load(const T* p, int64_t i) {
    if constexpr (std::is_same_v<T, Half>) {
        return halfToFloat(p[i].bits);
    } else if constexpr (std::is_same_v<T, BFloat16>) {
        return bf16ToFloat(p[i].bits);
    } else if constexpr (std::is_same_v<T, Bool>) {
        return p[i].v != 0;
    } else if constexpr (IsFloat8<T>::value) {
        return float8ToFloat(p[i].bits, float8FormatOf<T>());
    } else {
        return p[i];
    }
}

template <class T, class V>
inline void store(T* p, int64_t i, V value) {
    if constexpr (std::is_same_v<T, Half>) {
        p[i].bits = floatToHalf(static_cast<float>(value));
    } else if constexpr (std::is_same_v<T, BFloat16>) {
        p[i].bits = floatToBf16(static_cast<float>(value));
    } else if constexpr (std::is_same_v<T, Bool>) {
        p[i].v = static_cast<bool>(value) ? 1 : 0;
    } else if constexpr (IsFloat8<T>::value) {
        p[i].bits = floatToFloat8(static_cast<double>(value), float8FormatOf<T>());  // ONNX's default: saturate
    } else {
        p[i] = static_cast<T>(value);
    }
}

template <class T>
constexpr bool isFloatStorage() {
    return std::is_same_v<T, float> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16> ||
           std::is_same_v<T, double> || IsFloat8<T>::value;
}

//! Reads element i of an integer (or bool) view as int64.
int64_t loadIndex(const ir::TensorView& v, int64_t i);
//! Reads element i of any view as double.
double loadAsDouble(const ir::TensorView& v, int64_t i);

}  // namespace kiln::cpu
