// Resize's per-axis arithmetic, shared by the reference and the fast kernels so that both give
// the same source coordinates: the scale of each axis, the source coordinate of an output
// coordinate (ONNX's coordinate transformations) and nearest rounding.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "ir/ops/resize.h"

namespace kiln::cpu::resize {

struct Tap {
    int64_t index;
    double weight;
};

//! The scale of each axis: the given scales, else output/input.
inline std::vector<double> axisScales(const ir::ResizeOp& op, const KernelArgs& a) {
    const ir::TensorView& x = a.inputs[0];
    const ir::TensorView& y = a.outputs[0];
    std::vector<double> s(x.rank);
    bool floatInput = a.has(1) && (a.inputs[1].type == DataType::kFLOAT || a.inputs[1].type == DataType::kHALF ||
                                   a.inputs[1].type == DataType::kBF16);
    for (int32_t i = 0; i < x.rank; ++i) {
        if (floatInput) {
            s[i] = loadAsDouble(a.inputs[1], i);
        } else if (!a.has(1) && op.outputDims.empty() && static_cast<int32_t>(op.scales.size()) == x.rank) {
            s[i] = op.scales[i];
        } else {
            s[i] = x.dims[i] ? static_cast<double>(y.dims[i]) / static_cast<double>(x.dims[i]) : 1.0;
        }
    }
    return s;
}

//! `axis` picks the crop region of kTF_CROP_AND_RESIZE (the whole axis when the op has none).
inline double sourceCoordinate(const ir::ResizeOp& op, int64_t o, int64_t inLen, int64_t outLen, double scale,
                               int32_t axis = 0) {
    if (op.coordinateTransformation == ResizeCoordinateTransformation::kTF_CROP_AND_RESIZE) {
        const size_t rank = op.roi.size() / 2;
        const double start = rank ? op.roi[static_cast<size_t>(axis)] : 0.0;
        const double end = rank ? op.roi[rank + static_cast<size_t>(axis)] : 1.0;
        const double last = static_cast<double>(inLen - 1);
        if (outLen == 1) return (start + end) * last / 2.0;
        return start * last + static_cast<double>(o) * (end - start) * last / static_cast<double>(outLen - 1);
    }
    if (outLen == 1 && (op.selector == ResizeSelector::kUPPER ||
                        op.coordinateTransformation == ResizeCoordinateTransformation::kALIGN_CORNERS))
        return 0.0;
    switch (op.coordinateTransformation) {
        case ResizeCoordinateTransformation::kALIGN_CORNERS: {
            // ONNX: the resized length is input * scale, unrounded when scales were given
            // (equal to outLen when sizes were).
            const double resized = static_cast<double>(inLen) * scale;
            return resized > 1.0 ? static_cast<double>(o) * static_cast<double>(inLen - 1) / (resized - 1.0) : 0.0;
        }
        case ResizeCoordinateTransformation::kASYMMETRIC:
            return static_cast<double>(o) / scale;
        case ResizeCoordinateTransformation::kHALF_PIXEL_SYMMETRIC: {
            // ONNX: the rounding of input * scale down to outLen shifts the grid toward the centre.
            const double resized = static_cast<double>(inLen) * scale;
            const double adjustment = resized > 0.0 ? static_cast<double>(outLen) / resized : 1.0;
            const double offset = static_cast<double>(inLen) / 2.0 * (1.0 - adjustment);
            return offset + (static_cast<double>(o) + 0.5) / scale - 0.5;
        }
        default:
            return (static_cast<double>(o) + 0.5) / scale - 0.5;
    }
}

inline int64_t roundNearest(ResizeRoundMode mode, double v) {
    switch (mode) {
        case ResizeRoundMode::kHALF_UP:
            return static_cast<int64_t>(std::floor(v + 0.5));
        case ResizeRoundMode::kHALF_DOWN:
            return static_cast<int64_t>(std::ceil(v - 0.5));
        case ResizeRoundMode::kFLOOR:
            return static_cast<int64_t>(std::floor(v));
        default:
            return static_cast<int64_t>(std::ceil(v));
    }
}

}  // namespace kiln::cpu::resize
