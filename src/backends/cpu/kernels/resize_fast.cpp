// Resize, float32: nearest (any rank, rounding mode and coordinate transformation) and linear over
// the last two axes (leading axes unchanged, as [N, C, H, W] -> [N, C, H', W']). The per-axis
// source indices and weights are the reference's (the same formulas, in double, computed once per
// axis instead of once per element); then:
//  - nearest walks the output row by row: a row whose source row is the previous one's is a copy of
//    the previous output row (upsampling along H), an integer upsampling of the last axis is a
//    vectorised repeat (scale 2: an interleave), anything else a gather from an index table;
//  - linear sums the same weighted taps in the same order in double as the reference, so both give
//    the same bits.
// Linear with a resized leading axis, and cubic, run the reference kernel.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/resize_coords.h"
#include "ir/ops/resize.h"

namespace kiln::cpu {
namespace {

using resize::axisScales;
using resize::roundNearest;
using resize::sourceCoordinate;
using resize::Tap;

int64_t clampIndex(int64_t i, int64_t len) { return std::min(std::max<int64_t>(i, 0), len - 1); }

//! Nearest: the (clamped) source index of each output coordinate.
std::vector<int64_t> nearestIndices(const ir::ResizeOp& op, int64_t inLen, int64_t outLen, double scale) {
    std::vector<int64_t> idx(static_cast<size_t>(outLen));
    for (int64_t o = 0; o < outLen; ++o)
        idx[o] = clampIndex(roundNearest(op.nearestRounding, sourceCoordinate(op, o, inLen, outLen, scale)), inLen);
    return idx;
}

//! Linear: up to two taps per output coordinate, zero weights dropped, as the reference's.
struct LinearTaps {
    int32_t count{0};
    int64_t index[2]{};
    double weight[2]{};
};
std::vector<LinearTaps> linearTaps(const ir::ResizeOp& op, int64_t inLen, int64_t outLen, double scale) {
    std::vector<LinearTaps> taps(static_cast<size_t>(outLen));
    for (int64_t o = 0; o < outLen; ++o) {
        double x = sourceCoordinate(op, o, inLen, outLen, scale);
        double f = std::floor(x), r = x - f;
        Tap raw[2] = {{static_cast<int64_t>(f), 1.0 - r}, {static_cast<int64_t>(f) + 1, r}};
        LinearTaps& t = taps[o];
        for (Tap& tap : raw) {
            tap.index = clampIndex(tap.index, inLen);
            if (tap.weight != 0) {
                t.index[t.count] = tap.index;
                t.weight[t.count] = tap.weight;
                ++t.count;
            }
        }
        if (t.count == 0) {
            t.index[0] = raw[0].index;
            t.weight[0] = 0.0;
            t.count = 1;
        }
    }
    return taps;
}

// --- Nearest. ------------------------------------------------------------------------------------

typedef float Vec4F __attribute__((vector_size(4 * sizeof(float))));

inline Vec4F load4(const float* p) {
    Vec4F v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store4(float* p, Vec4F v) { std::memcpy(p, &v, sizeof v); }

//! One output row of the last axis from one source row.
struct RowGather {
    int64_t outLen{0}, inLen{0}, repeat{0};  //!< repeat > 0: idx[j] == j / repeat for every j
    std::vector<int64_t> idx;

    void run(const float* src, float* dst) const {
        if (repeat == 1) {
            std::memcpy(dst, src, static_cast<size_t>(outLen) * sizeof(float));
        } else if (repeat == 2) {
            int64_t i = 0;
            for (; i + 4 <= inLen; i += 4) {
                Vec4F v = load4(src + i);
                store4(dst + 2 * i, __builtin_shufflevector(v, v, 0, 0, 1, 1));
                store4(dst + 2 * i + 4, __builtin_shufflevector(v, v, 2, 2, 3, 3));
            }
            for (; i < inLen; ++i) dst[2 * i] = dst[2 * i + 1] = src[i];
        } else if (repeat > 2 && repeat % 4 == 0) {
            for (int64_t i = 0; i < inLen; ++i) {
                const float s = src[i];
                const Vec4F v = {s, s, s, s};
                float* d = dst + i * repeat;
                for (int64_t t = 0; t < repeat; t += 4) store4(d + t, v);
            }
        } else if (repeat > 2) {
            for (int64_t i = 0; i < inLen; ++i) {
                const float v = src[i];
                float* d = dst + i * repeat;
                for (int64_t t = 0; t < repeat; ++t) d[t] = v;
            }
        } else {
            const int64_t* ix = idx.data();
            for (int64_t j = 0; j < outLen; ++j) dst[j] = src[ix[j]];
        }
    }
};

RowGather rowGather(std::vector<int64_t> idx, int64_t inLen) {
    RowGather g;
    g.outLen = static_cast<int64_t>(idx.size());
    g.inLen = inLen;
    if (inLen > 0 && g.outLen % inLen == 0) {
        const int64_t k = g.outLen / inLen;
        bool exact = k > 0;
        for (int64_t j = 0; j < g.outLen && exact; ++j) exact = idx[j] == j / k;
        if (exact) g.repeat = k;
    }
    g.idx = std::move(idx);
    return g;
}

void resizeNearest(const ir::ResizeOp& op, const std::vector<double>& scales, KernelArgs& a) {
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    const float* src = x.as<const float>();
    float* dst = y.as<float>();
    const int32_t rank = x.rank;
    if (rank == 0) {
        dst[0] = src[0];
        return;
    }
    const int32_t last = rank - 1;
    std::vector<std::vector<int64_t>> idx(rank);
    for (int32_t d = 0; d < last; ++d) idx[d] = nearestIndices(op, x.dims[d], y.dims[d], scales[d]);
    const RowGather gather = rowGather(nearestIndices(op, x.dims[last], y.dims[last], scales[last]), x.dims[last]);
    int64_t inStride[Dims::MAX_DIMS];
    stridesOf(x, inStride);
    const int64_t rowLen = y.dims[last];
    const int64_t rows = y.numel() / rowLen;
    int64_t o[Dims::MAX_DIMS]{};
    int64_t prevSrc = -1;
    for (int64_t r = 0; r < rows; ++r) {
        int64_t off = 0;
        for (int32_t d = 0; d < last; ++d) off += idx[d][o[d]] * inStride[d];
        float* out = dst + r * rowLen;
        if (off == prevSrc) {
            std::memcpy(out, out - rowLen, static_cast<size_t>(rowLen) * sizeof(float));
        } else {
            gather.run(src + off, out);
            prevSrc = off;
        }
        for (int32_t d = last - 1; d >= 0; --d) {
            if (++o[d] < y.dims[d]) break;
            o[d] = 0;
        }
    }
}

// --- Linear over the last two axes. --------------------------------------------------------------

//! Leading axes (all but the last two) keep their size and map each index to itself.
bool leadingAxesUnchanged(const ir::ResizeOp& op, const std::vector<double>& scales, const ir::TensorView& x,
                          const ir::TensorView& y) {
    for (int32_t d = 0; d + 2 < x.rank; ++d) {
        if (x.dims[d] != y.dims[d]) return false;
        std::vector<LinearTaps> taps = linearTaps(op, x.dims[d], y.dims[d], scales[d]);
        for (int64_t o = 0; o < y.dims[d]; ++o)
            if (taps[o].count != 1 || taps[o].weight[0] != 1.0 || taps[o].index[0] != o) return false;
    }
    return true;
}

void resizeLinear2d(const ir::ResizeOp& op, const std::vector<double>& scales, KernelArgs& a) {
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    const int32_t rank = x.rank;
    const int32_t wAxis = rank - 1, hAxis = rank - 2;  // hAxis < 0: rank 1, one row
    const int64_t win = x.dims[wAxis], wout = y.dims[wAxis];
    const int64_t hin = hAxis >= 0 ? x.dims[hAxis] : 1, hout = hAxis >= 0 ? y.dims[hAxis] : 1;
    std::vector<LinearTaps> tw = linearTaps(op, win, wout, scales[wAxis]);
    std::vector<LinearTaps> th;
    if (hAxis >= 0) {
        th = linearTaps(op, hin, hout, scales[hAxis]);
    } else {
        th.resize(1);
        th[0].count = 1;
        th[0].weight[0] = 1.0;
    }
    int64_t planes = 1;
    for (int32_t d = 0; d < hAxis; ++d) planes *= x.dims[d];
    const float* src = x.as<const float>();
    float* dst = y.as<float>();
    for (int64_t p = 0; p < planes; ++p) {
        const float* plane = src + p * hin * win;
        for (int64_t oh = 0; oh < hout; ++oh) {
            const LinearTaps& h = th[oh];
            float* out = dst + (p * hout + oh) * wout;
            const float* r0 = plane + h.index[0] * win;
            const float* r1 = plane + h.index[h.count > 1 ? 1 : 0] * win;
            const double wh0 = h.weight[0], wh1 = h.weight[1];
            for (int64_t ow = 0; ow < wout; ++ow) {
                const LinearTaps& w = tw[ow];
                // The reference's order: taps of H outer, taps of W inner, weight wh * ww.
                double s = 0;
                s += (wh0 * w.weight[0]) * static_cast<double>(r0[w.index[0]]);
                if (w.count > 1) s += (wh0 * w.weight[1]) * static_cast<double>(r0[w.index[1]]);
                if (h.count > 1) {
                    s += (wh1 * w.weight[0]) * static_cast<double>(r1[w.index[0]]);
                    if (w.count > 1) s += (wh1 * w.weight[1]) * static_cast<double>(r1[w.index[1]]);
                }
                out[ow] = static_cast<float>(s);
            }
        }
    }
}

void runReference(KernelArgs& a) {
    const Tactic* ref = findTactic(ir::ResizeOp::kName, "reference");
    KILN_CHECK(ref != nullptr) << "Resize: no reference tactic";
    ref->run(a);
}

void runFast(KernelArgs& a) {
    const auto& op = a.opAs<ir::ResizeOp>();
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    if (x.type != DataType::kFLOAT || y.type != DataType::kFLOAT || op.mode == InterpolationMode::kCUBIC ||
        x.rank != y.rank || y.numel() == 0 || x.numel() == 0)
        return runReference(a);  // including its errors (an empty input to a non-empty output)
    std::vector<double> scales = axisScales(op, a);
    if (op.mode == InterpolationMode::kNEAREST) return resizeNearest(op, scales, a);
    if (x.rank < 1 || !leadingAxesUnchanged(op, scales, x, y)) return runReference(a);
    resizeLinear2d(op, scales, a);
}

Tactic fastTactic() {
    Tactic t;
    t.name = "float32_separable";
    t.supports = [](const ir::Op& node, const std::vector<ir::ValueInfo>& in) {
        if (std::string(node.name()) != ir::ResizeOp::kName || in.empty()) return false;
        if (in[0].type != DataType::kFLOAT) return false;
        const auto& op = static_cast<const ir::ResizeOp&>(node);
        if (op.antialias && op.mode != InterpolationMode::kNEAREST) return false;
        if (op.coordinateTransformation == ResizeCoordinateTransformation::kTF_CROP_AND_RESIZE) return false;
        if (op.mode == InterpolationMode::kNEAREST) return true;
        if (op.mode != InterpolationMode::kLINEAR || in[0].shape.empty()) return false;
        // Linear: the leading axes must keep their size (known here from attributes only; scales or
        // sizes given at run time are checked there, and the reference runs otherwise).
        const size_t rank = in[0].shape.size();
        if (op.scales.size() == rank)
            for (size_t d = 0; d + 2 < rank; ++d)
                if (op.scales[d] != 1.0) return false;
        if (op.outputDims.size() == rank)
            for (size_t d = 0; d + 2 < rank; ++d)
                if (!in[0].shape[d].isConst() || in[0].shape[d].value() != op.outputDims[d]) return false;
        return true;
    };
    t.run = runFast;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Resize", fastTactic());

}  // namespace
}  // namespace kiln::cpu
