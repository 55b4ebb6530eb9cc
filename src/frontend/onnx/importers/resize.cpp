// Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample (opset 9).
#include <algorithm>
#include <cmath>

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

void setCoordinates(ResizeLayer& l, const NodeAttributes& attrs, const std::string& fallback, const std::string& n) {
    std::string c = attrs.getString("coordinate_transformation_mode", fallback);
    if (c == "half_pixel") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kHALF_PIXEL);
    } else if (c == "pytorch_half_pixel") {
        // As half_pixel, except that an output of one pixel reads the upper-left input pixel.
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kHALF_PIXEL);
        l.setSelectorForSinglePixel(ResizeSelector::kUPPER);
    } else if (c == "tf_crop_and_resize") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kTF_CROP_AND_RESIZE);
        l.setExtrapolationValue(attrs.getFloat("extrapolation_value", 0.f));
    } else if (c == "half_pixel_symmetric") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kHALF_PIXEL_SYMMETRIC);
    } else if (c == "asymmetric") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kASYMMETRIC);
    } else if (c == "align_corners") {
        l.setCoordinateTransformation(ResizeCoordinateTransformation::kALIGN_CORNERS);
    } else {
        ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "coordinate_transformation_mode='" << c << "'";
    }
    if (n == "round_prefer_floor") l.setNearestRounding(ResizeRoundMode::kHALF_DOWN);
    else if (n == "round_prefer_ceil") l.setNearestRounding(ResizeRoundMode::kHALF_UP);
    else if (n == "floor") l.setNearestRounding(ResizeRoundMode::kFLOOR);
    else if (n == "ceil") l.setNearestRounding(ResizeRoundMode::kCEIL);
    else ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "nearest_mode='" << n << "'";
    l.setCubicCoeff(attrs.getFloat("cubic_coeff_a", -0.75f));
    l.setExcludeOutside(attrs.getInt("exclude_outside", 0) != 0);
    l.setAntialias(attrs.getInt("antialias", 0) != 0);
}

// Resize-18's `axes`: the axes that scales, sizes and roi name (all of them by default).
std::vector<int64_t> namedAxes(const NodeAttributes& attrs, int32_t rank) {
    std::vector<int64_t> axes;
    if (attrs.has("axes")) {
        for (int64_t a : attrs.getInts("axes")) axes.push_back(normalizeAxis(a, rank));
    } else {
        for (int32_t a = 0; a < rank; ++a) axes.push_back(a);
    }
    return axes;
}

