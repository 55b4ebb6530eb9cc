// Families of element types as the ops' type checks name them (one place, so a new type such
// as float64 is accepted everywhere its kernels are generic).
#pragma once

#include "kiln/types.h"

namespace kiln::ir {

//! float32, float16, bfloat16 and float64: what the generic CPU kernels compute on.
inline bool isFloatType(DataType t) {
    return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16 || t == DataType::kDOUBLE;
}

//! The types the matrix, convolution and normalization tactics take (no float64).
inline bool isFloat32OrNarrower(DataType t) {
    return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16;
}

inline bool isIntType(DataType t) {
    return t == DataType::kINT32 || t == DataType::kINT64 || t == DataType::kINT8 || t == DataType::kUINT8 ||
           t == DataType::kUINT16 || t == DataType::kUINT32 || t == DataType::kUINT64;
}

inline bool isUnsignedType(DataType t) {
    return t == DataType::kUINT8 || t == DataType::kUINT16 || t == DataType::kUINT32 || t == DataType::kUINT64;
}

//! The 8-bit floats and FP4: stored, cast and moved; no arithmetic (as ONNX, which casts them
//! first).
inline bool isFloat8Type(DataType t) {
    return t == DataType::kFP8 || t == DataType::kFP8E4M3FNUZ || t == DataType::kFP8E5M2 ||
           t == DataType::kFP8E5M2FNUZ || t == DataType::kFP4 || t == DataType::kE8M0;
}

}  // namespace kiln::ir
