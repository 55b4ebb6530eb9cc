// Activation: the 14 TensorRT activation functions with their alpha/beta meanings. float16 and
// bfloat16 compute in float.
#include "ir/ops/activation.h"

#include <algorithm>
#include <cmath>

#include "backends/cpu/dispatch.h"
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
    switch (op.type) {
        case ActivationType::kRELU:
            return mapFloat<T>(in, out, [](float x) { return x > 0.f ? x : 0.f; });
        case ActivationType::kSIGMOID:
            return mapFloat<T>(in, out, [](float x) {
                // Split at 0 so that exp never overflows.
                if (x >= 0.f) return 1.f / (1.f + std::exp(-x));
                const float e = std::exp(x);
                return e / (1.f + e);
            });
        case ActivationType::kTANH:
            return mapFloat<T>(in, out, [](float x) { return std::tanh(x); });
        case ActivationType::kLEAKY_RELU:
            return mapFloat<T>(in, out, [=](float x) { return x >= 0.f ? x : alpha * x; });
        case ActivationType::kELU:
            return mapFloat<T>(in, out, [=](float x) { return x >= 0.f ? x : alpha * std::expm1(x); });
        case ActivationType::kSELU:
            return mapFloat<T>(in, out, [=](float x) { return beta * (x >= 0.f ? x : alpha * std::expm1(x)); });
        case ActivationType::kSOFTSIGN:
            return mapFloat<T>(in, out, [](float x) { return x / (1.f + std::fabs(x)); });
        case ActivationType::kSOFTPLUS:
            return mapFloat<T>(in, out, [=](float x) {
                // alpha * log(exp(beta*x) + 1), written so that exp never overflows.
                const float bx = beta * x;
                const float sp = bx > 0.f ? bx + std::log1p(std::exp(-bx)) : std::log1p(std::exp(bx));
                return alpha * sp;
            });
        case ActivationType::kCLIP:
            return mapFloat<T>(in, out, [=](float x) { return std::max(alpha, std::min(beta, x)); });
        case ActivationType::kHARD_SIGMOID:
            return mapFloat<T>(in, out, [=](float x) { return std::max(0.f, std::min(1.f, alpha * x + beta)); });
        case ActivationType::kSCALED_TANH:
            return mapFloat<T>(in, out, [=](float x) { return alpha * std::tanh(beta * x); });
        case ActivationType::kTHRESHOLDED_RELU:
            return mapFloat<T>(in, out, [=](float x) { return x > alpha ? x : 0.f; });
        case ActivationType::kGELU_ERF:
            return mapFloat<T>(in, out, [](float x) { return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f)); });
        case ActivationType::kGELU_TANH:
            return mapFloat<T>(in, out, [](float x) {
                constexpr float kSqrt2OverPi = 0.79788456080286536f;
                return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
            });
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "unknown activation type " << static_cast<int>(op.type);
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
