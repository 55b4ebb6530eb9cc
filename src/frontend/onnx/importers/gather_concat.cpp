// Concat, Gather, Expand, TopK (weights fold at import where all inputs are weights).
#include <cstring>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Concatenation of weights along `axis`: outer blocks copied one input after another.
std::shared_ptr<const ir::HostTensor> concatWeights(const std::vector<const ir::HostTensor*>& parts, int32_t axis) {
    std::vector<int64_t> dims = parts[0]->dims;
    const DataType type = parts[0]->type;
    int64_t total = 0;
    for (const auto* p : parts) {
        ONNX_CHECK(p->type == type && p->dims.size() == dims.size(), kINVALID_NODE)
            << "Concat inputs differ in type or rank";
        for (size_t d = 0; d < dims.size(); ++d)
            ONNX_CHECK(static_cast<int32_t>(d) == axis || p->dims[d] == dims[d], kINVALID_NODE)
                << "Concat inputs " << ir::dimsToString(p->dims) << " and " << ir::dimsToString(dims)
                << " differ outside axis " << axis;
        total += p->dims[axis];
    }
    dims[axis] = total;
    auto out = std::make_shared<ir::HostTensor>(ir::HostTensor::make(type, dims));
    int64_t outer = 1;
    for (int32_t d = 0; d < axis; ++d) outer *= dims[d];
    const size_t es = dataTypeSize(type);
    auto* dst = static_cast<uint8_t*>(out->data());
    for (int64_t o = 0; o < outer; ++o) {
        for (const auto* p : parts) {
            const size_t block = static_cast<size_t>(p->numel() / std::max<int64_t>(outer, 1)) * es;
            if (block) std::memcpy(dst, static_cast<const uint8_t*>(p->data()) + o * block, block);
            dst += block;
        }
    }
    return out;
}

}  // namespace

KILN_ONNX_IMPORTER(Concat) {
    ONNX_CHECK(inputs.size() >= 1, kINVALID_NODE) << "Concat needs at least one input";
    const int32_t rank = inputs.rank(0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", ctx.opset() < 4 ? 1 : 0), rank);
    bool allWeights = true;
    for (size_t i = 0; i < inputs.size(); ++i) allWeights &= inputs.at(i).isWeights();
    if (allWeights) {
        std::vector<const ir::HostTensor*> parts;
        for (size_t i = 0; i < inputs.size(); ++i) parts.push_back(inputs.at(i).weights.get());
        return {concatWeights(parts, axis)};
    }
    std::vector<Tensor*> tensors;
    for (size_t i = 0; i < inputs.size(); ++i) tensors.push_back(&inputs.tensor(i));
    ConcatenationLayer* l = ctx.network().addConcatenation(tensors.data(), static_cast<int32_t>(tensors.size()));
    if (l) l->setAxis(axis);
    return {ctx.check(l)->getOutput(0)};
}

// Negative constant indices count from the end of the gathered axis (when its size is known).
KILN_ONNX_IMPORTER(Gather) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 1, kINVALID_NODE) << "Gather of a scalar";
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    const int64_t dim = inputs.dims(0)[axis];
    Tensor* indices;
    if (inputs.at(1).isWeights()) {
        const ir::HostTensor& w = inputs.weights(1);
        std::vector<int64_t> idx(static_cast<size_t>(w.numel()));
        for (int64_t k = 0; k < w.numel(); ++k) {
            idx[k] = w.intAt(k);
            if (idx[k] < 0 && dim >= 0) idx[k] += dim;
            ONNX_CHECK(dim < 0 || (idx[k] >= 0 && idx[k] < dim), kINVALID_NODE)
                << "index " << w.intAt(k) << " is out of range for axis " << axis << " of size " << dim;
        }
        indices = &ctx.tensorOf(ImportContext::int64Weights(idx, w.dims));
    } else {
        indices = &inputs.tensor(1);
    }
    return {ctx.check(ctx.network().addGather(inputs.tensor(0), *indices, axis))->getOutput(0)};
}

// Expand: x + zeros(shape) broadcasts x to the shape (numpy rules); Fill makes the zeros.
KILN_ONNX_IMPORTER(Expand) {
    Tensor& x = inputs.tensor(0);
    std::vector<int64_t> shapeDims = inputs.dims(1);
    ONNX_CHECK(shapeDims.size() == 1 && shapeDims[0] >= 0, kINVALID_NODE) << "shape must be a 1-D tensor of known length";
    Tensor& shape = cast(ctx, inputs.tensor(1), DataType::kINT64);
    const DataType type = x.getType();
    const bool boolean = type == DataType::kBOOL;
    Tensor& base = boolean ? cast(ctx, x, DataType::kINT32) : x;
    Tensor& zeros = filled(ctx, shape, shapeDims[0], base.getType(), 0.0);
    Tensor& y = elementWise(ctx, base, zeros, ElementWiseOperation::kSUM);
    return {&cast(ctx, y, type)};
}

KILN_ONNX_IMPORTER(TopK) {
    const int32_t rank = inputs.rank(0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", -1), rank);
    const int64_t k = ctx.opset() < 10 ? attrs.getInt("k", 1) : inputs.ints(1).at(0);
    ONNX_CHECK(attrs.getInt("sorted", 1) == 1, kUNSUPPORTED_NODE_ATTR) << "sorted=0";
    const TopKOperation op = attrs.getInt("largest", 1) ? TopKOperation::kMAX : TopKOperation::kMIN;
    TopKLayer* l = ctx.network().addTopK(inputs.tensor(0), op, static_cast<int32_t>(k), 1u << axis);
    ctx.check(l);
    return {l->getOutput(0), &cast(ctx, *l->getOutput(1), DataType::kINT64)};
}

}  // namespace kiln::onnximport
