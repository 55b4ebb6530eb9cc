// Resize's taps per axis (see resize_taps.h); moved out of the reference kernel so that the
// CUDA kernel sums over the same taps.
#include "backends/cpu/kernels/resize_taps.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace kiln::cpu::resize {
namespace {

double cubicWeight(double t, double A) {
    t = std::fabs(t);
    if (t <= 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
    if (t < 2) return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
    return 0;
}

// ONNX's antialiased taps on a shrinking axis: the filter's argument is scaled by `scale`, so it
// spans 1 / scale times as many input pixels; the weights are normalised to sum to 1. As the ONNX
// reference, an integer x counts as x - 1 plus a fraction of 1 (the left neighbour is preferred).
std::vector<Tap> antialiasTaps(const ir::ResizeOp& op, double x, double scale) {
    double base = std::floor(x), ratio = x - base;
    if (ratio == 0) ratio = 1, base -= 1;
    const bool linear = op.mode == InterpolationMode::kLINEAR;
    const int64_t start = static_cast<int64_t>(std::floor((linear ? -1.0 : -2.0) / scale)) + 1;
    const int64_t end = 2 - start;  // the filter is symmetric about the fraction
    std::vector<Tap> raw;
    double total = 0;
    for (int64_t i = start; i < end; ++i) {
        const double arg = scale * (static_cast<double>(i) - ratio);
        const double w = linear ? std::max(0.0, 1.0 - std::fabs(arg)) : cubicWeight(arg, op.cubicCoeff);
        raw.push_back({static_cast<int64_t>(base) + i, w});
        total += w;
    }
    if (total != 0)
        for (Tap& t : raw) t.weight /= total;
    return raw;
}

}  // namespace

std::vector<std::vector<Tap>> axisTaps(const ir::ResizeOp& op, int64_t inLen, int64_t outLen, double scale,
                                       int32_t axis) {
    std::vector<std::vector<Tap>> taps(outLen);
    const double A = op.cubicCoeff;
    const bool antialias = op.antialias && op.mode != InterpolationMode::kNEAREST && scale < 1.0;
    // ONNX applies exclude_outside to any filter; for plain linear it changes nothing (an outside
    // tap clamps onto the other one).
    const bool exclude = op.excludeOutside && (op.mode == InterpolationMode::kCUBIC || antialias);
    for (int64_t o = 0; o < outLen; ++o) {
        double x = sourceCoordinate(op, o, inLen, outLen, scale, axis);
        if (op.coordinateTransformation == ResizeCoordinateTransformation::kTF_CROP_AND_RESIZE &&
            !(x >= 0.0 && x <= static_cast<double>(inLen - 1))) {
            taps[o] = {kExtrapolated};
            continue;
        }
        std::vector<Tap> raw;
        if (antialias) {
            raw = antialiasTaps(op, x, scale);
        } else if (op.mode == InterpolationMode::kNEAREST) {
            raw.push_back({roundNearest(op.nearestRounding, x), 1.0});
        } else if (op.mode == InterpolationMode::kLINEAR) {
            double f = std::floor(x), r = x - f;
            raw = {{static_cast<int64_t>(f), 1.0 - r}, {static_cast<int64_t>(f) + 1, r}};
        } else {
            double f = std::floor(x), r = x - f;
            int64_t i = static_cast<int64_t>(f);
            raw = {{i - 1, cubicWeight(r + 1, A)}, {i, cubicWeight(r, A)}, {i + 1, cubicWeight(1 - r, A)},
                   {i + 2, cubicWeight(2 - r, A)}};
        }
        double total = 0;
        for (Tap& t : raw) {
            bool outside = t.index < 0 || t.index >= inLen;
            if (outside && exclude) t.weight = 0;
            t.index = std::min(std::max<int64_t>(t.index, 0), inLen - 1);
            total += t.weight;
        }
        for (Tap& t : raw) {
            if (exclude && total != 0) t.weight /= total;
            if (t.weight != 0) taps[o].push_back(t);
        }
        if (taps[o].empty()) taps[o].push_back({raw[0].index, 0.0});
    }
    return taps;
}

}  // namespace kiln::cpu::resize
