// The ONNX sequence ops. A sequence lives only at import, as the list of its elements
// (TensorOrWeights::sequence): Kiln unrolls loops, so every length and position is known at
// build time and each op rearranges that list; only SplitToSequence, ConcatFromSequence and
// SequenceMap's body add layers.
#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// A position input: a build-time scalar in [-n, n] (`inclusiveEnd`, where an insert may append)
// or [-n, n-1], made non-negative.
int64_t positionOf(NodeInputs& inputs, size_t i, int64_t n, bool inclusiveEnd) {
    const ir::HostTensor& w = inputs.weights(i);
    ONNX_CHECK(w.numel() == 1, kINVALID_NODE) << "a sequence position has one value, got " << w.numel();
    const int64_t p = w.intAt(0), last = inclusiveEnd ? n : n - 1;
    ONNX_CHECK(p >= -n && p <= last, kINVALID_NODE)
        << "position " << p << " is outside [" << -n << ", " << last << "] for a sequence of " << n;
    return p < 0 ? p + n : p;
}

TensorOrWeights checkedSequence(std::vector<TensorOrWeights> elements) {
    ONNX_CHECK(static_cast<int64_t>(elements.size()) <= kMaxSequenceLength, kUNSUPPORTED_NODE)
        << "a sequence of " << elements.size() << " elements (Kiln unrolls sequences; at most " << kMaxSequenceLength
        << ")";
    return TensorOrWeights::makeSequence(std::move(elements));
}

}  // namespace

KILN_ONNX_IMPORTER(SequenceEmpty) { return {TensorOrWeights::makeSequence({})}; }

KILN_ONNX_IMPORTER(SequenceConstruct) {
    std::vector<TensorOrWeights> elements;
    for (size_t i = 0; i < inputs.size(); ++i) {
        ctx.checkIsTensor(inputs.at(i));
        elements.push_back(inputs.at(i));
    }
    return {checkedSequence(std::move(elements))};
}

KILN_ONNX_IMPORTER(SequenceLength) {
    const auto& elements = ctx.sequenceOf(inputs.at(0));
    return {ImportContext::int64Weights({static_cast<int64_t>(elements.size())}, {})};
}

KILN_ONNX_IMPORTER(SequenceAt) {
    const auto& elements = ctx.sequenceOf(inputs.at(0));
    const int64_t n = static_cast<int64_t>(elements.size());
    return {identityOf(ctx, elements[static_cast<size_t>(positionOf(inputs, 1, n, false))])};
}

KILN_ONNX_IMPORTER(SequenceInsert) {
    std::vector<TensorOrWeights> elements = ctx.sequenceOf(inputs.at(0));
    ctx.checkIsTensor(inputs.at(1));
    const int64_t n = static_cast<int64_t>(elements.size());
    const int64_t at = inputs.has(2) ? positionOf(inputs, 2, n, true) : n;
    elements.insert(elements.begin() + at, inputs.at(1));
    return {checkedSequence(std::move(elements))};
}

KILN_ONNX_IMPORTER(SequenceErase) {
    std::vector<TensorOrWeights> elements = ctx.sequenceOf(inputs.at(0));
    const int64_t n = static_cast<int64_t>(elements.size());
    ONNX_CHECK(n > 0, kINVALID_NODE) << "SequenceErase of an empty sequence";
    const int64_t at = inputs.has(1) ? positionOf(inputs, 1, n, false) : n - 1;
    elements.erase(elements.begin() + at);
    return {TensorOrWeights::makeSequence(std::move(elements))};
}

