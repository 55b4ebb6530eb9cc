#include <cstring>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "core/status.h"

namespace kiln::cpu {

void registerTactic(const char* opName, Tactic tactic) {
    backend::registerTactic(DeviceType::kCPU, opName, std::move(tactic));
}

const std::vector<Tactic>& tacticsFor(const std::string& opName) {
    return backend::tacticsFor(DeviceType::kCPU, opName);
}

const Tactic* findTactic(const std::string& opName, const std::string& tacticName) {
    return backend::findTactic(DeviceType::kCPU, opName, tacticName);
}

void stridesOf(const ir::TensorView& v, int64_t* strides) {
    int64_t s = 1;
    for (int32_t i = v.rank - 1; i >= 0; --i) {
        strides[i] = s;
        s *= v.dims[i];
    }
}

int32_t normalizedAxis(int64_t axis, int32_t rank, const char* op) {
    KILN_CHECK(axis >= -rank && axis < rank) << op << ": axis " << axis << " out of range for rank " << rank;
    return static_cast<int32_t>(axis < 0 ? axis + rank : axis);
}

AxisSplit splitAt(const ir::TensorView& v, int32_t axis) {
    AxisSplit s;
    for (int32_t d = 0; d < axis; ++d) s.outer *= v.dims[d];
    s.len = v.dims[axis];
    for (int32_t d = axis + 1; d < v.rank; ++d) s.inner *= v.dims[d];
    return s;
}

int64_t loadIndex(const ir::TensorView& v, int64_t i) {
    return dispatchType(v.type, [&](auto tag) -> int64_t {
        using T = typename decltype(tag)::type;
        return static_cast<int64_t>(load(static_cast<const T*>(v.data), i));
    });
}

double loadAsDouble(const ir::TensorView& v, int64_t i) {
    return dispatchType(v.type, [&](auto tag) -> double {
        using T = typename decltype(tag)::type;
        return static_cast<double>(load(static_cast<const T*>(v.data), i));
    });
}

std::vector<ir::HostTensor> evaluateReference(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                              const std::string& nodeName) {
    return evaluateWithTactic(op, inputs, "reference", nodeName);
}

std::vector<ir::HostTensor> evaluateWithTactic(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                               const std::string& tacticName, const std::string& nodeName) {
    std::vector<ir::ValueInfo> infos(inputs.size());
    std::vector<const ir::ValueInfo*> ptrs(inputs.size(), nullptr);
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (!inputs[i]) continue;
        infos[i] = ir::constantInfo(*inputs[i]);
        if (op.isShapeInput(static_cast<int32_t>(i)) && !infos[i].value &&
            inputs[i]->numel() <= ir::kMaxShapeValueElements) {
            std::vector<ir::DimExpr> values;
            for (int64_t k = 0; k < inputs[i]->numel(); ++k) values.emplace_back(inputs[i]->intAt(k));
            infos[i].value = std::move(values);
        }
        ptrs[i] = &infos[i];
    }
    ir::InferContext ctx(nodeName, ptrs, [](const ir::DimExpr& bound) { return bound; });
    op.inferShapes(ctx);
    const Tactic* tactic = findTactic(op.name(), tacticName);
    KILN_CHECK_CODE(tactic != nullptr, ErrorCode::kUNSUPPORTED_STATE)
        << nodeName << ": no CPU tactic '" << tacticName << "' for op " << op.name();
    const Tactic& ref = *tactic;
    KernelArgs args;
    args.op = &op;
    for (const ir::HostTensor* in : inputs) args.inputs.push_back(in ? ir::viewOf(*in) : absentInput());
    std::vector<ir::HostTensor> outputs;
    for (const auto& info : ctx.outputs()) outputs.push_back(ir::HostTensor::make(info.type, ir::constValues(info.shape)));
    for (auto& o : outputs) args.outputs.push_back(ir::viewOf(o));
    std::vector<uint8_t> workspace;
    if (ref.workspaceSize) {
        workspace.resize(ref.workspaceSize(args));
        args.workspace = workspace.data();
        args.workspaceSize = workspace.size();
    }
    ref.run(args);
    // Data-dependent ops may have shrunk their outputs.
    for (size_t i = 0; i < outputs.size(); ++i) {
        std::vector<int64_t> dims = args.outputs[i].shape();
        if (dims != outputs[i].dims) {
            ir::HostTensor exact = ir::HostTensor::make(outputs[i].type, dims);
            std::memcpy(exact.data(), outputs[i].data(), exact.bytes());
            outputs[i] = exact;
        }
    }
    return outputs;
}

}  // namespace kiln::cpu
