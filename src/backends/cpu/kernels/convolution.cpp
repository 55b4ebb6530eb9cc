// Convolution and Deconvolution reference kernels: direct loops in double, any number of
// spatial dims, groups, dilation, padding; Convolution applies its fused activation last.
#include "ir/ops/convolution.h"

#include <vector>

#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/conv_common.h"
#include "ir/ops/deconvolution.h"

namespace kiln::cpu {
namespace {

//! Multi-index of flat index `i` over `dims`.
void unflatten(int64_t i, const std::vector<int64_t>& dims, int64_t* idx) {
    for (int32_t d = static_cast<int32_t>(dims.size()) - 1; d >= 0; --d) {
        idx[d] = i % dims[d];
        i /= dims[d];
    }
}

void storeOutput(ir::TensorView& y, const std::vector<double>& acc) {
    dispatchType(y.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* p = y.as<T>();
        for (size_t i = 0; i < acc.size(); ++i) store(p, static_cast<int64_t>(i), static_cast<float>(acc[i]));
    });
}

void convReference(KernelArgs& a) {
    const auto& op = a.opAs<ir::ConvolutionOp>();
    ConvGeometry g = convGeometry(op, a, true);
    std::vector<float> x = toFloatVector(a.inputs[0]), w = toFloatVector(a.inputs[1]);
    std::vector<float> bias = a.has(2) ? toFloatVector(a.inputs[2]) : std::vector<float>(g.k, 0.f);
    const int64_t cg = g.c / g.groups, kg = g.k / g.groups;
    std::vector<double> acc(static_cast<size_t>(g.batch * g.k * g.outVol));
    std::vector<float> residual;
    if (a.has(3)) {
        KILN_CHECK(a.inputs[3].numel() == static_cast<int64_t>(acc.size()))
            << "Convolution: the residual has " << a.inputs[3].numel() << " values for an output of " << acc.size();
        residual = toFloatVector(a.inputs[3]);
    }
    int64_t o[Dims::MAX_DIMS], kk[Dims::MAX_DIMS];
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t k = 0; k < g.k; ++k) {
            const int64_t grp = k / kg;
            for (int64_t op_ = 0; op_ < g.outVol; ++op_) {
                unflatten(op_, g.out, o);
                double sum = bias[k];
                for (int64_t kp = 0; kp < g.kVol; ++kp) {
                    unflatten(kp, g.kernel, kk);
                    int64_t inOff = 0;
                    bool inside = true;
                    for (int32_t d = 0; d < g.ns && inside; ++d) {
                        int64_t p = o[d] * g.stride[d] - g.pre[d] + kk[d] * g.dilation[d];
                        inside = p >= 0 && p < g.in[d];
                        inOff = inOff * g.in[d] + p;
                    }
                    if (!inside) continue;
                    for (int64_t ci = 0; ci < cg; ++ci) {
                        int64_t c = grp * cg + ci;
                        sum += static_cast<double>(x[(n * g.c + c) * g.inVol + inOff]) * w[(k * cg + ci) * g.kVol + kp];
                    }
                }
                if (!residual.empty()) sum += residual[(n * g.k + k) * g.outVol + op_];
                double v = op.fusedActivation >= 0
                               ? activate(op.fusedActivation, static_cast<float>(op.fusedAlpha),
                                          static_cast<float>(op.fusedBeta), static_cast<float>(sum))
                               : sum;
                acc[(n * g.k + k) * g.outVol + op_] = v;
            }
        }
    }
    storeOutput(a.outputs[0], acc);
}

void deconvReference(KernelArgs& a) {
    const auto& op = a.opAs<ir::DeconvolutionOp>();
    ConvGeometry g = convGeometry(op, a, false);
    std::vector<float> x = toFloatVector(a.inputs[0]), w = toFloatVector(a.inputs[1]);
    const int64_t cg = g.c / g.groups, kg = g.k / g.groups;
    std::vector<double> acc(static_cast<size_t>(g.batch * g.k * g.outVol));
    int64_t ip[Dims::MAX_DIMS], kk[Dims::MAX_DIMS];
    // Scatter form: every input pixel adds its kernel-weighted copy into the (cropped) output.
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t c = 0; c < g.c; ++c) {
            const int64_t grp = c / cg;
            for (int64_t i = 0; i < g.inVol; ++i) {
                unflatten(i, g.in, ip);
                double xv = x[(n * g.c + c) * g.inVol + i];
                for (int64_t kp = 0; kp < g.kVol; ++kp) {
                    unflatten(kp, g.kernel, kk);
                    int64_t outOff = 0;
                    bool inside = true;
                    for (int32_t d = 0; d < g.ns && inside; ++d) {
                        int64_t p = ip[d] * g.stride[d] + kk[d] * g.dilation[d] - g.pre[d];
                        inside = p >= 0 && p < g.out[d];
                        outOff = outOff * g.out[d] + p;
                    }
                    if (!inside) continue;
                    for (int64_t ki = 0; ki < kg; ++ki) {
                        int64_t k = grp * kg + ki;
                        acc[(n * g.k + k) * g.outVol + outOff] += xv * w[(c * kg + ki) * g.kVol + kp];
                    }
                }
            }
        }
    }
    if (a.has(2)) {
        std::vector<float> bias = toFloatVector(a.inputs[2]);
        for (int64_t n = 0; n < g.batch; ++n)
            for (int64_t k = 0; k < g.k; ++k)
                for (int64_t i = 0; i < g.outVol; ++i) acc[(n * g.k + k) * g.outVol + i] += bias[k];
    }
    storeOutput(a.outputs[0], acc);
}

Tactic reference(void (*fn)(KernelArgs&)) {
    Tactic t;
    t.name = "reference";
    t.run = fn;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Convolution", reference(convReference));
KILN_REGISTER_CPU_TACTIC("Deconvolution", reference(deconvReference));

}  // namespace
}  // namespace kiln::cpu
