// Resize reference kernel. Every mode is separable: each axis maps an output coordinate to a few
// input taps with weights (nearest: 1, linear: 2, cubic: 4), and an output element is the sum of
// the tap products over the axes. Out-of-range taps take the edge value (ONNX), or are dropped
// and the rest renormalised with excludeOutside (cubic, antialiased). Antialiasing widens the
// filter on shrinking axes.
#include "ir/ops/resize.h"

#include <cmath>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/resize_coords.h"
#include "backends/cpu/kernels/resize_taps.h"

namespace kiln::cpu {
namespace {

using resize::axisScales;
using resize::axisTaps;
using resize::Tap;

template <class T>
void resizeTyped(const ir::ResizeOp& op, KernelArgs& a) {
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    const int32_t rank = x.rank;
    if (y.numel() == 0) return;
    KILN_CHECK(x.numel() > 0) << "Resize: cannot fill a non-empty output from an empty input";
    std::vector<double> scales = axisScales(op, a);
    std::vector<std::vector<std::vector<Tap>>> taps(rank);
    int64_t inStride[Dims::MAX_DIMS];
    stridesOf(x, inStride);
    for (int32_t d = 0; d < rank; ++d) taps[d] = axisTaps(op, x.dims[d], y.dims[d], scales[d], d);
    const T* src = x.as<const T>();
    T* dst = y.as<T>();
    int64_t o[Dims::MAX_DIMS]{}, t[Dims::MAX_DIMS]{};
    for (int64_t oi = 0; oi < y.numel(); ++oi) {
        for (int64_t r = oi, d = rank - 1; d >= 0; --d) o[d] = r % y.dims[d], r /= y.dims[d];
        bool extrapolated = false;
        for (int32_t d = 0; d < rank; ++d) extrapolated |= taps[d][o[d]][0].index < 0;
        if (extrapolated) {
            store(dst, oi, static_cast<compute_t<T>>(op.extrapolationValue));
            continue;
        }
        if (op.mode == InterpolationMode::kNEAREST) {
            int64_t off = 0;
            for (int32_t d = 0; d < rank; ++d) off += taps[d][o[d]][0].index * inStride[d];
            dst[oi] = src[off];
            continue;
        }
        // Sum over every combination of taps (odometer over the axes).
        double sum = 0;
        for (int32_t d = 0; d < rank; ++d) t[d] = 0;
        while (true) {
            int64_t off = 0;
            double w = 1;
            for (int32_t d = 0; d < rank; ++d) {
                const Tap& tap = taps[d][o[d]][t[d]];
                off += tap.index * inStride[d];
                w *= tap.weight;
            }
            if constexpr (isFloatStorage<T>()) sum += w * static_cast<double>(load(src, off));
            int32_t d = rank - 1;
            for (; d >= 0 && ++t[d] == static_cast<int64_t>(taps[d][o[d]].size()); --d) t[d] = 0;
            if (d < 0) break;
        }
        store(dst, oi, static_cast<compute_t<T>>(sum));
    }
}

Tactic resizeReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& a) {
        const auto& op = a.opAs<ir::ResizeOp>();
        dispatchType(a.inputs[0].type, [&](auto tag) { resizeTyped<typename decltype(tag)::type>(op, a); });
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Resize", resizeReference());

}  // namespace
}  // namespace kiln::cpu
