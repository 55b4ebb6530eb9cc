// Shape, Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Identity, Dropout, Cast, CastLike, Constant and
// ConstantOfShape. On weights (and on the static part of shapes) they fold at import, so the
// shape arithmetic exporters emit becomes constants before the builder sees it.
#include <algorithm>
#include <cstring>

#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

bool allStatic(const std::vector<int64_t>& dims) {
    return std::all_of(dims.begin(), dims.end(), [](int64_t d) { return d >= 0; });
}

// Squeeze/Unsqueeze axes: attribute before opset 13, input 1 from 13 on.
std::vector<int64_t> axesOf(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs) {
    if (ctx.opset() >= 13) return inputs.has(1) ? inputs.ints(1) : std::vector<int64_t>{};
    return attrs.getInts("axes");
}

}  // namespace

KILN_ONNX_IMPORTER(Shape) {
    std::vector<int64_t> dims = inputs.dims(0);
    const int64_t rank = static_cast<int64_t>(dims.size());
    auto clampIndex = [&](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
    const int64_t start = clampIndex(attrs.getInt("start", 0)), end = clampIndex(attrs.getInt("end", rank));
    std::vector<int64_t> part(dims.begin() + start, dims.begin() + std::max(start, end));
    if (allStatic(part)) return {ImportContext::int64Weights(part)};
    Tensor& shape = shapeOf(ctx, inputs.tensor(0));
    if (start == 0 && end == rank) return {&shape};
    std::vector<int64_t> indices;
    for (int64_t i = start; i < end; ++i) indices.push_back(i);
    return {&gatherShape(ctx, shape, indices)};
}

KILN_ONNX_IMPORTER(Size) {
    std::vector<int64_t> dims = inputs.dims(0);
    if (allStatic(dims)) return {ImportContext::int64Weights({ir::numelOf(dims)}, {})};
    ReduceLayer* l = ctx.network().addReduce(shapeOf(ctx, inputs.tensor(0)), ReduceOperation::kPROD, 1u, false);
    return {ctx.check(l)->getOutput(0)};
}

KILN_ONNX_IMPORTER(Reshape) {
    const bool allowZero = attrs.getInt("allowzero", 0) != 0;
    std::vector<int64_t> shape;
    if (ctx.opset() < 5) {
        shape = attrs.getInts("shape");
    } else if (inputs.at(1).isWeights()) {
        shape = inputs.ints(1);
    } else {
        ShuffleLayer* l = ctx.network().addShuffle(inputs.tensor(0));
        if (l) {
            l->setZeroIsPlaceholder(!allowZero);
            l->setInput(1, inputs.tensor(1));
        }
        return {ctx.check(l)->getOutput(0)};
    }
    if (inputs.at(0).isWeights())
        return {withDims(*inputs.at(0).weights, resolveReshape(inputs.dims(0), shape, allowZero))};
    ShuffleLayer* l = ctx.network().addShuffle(inputs.tensor(0));
    if (l) {
        l->setZeroIsPlaceholder(!allowZero);
        l->setReshapeDimensions(toDims(shape));
    }
    return {ctx.check(l)->getOutput(0)};
}

// Flatten to 2-D [prod(:axis), prod(axis:)].
KILN_ONNX_IMPORTER(Flatten) {
    std::vector<int64_t> dims = inputs.dims(0);
    const int32_t rank = static_cast<int32_t>(dims.size());
    int64_t axis = attrs.getInt("axis", 1);
    if (axis < 0) axis += rank;
    ONNX_CHECK(axis >= 0 && axis <= rank, kINVALID_NODE) << "axis " << attrs.getInt("axis", 1) << " for rank " << rank;
    auto product = [&](int64_t from, int64_t to) {
        int64_t p = 1;
        for (int64_t i = from; i < to; ++i) p = dims[i] < 0 || p < 0 ? -1 : mulDims(p, dims[i]);
        return p;
    };
    int64_t outer = product(0, axis), inner = product(axis, rank);
    if (inputs.at(0).isWeights()) return {withDims(*inputs.at(0).weights, {outer, inner})};
    if (outer < 0 && inner < 0) {
        // Both sides dynamic: [prod(shape[:axis]), -1] from the shape tensor.
        std::vector<int64_t> idx;
        for (int64_t i = 0; i < axis; ++i) idx.push_back(i);
        Tensor& lead = gatherShape(ctx, shapeOf(ctx, inputs.tensor(0)), idx);
        Tensor& prod = *ctx.check(ctx.network().addReduce(lead, ReduceOperation::kPROD, 1u, true))->getOutput(0);
        Tensor& target = concatShapes(ctx, {&prod, &constInt64(ctx, {-1})});
        ShuffleLayer* l = ctx.network().addShuffle(inputs.tensor(0));
        if (l) l->setInput(1, target);
        return {ctx.check(l)->getOutput(0)};
    }
    return {&reshape(ctx, inputs.tensor(0), {outer, inner})};
}

KILN_ONNX_IMPORTER(Transpose) {
    const int32_t rank = inputs.rank(0);
    std::vector<int64_t> perm = attrs.getInts("perm");
    if (perm.empty())
        for (int32_t i = rank - 1; i >= 0; --i) perm.push_back(i);
    ONNX_CHECK(static_cast<int32_t>(perm.size()) == rank, kINVALID_NODE)
        << "perm has " << perm.size() << " entries for a rank-" << rank << " input";
    return {&transpose(ctx, inputs.tensor(0), perm)};
}

KILN_ONNX_IMPORTER(Squeeze) {
    std::vector<int64_t> dims = inputs.dims(0);
    const int32_t rank = static_cast<int32_t>(dims.size());
    std::vector<int64_t> axes = axesOf(ctx, inputs, attrs);
    if (axes.empty()) {
        for (int32_t i = 0; i < rank; ++i) {
            ONNX_CHECK(dims[i] >= 0, kUNSUPPORTED_NODE_DYNAMIC)
                << "Squeeze without axes of an input with dynamic dimensions " << ir::dimsToString(dims);
            if (dims[i] == 1) axes.push_back(i);
        }
    }
    for (auto& a : axes) a = normalizeAxis(a, rank);
    if (inputs.at(0).isWeights()) {
        std::vector<int64_t> out;
        for (int32_t i = 0; i < rank; ++i)
            if (std::find(axes.begin(), axes.end(), i) == axes.end()) out.push_back(dims[i]);
        return {withDims(*inputs.at(0).weights, out)};
    }
    Tensor& a = constInt64(ctx, axes);
    return {ctx.check(ctx.network().addSqueeze(inputs.tensor(0), a))->getOutput(0)};
}

KILN_ONNX_IMPORTER(Unsqueeze) {
    std::vector<int64_t> dims = inputs.dims(0);
    std::vector<int64_t> axes = axesOf(ctx, inputs, attrs);
    const int32_t outRank = static_cast<int32_t>(dims.size() + axes.size());
    for (auto& a : axes) a = normalizeAxis(a, outRank);
    std::sort(axes.begin(), axes.end());
    if (inputs.at(0).isWeights()) {
        std::vector<int64_t> out;
        size_t next = 0;
        for (int32_t i = 0; i < outRank; ++i) {
            if (std::binary_search(axes.begin(), axes.end(), i)) out.push_back(1);
            else out.push_back(dims.at(next++));
        }
        return {withDims(*inputs.at(0).weights, out)};
    }
    return {&unsqueeze(ctx, inputs.tensor(0), axes)};
}

KILN_ONNX_IMPORTER(Identity) { return {identityOf(ctx, inputs.at(0))}; }

// Dropout is the identity at inference; its mask output is all true. Training mode (opset 12's
// input 2) with a non-zero ratio drops at random, which an inference engine does not do.
KILN_ONNX_IMPORTER(Dropout) {
    if (ctx.opset() >= 12 && inputs.has(2) && inputs.weights(2).intAt(0) != 0) {
        const double ratio = inputs.has(1) ? inputs.weights(1).floatAt(0) : 0.5;
        ONNX_CHECK(ratio == 0.0, kUNSUPPORTED_NODE)
            << "Dropout in training mode (ratio " << ratio << ") drops at random; Kiln runs inference only";
    }
    Outputs outs;
    if (inputs.at(0).isWeights()) outs.push_back(inputs.at(0).weights);
    else outs.push_back(ctx.check(ctx.network().addIdentity(inputs.tensor(0)))->getOutput(0));
    if (node.output_size() >= 2 && !node.output(1).empty()) {
        Tensor& x = inputs.tensor(0);
        outs.push_back(&filled(ctx, shapeOf(ctx, x), inputs.rank(0), DataType::kBOOL, 1.0));
    }
    return outs;
}

// Cast-19's `saturate` (to 8-bit floats only): 0 makes out-of-range values Inf or NaN.
// Cast-24's `round_mode` (to FLOAT8E8M0 only): up, down or nearest.
Tensor& castWithSaturate(ImportContext& ctx, Tensor& x, DataType type, const NodeAttributes& attrs) {
    const bool saturate = attrs.getInt("saturate", 1) != 0;
    const std::string roundMode = attrs.getString("round_mode", "up");
    E8M0RoundingMode rounding = E8M0RoundingMode::kUP;
    if (roundMode == "down") rounding = E8M0RoundingMode::kDOWN;
    else if (roundMode == "nearest") rounding = E8M0RoundingMode::kNEAREST;
    else ONNX_CHECK(roundMode == "up", kINVALID_NODE) << "round_mode '" << roundMode << "' is not up, down or nearest";
    if ((saturate && rounding == E8M0RoundingMode::kUP) || x.getType() == type) return cast(ctx, x, type);
    CastLayer* l = ctx.network().addCast(x, type);
    if (l) {
        l->setSaturate(saturate);
        l->setE8M0Rounding(rounding);
    }
    return *ctx.check(l)->getOutput(0);
}

KILN_ONNX_IMPORTER(Cast) {
    const int64_t to = attrs.getInt("to", 0);
    DataType type = fromOnnxType(static_cast<int32_t>(to), "Cast target");
    if (inputs.at(0).isWeights())
        if (auto w = castWeights(*inputs.at(0).weights, type)) return {w};
    return {&castWithSaturate(ctx, inputs.tensor(0), type, attrs)};
}

// CastLike: Cast to the type of input 1 (only its type is read); `saturate` and `round_mode` as
// Cast's.
KILN_ONNX_IMPORTER(CastLike) {
    const DataType type = inputs.type(1);
    if (inputs.at(0).isWeights())
        if (auto w = castWeights(*inputs.at(0).weights, type)) return {w};
    return {&castWithSaturate(ctx, inputs.tensor(0), type, attrs)};
}

// BitCast-26: the same bits seen as another type of one element size.
KILN_ONNX_IMPORTER(BitCast) {
    const DataType type = fromOnnxType(static_cast<int32_t>(attrs.getInt("to", 0)), "BitCast target");
    ONNX_CHECK(dataTypeSize(type) == dataTypeSize(inputs.type(0)), kINVALID_NODE)
        << "BitCast from " << dataTypeName(inputs.type(0)) << " to " << dataTypeName(type)
        << ": the types must have one element size";
    if (inputs.at(0).isWeights()) {
        auto w = std::make_shared<ir::HostTensor>(*inputs.at(0).weights);
        w->type = type;  // shares the bytes
        return {w};
    }
    CastLayer* l = ctx.network().addCast(inputs.tensor(0), type);
    if (l) l->setBitCast(true);
    return {ctx.check(l)->getOutput(0)};
}

KILN_ONNX_IMPORTER(Constant) {
    if (attrs.has("value")) return {attrs.getTensor("value")};
    if (attrs.has("value_float"))
        return {ImportContext::scalarWeights(DataType::kFLOAT, attrs.getFloat("value_float", 0))};
    if (attrs.has("value_int")) return {ImportContext::scalarWeights(DataType::kINT64, static_cast<double>(attrs.getInt("value_int", 0)))};
    if (attrs.has("value_ints")) return {ImportContext::int64Weights(attrs.getInts("value_ints"))};
    if (attrs.has("value_floats")) {
        std::vector<float> v = attrs.getFloats("value_floats");
        auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, {static_cast<int64_t>(v.size())}));
        std::copy(v.begin(), v.end(), t->as<float>());
        return {t};
    }
    ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "Constant needs one of value, value_float(s), value_int(s) (sparse and "
                                          "string values are not supported)";
}

