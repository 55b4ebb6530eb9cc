// SoftMax reference: per slice along the axis, exp(x - max) / sum, in double.
#include "ir/ops/softmax.h"

#include <cmath>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

void softmaxReference(KernelArgs& args) {
    const ir::TensorView& in = args.inputs[0];
    const int64_t a = args.opAs<ir::SoftMaxOp>().axis;
    const AxisSplit split = splitAt(in, normalizedAxis(a, in.rank, "SoftMax"));
    const int64_t outer = split.outer, len = split.len, inner = split.inner;
    dispatchType(in.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (!isFloatStorage<T>()) {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "SoftMax: only float types are supported";
        } else {
            const T* src = in.as<const T>();
            T* dst = args.outputs[0].as<T>();
            std::vector<double> e(len);
            for (int64_t o = 0; o < outer; ++o) {
                for (int64_t i = 0; i < inner; ++i) {
                    const int64_t base = o * len * inner + i;
                    double mx = -INFINITY;
                    for (int64_t j = 0; j < len; ++j)
                        mx = std::fmax(mx, static_cast<double>(load(src, base + j * inner)));
                    double sum = 0;
                    for (int64_t j = 0; j < len; ++j) {
                        e[j] = std::exp(static_cast<double>(load(src, base + j * inner)) - mx);
                        sum += e[j];
                    }
                    for (int64_t j = 0; j < len; ++j) store(dst, base + j * inner, e[j] / sum);
                }
            }
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = softmaxReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("SoftMax", reference());

}  // namespace
}  // namespace kiln::cpu