// Resize-18's `axes` (scales and sizes name a subset of the axes; the others keep their size)
// and keep_aspect_ratio_policy (one scale for the named axes: the smallest or largest ratio of
// size to input, rounded half up), made into sizes or scales for every axis.
void expandToAllAxes(const std::vector<int64_t>& dims, const NodeAttributes& attrs, const std::string& policy,
                     std::vector<int64_t>* sizes, std::vector<float>* scales) {
    const int32_t rank = static_cast<int32_t>(dims.size());
    const std::vector<int64_t> axes = namedAxes(attrs, rank);
    const size_t given = sizes ? sizes->size() : scales->size();
    ONNX_CHECK(given == axes.size(), kINVALID_NODE)
        << (sizes ? "sizes" : "scales") << " has " << given << " values for " << axes.size() << " axes";
    if (scales) {
        ONNX_CHECK(policy == "stretch", kINVALID_NODE) << "keep_aspect_ratio_policy applies to sizes, not scales";
        std::vector<float> all(rank, 1.f);
        for (size_t i = 0; i < axes.size(); ++i) all[axes[i]] = (*scales)[i];
        *scales = std::move(all);
        return;
    }
    for (int64_t d : dims) ONNX_CHECK(d >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "sizes for some axes of a dynamic input";
    std::vector<int64_t> all = dims;
    if (policy == "stretch") {
        for (size_t i = 0; i < axes.size(); ++i) all[axes[i]] = (*sizes)[i];
    } else {
        ONNX_CHECK(policy == "not_larger" || policy == "not_smaller", kUNSUPPORTED_NODE_ATTR)
            << "keep_aspect_ratio_policy='" << policy << "'";
        double scale = policy == "not_larger" ? 1e300 : 0.0;
        for (size_t i = 0; i < axes.size(); ++i) {
            ONNX_CHECK(dims[axes[i]] > 0, kINVALID_NODE) << "keep_aspect_ratio_policy on an empty axis";
            const double r = static_cast<double>((*sizes)[i]) / static_cast<double>(dims[axes[i]]);
            scale = policy == "not_larger" ? std::min(scale, r) : std::max(scale, r);
        }
        for (int64_t a : axes) {
            const double exact = scale * static_cast<double>(dims[a]);
            // Checked as a double first: hostile sizes must not reach the integer conversion.
            ONNX_CHECK(std::isfinite(exact) && exact >= 0 && exact < 9.0e15, kINVALID_NODE)
                << "keep_aspect_ratio_policy gives axis " << a << " the size " << exact;
            all[a] = static_cast<int64_t>(std::floor(exact + 0.5));
            // The coordinates follow the policy's scale, not size / input: the same only when the
            // size needs no rounding (a layer takes sizes or scales, not both).
            ONNX_CHECK(std::fabs(exact - static_cast<double>(all[a])) < 1e-9, kUNSUPPORTED_NODE_ATTR)
                << "keep_aspect_ratio_policy='" << policy << "' where the size of axis " << a << " (" << exact
                << ") needs rounding";
        }
    }
    *sizes = std::move(all);
}

bool present(NodeInputs& inputs, size_t i) {
    if (!inputs.has(i)) return false;
    std::vector<int64_t> d = inputs.dims(i);
    return !(d.size() == 1 && d[0] == 0);  // an empty tensor stands for "not given"
}

// tf_crop_and_resize's region (input 1 of Resize-11+): starts then ends for the named axes,
// made into 2 x rank values (the other axes span [0, 1]).
std::vector<float> cropRegion(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs) {
    ONNX_CHECK(present(inputs, 1), kINVALID_NODE) << "tf_crop_and_resize needs the roi input";
    const bool computed = !inputs.at(1).isWeights();
    if (computed) ctx.noteNeededConstant(inputs.name(1));
    ONNX_CHECK(!computed, kUNSUPPORTED_NODE_INPUT) << "tf_crop_and_resize with an roi computed by the graph";
    const int32_t rank = inputs.rank(0);
    const std::vector<int64_t> axes = namedAxes(attrs, rank);
    const std::vector<double> given = inputs.floats(1);
    ONNX_CHECK(given.size() == 2 * axes.size(), kINVALID_NODE)
        << "roi has " << given.size() << " values for " << axes.size() << " axes (expected " << 2 * axes.size() << ")";
    std::vector<float> roi(2 * static_cast<size_t>(rank), 0.f);
    for (int32_t a = 0; a < rank; ++a) roi[static_cast<size_t>(rank + a)] = 1.f;
    for (size_t i = 0; i < axes.size(); ++i) {
        roi[static_cast<size_t>(axes[i])] = static_cast<float>(given[i]);
        roi[static_cast<size_t>(rank + axes[i])] = static_cast<float>(given[axes.size() + i]);
    }
    return roi;
}

Outputs resize(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs, size_t scalesAt, size_t sizesAt,
               const std::string& coordinates) {
    Tensor& x = inputs.tensor(0);
    // Everything about the inputs is read before the layer exists: reading dims runs shape
    // inference, which a Resize without its sizes would fail.
    const bool useSizes = sizesAt && present(inputs, sizesAt);
    const size_t at = useSizes ? sizesAt : scalesAt;
    ONNX_CHECK(useSizes || present(inputs, scalesAt), kINVALID_NODE) << "Resize needs scales or sizes";
    Tensor* computed = inputs.at(at).isWeights() ? nullptr : &inputs.tensor(at);
    std::vector<int64_t> sizes;
    std::vector<float> scales;
    if (!computed && useSizes) sizes = inputs.ints(at);
    if (!computed && !useSizes)
        for (double v : inputs.floats(at)) scales.push_back(static_cast<float>(v));
    std::vector<float> roi;
    if (sizesAt && attrs.getString("coordinate_transformation_mode", coordinates) == "tf_crop_and_resize")
        roi = cropRegion(ctx, inputs, attrs);
    const std::string policy = attrs.getString("keep_aspect_ratio_policy", "stretch");
    if (attrs.has("axes") || policy != "stretch") {
        if (computed) ctx.noteNeededConstant(inputs.name(at));
        ONNX_CHECK(!computed, kUNSUPPORTED_NODE_INPUT)
            << "axes or keep_aspect_ratio_policy with scales or sizes computed by the graph";
        expandToAllAxes(inputs.dims(0), attrs, policy, useSizes ? &sizes : nullptr, useSizes ? nullptr : &scales);
    }
    const std::string mode = attrs.getString("mode", "nearest");
    // Before opset 11 nearest picks floor(x) when enlarging and ceil(x) when shrinking, as ONNX
    // Runtime does; an axis of scale 1 reads exact positions either way.
    std::string nearest = attrs.getString("nearest_mode", "round_prefer_floor");
    if (ctx.opset() < 11) {
        if (computed) ctx.noteNeededConstant(inputs.name(at));  // its values pick the rounding
        ONNX_CHECK(!computed, kUNSUPPORTED_NODE_INPUT) << "scales computed by the graph before opset 11";
        bool up = false, down = false;
        for (float s : scales) up |= s > 1.f, down |= s < 1.f;
        ONNX_CHECK(!(up && down), kUNSUPPORTED_NODE_ATTR)
            << "nearest resize that enlarges some axes and shrinks others (opset " << ctx.opset() << ")";
        nearest = down ? "ceil" : "floor";
    }
    ResizeLayer* l = ctx.network().addResize(x);
    if (l) {
        l->setResizeMode(modeOf(mode));
        setCoordinates(*l, attrs, coordinates, nearest);
        if (!roi.empty()) l->setCropRegion(roi.data(), static_cast<int32_t>(roi.size()));
        if (computed) l->setInput(1, *computed);
        else if (useSizes) l->setOutputDimensions(toDims(sizes));
        else l->setScales(scales.data(), static_cast<int32_t>(scales.size()));
    }
    return {ctx.check(l)->getOutput(0)};
}

}  // namespace

