// CUDA tactics for ElementWise and Select: numpy broadcasting through broadcastLayout (stride 0
// along broadcast axes), kernels in kernels/elementwise.cu.
//
// Integer DIV, FLOOR_DIV, MOD and FMOD by zero: the CPU reference throws; a kernel cannot, so
// these tactics write 0 for such elements.
#include <string>
#include <vector>

#include "backends/cuda/kernels/elementwise.h"
#include "backends/cuda/kernels/layout.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/select.h"

namespace kiln::cuda {
namespace {

void checkStatus(const KernelArgs& args, int status, const char* kernel) {
    if (status == cudaSuccess) return;
    const std::string what = std::string(args.op ? args.op->name() : "?") + ": kernel " + kernel;
    check(status, what.c_str());
}

bool ranksFit(const std::vector<ir::ValueInfo>& inputs) {
    for (const auto& v : inputs)
        if (v.shape.size() > static_cast<size_t>(kMaxRank)) return false;
    return true;
}

//! `in` read as broadcast to `out`, after checking that numpy's rules allow it.
Layout broadcastTo(const ir::TensorView& in, const ir::TensorView& out, const char* op, const char* what) {
    KILN_CHECK(out.rank <= kMaxRank && in.rank >= 0 && in.rank <= out.rank)
        << op << ": " << what << " of rank " << in.rank << " does not broadcast to an output of rank " << out.rank;
    for (int32_t i = 0; i < in.rank; ++i) {
        const int64_t d = in.dims[i];
        const int64_t o = out.dims[i + out.rank - in.rank];
        KILN_CHECK(d == o || d == 1) << op << ": " << what << " " << ir::dimsToString(in.shape())
                                     << " does not broadcast to the output " << ir::dimsToString(out.shape());
    }
    return broadcastLayout(in.rank, in.dims, out.rank, out.dims);
}

Tactic elementWiseTactic() {
    Tactic t;
    t.name = "cuda_elementwise";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        const auto& e = static_cast<const ir::ElementWiseOp&>(op);
        return in.size() == 2 && in[0].type == in[1].type && ranksFit(in) &&
               elementWiseSupports(static_cast<int32_t>(e.op), in[0].type);
    };
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::ElementWiseOp>();
        KILN_CHECK(args.inputs.size() == 2 && args.outputs.size() == 1)
            << "ElementWise: expected 2 inputs and 1 output, got " << args.inputs.size() << " and "
            << args.outputs.size();
        const ir::TensorView& a = args.inputs[0];
        const ir::TensorView& b = args.inputs[1];
        ir::TensorView& out = args.outputs[0];
        KILN_CHECK(a.type == b.type) << "ElementWise: inputs of types " << dataTypeName(a.type) << " and "
                                     << dataTypeName(b.type);
        KILN_CHECK_CODE(elementWiseSupports(static_cast<int32_t>(op.op), a.type), ErrorCode::kUNSUPPORTED_STATE)
            << "ElementWise operation " << static_cast<int>(op.op) << " does not support " << dataTypeName(a.type)
            << " on the GPU";
        const Layout la = broadcastTo(a, out, "ElementWise", "input 0");
        const Layout lb = broadcastTo(b, out, "ElementWise", "input 1");
        checkStatus(args,
                    elementWise(static_cast<int32_t>(op.op), a.type, a.data, la, b.data, lb, out.data, out.numel(),
                                args.stream),
                    "elementWise");
    };
    return t;
}

Tactic selectTactic() {
    Tactic t;
    t.name = "cuda_select";
    t.supports = [](const ir::Op&, const std::vector<ir::ValueInfo>& in) {
        if (in.size() != 3 || in[0].type != DataType::kBOOL || in[1].type != in[2].type || !ranksFit(in))
            return false;
        const size_t size = dataTypeSize(in[1].type);
        return size == 1 || size == 2 || size == 4 || size == 8;
    };
    t.run = [](KernelArgs& args) {
        KILN_CHECK(args.inputs.size() == 3 && args.outputs.size() == 1)
            << "Select: expected 3 inputs and 1 output, got " << args.inputs.size() << " and "
            << args.outputs.size();
        const ir::TensorView& c = args.inputs[0];
        const ir::TensorView& a = args.inputs[1];
        const ir::TensorView& b = args.inputs[2];
        ir::TensorView& out = args.outputs[0];
        KILN_CHECK(c.type == DataType::kBOOL) << "Select: the condition is " << dataTypeName(c.type) << ", not bool";
        KILN_CHECK(a.type == b.type && a.type == out.type)
            << "Select: then/else/output types " << dataTypeName(a.type) << ", " << dataTypeName(b.type) << ", "
            << dataTypeName(out.type);
        const Layout lc = broadcastTo(c, out, "Select", "condition");
        const Layout la = broadcastTo(a, out, "Select", "then input");
        const Layout lb = broadcastTo(b, out, "Select", "else input");
        checkStatus(args,
                    select(c.data, lc, a.data, la, b.data, lb, out.data, out.numel(), dataTypeSize(a.type),
                           args.stream),
                    "select");
    };
    return t;
}

KILN_REGISTER_CUDA_TACTIC("ElementWise", elementWiseTactic());
KILN_REGISTER_CUDA_TACTIC("Select", selectTactic());

}  // namespace
}  // namespace kiln::cuda
