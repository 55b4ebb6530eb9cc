// Activation: the 14 TensorRT activation functions with their alpha/beta meanings. float16 and
// bfloat16 compute in float.
#include "ir/ops/activation.h"

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

template <class T, class F>
void mapFloat(const ir::TensorView& in, ir::TensorView& out, F f) {
    const T* x = in.as<const T>();
    T* y = out.as<T>();
    const int64_t n = in.numel();
    for (int64_t i = 0; i < n; ++i) store(y, i, f(static_cast<float>(load(x, i))));
}

template <class T>
void runActivation(const ir::ActivationOp& op, const ir::TensorView& in, ir::TensorView& out) {
    const auto alpha = static_cast<float>(op.alpha);
    const auto beta = static_cast<float>(op.beta);
    dispatchActivation(op.type, [&](auto a) {
        mapFloat<T>(in, out, [=](float x) { return activate<decltype(a)::value>(x, alpha, beta); });
    });
}

Tactic activationReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::ActivationOp>();
        dispatchType(args.inputs[0].type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            if constexpr (isFloatStorage<T>()) {
                runActivation<T>(op, args.inputs[0], args.outputs[0]);
            } else {
                KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
                    << "Activation does not support " << dataTypeName(args.inputs[0].type);
            }
        });
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Activation", activationReference());

}  // namespace
}  // namespace kiln::cpu
