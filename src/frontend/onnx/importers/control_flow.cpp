// If, Loop and Scan, imported without control flow in the network: an If whose condition is
// known takes its branch; one decided at run time computes both branches and selects. Loop and
// Scan are unrolled, one copy of the body per iteration, so their trip counts must be known at
// build time (a constant, or a condition that folds to one in every copy).
#include <algorithm>
#include <optional>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// More copies than this make an engine no one wants; a real recurrence needs a loop layer.
constexpr int64_t kMaxUnrolledIterations = 1024;

// Names of the copies: "<node>/iter3/", after the node's name or its first output.
std::string scopeOf(const ::onnx::NodeProto& node, const std::string& part) {
    return (!node.name().empty() ? node.name() : node.output_size() ? node.output(0) : node.op_type()) + "/" + part + "/";
}

std::shared_ptr<const ir::HostTensor> int64Scalar(int64_t v) { return ImportContext::int64Weights({v}, {}); }

//! The value of a trip count or condition, which ONNX makes a one-element tensor.
int64_t scalarOf(const ir::HostTensor& t, const char* what) {
    ONNX_CHECK(t.numel() == 1, kINVALID_NODE) << what << " must have one element, not " << t.numel();
    return t.intAt(0);
}

// Per-iteration values stacked along `axis` (a new axis): Unsqueeze each, then Concat.
Tensor& stack(ImportContext& ctx, const std::vector<TensorOrWeights>& parts, int32_t axis) {
    std::vector<Tensor*> expanded;
    for (const auto& p : parts) expanded.push_back(&unsqueeze(ctx, ctx.tensorOf(p), {axis}));
    ConcatenationLayer* l = ctx.network().addConcatenation(expanded.data(), static_cast<int32_t>(expanded.size()));
    if (l) l->setAxis(axis);
    return *ctx.check(l)->getOutput(0);
}

// Element `index` of `axis` (the axis removed), as Scan hands its body one slice.
Tensor& sliceAt(ImportContext& ctx, Tensor& x, int32_t axis, int64_t index) {
    GatherLayer* l = ctx.network().addGather(x, ctx.tensorOf(int64Scalar(index)), axis);
    return *ctx.check(l)->getOutput(0);
}

// One output of an If decided at run time: the branches' values selected by the condition,
// element by element for sequences of one length. nullopt where no select can do it (shapes,
// lengths or kinds differ): the condition must then be known at build time.
std::optional<TensorOrWeights> selectBranches(ImportContext& ctx, Tensor& cond, const TensorOrWeights& a,
                                              const TensorOrWeights& b) {
    if (a.isSequence() || b.isSequence()) {
        if (!a.isSequence() || !b.isSequence() || a.sequence->size() != b.sequence->size()) return std::nullopt;
        std::vector<TensorOrWeights> elements;
        for (size_t i = 0; i < a.sequence->size(); ++i) {
            auto e = selectBranches(ctx, cond, (*a.sequence)[i], (*b.sequence)[i]);
            if (!e) return std::nullopt;
            elements.push_back(*e);
        }
        return TensorOrWeights::makeSequence(std::move(elements));
    }
    if (a.isNone() || b.isNone() || ctx.dimsOf(a) != ctx.dimsOf(b)) return std::nullopt;
    SelectLayer* l = ctx.network().addSelect(cond, ctx.tensorOf(a), ctx.tensorOf(b));
    return TensorOrWeights(ctx.check(l)->getOutput(0));
}

}  // namespace

