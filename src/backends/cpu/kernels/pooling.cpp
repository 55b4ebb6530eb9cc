// Pooling reference kernel: max / average / blend over the trailing window dims, any rank.
#include "ir/ops/pooling.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "ir/ops/spatial.h"

namespace kiln::cpu {
namespace {

template <class T>
void pool(const ir::PoolingOp& op, KernelArgs& a) {
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    const int32_t ns = static_cast<int32_t>(op.window.size());
    ir::WindowAttrs attrs = ir::windowAttrs("", ns, op.stride, {}, op.prePadding, op.postPadding, op.paddingMode);
    std::vector<int64_t> in(ns), out(ns), pre(ns), end(ns);
    int64_t inVol = 1, outVol = 1, outer = 1;
    for (int32_t i = 0; i < x.rank - ns; ++i) outer *= x.dims[i];
    for (int32_t i = 0; i < ns; ++i) {
        in[i] = x.dims[x.rank - ns + i];
        out[i] = y.dims[y.rank - ns + i];
        ir::WindowAxis ax = ir::forwardWindowAxis(op.paddingMode, in[i], op.window[i], attrs.stride[i], attrs.pre[i],
                                                  attrs.post[i], true);
        pre[i] = ax.pre.value();
        // End of the padded input: windows are clipped here when counting padding (PyTorch, ONNX).
        int64_t post = attrs.post[i];
        if (op.paddingMode == PaddingMode::kSAME_UPPER || op.paddingMode == PaddingMode::kSAME_LOWER)
            post = std::max<int64_t>(0, (out[i] - 1) * attrs.stride[i] + op.window[i] - in[i]) - pre[i];
        end[i] = in[i] + post;
        inVol *= in[i];
        outVol *= out[i];
    }
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
                int64_t start = o[d] * attrs.stride[d] - pre[d];
                padded *= std::min(start + op.window[d], end[d]) - std::max(start, -pre[d]);
                lo[d] = std::max<int64_t>(start, 0);
                hi[d] = std::min(start + op.window[d], in[d]);
                empty = empty || lo[d] >= hi[d];
                p[d] = lo[d];
            }
            C mx = std::numeric_limits<C>::lowest();
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
