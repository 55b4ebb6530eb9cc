// Reduce reference: each input element folds into the output element that its kept dims name.
// Floats accumulate in double, integers in int64; NaN propagates through MAX/MIN.
#include "ir/ops/reduce.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

void reduceReference(KernelArgs& args) {
    const auto& op = args.opAs<ir::ReduceOp>();
    const ir::TensorView& in = args.inputs[0];
    const int32_t rank = in.rank;
    std::vector<bool> reduced(rank, op.axes.empty());
    for (int64_t a : op.axes) {
        KILN_CHECK(a >= -rank && a < std::max(rank, 1)) << "Reduce: axis " << a << " out of range for rank " << rank;
        if (rank > 0) reduced[a < 0 ? a + rank : a] = true;
    }
    // Output stride of each input dim (0 for reduced dims).
    std::vector<int64_t> outStride(rank, 0);
    int64_t outCount = 1;
    for (int32_t d = rank - 1; d >= 0; --d) {
        if (reduced[d]) continue;
        outStride[d] = outCount;
        outCount *= in.dims[d];
    }
    const int64_t total = in.numel();
    const int64_t count = outCount ? total / outCount : 0;

    dispatchType(in.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, Bool>) {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Reduce: bool is not supported";
        } else {
            using C = compute_t<T>;
            constexpr bool kFloat = isFloatStorage<T>();
            using Acc = std::conditional_t<kFloat, double, int64_t>;
            // Identity of each operation, so that an empty reduction gives it (as ONNX).
            Acc lowest, highest;
            if constexpr (kFloat) {
                lowest = -std::numeric_limits<double>::infinity();
                highest = std::numeric_limits<double>::infinity();
            } else {
                lowest = std::numeric_limits<C>::lowest();
                highest = std::numeric_limits<C>::max();
            }
            Acc init = op.op == ReduceOperation::kPROD  ? Acc(1)
                       : op.op == ReduceOperation::kMAX ? lowest
                       : op.op == ReduceOperation::kMIN ? highest
                                                        : Acc(0);
            std::vector<Acc> acc(outCount, init);
            const T* src = in.as<const T>();
            for (int64_t i = 0; i < total; ++i) {
                int64_t o = 0;
                for (int64_t d = rank - 1, rem = i; d >= 0; --d) {
                    o += (rem % in.dims[d]) * outStride[d];
                    rem /= in.dims[d];
                }
                const Acc v = static_cast<Acc>(load(src, i));
                Acc& a = acc[o];
                switch (op.op) {
                    case ReduceOperation::kSUM:
                    case ReduceOperation::kAVG:
                        a += v;
                        break;
                    case ReduceOperation::kPROD:
                        a *= v;
                        break;
                    case ReduceOperation::kMAX:
                        if (v > a || (kFloat && std::isnan(static_cast<double>(v)))) a = v;
                        break;
                    case ReduceOperation::kMIN:
                        if (v < a || (kFloat && std::isnan(static_cast<double>(v)))) a = v;
                        break;
                }
            }
            T* dst = args.outputs[0].as<T>();
            for (int64_t o = 0; o < outCount; ++o) {
                Acc a = acc[o];
                if (op.op == ReduceOperation::kAVG) {
                    if constexpr (kFloat) {
                        a = count ? a / count : std::numeric_limits<double>::quiet_NaN();
                    } else {
                        a = count ? a / count : 0;
                    }
                }
                store(dst, o, static_cast<C>(a));
            }
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = reduceReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Reduce", reference());

}  // namespace
}  // namespace kiln::cpu
