// Numpy-broadcast iteration shared by the element-wise kernels (ElementWise, Select). Operand
// dims are right-aligned to the output's, broadcast dims get stride 0, and adjacent dims that stay
// contiguous for every operand are merged, so that the inner loop is as long as possible: the
// same-shape and scalar cases become one contiguous row.
#pragma once

#include <array>
#include <cstdint>

#include "core/status.h"
#include "ir/host_tensor.h"

namespace kiln::cpu {

template <size_t K>
struct BroadcastPlan {
    int32_t rank{0};
    int64_t dims[Dims::MAX_DIMS]{};
    int64_t strides[K][Dims::MAX_DIMS]{};
};

template <size_t K>
BroadcastPlan<K> planBroadcast(const ir::TensorView& out, const std::array<const ir::TensorView*, K>& ins) {
    const int32_t r = out.rank;
    int64_t full[K][Dims::MAX_DIMS]{};
    for (size_t k = 0; k < K; ++k) {
        const ir::TensorView& in = *ins[k];
        KILN_CHECK(in.rank >= 0 && in.rank <= r)
            << "operand " << k << " of rank " << in.rank << " cannot broadcast to rank " << r;
        const int32_t offset = r - in.rank;
        int64_t s = 1;
        for (int32_t i = r - 1; i >= offset; --i) {
            const int64_t d = in.dims[i - offset];
            KILN_CHECK(d == out.dims[i] || d == 1) << "operand " << k << " " << ir::dimsToString(in.shape())
                                                   << " cannot broadcast to " << ir::dimsToString(out.shape());
            full[k][i] = d == 1 ? 0 : s;
            s *= d;
        }
    }
    BroadcastPlan<K> p;
    for (int32_t i = 0; i < r; ++i) {
        if (out.dims[i] == 1) continue;
        bool merge = p.rank > 0;
        for (size_t k = 0; k < K && merge; ++k) merge = p.strides[k][p.rank - 1] == full[k][i] * out.dims[i];
        if (merge) {
            p.dims[p.rank - 1] *= out.dims[i];
            for (size_t k = 0; k < K; ++k) p.strides[k][p.rank - 1] = full[k][i];
        } else {
            p.dims[p.rank] = out.dims[i];
            for (size_t k = 0; k < K; ++k) p.strides[k][p.rank] = full[k][i];
            ++p.rank;
        }
    }
    if (p.rank == 0) {  // a single element
        p.rank = 1;
        p.dims[0] = 1;
    }
    return p;
}

//! Calls row(outOffset, inOffsets, n, innerStrides) for each innermost row of the output
//! (row-major). Inner strides are 0 (broadcast) or 1. Nothing is called for an empty output.
template <size_t K, class Row>
void forEachRow(const BroadcastPlan<K>& p, Row&& row) {
    int64_t total = 1;
    for (int32_t i = 0; i < p.rank; ++i) total *= p.dims[i];
    if (total == 0) return;
    const int32_t last = p.rank - 1;
    const int64_t n = p.dims[last];
    std::array<int64_t, K> inner{};
    std::array<int64_t, K> off{};
    for (size_t k = 0; k < K; ++k) inner[k] = p.strides[k][last];
    int64_t idx[Dims::MAX_DIMS]{};
    for (int64_t o = 0; o < total; o += n) {
        row(o, off, n, inner);
        for (int32_t d = last - 1; d >= 0; --d) {
            for (size_t k = 0; k < K; ++k) off[k] += p.strides[k][d];
            if (++idx[d] < p.dims[d]) break;
            for (size_t k = 0; k < K; ++k) off[k] -= p.strides[k][d] * p.dims[d];
            idx[d] = 0;
        }
    }
}

}  // namespace kiln::cpu
