// Helpers for the kernels that only move elements (Shuffle, Slice, Gather, Scatter, ...): they
// work on element size, not on the element type, so one code path serves every DataType.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/status.h"
#include "ir/host_tensor.h"

namespace kiln::cpu {

//! Copies one element of `size` bytes; the fixed sizes compile to a single load/store.
inline void copyElement(void* dst, const void* src, size_t size) {
    switch (size) {
        case 1:
            std::memcpy(dst, src, 1);
            break;
        case 2:
            std::memcpy(dst, src, 2);
            break;
        case 4:
            std::memcpy(dst, src, 4);
            break;
        case 8:
            std::memcpy(dst, src, 8);
            break;
        default:
            std::memcpy(dst, src, size);
            break;
    }
}

inline size_t elementSize(const ir::TensorView& v) {
    size_t size = dataTypeSize(v.type);
    KILN_CHECK_CODE(size > 0, ErrorCode::kUNSUPPORTED_STATE)
        << "data type " << dataTypeName(v.type) << " has no byte size on the CPU backend";
    return size;
}

//! Writes a contiguous output of `rank` dims `dims` where output element (i0..ir) reads
//! src[sum(ik * srcStrides[k])] (strides in elements). Covers transposes and strided slices.
inline void stridedCopy(void* dst, const void* src, int32_t rank, const int64_t* dims, const int64_t* srcStrides,
                        size_t elemSize) {
    int64_t total = 1;
    for (int32_t i = 0; i < rank; ++i) total *= dims[i];
    if (total == 0) return;
    auto* out = static_cast<uint8_t*>(dst);
    const auto* in = static_cast<const uint8_t*>(src);
    int64_t idx[Dims::MAX_DIMS]{};
    int64_t offset = 0;
    for (int64_t n = 0; n < total; ++n) {
        copyElement(out + n * elemSize, in + offset * static_cast<int64_t>(elemSize), elemSize);
        // Odometer increment, innermost dim first.
        for (int32_t d = rank - 1; d >= 0; --d) {
            if (++idx[d] < dims[d]) {
                offset += srcStrides[d];
                break;
            }
            offset -= (dims[d] - 1) * srcStrides[d];
            idx[d] = 0;
        }
    }
}

//! Row-major strides of plain dims.
inline void rowMajorStrides(int32_t rank, const int64_t* dims, int64_t* strides) {
    int64_t s = 1;
    for (int32_t i = rank - 1; i >= 0; --i) {
        strides[i] = s;
        s *= dims[i];
    }
}

//! Product of dims[begin, end).
inline int64_t productOf(const int64_t* dims, int32_t begin, int32_t end) {
    int64_t p = 1;
    for (int32_t i = begin; i < end; ++i) p *= dims[i];
    return p;
}

}  // namespace kiln::cpu
