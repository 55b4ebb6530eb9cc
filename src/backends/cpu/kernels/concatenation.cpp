// Concatenation: for each outer index (dims before the axis), each input's contiguous block in
// turn. Type-agnostic: blocks are copied as bytes.
#include "ir/ops/concatenation.h"

#include <cstring>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

Tactic concatenationReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::ConcatenationOp>();
        ir::TensorView& out = args.outputs[0];
        KILN_CHECK(out.rank >= 1 && op.axis >= -out.rank && op.axis < out.rank)
            << "Concatenation: axis " << op.axis << " is out of range for rank " << out.rank;
        const int32_t axis = static_cast<int32_t>(op.axis < 0 ? op.axis + out.rank : op.axis);
        const size_t elem = dataTypeSize(out.type);
        int64_t outer = 1, inner = 1;
        for (int32_t d = 0; d < axis; ++d) outer *= out.dims[d];
        for (int32_t d = axis + 1; d < out.rank; ++d) inner *= out.dims[d];
        std::vector<size_t> block(args.inputs.size());
        size_t rowBytes = 0;
        for (size_t k = 0; k < args.inputs.size(); ++k) {
            const ir::TensorView& in = args.inputs[k];
            KILN_CHECK(in.rank == out.rank && in.type == out.type)
                << "Concatenation: input " << k << " " << ir::dimsToString(in.shape()) << " does not match output "
                << ir::dimsToString(out.shape());
            block[k] = static_cast<size_t>(in.dims[axis] * inner) * elem;
            rowBytes += block[k];
        }
        KILN_CHECK(rowBytes * static_cast<size_t>(outer) == out.bytes())
            << "Concatenation: inputs do not fill the output " << ir::dimsToString(out.shape());
        auto* dst = static_cast<uint8_t*>(out.data);
        for (int64_t o = 0; o < outer; ++o) {
            for (size_t k = 0; k < args.inputs.size(); ++k) {
                if (block[k] == 0) continue;
                std::memcpy(dst, static_cast<const uint8_t*>(args.inputs[k].data) + o * block[k], block[k]);
                dst += block[k];
            }
        }
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Concatenation", concatenationReference());

}  // namespace
}  // namespace kiln::cpu
