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

//! Product of dims[begin, end).
inline int64_t productOf(const int64_t* dims, int32_t begin, int32_t end) {
    int64_t p = 1;
    for (int32_t i = begin; i < end; ++i) p *= dims[i];
    return p;
}

//! Copies `n` elements of `size` bytes read `stride` elements apart into contiguous dst; the
//! fixed sizes compile to one typed loop each.
inline void stridedRow(uint8_t* dst, const uint8_t* src, int64_t n, int64_t stride, size_t size) {
    auto typed = [&](auto tag) {
        using T = decltype(tag);
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * int64_t(sizeof(T)), src + i * stride * int64_t(sizeof(T)), sizeof(T));
    };
    switch (size) {
        case 1: typed(uint8_t{}); break;
        case 2: typed(uint16_t{}); break;
        case 4: typed(uint32_t{}); break;
        case 8: typed(uint64_t{}); break;
        default:
            for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * int64_t(size), src + i * stride * int64_t(size), size);
    }
}

//! Writes a contiguous output of `rank` dims `dims` where output element (i0..ir) reads
//! src[sum(ik * srcStrides[k])] (strides in elements). Covers transposes and strided slices.
//! Dims of size 1 are dropped and neighbours that are contiguous in the source merged, so the
//! innermost loop is as long as possible: one memcpy when it is contiguous, a typed strided
//! loop otherwise.
inline void stridedCopy(void* dst, const void* src, int32_t rank, const int64_t* dims, const int64_t* srcStrides,
                        size_t elemSize) {
    int64_t d[Dims::MAX_DIMS], st[Dims::MAX_DIMS];
    int32_t r = 0;
    for (int32_t i = 0; i < rank; ++i) {
        if (dims[i] == 0) return;
        if (dims[i] == 1) continue;
        if (r > 0 && st[r - 1] == srcStrides[i] * dims[i]) {  // the previous dim steps over this one exactly
            d[r - 1] *= dims[i];
            st[r - 1] = srcStrides[i];
            continue;
        }
        d[r] = dims[i];
        st[r] = srcStrides[i];
        ++r;
    }
    auto* out = static_cast<uint8_t*>(dst);
    const auto* in = static_cast<const uint8_t*>(src);
    const auto es = static_cast<int64_t>(elemSize);
    if (r == 0) {
        copyElement(out, in, elemSize);
        return;
    }
    const int64_t rowLen = d[r - 1], rowStride = st[r - 1];
    const int64_t rows = productOf(d, 0, r - 1);
    int64_t idx[Dims::MAX_DIMS]{};
    int64_t offset = 0;
    for (int64_t row = 0; row < rows; ++row, out += rowLen * es) {
        if (rowStride == 1)
            std::memcpy(out, in + offset * es, static_cast<size_t>(rowLen * es));
        else
            stridedRow(out, in + offset * es, rowLen, rowStride, elemSize);
        // Odometer increment over the outer dims, innermost first.
        for (int32_t k = r - 2; k >= 0; --k) {
            if (++idx[k] < d[k]) {
                offset += st[k];
                break;
            }
            offset -= (d[k] - 1) * st[k];
            idx[k] = 0;
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

}  // namespace kiln::cpu
