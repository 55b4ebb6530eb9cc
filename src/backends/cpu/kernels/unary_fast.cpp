// Unary ERF and Activation GELU (erf) in float32 with the branch-free approximation of
// fast_math.h, compiled per vector width (simd_clones.h): GELU's erf was a fifth of a
// transformer's time with libm's scalar erff; the fused GELU epilogues use it too. The reference (unary.cpp) keeps libm. (EXP stays with libm: expFast saturates near
// the float range's ends, which softmax never reaches but a plain Exp may.)
#include <string>

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/fast_math.h"
#include "backends/cpu/kernels/simd_clones.h"
#include "ir/ops/activation.h"
#include "ir/ops/unary.h"

namespace kiln::cpu {
namespace {

KILN_SIMD_CLONES void erfAll(const float* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = erfFast(x[i]);
}

KILN_SIMD_CLONES void geluErfAll(const float* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] * (1.f + erfFast(x[i] * 0.70710678118654752f));
}

//! Activation kGELU_ERF in float32 (a GELU layer the fusions left alone: not after a product).
Tactic geluTactic() {
    Tactic t;
    t.name = "float32_gelu_erf";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::ActivationOp::kName || in.size() != 1 || in[0].type != DataType::kFLOAT)
            return false;
        return static_cast<const ir::ActivationOp&>(op).type == ActivationType::kGELU_ERF;
    };
    t.run = [](KernelArgs& args) {
        const ir::TensorView& in = args.inputs[0];
        KILN_CHECK(in.type == DataType::kFLOAT && args.opAs<ir::ActivationOp>().type == ActivationType::kGELU_ERF)
            << "Activation float32_gelu_erf: float32 GELU expected";
        geluErfAll(in.as<const float>(), args.outputs[0].as<float>(), in.numel());
    };
    return t;
}

Tactic fastTactic() {
    Tactic t;
    t.name = "float32_erf";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::UnaryOp::kName || in.size() != 1 || in[0].type != DataType::kFLOAT)
            return false;
        return static_cast<const ir::UnaryOp&>(op).op == UnaryOperation::kERF;
    };
    t.run = [](KernelArgs& args) {
        const ir::TensorView& in = args.inputs[0];
        KILN_CHECK(in.type == DataType::kFLOAT && args.opAs<ir::UnaryOp>().op == UnaryOperation::kERF)
            << "Unary float32_erf: float32 ERF expected";
        erfAll(in.as<const float>(), args.outputs[0].as<float>(), in.numel());
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Unary", fastTactic());
KILN_REGISTER_CPU_TACTIC("Activation", geluTactic());

}  // namespace

void geluErfFastInPlace(float* data, int64_t n) { geluErfAll(data, data, n); }
}  // namespace kiln::cpu