KILN_ONNX_IMPORTER(If) {
    const auto& thenBranch = attrs.getGraph("then_branch");
    const auto& elseBranch = attrs.getGraph("else_branch");
    if (inputs.at(0).isWeights()) {
        const bool cond = scalarOf(inputs.weights(0), "the condition") != 0;
        return ctx.importSubgraph(cond ? thenBranch : elseBranch, {}, scopeOf(node, cond ? "then" : "else"));
    }
    // Decided at run time: both branches computed, each output selected by the condition.
    std::vector<TensorOrWeights> a = ctx.importSubgraph(thenBranch, {}, scopeOf(node, "then"));
    std::vector<TensorOrWeights> b = ctx.importSubgraph(elseBranch, {}, scopeOf(node, "else"));
    ONNX_CHECK(a.size() == b.size(), kINVALID_NODE)
        << "the branches have " << a.size() << " and " << b.size() << " outputs";
    Tensor& cond = inputs.tensor(0);
    Outputs outs;
    for (size_t i = 0; i < a.size(); ++i) {
        std::optional<TensorOrWeights> selected = selectBranches(ctx, cond, a[i], b[i]);
        if (!selected) ctx.noteNeededConstant(node.input(0));
        ONNX_CHECK(selected, kUNSUPPORTED_NODE)
            << "an If decided at run time whose branches give output " << i
            << " different shapes, sequence lengths or an empty optional; its condition must be a build-time "
               "constant (Parser::setInputValues)";
        outs.push_back(*selected);
    }
    return outs;
}

// Loop(M, cond, v...): body(i, cond, v...) -> (cond, v..., scan outputs...).
KILN_ONNX_IMPORTER(Loop) {
    const auto& body = attrs.getGraph("body");
    const int64_t tripCount = inputs.has(0) ? scalarOf(inputs.weights(0), "the trip count M") : -1;
    bool cond = inputs.has(1) ? scalarOf(inputs.weights(1), "the condition") != 0 : true;
    ONNX_CHECK(tripCount >= 0 || inputs.has(1), kUNSUPPORTED_NODE) << "a Loop with neither a trip count nor a condition";
    std::vector<TensorOrWeights> carried;
    for (size_t i = 2; i < inputs.size(); ++i) carried.push_back(inputs.at(i));
    const size_t nCarried = carried.size();
    ONNX_CHECK(body.output_size() >= static_cast<int>(1 + nCarried), kINVALID_NODE)
        << "the body has " << body.output_size() << " outputs for " << nCarried << " loop-carried values";
    const size_t nScan = static_cast<size_t>(body.output_size()) - 1 - nCarried;
    std::vector<std::vector<TensorOrWeights>> scans(nScan);
    int64_t i = 0;
    for (; cond && (tripCount < 0 || i < tripCount); ++i) {
        ONNX_CHECK(i < kMaxUnrolledIterations, kUNSUPPORTED_NODE)
            << "a Loop of more than " << kMaxUnrolledIterations << " iterations (Kiln unrolls loops)";
        std::vector<TensorOrWeights> in{int64Scalar(i), boolScalar(cond)};
        in.insert(in.end(), carried.begin(), carried.end());
        std::vector<TensorOrWeights> out = ctx.importSubgraph(body, in, scopeOf(node, "iter" + std::to_string(i)));
        ONNX_CHECK(out[0].isWeights(), kUNSUPPORTED_NODE)
            << "a Loop whose condition is computed at run time (Kiln unrolls loops at build time)";
        cond = scalarOf(*out[0].weights, "the body's condition output") != 0;
        for (size_t k = 0; k < nCarried; ++k) carried[k] = out[1 + k];
        for (size_t k = 0; k < nScan; ++k) scans[k].push_back(out[1 + nCarried + k]);
    }
    Outputs outs(carried.begin(), carried.end());
    for (size_t k = 0; k < nScan; ++k) {
        ONNX_CHECK(!scans[k].empty(), kUNSUPPORTED_NODE) << "a Loop of zero iterations with scan outputs";
        outs.push_back(&stack(ctx, scans[k], 0));
    }
    // Carried values that are still the Loop's own inputs become tensors of their own.
    for (auto& o : outs)
        if (o.isTensor() && o.tensor->isNetworkInput()) o = ctx.check(ctx.network().addIdentity(*o.tensor))->getOutput(0);
    return outs;
}

