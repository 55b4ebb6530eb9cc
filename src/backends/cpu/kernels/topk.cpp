// TopK reference: per slice along the axis, a stable order of the indices (largest or smallest
// first, ties by lower index; NaN counts as the largest value) and the first k of them.
#include "ir/ops/topk.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

template <class V>
bool greater(V a, V b) {
    if constexpr (std::is_floating_point_v<V>) {
        if (std::isnan(a)) return !std::isnan(b);
        if (std::isnan(b)) return false;
    }
    return a > b;
}

void topkReference(KernelArgs& args) {
    const auto& op = args.opAs<ir::TopKOp>();
    const ir::TensorView& in = args.inputs[0];
    const int32_t axis = normalizedAxis(op.axis, in.rank, "TopK");
    const AxisSplit split = splitAt(in, axis);
    const int64_t outer = split.outer, len = split.len, inner = split.inner;
    const int64_t k = args.outputs[0].dims[axis];
    KILN_CHECK(k >= 0 && k <= len) << "TopK: k=" << k << " is larger than the axis size " << len;
    const bool largest = op.op == TopKOperation::kMAX;
    dispatchType(in.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, Bool>) {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "TopK: bool is not supported";
        } else {
            using C = compute_t<T>;
            const T* src = in.as<const T>();
            T* values = args.outputs[0].as<T>();
            int32_t* indices = args.outputs[1].as<int32_t>();
            std::vector<C> v(len);
            std::vector<int64_t> order(len);
            for (int64_t o = 0; o < outer; ++o) {
                for (int64_t i = 0; i < inner; ++i) {
                    for (int64_t j = 0; j < len; ++j) v[j] = load(src, (o * len + j) * inner + i);
                    std::iota(order.begin(), order.end(), 0);
                    auto before = [&](int64_t x, int64_t y) {
                        return largest ? greater(v[x], v[y]) : greater(v[y], v[x]);
                    };
                    std::stable_sort(order.begin(), order.end(), before);
                    for (int64_t j = 0; j < k; ++j) {
                        const int64_t at = (o * k + j) * inner + i;
                        store(values, at, v[order[j]]);
                        indices[at] = static_cast<int32_t>(order[j]);
                    }
                }
            }
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = topkReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("TopK", reference());

}  // namespace
}  // namespace kiln::cpu
