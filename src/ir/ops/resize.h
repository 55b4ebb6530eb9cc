// Resize (nearest, N-linear, cubic) with TensorRT's coordinate transformations. Input 1 (optional):
// output dims (int) or scales (float).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ResizeOp : OpBase<ResizeOp> {
    static constexpr const char* kName = "Resize";
    std::vector<int64_t> outputDims;  //!< empty: use scales or input 1
    std::vector<double> scales;
    InterpolationMode mode{InterpolationMode::kNEAREST};
    ResizeCoordinateTransformation coordinateTransformation{ResizeCoordinateTransformation::kASYMMETRIC};
    ResizeSelector selector{ResizeSelector::kFORMULA};
    ResizeRoundMode nearestRounding{ResizeRoundMode::kFLOOR};
    double cubicCoeff{-0.75};
    bool excludeOutside{false};
    bool antialias{false};  //!< linear/cubic filters widened by 1 / scale on shrinking axes
    std::vector<double> roi;  //!< kTF_CROP_AND_RESIZE: starts then ends, normalised; empty: [0, 1]
    double extrapolationValue{0.0};

    template <class V>
    void fields(V& v) {
        v("outputDims", outputDims);
        v("scales", scales);
        v("mode", mode);
        v("coordinateTransformation", coordinateTransformation);
        v("selector", selector);
        v("nearestRounding", nearestRounding);
        v("cubicCoeff", cubicCoeff);
        v("excludeOutside", excludeOutside);
        v("antialias", antialias);
        v("roi", roi);
        v("extrapolationValue", extrapolationValue);
    }
    void inferShapes(InferContext& ctx) const override;
    bool isShapeInput(int32_t index) const override { return index == 1; }
};

}  // namespace kiln::ir