// Scan-9+: (states..., scan inputs...) -> (final states..., scan outputs...).
KILN_ONNX_IMPORTER(Scan) {
    ONNX_CHECK(ctx.opset() >= 9, kUNSUPPORTED_NODE) << "Scan-8 (batch axis, sequence_lens) is not supported";
    const auto& body = attrs.getGraph("body");
    const int64_t nScanIn = attrs.getInt("num_scan_inputs", 0);
    ONNX_CHECK(nScanIn >= 1 && nScanIn <= static_cast<int64_t>(inputs.size()), kINVALID_NODE)
        << "num_scan_inputs " << nScanIn << " for " << inputs.size() << " inputs";
    const size_t nState = inputs.size() - static_cast<size_t>(nScanIn);
    ONNX_CHECK(static_cast<size_t>(body.output_size()) >= nState, kINVALID_NODE)
        << "the body has " << body.output_size() << " outputs for " << nState << " loop-carried states";
    const std::vector<int64_t> inAxes = attrs.getInts("scan_input_axes", std::vector<int64_t>(nScanIn, 0));
    const std::vector<int64_t> inDirs = attrs.getInts("scan_input_directions", std::vector<int64_t>(nScanIn, 0));
    const size_t nScanOut = static_cast<size_t>(std::max<int>(body.output_size() - static_cast<int>(nState), 0));
    const std::vector<int64_t> outAxes = attrs.getInts("scan_output_axes", std::vector<int64_t>(nScanOut, 0));
    const std::vector<int64_t> outDirs = attrs.getInts("scan_output_directions", std::vector<int64_t>(nScanOut, 0));
    ONNX_CHECK(inAxes.size() == static_cast<size_t>(nScanIn) && inDirs.size() == static_cast<size_t>(nScanIn) &&
                   outAxes.size() == nScanOut && outDirs.size() == nScanOut,
               kINVALID_NODE)
        << "scan axes and directions must have one entry per scan input and output";
    int64_t length = -1;
    std::vector<int32_t> axes;
    for (int64_t k = 0; k < nScanIn; ++k) {
        const size_t at = nState + static_cast<size_t>(k);
        const int32_t axis = normalizeAxis(inAxes[k], inputs.rank(at));
        axes.push_back(axis);
        const int64_t n = inputs.dims(at)[axis];
        ONNX_CHECK(n >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a Scan over a dynamic axis (Kiln unrolls scans at build time)";
        ONNX_CHECK(length < 0 || n == length, kINVALID_NODE) << "scan inputs of lengths " << length << " and " << n;
        length = n;
    }
    ONNX_CHECK(length <= kMaxUnrolledIterations, kUNSUPPORTED_NODE)
        << "a Scan of " << length << " iterations (Kiln unrolls at most " << kMaxUnrolledIterations << ")";
    ONNX_CHECK(length > 0 || nScanOut == 0, kUNSUPPORTED_NODE) << "a Scan of zero iterations with scan outputs";
    std::vector<TensorOrWeights> states;
    for (size_t k = 0; k < nState; ++k) states.push_back(inputs.at(k));
    std::vector<std::vector<TensorOrWeights>> scans(nScanOut);
    for (int64_t t = 0; t < length; ++t) {
        std::vector<TensorOrWeights> in = states;
        for (int64_t k = 0; k < nScanIn; ++k) {
            const int64_t index = inDirs[k] ? length - 1 - t : t;
            in.push_back(&sliceAt(ctx, inputs.tensor(nState + static_cast<size_t>(k)), axes[k], index));
        }
        std::vector<TensorOrWeights> out = ctx.importSubgraph(body, in, scopeOf(node, "iter" + std::to_string(t)));
        for (size_t k = 0; k < nState; ++k) states[k] = out[k];
        for (size_t k = 0; k < nScanOut; ++k) scans[k].push_back(out[nState + k]);
    }
    Outputs outs(states.begin(), states.end());
    for (size_t k = 0; k < nScanOut; ++k) {
        if (outDirs[k]) std::reverse(scans[k].begin(), scans[k].end());
        const int32_t axis = normalizeAxis(outAxes[k], ctx.rankOf(scans[k][0]) + 1);
        outs.push_back(&stack(ctx, scans[k], axis));
    }
    for (auto& o : outs)
        if (o.isTensor() && o.tensor->isNetworkInput()) o = ctx.check(ctx.network().addIdentity(*o.tensor))->getOutput(0);
    return outs;
}

}  // namespace kiln::onnximport
