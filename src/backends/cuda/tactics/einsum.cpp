// CUDA tactic of Einsum (kernel in einsum.cu): the index plan is the CPU reference's
// (einsum_plan.h), built on the host per run and passed to the kernel by value.
#include <set>
#include <string>
#include <vector>

#include "backends/cpu/kernels/einsum_plan.h"
#include "backends/cuda/kernels/einsum.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/einsum.h"

namespace kiln::cuda {
namespace {

//! The distinct labels of an equation (letters; '.' of an ellipsis counts as one).
size_t labelCount(const std::string& equation) {
    std::set<char> labels;
    for (char c : equation)
        if (c != ' ' && c != ',' && c != '-' && c != '>') labels.insert(c);
    return labels.size();
}

bool einsumSupports(const ir::Op& o, const std::vector<ir::ValueInfo>& in) {
    const auto& op = static_cast<const ir::EinsumOp&>(o);
    if (in.empty() || in.size() > static_cast<size_t>(kEinsumMaxOperands) || !einsumSupportsType(in[0].type))
        return false;
    for (const auto& v : in)
        if (v.type != in[0].type) return false;
    return labelCount(op.equation) <= static_cast<size_t>(kEinsumMaxLabels);
}

void runEinsum(KernelArgs& a) {
    const auto& op = a.opAs<ir::EinsumOp>();
    ir::TensorView& y = a.outputs[0];
    KILN_CHECK(a.inputs.size() <= static_cast<size_t>(kEinsumMaxOperands) && einsumSupportsType(y.type))
        << "Einsum: " << a.inputs.size() << " operands of " << dataTypeName(y.type) << " (the GPU kernel takes up to "
        << kEinsumMaxOperands << " of float, half, bf16, double, int32 or int64)";
    for (const auto& in : a.inputs)
        KILN_CHECK(in.type == y.type) << "Einsum: operands of " << dataTypeName(in.type) << " and "
                                      << dataTypeName(y.type) << " (one type for all)";
    const cpu::EinsumPlan plan = cpu::einsumPlanOf(op.equation, a.inputs);
    KILN_CHECK(plan.sizes.size() <= static_cast<size_t>(kEinsumMaxLabels))
        << "Einsum: " << plan.sizes.size() << " labels (the GPU kernel takes up to " << kEinsumMaxLabels << ")";
    EinsumParams p;
    p.nbOperands = static_cast<int32_t>(a.inputs.size());
    p.nbLabels = static_cast<int32_t>(plan.sizes.size());
    p.nbOut = static_cast<int32_t>(plan.nbOut);
    for (size_t l = 0; l < plan.sizes.size(); ++l) {
        p.sizes[l] = plan.sizes[l];
        (l < plan.nbOut ? p.outCount : p.sumCount) *= plan.sizes[l];
        for (size_t i = 0; i < a.inputs.size(); ++i) p.strides[i][l] = plan.strides[i][l];
    }
    for (size_t i = 0; i < a.inputs.size(); ++i) p.operands[i] = a.inputs[i].data;
    KILN_CHECK(p.outCount == y.numel()) << "Einsum: the plan has " << p.outCount << " outputs, the tensor "
                                        << y.numel();
    check(launchEinsum(y.data, y.type, p, a.stream), "Einsum: kernel einsum");
}

KILN_REGISTER_CUDA_TACTIC("Einsum", simpleTactic("cuda_einsum", einsumSupports, runEinsum));

}  // namespace
}  // namespace kiln::cuda
