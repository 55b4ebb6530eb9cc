// Padding reference kernel: zero padding (negative values crop) of the trailing dims, any type;
// rows along the last dim are copied with memcpy.
#include "ir/ops/padding.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

void padReference(KernelArgs& a) {
    const auto& op = a.opAs<ir::PaddingOp>();
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    const int32_t rank = x.rank;
    const size_t es = dataTypeSize(x.type);
    std::vector<int64_t> pre(rank, 0);
    const int32_t n = static_cast<int32_t>(op.prePadding.size());
    for (int32_t i = 0; i < n; ++i) pre[rank - n + i] = op.prePadding[i];
    auto* dst = static_cast<uint8_t*>(y.data);
    const auto* src = static_cast<const uint8_t*>(x.data);
    if (rank == 0) {
        std::memcpy(dst, src, es);
        return;
    }
    const int64_t outRow = y.dims[rank - 1], inRow = x.dims[rank - 1];
    const int64_t rows = outRow ? y.numel() / outRow : 0;
    // Overlap of the output row with the input row: output [lo, hi) <- input [lo - pre, hi - pre).
    const int64_t lo = std::clamp<int64_t>(pre[rank - 1], 0, outRow);
    const int64_t hi = std::clamp<int64_t>(pre[rank - 1] + inRow, lo, outRow);
    int64_t idx[Dims::MAX_DIMS];
    for (int64_t r = 0; r < rows; ++r) {
        uint8_t* row = dst + static_cast<size_t>(r * outRow) * es;
        int64_t inRowIndex = 0;
        bool inside = true;
        for (int64_t t = r, d = rank - 2; d >= 0; --d) idx[d] = t % y.dims[d], t /= y.dims[d];
        for (int32_t d = 0; d < rank - 1 && inside; ++d) {
            int64_t p = idx[d] - pre[d];
            inside = p >= 0 && p < x.dims[d];
            inRowIndex = inRowIndex * x.dims[d] + p;
        }
        if (!inside || hi <= lo) {
            std::memset(row, 0, static_cast<size_t>(outRow) * es);
            continue;
        }
        std::memset(row, 0, static_cast<size_t>(lo) * es);
        std::memcpy(row + lo * es, src + static_cast<size_t>(inRowIndex * inRow + lo - pre[rank - 1]) * es,
                    static_cast<size_t>(hi - lo) * es);
        std::memset(row + hi * es, 0, static_cast<size_t>(outRow - hi) * es);
    }
}

Tactic paddingReference() {
    Tactic t;
    t.name = "reference";
    t.run = padReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Padding", paddingReference());

}  // namespace
}  // namespace kiln::cpu
