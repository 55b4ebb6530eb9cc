// Scale: y = (x * scale + shift) ^ power, coefficients per tensor (UNIFORM), per channel
// (CHANNEL) or per element of x's dims from channelAxis on (ELEMENTWISE). Absent inputs mean
// shift 0, scale 1, power 1.
#include "ir/ops/scale.h"

#include <cmath>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

std::vector<float> coefficients(const KernelArgs& args, size_t i, int64_t expected, const char* what) {
    if (!args.has(i)) return {};
    const ir::TensorView& v = args.inputs[i];
    KILN_CHECK(v.numel() == expected) << "Scale " << what << " has " << v.numel() << " elements "
                                      << ir::dimsToString(v.shape()) << ", expected " << expected;
    std::vector<float> out(static_cast<size_t>(expected));
    for (int64_t k = 0; k < expected; ++k) out[k] = static_cast<float>(loadAsDouble(v, k));
    return out;
}

Tactic scaleReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::ScaleOp>();
        const ir::TensorView& x = args.inputs[0];
        ir::TensorView& y = args.outputs[0];
        // outer x [count] x inner, where coefficient k applies to the middle index.
        int64_t outer = 1, count = 1, inner = 1;
        if (op.mode != ScaleMode::kUNIFORM) {
            KILN_CHECK(x.rank >= 1 && op.channelAxis >= -x.rank && op.channelAxis < x.rank)
                << "Scale: channel axis " << op.channelAxis << " is out of range for rank " << x.rank;
            const int32_t axis = static_cast<int32_t>(op.channelAxis < 0 ? op.channelAxis + x.rank : op.channelAxis);
            for (int32_t d = 0; d < axis; ++d) outer *= x.dims[d];
            count = x.dims[axis];
            for (int32_t d = axis + 1; d < x.rank; ++d) inner *= x.dims[d];
            if (op.mode == ScaleMode::kELEMENTWISE) {
                count *= inner;
                inner = 1;
            }
        } else {
            outer = x.numel();
        }
        const std::vector<float> shift = coefficients(args, 1, count, "shift");
        const std::vector<float> scale = coefficients(args, 2, count, "scale");
        const std::vector<float> power = coefficients(args, 3, count, "power");
        dispatchType(x.type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            if constexpr (isFloatStorage<T>()) {
                const T* px = x.as<const T>();
                T* py = y.as<T>();
                int64_t i = 0;
                for (int64_t o = 0; o < outer; ++o) {
                    for (int64_t c = 0; c < count; ++c) {
                        const float s = scale.empty() ? 1.f : scale[c];
                        const float b = shift.empty() ? 0.f : shift[c];
                        for (int64_t k = 0; k < inner; ++k, ++i) {
                            float v = static_cast<float>(load(px, i)) * s + b;
                            if (!power.empty()) v = std::pow(v, power[c]);
                            store(py, i, v);
                        }
                    }
                }
            } else {
                KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Scale does not support " << dataTypeName(x.type);
            }
        });
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Scale", scaleReference());

}  // namespace
}  // namespace kiln::cpu
