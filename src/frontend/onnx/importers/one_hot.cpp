// OneHot, Hardmax (a one-hot of the first maximum's index) and NonZero.
#include <vector>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

//! [off, on] = [0, 1] of `type` (the 16-bit floats through a Cast of float weights).
Tensor& zeroOne(ImportContext& ctx, DataType type) {
    const bool direct = type != DataType::kHALF && type != DataType::kBF16;
    auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kDOUBLE, {2}));
    t->as<double>()[0] = 0.0;
    t->as<double>()[1] = 1.0;
    return cast(ctx, ctx.tensorOf(castWeights(*t, direct ? type : DataType::kFLOAT)), type);
}

//! Hardmax along `axis` of x: TopK(1) gives the first maximum's index, OneHot spreads it.
Tensor& hardmaxAlong(ImportContext& ctx, Tensor& x, int32_t axis, int64_t dim) {
    TopKLayer* top = ctx.network().addTopK(x, TopKOperation::kMAX, 1, 1u << axis);
    Tensor& index = *ctx.check(top)->getOutput(1);
    Tensor& squeezed = *ctx.check(ctx.network().addSqueeze(index, constInt64(ctx, {axis})))->getOutput(0);
    Tensor& depth = dim >= 0 ? ctx.tensorOf(ImportContext::int64Weights({dim}, {}))
                             : gatherShape(ctx, shapeOf(ctx, x), {axis});
    return *ctx.check(ctx.network().addOneHot(squeezed, zeroOne(ctx, x.getType()), depth, axis))->getOutput(0);
}

}  // namespace

// OneHot(indices, depth, values): float indices and depth are truncated to integers (ONNX).
KILN_ONNX_IMPORTER(OneHot) {
    Tensor* indices = &inputs.tensor(0);
    if (indices->getType() != DataType::kINT32 && indices->getType() != DataType::kINT64)
        indices = &cast(ctx, *indices, DataType::kINT64);
    Tensor* depth;
    if (inputs.at(1).isWeights()) {
        const std::vector<double> d = inputs.floats(1);
        ONNX_CHECK(d.size() == 1, kINVALID_NODE) << "depth must hold one value, got " << d.size();
        ONNX_CHECK(d[0] >= 0 && d[0] < 9.0e18, kINVALID_NODE) << "depth " << d[0] << " is not a valid size";
        depth = &ctx.tensorOf(ImportContext::int64Weights({static_cast<int64_t>(d[0])}, {}));
    } else {
        depth = &cast(ctx, inputs.tensor(1), DataType::kINT64);
    }
    const int64_t axis = attrs.getInt("axis", -1);
    normalizeAxis(axis, inputs.rank(0) + 1);
    OneHotLayer* l = ctx.network().addOneHot(*indices, inputs.tensor(2), *depth, static_cast<int32_t>(axis));
    return {ctx.check(l)->getOutput(0)};
}

// Hardmax: 1 at the first maximum along the axis, 0 elsewhere. Before opset 13 the input is
// seen as 2-D [prod(dims[:axis]), prod(dims[axis:])] and the maximum is taken over each row.
KILN_ONNX_IMPORTER(Hardmax) {
    Tensor& x = inputs.tensor(0);
    const std::vector<int64_t> dims = inputs.dims(0);
    const int32_t rank = static_cast<int32_t>(dims.size());
    if (ctx.opset() >= 13) {
        const int32_t axis = normalizeAxis(attrs.getInt("axis", -1), rank);
        return {&hardmaxAlong(ctx, x, axis, dims[axis])};
    }
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 1), rank);
    int64_t outer = 1, inner = 1;
    for (int32_t d = 0; d < rank; ++d) {
        ONNX_CHECK(dims[d] >= 0, kUNSUPPORTED_NODE_DYNAMIC)
            << "Hardmax before opset 13 of dynamic dimensions " << ir::dimsToString(dims);
        (d < axis ? outer : inner) = mulDims(d < axis ? outer : inner, dims[d]);
    }
    Tensor& flat = reshape(ctx, x, {outer, inner});
    return {&reshape(ctx, hardmaxAlong(ctx, flat, 1, inner), dims)};
}

// NonZero: the indices of the nonzero elements, [rank, count] in row-major order; folded on weights.
KILN_ONNX_IMPORTER(NonZero) {
    if (inputs.at(0).isWeights()) {
        const ir::HostTensor& w = inputs.weights(0);
        const int64_t rank = static_cast<int64_t>(w.dims.size());
        std::vector<int64_t> flat;
        for (int64_t i = 0; i < w.numel(); ++i)
            if (w.floatAt(i) != 0) flat.push_back(i);
        const int64_t count = static_cast<int64_t>(flat.size());
        std::vector<int64_t> out(static_cast<size_t>(rank * count));
        for (int64_t n = 0; n < count; ++n) {
            int64_t rest = flat[n];
            for (int64_t d = rank - 1; d >= 0; --d) {
                out[static_cast<size_t>(d * count + n)] = rest % w.dims[d];
                rest /= w.dims[d];
            }
        }
        return {ImportContext::int64Weights(out, {rank, count})};
    }
    return {ctx.check(ctx.network().addNonZero(inputs.tensor(0)))->getOutput(0)};
}

}  // namespace kiln::onnximport
