// Slice, Split and Pad: all become Slice layers (Pad as a slice that reads outside the input,
// with a fill, reflect or clamp mode).
#include <limits>

#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Slice parameters per listed axis: weights, or (graph-computed, assumed non-negative) tensors.
std::vector<ShapeScalar> scalarsOf(ImportContext& ctx, NodeInputs& inputs, size_t i, size_t count) {
    std::vector<ShapeScalar> out;
    if (inputs.at(i).isWeights()) {
        for (int64_t v : inputs.ints(i)) out.push_back({v});
    } else {
        Tensor& t = cast(ctx, inputs.tensor(i), DataType::kINT64);
        for (size_t k = 0; k < count; ++k) out.push_back({0, &gatherShape(ctx, t, {static_cast<int64_t>(k)})});
    }
    return out;
}

}  // namespace

KILN_ONNX_IMPORTER(Slice) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    std::vector<ShapeScalar> starts, ends;
    std::vector<int64_t> axes, steps;
    if (ctx.opset() < 10) {
        for (int64_t v : attrs.getInts("starts")) starts.push_back({v});
        for (int64_t v : attrs.getInts("ends")) ends.push_back({v});
        axes = attrs.getInts("axes");
    } else {
        const int64_t count = inputs.dims(1).empty() ? 1 : inputs.dims(1)[0];
        ONNX_CHECK(count >= 0 && count <= rank, kINVALID_NODE)
            << "starts has " << count << " values for a rank-" << rank << " input";
        const size_t n = static_cast<size_t>(count);
        starts = scalarsOf(ctx, inputs, 1, n);
        ends = scalarsOf(ctx, inputs, 2, n);
        if (inputs.has(3)) axes = inputs.ints(3);
        if (inputs.has(4)) steps = inputs.ints(4);
    }
    const size_t n = starts.size();
    ONNX_CHECK(ends.size() == n, kINVALID_NODE) << "starts has " << n << " values, ends " << ends.size();
    if (axes.empty())
        for (size_t k = 0; k < n; ++k) axes.push_back(static_cast<int64_t>(k));
    if (steps.empty()) steps.assign(n, 1);
    ONNX_CHECK(axes.size() == n && steps.size() == n, kINVALID_NODE) << "starts, ends, axes and steps differ in length";

    std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
    std::vector<int64_t> stride(rank, 1);
    for (int32_t a = 0; a < rank; ++a) size[a] = dimOf(ctx, x, a);
    for (size_t k = 0; k < n; ++k) {
        const int32_t a = normalizeAxis(axes[k], rank);
        const int64_t step = steps[k];
        ONNX_CHECK(step != 0, kINVALID_NODE) << "a step of 0";
        ONNX_CHECK(step >= -(int64_t(1) << 40) && step <= (int64_t(1) << 40), kINVALID_NODE)
            << "step " << step << " is out of range";
        ShapeScalar dim = dimOf(ctx, x, a);
        // Negative bounds count from the end (known bounds only; graph-computed ones are >= 0).
        auto fromEnd = [&](ShapeScalar v) {
            return v.known() && v.value < 0 ? apply(ctx, dim, v, ElementWiseOperation::kSUM) : v;
        };
        ShapeScalar s = fromEnd(starts[k]), e = fromEnd(ends[k]), count;
        // Bounds beyond int32 mean "to the end"; clamping handles them, but keep them small.
        auto tame = [](ShapeScalar v) {
            if (v.known()) v.value = std::clamp<int64_t>(v.value, -(int64_t(1) << 40), int64_t(1) << 40);
            return v;
        };
        s = tame(s);
        e = tame(e);
        if (step > 0) {
            s = clampScalar(ctx, s, {0}, dim);
            e = clampScalar(ctx, e, {0}, dim);
            count = apply(ctx, apply(ctx, e, s, ElementWiseOperation::kSUB), {step - 1}, ElementWiseOperation::kSUM);
        } else {
            ShapeScalar last = apply(ctx, dim, {1}, ElementWiseOperation::kSUB);
            s = clampScalar(ctx, s, {0}, last);
            e = clampScalar(ctx, e, {-1}, last);
            count = apply(ctx, apply(ctx, s, e, ElementWiseOperation::kSUB), {-step - 1}, ElementWiseOperation::kSUM);
        }
        count = apply(ctx, apply(ctx, count, {step > 0 ? step : -step}, ElementWiseOperation::kDIV), {0},
                      ElementWiseOperation::kMAX);
        start[a] = s;
        size[a] = count;
        stride[a] = step;
    }
    return {&sliceLayer(ctx, x, start, size, stride)};
}

