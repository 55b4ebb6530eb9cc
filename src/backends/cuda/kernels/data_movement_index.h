// Launchers of the indexed data movement kernels: Gather (DEFAULT, ELEMENT, ND), Scatter
// (ELEMENT, ND without reduction) and OneHot. Elements move by size (1, 2, 4, 8 bytes); index
// tensors are int32 or int64 (`indices64`). Negative indices count from the end of their axis as
// in the reference; an index still out of range (the reference throws) gathers zero bytes and is
// skipped by Scatter. Each returns a cudaError_t as int.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/layout.h"
#include "kiln/types.h"

namespace kiln::cuda {

//! out[b, p, i, q] = data[b, p, indices[b, i], q] for data [B, P, D, Q] and indices [B, I].
int launchGatherDefault(void* dst, const void* data, const void* indices, bool indices64, int64_t B, int64_t P,
                        int64_t D, int64_t Q, int64_t I, size_t elemSize, void* stream);

//! out[n] = data[offsetOf(walk, n) + k * axisStride] with k = indices[n] on the axis of size
//! axisDim; `walk` has the indices' dims and the data's strides, 0 on the axis.
int launchGatherElements(void* dst, const void* data, const void* indices, bool indices64, const Layout& walk,
                         int64_t axisStride, int64_t axisDim, size_t elemSize, void* stream);

//! ND gather below `batch` dims: data [B, dims[0..K), R], indices [B, M, K]:
//! out[b, m, :] = data[b, indices[b, m, :], :].
struct GatherNdParams {
    int64_t B{1}, M{1}, K{0}, R{1};
    int64_t dims[kMaxRank]{};  //!< the K indexed data dims
};
int launchGatherNd(void* dst, const void* data, const void* indices, bool indices64, const GatherNdParams& p,
                   size_t elemSize, void* stream);

//! Scatter without reduction, out already holding the data. The last duplicate wins as in the
//! reference: a first pass records, per target, the highest update index in `winners` (int64
//! per target, the workspace), a second pass writes only the winners.
int launchScatterElements(void* out, const void* indices, bool indices64, const void* updates, const Layout& walk,
                          int64_t axisStride, int64_t axisDim, int64_t nbTargets, void* winners, size_t elemSize,
                          void* stream);
//! ScatterND: out [dims[0..K), R], indices [M, K], updates [M, R]; one winner per K-tuple.
int launchScatterNd(void* out, const void* indices, bool indices64, const void* updates, const GatherNdParams& p,
                    void* winners, size_t elemSize, void* stream);

//! Scatter with a reduction (SUM, PROD, MAX, MIN) of numeric `type`, out already holding the
//! data: each target combined with its updates in the reference's order (deterministic).
//! ELEMENT: `walk` as for launchScatterElements, `axis` its scatter axis.
int launchScatterElementsReduce(void* out, const void* indices, bool indices64, const void* updates, DataType type,
                                const Layout& walk, int32_t axis, int64_t axisStride, int64_t axisDim,
                                ScatterReduction reduction, void* stream);
//! ND: as launchScatterNd (B = 1).
int launchScatterNdReduce(void* out, const void* indices, bool indices64, const void* updates, DataType type,
                          const GatherNdParams& p, ScatterReduction reduction, void* stream);

//! out[o, d, k] = values[indices[o, k] == d] (values = [off, on]) for out [outer, depth, inner].
int launchOneHot(void* dst, const void* indices, bool indices64, const void* values, int64_t outer, int64_t depth,
                 int64_t inner, size_t elemSize, void* stream);

}  // namespace kiln::cuda
