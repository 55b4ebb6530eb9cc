// Shape, Squeeze, Unsqueeze and NonZero. Squeeze/Unsqueeze only relabel dims: a copy.
#include <cstring>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/data_movement.h"
#include "ir/ops/non_zero.h"
#include "ir/ops/shape.h"
#include "ir/ops/squeeze.h"
#include "ir/ops/unsqueeze.h"

namespace kiln::cpu {
namespace {

void runShape(KernelArgs& a) {
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    KILN_CHECK(out.type == DataType::kINT64 && out.numel() == in.rank)
        << "Shape: output must be int64 with " << in.rank << " elements";
    for (int32_t i = 0; i < in.rank; ++i) out.as<int64_t>()[i] = in.dims[i];
}

void runCopy(KernelArgs& a) {
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    KILN_CHECK(in.numel() == out.numel() && in.type == out.type)
        << "copy of " << in.numel() << " elements into " << out.numel();
    if (in.numel()) std::memcpy(out.data, in.data, in.bytes());
}

// Writes the compact [rank, count] result and shrinks the output's second dim to count.
void runNonZero(KernelArgs& a) {
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    const int64_t n = in.numel();
    KILN_CHECK(out.type == DataType::kINT64 && out.rank == 2 && out.dims[0] == in.rank && out.dims[1] >= n)
        << "NonZero: output of shape " << ir::dimsToString(out.shape()) << " cannot hold the indices of "
        << ir::dimsToString(in.shape());
    int64_t count = 0;
    dispatchType(in.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* p = in.as<const T>();
        for (int64_t i = 0; i < n; ++i) count += load(p, i) != compute_t<T>(0) ? 1 : 0;
    });
    int64_t* dst = out.as<int64_t>();
    int64_t strides[Dims::MAX_DIMS];
    rowMajorStrides(in.rank, in.dims, strides);
    dispatchType(in.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* p = in.as<const T>();
        int64_t j = 0;
        for (int64_t i = 0; i < n; ++i) {
            if (!(load(p, i) != compute_t<T>(0))) continue;
            int64_t rest = i;
            for (int32_t d = 0; d < in.rank; ++d) {
                dst[d * count + j] = rest / strides[d];
                rest %= strides[d];
            }
            ++j;
        }
    });
    out.dims[1] = count;
}

Tactic reference(void (*run)(KernelArgs&)) {
    Tactic t;
    t.name = "reference";
    t.run = run;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Shape", reference(runShape));
KILN_REGISTER_CPU_TACTIC("Squeeze", reference(runCopy));
KILN_REGISTER_CPU_TACTIC("Unsqueeze", reference(runCopy));
KILN_REGISTER_CPU_TACTIC("NonZero", reference(runNonZero));

}  // namespace
}  // namespace kiln::cpu
