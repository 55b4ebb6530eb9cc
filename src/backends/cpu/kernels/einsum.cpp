// Einsum reference: every combination of label values, output labels outermost. Each operand
// reads through per-label strides (einsum_plan.h); a label repeated in one operand adds its
// strides (diagonal).
#include "ir/ops/einsum.h"

#include <string>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/einsum_plan.h"

namespace kiln::cpu {
namespace {

void einsumReference(KernelArgs& args) {
    const EinsumPlan p = einsumPlanOf(args.opAs<ir::EinsumOp>().equation, args.inputs);
    const size_t nbLabels = p.sizes.size();
    int64_t outCount = 1, sumCount = 1;
    for (size_t l = 0; l < nbLabels; ++l) (l < p.nbOut ? outCount : sumCount) *= p.sizes[l];
    dispatchType(args.inputs[0].type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, Bool> || std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Einsum: type not supported";
        } else {
            using Acc = std::conditional_t<isFloatStorage<T>(), double, int64_t>;
            T* out = args.outputs[0].as<T>();
            std::vector<int64_t> idx(nbLabels, 0);
            for (int64_t o = 0; o < outCount; ++o) {
                // Decode the output position into the output labels (row-major).
                for (size_t l = p.nbOut, rem = o; l-- > 0;) {
                    idx[l] = static_cast<int64_t>(rem % p.sizes[l]);
                    rem /= p.sizes[l];
                }
                Acc acc = 0;
                for (int64_t s = 0; s < sumCount; ++s) {
                    for (size_t l = nbLabels, rem = s; l-- > p.nbOut;) {
                        idx[l] = static_cast<int64_t>(rem % p.sizes[l]);
                        rem /= p.sizes[l];
                    }
                    Acc prod = 1;
                    for (size_t i = 0; i < args.inputs.size(); ++i) {
                        int64_t off = 0;
                        for (size_t l = 0; l < nbLabels; ++l) off += idx[l] * p.strides[i][l];
                        prod *= static_cast<Acc>(load(args.inputs[i].as<const T>(), off));
                    }
                    acc += prod;
                }
                store(out, o, static_cast<compute_t<T>>(acc));
            }
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = einsumReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Einsum", reference());

}  // namespace
}  // namespace kiln::cpu