KILN_ONNX_IMPORTER(ConstantOfShape) {
    std::shared_ptr<const ir::HostTensor> value =
        attrs.has("value") ? attrs.getTensor("value") : ImportContext::scalarWeights(DataType::kFLOAT, 0.0, 1);
    ONNX_CHECK(value->numel() == 1, kINVALID_NODE) << "value must hold one element";
    // Small constants fold here; large ones (or hostile shapes) stay a Fill layer.
    constexpr int64_t kMaxFoldedElements = int64_t(1) << 22;
    auto foldable = [&](const std::vector<int64_t>& dims) {
        int64_t n = 1;
        for (int64_t d : dims) {
            if (d < 0 || (d > 0 && n > kMaxFoldedElements / d)) return false;
            n *= d;
        }
        return dims.size() <= static_cast<size_t>(Dims::MAX_DIMS) && n <= kMaxFoldedElements;
    };
    if (inputs.at(0).isWeights() && foldable(inputs.ints(0))) {
        std::vector<int64_t> dims = inputs.ints(0);
        auto out = std::make_shared<ir::HostTensor>(ir::HostTensor::make(value->type, dims));
        const size_t es = dataTypeSize(value->type);
        auto* dst = static_cast<uint8_t*>(out->data());
        for (int64_t i = 0; i < out->numel(); ++i) std::memcpy(dst + i * es, value->data(), es);
        return {out};
    }
    // A shape computed by the graph: a Fill layer.
    std::vector<int64_t> shapeDims = inputs.dims(0);
    ONNX_CHECK(shapeDims.size() == 1 && shapeDims[0] >= 0, kINVALID_NODE) << "shape must be a 1-D tensor of known length";
    Tensor& shape = cast(ctx, inputs.tensor(0), DataType::kINT64);
    return {&filled(ctx, shape, shapeDims[0], value->type, value->floatAt(0))};
}

}  // namespace kiln::onnximport
