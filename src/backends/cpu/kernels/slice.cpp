// Slice: every sample mode, negative strides, start/stride/axes from inputs. Moves bytes.
#include "ir/ops/slice.h"

#include <algorithm>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/data_movement.h"

namespace kiln::cpu {
namespace {

//! Like ir::sliceSampleIndex, with the errors for samples that have no source: out of bounds
//! in kSTRICT_BOUNDS, or any sample of an empty axis outside kFILL.
int64_t sampleIndex(SampleMode mode, int64_t start, int64_t stride, int64_t o, int64_t dim, int32_t axis) {
    const int64_t index = ir::sliceSampleIndex(mode, start, stride, o, dim);
    if (index >= 0 || mode == SampleMode::kFILL) return index;
    KILN_CHECK(mode == SampleMode::kSTRICT_BOUNDS) << "Slice: axis " << axis << " has size 0, nothing to sample from";
    const int64_t c = start + o * stride;
    KILN_CHECK(false) << "Slice: index " << c << " (start " << start << " + " << o << " * stride " << stride
                      << ") is out of bounds for axis " << axis << " of size " << dim << " in mode kSTRICT_BOUNDS";
    return -1;
}

//! Parameter k of the sliced axes: input `index` when present, else the attribute, else `fallback`.
int64_t param(const KernelArgs& a, size_t index, const std::vector<int64_t>& attr, size_t count, size_t k,
              int64_t fallback, const char* what) {
    if (a.has(index)) {
        KILN_CHECK(a.inputs[index].numel() == static_cast<int64_t>(count))
            << "Slice: " << what << " has " << a.inputs[index].numel() << " values, expected " << count;
        return loadIndex(a.inputs[index], static_cast<int64_t>(k));
    }
    if (attr.empty()) return fallback;
    KILN_CHECK(attr.size() == count) << "Slice: " << what << " has " << attr.size() << " values, expected " << count;
    return attr[k];
}

void runSlice(KernelArgs& a) {
    const auto& op = a.opAs<ir::SliceOp>();
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    const size_t es = elementSize(in);
    const int32_t rank = in.rank;
    KILN_CHECK(out.rank == rank) << "Slice: output rank " << out.rank << " differs from input rank " << rank;

    std::vector<int32_t> axes;
    if (a.has(5)) {
        for (int64_t k = 0; k < a.inputs[5].numel(); ++k) {
            axes.push_back(normalizedAxis(loadIndex(a.inputs[5], k), rank, "Slice"));
        }
    } else {
        for (int32_t i = 0; i < rank; ++i) axes.push_back(i);
    }
    std::vector<int64_t> start(rank, 0), stride(rank, 1);
    for (size_t k = 0; k < axes.size(); ++k) {
        start[axes[k]] = param(a, 1, op.start, axes.size(), k, 0, "start");
        stride[axes[k]] = param(a, 3, op.stride, axes.size(), k, 1, "stride");
        KILN_CHECK(stride[axes[k]] != 0) << "Slice: stride 0 on axis " << axes[k];
    }

    // An empty output may still have one huge extent (0 x 2^50): nothing to index, so stop
    // before building the per-axis tables.
    const int64_t total = out.numel();
    if (total == 0) return;
    // Per axis, the input index of each output position (-1: fill).
    std::vector<std::vector<int64_t>> source(rank);
    for (int32_t d = 0; d < rank; ++d) {
        source[d].resize(out.dims[d]);
        for (int64_t o = 0; o < out.dims[d]; ++o)
            source[d][o] = sampleIndex(op.mode, start[d], stride[d], o, in.dims[d], d);
    }
    std::vector<uint8_t> fill(es, 0);
    if (a.has(4)) {
        KILN_CHECK(a.inputs[4].type == in.type && a.inputs[4].numel() == 1)
            << "Slice: the fill value must be one element of the input's type";
        copyElement(fill.data(), a.inputs[4].data, es);
    }

    int64_t inStrides[Dims::MAX_DIMS];
    rowMajorStrides(rank, in.dims, inStrides);
    int64_t idx[Dims::MAX_DIMS]{};
    auto* dst = static_cast<uint8_t*>(out.data);
    const auto* src = static_cast<const uint8_t*>(in.data);
    for (int64_t n = 0; n < total; ++n) {
        int64_t offset = 0;
        bool isFill = false;
        for (int32_t d = 0; d < rank; ++d) {
            int64_t s = source[d][idx[d]];
            isFill |= s < 0;
            offset += s * inStrides[d];
        }
        copyElement(dst + n * es, isFill ? fill.data() : src + offset * static_cast<int64_t>(es), es);
        for (int32_t d = rank - 1; d >= 0; --d) {
            if (++idx[d] < out.dims[d]) break;
            idx[d] = 0;
        }
    }
}

Tactic sliceReference() {
    Tactic t;
    t.name = "reference";
    t.run = runSlice;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Slice", sliceReference());

}  // namespace
}  // namespace kiln::cpu
