#include "cuda/cuda_test_util.h"

#include <cuda_runtime_api.h>

#include <sstream>

#include "backends/cpu/kernel.h"
#include "backends/cuda/memory.h"
#include "backends/tactic.h"
#include "core/status.h"

namespace kiln::test {

bool haveGpu() {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

namespace {

std::vector<ir::ValueInfo> infosOf(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs) {
    std::vector<ir::ValueInfo> infos(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i]) infos[i] = ir::constantInfo(*inputs[i]);
    return infos;
}

//! Output shapes from shape inference on the concrete inputs (values of shape inputs included).
std::vector<ir::ValueInfo> inferOutputs(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs) {
    std::vector<ir::ValueInfo> infos = infosOf(op, inputs);
    std::vector<const ir::ValueInfo*> ptrs(inputs.size(), nullptr);
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (!inputs[i]) continue;
        if (op.isShapeInput(static_cast<int32_t>(i)) && !infos[i].value &&
            inputs[i]->numel() <= ir::kMaxShapeValueElements) {
            std::vector<ir::DimExpr> values;
            for (int64_t k = 0; k < inputs[i]->numel(); ++k) values.emplace_back(inputs[i]->intAt(k));
            infos[i].value = std::move(values);
        }
        ptrs[i] = &infos[i];
    }
    ir::InferContext ctx("node", ptrs, [](const ir::DimExpr& bound) { return bound; });
    op.inferShapes(ctx);
    return std::move(ctx.outputs());
}

}  // namespace

std::vector<ir::HostTensor> runOnGpu(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                     const std::string& tacticName) {
    const backend::Tactic* tactic = backend::findTactic(DeviceType::kGPU, op.name(), tacticName);
    KILN_CHECK(tactic) << "no CUDA tactic '" << tacticName << "' for " << op.name();
    cuda::Stream stream;
    std::vector<cuda::DeviceBuffer> buffers;
    backend::KernelArgs args;
    args.op = &op;
    args.stream = stream.get();
    for (const ir::HostTensor* in : inputs) {
        if (!in) {
            args.inputs.push_back(backend::absentInput());
            continue;
        }
        buffers.emplace_back(std::max<size_t>(in->bytes(), 1), nullptr, "tensor: test input");
        cuda::copyToDevice(buffers.back().data(), in->data(), in->bytes(), stream.get());
        args.inputs.push_back(ir::makeView(in->type, in->dims, buffers.back().data()));
    }
    std::vector<ir::HostTensor> outputs;
    for (const auto& info : inferOutputs(op, inputs)) {
        outputs.push_back(ir::HostTensor::make(info.type, ir::constValues(info.shape)));
        buffers.emplace_back(std::max<size_t>(outputs.back().bytes(), 1), nullptr, "tensor: test output");
        args.outputs.push_back(ir::makeView(info.type, outputs.back().dims, buffers.back().data()));
    }
    size_t workspace = tactic->workspaceSize ? tactic->workspaceSize(args) : 0;
    cuda::DeviceBuffer ws(workspace, nullptr, "layer: test workspace");
    args.workspace = ws.data();
    args.workspaceSize = workspace;
    tactic->run(args);
    cuda::synchronize(stream.get());
    for (size_t i = 0; i < outputs.size(); ++i) {
        // A data-dependent op may report a smaller shape than planned.
        ir::HostTensor exact = ir::HostTensor::make(outputs[i].type, args.outputs[i].shape());
        cuda::copyToHost(exact.data(), args.outputs[i].data, exact.bytes(), stream.get());
        outputs[i] = exact;
    }
    cuda::synchronize(stream.get());
    return outputs;
}

::testing::AssertionResult gpuMatchesReference(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                               const GpuCheck& check) {
    std::vector<ir::HostTensor> expected = cpu::evaluateReference(op, inputs);
    std::vector<ir::ValueInfo> infos = infosOf(op, inputs);
    int ran = 0;
    for (const backend::Tactic& t : backend::tacticsFor(DeviceType::kGPU, op.name())) {
        if (!check.tactics.empty() &&
            std::find(check.tactics.begin(), check.tactics.end(), t.name) == check.tactics.end())
            continue;
        if (t.supports && !t.supports(op, infos)) continue;
        ++ran;
        std::vector<ir::HostTensor> actual;
        try {
            actual = runOnGpu(op, inputs, t.name);
        } catch (const std::exception& e) {
            return ::testing::AssertionFailure() << op.name() << " tactic " << t.name << " threw: " << e.what();
        }
        if (actual.size() != expected.size())
            return ::testing::AssertionFailure() << op.name() << " tactic " << t.name << ": " << actual.size()
                                                 << " outputs, the reference gives " << expected.size();
        for (size_t o = 0; o < actual.size(); ++o) {
            if (actual[o].type != expected[o].type || actual[o].dims != expected[o].dims)
                return ::testing::AssertionFailure()
                       << op.name() << " tactic " << t.name << " output " << o << ": "
                       << dataTypeName(actual[o].type) << ir::dimsToString(actual[o].dims) << ", the reference gives "
                       << dataTypeName(expected[o].type) << ir::dimsToString(expected[o].dims);
            auto r = allClose(actual[o], expected[o], check.rtol, check.atol);
            if (!r) return r << " (" << op.name() << " tactic " << t.name << ", output " << o << ")";
        }
    }
    if (ran == 0) return ::testing::AssertionFailure() << "no CUDA tactic of " << op.name() << " supports this case";
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult gpuMatchesReference(const ir::Op& op, const std::vector<ir::HostTensor>& inputs,
                                               const GpuCheck& check) {
    std::vector<const ir::HostTensor*> ptrs;
    for (const auto& t : inputs) ptrs.push_back(&t);
    return gpuMatchesReference(op, ptrs, check);
}

}  // namespace kiln::test