KILN_ONNX_IMPORTER(Split) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    std::vector<int64_t> dims = inputs.dims(0);
    std::vector<int64_t> split;
    if (ctx.opset() >= 13) {
        if (inputs.has(1)) split = inputs.ints(1);
    } else {
        split = attrs.getInts("split");
    }
    const int64_t outputs = node.output_size();
    if (split.empty()) {
        ONNX_CHECK(dims[axis] >= 0, kUNSUPPORTED_NODE_DYNAMIC)
            << "an equal Split of the dynamic axis " << axis << " of " << ir::dimsToString(dims);
        const int64_t parts = attrs.getInt("num_outputs", outputs);
        ONNX_CHECK(parts >= 1 && parts == outputs, kINVALID_NODE)
            << "num_outputs " << parts << " for a node with " << outputs << " outputs";
        const int64_t chunk = (dims[axis] + parts - 1) / parts;
        for (int64_t i = 0, left = dims[axis]; i < parts; ++i, left -= chunk) split.push_back(std::min(chunk, left));
    }
    ONNX_CHECK(static_cast<int64_t>(split.size()) == outputs, kINVALID_NODE)
        << "split has " << split.size() << " sizes for " << outputs << " outputs";
    Outputs out;
    int64_t offset = 0;
    for (int64_t part : split) {
        // On a dynamic axis the sizes are checked at run time; here they only must not overflow.
        const int64_t room = dims[axis] >= 0 ? dims[axis] - offset : std::numeric_limits<int64_t>::max() - offset;
        ONNX_CHECK(part >= 0 && part <= room, kINVALID_NODE)
            << "split sizes " << ir::dimsToString(split) << " do not fit axis " << axis << " of " << ir::dimsToString(dims);
        out.push_back(&sliceAlongAxis(ctx, x, axis, offset, part));
        offset += part;
    }
    return out;
}

KILN_ONNX_IMPORTER(Pad) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    std::string mode = attrs.getString("mode", "constant");
    std::vector<int64_t> pads = ctx.opset() < 11 ? attrs.getInts(attrs.has("paddings") ? "paddings" : "pads") : inputs.ints(1);
    std::vector<int64_t> axes;
    if (inputs.has(3)) axes = inputs.ints(3);
    if (axes.empty())
        for (int32_t a = 0; a < rank; ++a) axes.push_back(a);
    ONNX_CHECK(pads.size() == 2 * axes.size(), kINVALID_NODE)
        << "pads has " << pads.size() << " values for " << axes.size() << " axes";
    for (int64_t p : pads)  // keeps the size arithmetic below far from int64's limits
        ONNX_CHECK(p >= -(int64_t(1) << 40) && p <= (int64_t(1) << 40), kINVALID_NODE) << "pad " << p << " is out of range";
    std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
    for (int32_t a = 0; a < rank; ++a) size[a] = dimOf(ctx, x, a);
    for (size_t k = 0; k < axes.size(); ++k) {
        const int32_t a = normalizeAxis(axes[k], rank);
        start[a] = {-pads[k]};
        size[a] = apply(ctx, size[a], {pads[k] + pads[k + axes.size()]}, ElementWiseOperation::kSUM);
    }
    SampleMode sample;
    Tensor* fill = nullptr;
    if (mode == "constant") {
        sample = SampleMode::kFILL;
        if (ctx.opset() < 11) {
            fill = &ctx.tensorOf(ImportContext::scalarWeights(x.getType(), attrs.getFloat("value", 0.f)));
        } else if (inputs.has(2)) {
            fill = &inputs.tensor(2);
        } else {
            fill = &ctx.tensorOf(ImportContext::scalarWeights(x.getType(), 0.0));
        }
    } else if (mode == "reflect") {
        sample = SampleMode::kREFLECT;
    } else if (mode == "edge") {
        sample = SampleMode::kCLAMP;
    } else if (mode == "wrap") {
        sample = SampleMode::kWRAP;
    } else {
        ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "mode='" << mode << "'";
    }
    return {&sliceLayer(ctx, x, start, size, std::vector<int64_t>(rank, 1), sample, fill)};
}

}  // namespace kiln::onnximport

namespace kiln::onnximport {

// Tile is a wrapping slice: start 0, size dim * repeat, reading input positions modulo the dim.
KILN_ONNX_IMPORTER(Tile) {
    ONNX_CHECK(ctx.opset() >= 6, kUNSUPPORTED_NODE) << "Tile-1 (tiles and axis inputs) is not supported";
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    const std::vector<int64_t> repeats = inputs.ints(1);
    ONNX_CHECK(static_cast<int32_t>(repeats.size()) == rank, kINVALID_NODE)
        << "repeats has " << repeats.size() << " values for an input of rank " << rank;
    std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
    for (int32_t a = 0; a < rank; ++a) {
        ONNX_CHECK(repeats[a] >= 0 && repeats[a] <= (int64_t(1) << 40), kINVALID_NODE)
            << "repeat " << repeats[a] << " is out of range";
        size[a] = apply(ctx, dimOf(ctx, x, a), {repeats[a]}, ElementWiseOperation::kPROD);
    }
    return {&sliceLayer(ctx, x, start, size, std::vector<int64_t>(rank, 1), SampleMode::kWRAP)};
}

}  // namespace kiln::onnximport
