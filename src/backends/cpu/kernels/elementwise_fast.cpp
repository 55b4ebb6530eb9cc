// ElementWise, float32: the broadcast is collapsed into contiguous rows (broadcast.h), and each
// row runs an explicitly vectorised loop (GCC/Clang vector extensions: 4 floats a vector, 8 per step,
// a scalar tail) for the four row shapes: both operands contiguous, one a scalar, or both scalars.
// Every operation is computed in float32 exactly as the reference does, so the results are the
// same bits (MAX/MIN propagate NaN the same way; POW and FLOOR_DIV call the same libm function).
#include <cmath>
#include <cstring>
#include <string>

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/broadcast.h"
#include "ir/ops/elementwise.h"

namespace kiln::cpu {
namespace {

using ir::TensorView;
using Op = ElementWiseOperation;

constexpr int64_t kLanes = 4;  // SSE width: the baseline x86-64 build has no wider vectors
typedef float VecF __attribute__((vector_size(kLanes * sizeof(float))));
typedef int32_t VecI __attribute__((vector_size(kLanes * sizeof(int32_t))));

inline VecF loadVec(const float* p) {
    VecF v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void storeVec(float* p, VecF v) { std::memcpy(p, &v, sizeof v); }
inline VecF splat(float s) { return VecF{s, s, s, s}; }  // (not VecF{} + s: +0 + -0 is +0)
//! m ? a : b per lane (m: all ones or all zeros per lane).
inline VecF select(VecI m, VecF a, VecF b) {
    return reinterpret_cast<VecF>((reinterpret_cast<VecI>(a) & m) | (reinterpret_cast<VecI>(b) & ~m));
}

// Each operation: a scalar form (the reference's float arithmetic) and, where the hardware has
// an exact vector form, a vector one (kVector).
struct AddOp {
    static constexpr bool kVector = true;
    static float s(float x, float y) { return x + y; }
    static VecF v(VecF x, VecF y) { return x + y; }
};
struct SubOp {
    static constexpr bool kVector = true;
    static float s(float x, float y) { return x - y; }
    static VecF v(VecF x, VecF y) { return x - y; }
};
struct MulOp {
    static constexpr bool kVector = true;
    static float s(float x, float y) { return x * y; }
    static VecF v(VecF x, VecF y) { return x * y; }
};
struct DivOp {
    static constexpr bool kVector = true;
    static float s(float x, float y) { return x / y; }
    static VecF v(VecF x, VecF y) { return x / y; }
};
// The reference: NaN in x gives x; otherwise x > y ? x : y (a NaN y gives y).
struct MaxOp {
    static constexpr bool kVector = true;
    static float s(float x, float y) { return x > y || x != x ? x : y; }
    static VecF v(VecF x, VecF y) { return select((x > y) | (x != x), x, y); }
};
struct MinOp {
    static constexpr bool kVector = true;
    static float s(float x, float y) { return x < y || x != x ? x : y; }
    static VecF v(VecF x, VecF y) { return select((x < y) | (x != x), x, y); }
};
struct PowOp {
    static constexpr bool kVector = false;
    static float s(float x, float y) { return std::pow(x, y); }
    static VecF v(VecF x, VecF) { return x; }
};
struct FloorDivOp {
    static constexpr bool kVector = false;
    static float s(float x, float y) { return std::floor(x / y); }
    static VecF v(VecF x, VecF) { return x; }
};

//! z[0, n) = f(x, y), where sx / sy say whether x / y advance (1) or stay (0, broadcast).
template <class F>
void row(float* z, const float* x, const float* y, int64_t n, int64_t sx, int64_t sy) {
    int64_t j = 0;
    if (sx == 1 && sy == 1) {
        if constexpr (F::kVector) {
            for (; j + 2 * kLanes <= n; j += 2 * kLanes) {
                const VecF r0 = F::v(loadVec(x + j), loadVec(y + j));
                const VecF r1 = F::v(loadVec(x + j + kLanes), loadVec(y + j + kLanes));
                storeVec(z + j, r0);
                storeVec(z + j + kLanes, r1);
            }
            for (; j + kLanes <= n; j += kLanes) storeVec(z + j, F::v(loadVec(x + j), loadVec(y + j)));
        }
        for (; j < n; ++j) z[j] = F::s(x[j], y[j]);
    } else if (sx == 1 && sy == 0) {
        const float yv = y[0];
        if constexpr (F::kVector) {
            const VecF yy = splat(yv);
            for (; j + 2 * kLanes <= n; j += 2 * kLanes) {
                const VecF r0 = F::v(loadVec(x + j), yy);
                const VecF r1 = F::v(loadVec(x + j + kLanes), yy);
                storeVec(z + j, r0);
                storeVec(z + j + kLanes, r1);
            }
            for (; j + kLanes <= n; j += kLanes) storeVec(z + j, F::v(loadVec(x + j), yy));
        }
        for (; j < n; ++j) z[j] = F::s(x[j], yv);
    } else if (sx == 0 && sy == 1) {
        const float xv = x[0];
        if constexpr (F::kVector) {
            const VecF xx = splat(xv);
            for (; j + 2 * kLanes <= n; j += 2 * kLanes) {
                const VecF r0 = F::v(xx, loadVec(y + j));
                const VecF r1 = F::v(xx, loadVec(y + j + kLanes));
                storeVec(z + j, r0);
                storeVec(z + j + kLanes, r1);
            }
            for (; j + kLanes <= n; j += kLanes) storeVec(z + j, F::v(xx, loadVec(y + j)));
        }
        for (; j < n; ++j) z[j] = F::s(xv, y[j]);
    } else {  // both broadcast along the row: one value
        const float v = F::s(x[0], y[0]);
        for (; j < n; ++j) z[j] = v;
    }
}

template <class F>
void binary(const TensorView& a, const TensorView& b, TensorView& out) {
    const float* pa = a.as<const float>();
    const float* pb = b.as<const float>();
    float* po = out.as<float>();
    auto plan = planBroadcast<2>(out, {&a, &b});
    forEachRow(plan, [&](int64_t o, const std::array<int64_t, 2>& off, int64_t n, const std::array<int64_t, 2>& st) {
        row<F>(po + o, pa + off[0], pb + off[1], n, st[0], st[1]);
    });
}

bool handled(Op op) {
    switch (op) {
        case Op::kSUM:
        case Op::kSUB:
        case Op::kPROD:
        case Op::kDIV:
        case Op::kMAX:
        case Op::kMIN:
        case Op::kPOW:
        case Op::kFLOOR_DIV:
            return true;
        default:
            return false;
    }
}

void runFast(KernelArgs& args) {
    const auto& op = args.opAs<ir::ElementWiseOp>();
    const TensorView& a = args.inputs[0];
    const TensorView& b = args.inputs[1];
    TensorView& out = args.outputs[0];
    KILN_CHECK(a.type == DataType::kFLOAT && b.type == DataType::kFLOAT && out.type == DataType::kFLOAT)
        << "ElementWise float32_vector: float32 operands expected";
    switch (op.op) {
        case Op::kSUM:
            return binary<AddOp>(a, b, out);
        case Op::kSUB:
            return binary<SubOp>(a, b, out);
        case Op::kPROD:
            return binary<MulOp>(a, b, out);
        case Op::kDIV:
            return binary<DivOp>(a, b, out);
        case Op::kMAX:
            return binary<MaxOp>(a, b, out);
        case Op::kMIN:
            return binary<MinOp>(a, b, out);
        case Op::kPOW:
            return binary<PowOp>(a, b, out);
        case Op::kFLOOR_DIV:
            return binary<FloorDivOp>(a, b, out);
        default:
            break;
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
        << "ElementWise float32_vector: operation " << static_cast<int>(op.op) << " is not supported";
}

Tactic fastTactic() {
    Tactic t;
    t.name = "float32_vector";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::ElementWiseOp::kName || in.size() != 2) return false;
        if (in[0].type != DataType::kFLOAT || in[1].type != DataType::kFLOAT) return false;
        return handled(static_cast<const ir::ElementWiseOp&>(op).op);
    };
    t.run = runFast;
    return t;
}

KILN_REGISTER_CPU_TACTIC("ElementWise", fastTactic());

}  // namespace
}  // namespace kiln::cpu
