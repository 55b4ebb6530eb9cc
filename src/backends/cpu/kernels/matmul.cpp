// MatrixMultiply reference: a plain triple loop per broadcast batch, accumulating in double
// (int64 for int32; double inputs stay double), then bias and the fused activation.
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/matmul_common.h"

namespace kiln::cpu {
namespace {

void matmulReference(KernelArgs& args) {
    const auto& op = args.opAs<ir::MatrixMultiplyOp>();
    const matmul::Geometry g = matmul::geometryOf(args);
    const std::vector<int64_t> biasIdx = matmul::biasIndex(args);
    dispatchType(args.inputs[0].type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, float> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16> ||
                      std::is_same_v<T, double> || std::is_same_v<T, int32_t>) {
            using Acc = std::conditional_t<std::is_same_v<T, int32_t>, int64_t, double>;
            const T* a = args.inputs[0].as<const T>();
            const T* b = args.inputs[1].as<const T>();
            const T* bias = args.has(2) ? args.inputs[2].as<const T>() : nullptr;
            T* c = args.outputs[0].as<T>();
            for (int64_t batch = 0; batch < g.batches; ++batch) {
                const T* pa = a + g.aOffset[batch];
                const T* pb = b + g.bOffset[batch];
                for (int64_t i = 0; i < g.m; ++i) {
                    for (int64_t j = 0; j < g.n; ++j) {
                        Acc acc = 0;
                        for (int64_t p = 0; p < g.k; ++p) {
                            Acc av = load(pa, g.aTrans ? p * g.m + i : i * g.k + p);
                            Acc bv = load(pb, g.bTrans ? j * g.k + p : p * g.n + j);
                            acc += av * bv;
                        }
                        const int64_t o = (batch * g.m + i) * g.n + j;
                        if (bias) acc += static_cast<Acc>(load(bias, biasIdx[o]));
                        if (op.fusedActivation >= 0) {
                            float v = activate(op.fusedActivation, static_cast<float>(op.fusedAlpha),
                                               static_cast<float>(op.fusedBeta), static_cast<float>(acc));
                            store(c, o, static_cast<compute_t<T>>(v));
                        } else {
                            store(c, o, static_cast<compute_t<T>>(acc));
                        }
                    }
                }
            }
        } else {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
                << "MatrixMultiply: type " << dataTypeName(args.inputs[0].type) << " is not supported";
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = matmulReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("MatrixMultiply", reference());

}  // namespace
}  // namespace kiln::cpu
