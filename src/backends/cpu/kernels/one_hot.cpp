// OneHot: out[..., d, ...] = on if the index (negative counts from depth) equals d, else off;
// out-of-range indices give a row of off values.
#include "ir/ops/one_hot.h"

#include <cstring>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

Tactic oneHotReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::OneHotOp>();
        const ir::TensorView& indices = args.inputs[0];
        const ir::TensorView& values = args.inputs[1];
        ir::TensorView& out = args.outputs[0];
        KILN_CHECK(values.numel() == 2) << "OneHot: values must hold 2 elements [off, on], got "
                                        << ir::dimsToString(values.shape());
        KILN_CHECK(out.rank == indices.rank + 1 && op.axis >= -out.rank && op.axis < out.rank)
            << "OneHot: axis " << op.axis << " is out of range for output rank " << out.rank;
        const int32_t axis = static_cast<int32_t>(op.axis < 0 ? op.axis + out.rank : op.axis);
        const int64_t depth = out.dims[axis];
        int64_t outer = 1, inner = 1;
        for (int32_t d = 0; d < axis; ++d) outer *= out.dims[d];
        for (int32_t d = axis + 1; d < out.rank; ++d) inner *= out.dims[d];
        const size_t elem = dataTypeSize(out.type);
        const auto* off = static_cast<const uint8_t*>(values.data);
        const uint8_t* on = off + elem;
        auto* dst = static_cast<uint8_t*>(out.data);
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * elem, off, elem);
        for (int64_t o = 0; o < outer; ++o) {
            for (int64_t k = 0; k < inner; ++k) {
                int64_t idx = loadIndex(indices, o * inner + k);
                if (idx < 0) idx += depth;
                if (idx < 0 || idx >= depth) continue;
                std::memcpy(dst + ((o * depth + idx) * inner + k) * elem, on, elem);
            }
        }
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("OneHot", oneHotReference());

}  // namespace
}  // namespace kiln::cpu