KILN_ONNX_IMPORTER(Resize) {
    if (ctx.opset() < 11) return resize(ctx, inputs, attrs, 1, 0, "asymmetric");
    return resize(ctx, inputs, attrs, 2, 3, "half_pixel");
}

KILN_ONNX_IMPORTER(Upsample) {
    if (ctx.opset() < 9) {  // the scales were an attribute until Upsample-9
        ONNX_CHECK(attrs.has("scales"), kINVALID_NODE) << "Upsample before opset 9 needs the scales attribute";
        const std::vector<float> scales = attrs.getFloats("scales");
        for (float s : scales) ONNX_CHECK(s >= 1.f, kUNSUPPORTED_NODE_ATTR) << "Upsample scales below 1";
        const std::string mode = attrs.getString("mode", "nearest");
        ONNX_CHECK(mode == "nearest" || mode == "linear" || mode == "bilinear", kUNSUPPORTED_NODE_ATTR)
            << "Upsample mode '" << mode << "'";
        ResizeLayer* l = ctx.network().addResize(inputs.tensor(0));
        if (l) {
            l->setResizeMode(mode == "nearest" ? InterpolationMode::kNEAREST : InterpolationMode::kLINEAR);
            l->setCoordinateTransformation(ResizeCoordinateTransformation::kASYMMETRIC);
            l->setNearestRounding(ResizeRoundMode::kFLOOR);
            l->setScales(scales.data(), static_cast<int32_t>(scales.size()));
        }
        return {ctx.check(l)->getOutput(0)};
    }
    return resize(ctx, inputs, attrs, 1, 0, "asymmetric");
}

}  // namespace kiln::onnximport
