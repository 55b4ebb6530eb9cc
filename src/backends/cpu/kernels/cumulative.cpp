// Cumulative sum and product reference (ONNX CumSum, CumProd): running sum or product along
// the axis held by input 1, optionally exclusive (shifted by one, starting from the identity 0
// or 1) and/or reversed. Floats accumulate in double, ints in int64 (products wrap).
#include "ir/ops/cumulative.h"

#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

void cumulativeReference(KernelArgs& args) {
    const auto& op = args.opAs<ir::CumulativeOp>();
    const ir::TensorView& in = args.inputs[0];
    KILN_CHECK(args.has(1) && args.inputs[1].numel() == 1) << "Cumulative: the axis (input 1) must be one value";
    const int64_t a = loadIndex(args.inputs[1], 0);
    const AxisSplit split = splitAt(in, normalizedAxis(a, in.rank, "Cumulative"));
    const int64_t outer = split.outer, len = split.len, inner = split.inner;
    dispatchType(in.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, Bool>) {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Cumulative: bool is not supported";
        } else {
            using Acc = std::conditional_t<isFloatStorage<T>(), double, int64_t>;
            const bool product = op.op == CumulativeOperation::kPROD;
            // Integer products wrap (through uint64) instead of overflowing into undefined behaviour.
            auto combine = [product](Acc acc, Acc v) -> Acc {
                if (!product) return acc + v;
                if constexpr (std::is_integral_v<Acc>)
                    return static_cast<Acc>(static_cast<uint64_t>(acc) * static_cast<uint64_t>(v));
                else
                    return acc * v;
            };
            const T* src = in.as<const T>();
            T* dst = args.outputs[0].as<T>();
            for (int64_t o = 0; o < outer; ++o) {
                for (int64_t i = 0; i < inner; ++i) {
                    Acc acc = product ? 1 : 0;
                    for (int64_t step = 0; step < len; ++step) {
                        const int64_t j = op.reverse ? len - 1 - step : step;
                        const int64_t at = (o * len + j) * inner + i;
                        const Acc v = static_cast<Acc>(load(src, at));
                        if (!op.exclusive) acc = combine(acc, v);
                        store(dst, at, static_cast<compute_t<T>>(acc));
                        if (op.exclusive) acc = combine(acc, v);
                    }
                }
            }
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = cumulativeReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Cumulative", reference());

}  // namespace
}  // namespace kiln::cpu
