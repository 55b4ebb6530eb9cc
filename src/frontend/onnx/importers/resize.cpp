// Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample (opset 9).
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

InterpolationMode modeOf(const std::string& m) {
    if (m == "nearest") return InterpolationMode::kNEAREST;
    if (m == "linear" || m == "bilinear") return InterpolationMode::kLINEAR;
    if (m == "cubic") return InterpolationMode::kCUBIC;
    ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "mode='" << m << "'";
}

void setCoordinates(ResizeLayer& l, const NodeAttributes& attrs, const std::string& fallback) {
    std::string c = attrs.getString("coordinate_transformation_mode", fallback);
    if (c == "half_pixel") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kHALF_PIXEL);
    } else if (c == "pytorch_half_pixel") {
        // As half_pixel, except that an output of one pixel reads the upper-left input pixel.
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kHALF_PIXEL);
        l.setSelectorForSinglePixel(ResizeSelector::kUPPER);
    } else if (c == "asymmetric") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kASYMMETRIC);
    } else if (c == "align_corners") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kALIGN_CORNERS);
    } else {
        ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "coordinate_transformation_mode='" << c << "'";
    }
    std::string n = attrs.getString("nearest_mode", "round_prefer_floor");
    if (n == "round_prefer_floor") l.setNearestRounding(ResizeRoundMode::kHALF_DOWN);
    else if (n == "round_prefer_ceil") l.setNearestRounding(ResizeRoundMode::kHALF_UP);
    else if (n == "floor") l.setNearestRounding(ResizeRoundMode::kFLOOR);
    else if (n == "ceil") l.setNearestRounding(ResizeRoundMode::kCEIL);
    else ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "nearest_mode='" << n << "'";
    l.setCubicCoeff(attrs.getFloat("cubic_coeff_a", -0.75f));
    l.setExcludeOutside(attrs.getInt("exclude_outside", 0) != 0);
}

bool present(NodeInputs& inputs, size_t i) {
    if (!inputs.has(i)) return false;
    std::vector<int64_t> d = inputs.dims(i);
    return !(d.size() == 1 && d[0] == 0);  // an empty tensor stands for "not given"
}

Outputs resize(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs, size_t scalesAt, size_t sizesAt,
               const std::string& coordinates) {
    refuseAttribute(attrs, "antialias", "antialiasing is not implemented");
    refuseAttribute(attrs, "axes", "resize every axis (scales of 1 leave an axis alone)");
    refuseAttribute(attrs, "keep_aspect_ratio_policy", "give explicit sizes or scales");
    Tensor& x = inputs.tensor(0);
    Tensor* sizes = sizesAt && present(inputs, sizesAt) && !inputs.at(sizesAt).isWeights() ? &inputs.tensor(sizesAt) : nullptr;
    Tensor* scales = present(inputs, scalesAt) && !inputs.at(scalesAt).isWeights() ? &inputs.tensor(scalesAt) : nullptr;
    ResizeLayer* l = ctx.network().addResize(x);
    if (l) {
        l->setResizeMode(modeOf(attrs.getString("mode", "nearest")));
        setCoordinates(*l, attrs, coordinates);
        if (sizesAt && present(inputs, sizesAt)) {
            if (sizes) l->setInput(1, *sizes);
            else l->setOutputDimensions(toDims(inputs.ints(sizesAt)));
        } else if (present(inputs, scalesAt)) {
            if (scales) {
                l->setInput(1, *scales);
            } else {
                std::vector<double> s = inputs.floats(scalesAt);
                std::vector<float> f(s.begin(), s.end());
                l->setScales(f.data(), static_cast<int32_t>(f.size()));
            }
        } else {
            ONNX_THROW(kINVALID_NODE) << "Resize needs scales or sizes";
        }
    }
    return {ctx.check(l)->getOutput(0)};
}

}  // namespace

KILN_ONNX_IMPORTER(Resize) {
    if (ctx.opset() < 11) return resize(ctx, inputs, attrs, 1, 0, "asymmetric");
    return resize(ctx, inputs, attrs, 2, 3, "half_pixel");
}

KILN_ONNX_IMPORTER(Upsample) { return resize(ctx, inputs, attrs, 1, 0, "asymmetric"); }

}  // namespace kiln::onnximport