// split absent: pieces of 1 along the axis (squeezed unless keepdims); a scalar: pieces of that
// size, the last one shorter; a 1-D tensor: the sizes.
KILN_ONNX_IMPORTER(SplitToSequence) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 1, kINVALID_NODE) << "SplitToSequence of a scalar";
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    const int64_t length = inputs.dims(0)[axis];
    ONNX_CHECK(length >= 0, kUNSUPPORTED_NODE_DYNAMIC)
        << "SplitToSequence along a dynamic axis (the sequence's length must be known at build time)";
    std::vector<int64_t> sizes;
    const bool pieces = !inputs.has(1);
    if (pieces) {
        ONNX_CHECK(length <= kMaxSequenceLength, kUNSUPPORTED_NODE)
            << "a sequence of " << length << " elements (at most " << kMaxSequenceLength << ")";
        sizes.assign(static_cast<size_t>(length), 1);
    } else if (inputs.rank(1) == 0) {
        const int64_t chunk = inputs.ints(1)[0];
        ONNX_CHECK(chunk > 0, kINVALID_NODE) << "split size " << chunk << " is not positive";
        ONNX_CHECK((length + chunk - 1) / chunk <= kMaxSequenceLength, kUNSUPPORTED_NODE)
            << "a sequence of more than " << kMaxSequenceLength << " elements";
        for (int64_t left = length; left > 0; left -= chunk) sizes.push_back(std::min(chunk, left));
    } else {
        sizes = inputs.ints(1);
        int64_t total = 0;
        for (int64_t s : sizes) {
            ONNX_CHECK(s >= 0 && s <= length - total, kINVALID_NODE)
                << "split sizes " << ir::dimsToString(sizes) << " do not fit axis " << axis << " of length " << length;
            total += s;
        }
        ONNX_CHECK(total == length, kINVALID_NODE)
            << "split sizes " << ir::dimsToString(sizes) << " do not add up to axis " << axis << " of length " << length;
        ONNX_CHECK(static_cast<int64_t>(sizes.size()) <= kMaxSequenceLength, kUNSUPPORTED_NODE)
            << "a sequence of " << sizes.size() << " elements (at most " << kMaxSequenceLength << ")";
    }
    const bool squeeze = pieces && attrs.getInt("keepdims", 1) == 0;
    std::vector<TensorOrWeights> elements;
    int64_t offset = 0;
    for (int64_t size : sizes) {
        if (squeeze) {
            GatherLayer* g = ctx.network().addGather(x, ctx.tensorOf(ImportContext::int64Weights({offset}, {})), axis);
            elements.push_back(ctx.check(g)->getOutput(0));
        } else {
            elements.push_back(&sliceAlongAxis(ctx, x, axis, offset, size));
        }
        offset += size;
    }
    return {TensorOrWeights::makeSequence(std::move(elements))};
}

// new_axis 0: Concat along `axis`; 1: the elements stacked along a new axis.
KILN_ONNX_IMPORTER(ConcatFromSequence) {
    const auto& elements = ctx.sequenceOf(inputs.at(0));
    ONNX_CHECK(!elements.empty(), kINVALID_NODE) << "ConcatFromSequence of an empty sequence";
    const bool newAxis = attrs.getInt("new_axis", 0) != 0;
    const int32_t rank = ctx.rankOf(elements[0]) + (newAxis ? 1 : 0);
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    std::vector<Tensor*> parts;
    for (const auto& e : elements) {
        Tensor& t = ctx.tensorOf(e);
        parts.push_back(newAxis ? &unsqueeze(ctx, t, {axis}) : &t);
    }
    ConcatenationLayer* l = ctx.network().addConcatenation(parts.data(), static_cast<int32_t>(parts.size()));
    if (l) l->setAxis(axis);
    return {ctx.check(l)->getOutput(0)};
}

// The body once per element of the first input; further inputs give the body their element of
// the same index when they are sequences, themselves when tensors. Each output is a sequence.
KILN_ONNX_IMPORTER(SequenceMap) {
    const auto& body = attrs.getGraph("body");
    const size_t n = ctx.sequenceOf(inputs.at(0)).size();
    for (size_t k = 1; k < inputs.size(); ++k) {
        if (inputs.at(k).isSequence()) {
            ONNX_CHECK(inputs.at(k).sequence->size() == n, kINVALID_NODE)
                << "SequenceMap over sequences of lengths " << n << " and " << inputs.at(k).sequence->size();
        }
    }
    std::vector<std::vector<TensorOrWeights>> outs(static_cast<size_t>(body.output_size()));
    const std::string scopeName = !node.name().empty() ? node.name() : node.output_size() ? node.output(0) : "SequenceMap";
    for (size_t i = 0; i < n; ++i) {
        std::vector<TensorOrWeights> in;
        for (size_t k = 0; k < inputs.size(); ++k) {
            const TensorOrWeights& v = inputs.at(k);
            in.push_back(v.isSequence() ? (*v.sequence)[i] : v);
        }
        std::vector<TensorOrWeights> got = ctx.importSubgraph(body, in, scopeName + "/elem" + std::to_string(i) + "/");
        for (size_t j = 0; j < outs.size(); ++j) {
            ctx.checkIsTensor(got[j]);
            // An element that is still a network input becomes a tensor of its own.
            outs[j].push_back(got[j].isTensor() && got[j].tensor->isNetworkInput() ? identityOf(ctx, got[j]) : got[j]);
        }
    }
    Outputs result;
    for (auto& o : outs) result.push_back(TensorOrWeights::makeSequence(std::move(o)));
    return result;
}

}  // namespace kiln::onnximport
