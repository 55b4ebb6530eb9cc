// Pooling reference kernel: max / average / blend over the trailing window dims, any rank.
#include "ir/ops/pooling.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/pooling_common.h"

namespace kiln::cpu {
namespace {

template <class T>
void pool(const ir::PoolingOp& op, KernelArgs& a) {
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    const PoolGeometry g = poolGeometry(op, x, y);
    const int32_t ns = g.ns;
    const std::vector<int64_t>&in = g.in, &out = g.out, &pre = g.pre, &end = g.end, &stride = g.stride;
    const int64_t inVol = g.inVol, outVol = g.outVol, outer = g.outer;
    const T* src = x.as<const T>();
    T* dst = y.as<T>();
    using C = compute_t<T>;
    int64_t o[Dims::MAX_DIMS], lo[Dims::MAX_DIMS], hi[Dims::MAX_DIMS], p[Dims::MAX_DIMS];
    for (int64_t b = 0; b < outer; ++b) {
        const T* xb = src + b * inVol;
        for (int64_t oi = 0; oi < outVol; ++oi) {
            int64_t padded = 1;
            bool empty = false;
            for (int64_t r = oi, d = ns - 1; d >= 0; --d) o[d] = r % out[d], r /= out[d];
            for (int32_t d = 0; d < ns; ++d) {
                int64_t start = o[d] * stride[d] - pre[d];
                padded *= std::min(start + op.window[d], end[d]) - std::max(start, -pre[d]);
                lo[d] = std::max<int64_t>(start, 0);
                hi[d] = std::min(start + op.window[d], in[d]);
                empty = empty || lo[d] >= hi[d];
                p[d] = lo[d];
            }
            // -inf for floats: the max of a window of -inf values is -inf.
            C mx = std::numeric_limits<C>::has_infinity ? -std::numeric_limits<C>::infinity()
                                                         : std::numeric_limits<C>::lowest();
            double sum = 0;
            int64_t count = 0;
            while (!empty) {
                int64_t off = 0;
                for (int32_t d = 0; d < ns; ++d) off = off * in[d] + p[d];
                C v = load(xb, off);
                mx = v > mx || v != v ? v : mx;  // NaN propagates
                sum += static_cast<double>(v);
                ++count;
                int32_t d = ns - 1;
                for (; d >= 0 && ++p[d] == hi[d]; --d) p[d] = lo[d];
                if (d < 0) break;
            }
            double avg = count ? sum / static_cast<double>(op.averageCountExcludesPadding ? count : padded) : 0.0;
            int64_t oidx = b * outVol + oi;
            if (op.type == PoolingType::kMAX) {
                store(dst, oidx, count ? mx : C{});
            } else if (op.type == PoolingType::kAVERAGE) {
                store(dst, oidx, static_cast<C>(avg));
            } else {
                double m = count ? static_cast<double>(mx) : 0.0;
                store(dst, oidx, static_cast<C>(op.blendFactor * m + (1.0 - op.blendFactor) * avg));
            }
        }
    }
}

Tactic poolingReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& a) {
        const auto& op = a.opAs<ir::PoolingOp>();
        dispatchType(a.inputs[0].type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            if constexpr (std::is_same_v<T, Bool>) {
                KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Pooling does not support bool";
            } else {
                pool<T>(op, a);
            }
        });
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Pooling", poolingReference());

}  // namespace
}  // namespace kiln::cpu
