// Launchers of the data movement kernels (Shuffle, Concatenation, Slice, Shape, Padding). They
// move elements by size, never by type, so one instantiation per element size serves every
// DataType. Each returns a cudaError_t as int (the launch status).
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/layout.h"
#include "kiln/types.h"

namespace kiln::cuda {

//! True for the element sizes the movement kernels copy (1, 2, 4, 8 bytes).
inline bool movableElementSize(size_t size) { return size == 1 || size == 2 || size == 4 || size == 8; }

//! dst (dense, numelOf(src) elements) [i] = src[offsetOf(src, i)]. Merges dims and widens the
//! element when the layout allows; a fully contiguous layout becomes one cudaMemcpyAsync.
int launchStridedCopy(void* dst, const void* src, const Layout& src0, size_t elemSize, void* stream);

//! dst[i] = src[offsetOf(second, offsetOf(first, i))]: two index maps composed (a transpose,
//! a reshape, a transpose), numelOf(first) == numelOf(second) elements.
int launchStridedCopy2(void* dst, const void* src, const Layout& first, const Layout& second, size_t elemSize,
                       void* stream);

//! `height` rows of `widthBytes` from src (rows srcPitch bytes apart) to dst (dstPitch apart).
int launchCopy2D(void* dst, int64_t dstPitch, const void* src, int64_t srcPitch, int64_t widthBytes, int64_t height,
                 void* stream);

//! Plain device-to-device copy (nothing when src == dst or bytes == 0).
int launchCopy(void* dst, const void* src, size_t bytes, void* stream);

//! Slice parameters. Per sliced axis k (nbAxes of them): the axis (axesPtr when set, else k),
//! start and stride (startPtr/stridePtr when set, else the host values). The device pointers
//! are int32 or int64 tensors (the *Is64 flags).
struct SliceParams {
    int32_t rank{0};
    int32_t mode{0};  //!< SampleMode
    int32_t nbAxes{0};
    int64_t outDims[kMaxRank]{};
    int64_t inDims[kMaxRank]{};
    int64_t startK[kMaxRank]{};
    int64_t strideK[kMaxRank]{};
    const void* axesPtr{nullptr};
    const void* startPtr{nullptr};
    const void* stridePtr{nullptr};
    int32_t axesIs64{0}, startIs64{0}, strideIs64{0};
    const void* fillPtr{nullptr};  //!< one element; null: zero bytes
};

int launchSlice(void* dst, const void* src, const SliceParams& params, size_t elemSize, void* stream);

//! Writes dims[0..rank) as int64 (or int32 when !as64) to dst.
int launchShape(void* dst, int32_t rank, const int64_t* dims, bool as64, void* stream);

//! Zero padding: out element idx reads in[idx - pre] (per axis), zero where that is outside.
//! `out` is dense over the output dims; inDims/pre cover every axis (pre 0 on unpadded ones).
int launchPadding(void* dst, const void* src, const Layout& out, const int64_t* inDims, const int64_t* pre,
                  size_t elemSize, void* stream);

}  // namespace kiln::cuda
