// Layer normalization in float32 over trailing contiguous axes with scale and bias that vary
// only along those axes (or are scalars): per row, mean and variance in double, two passes, as
// the reference; no per-element slot bookkeeping.
#include <cmath>
#include <string>

#include "backends/cpu/kernel.h"
#include "ir/ops/normalization.h"

namespace kiln::cpu {
namespace {

// The first normalized axis when the axes are exactly [first, rank); -1 otherwise.
int64_t trailingStart(const std::vector<int64_t>& axes, int64_t rank) {
    std::vector<bool> in(static_cast<size_t>(rank), false);
    for (int64_t a : axes) {
        int64_t n = a < 0 ? a + rank : a;
        if (n < 0 || n >= rank || in[n]) return -1;
        in[n] = true;
    }
    int64_t first = rank - static_cast<int64_t>(axes.size());
    for (int64_t d = first; d < rank; ++d)
        if (!in[d]) return -1;
    return first;
}

void runTrailing(KernelArgs& args) {
    const auto& op = args.opAs<ir::NormalizationOp>();
    const ir::TensorView& x = args.inputs[0];
    const int64_t first = trailingStart(op.axes, x.rank);
    int64_t len = 1;
    for (int32_t d = static_cast<int32_t>(first); d < x.rank; ++d) len *= x.dims[d];
    const int64_t rows = len ? x.numel() / len : 0;
    const float* src = x.as<const float>();
    const float* scale = args.inputs[1].as<const float>();
    const float* bias = args.inputs[2].as<const float>();
    const bool scalarScale = args.inputs[1].numel() == 1, scalarBias = args.inputs[2].numel() == 1;
    float* dst = args.outputs[0].as<float>();
    for (int64_t r = 0; r < rows; ++r) {
        const float* xr = src + r * len;
        float* yr = dst + r * len;
        double mean = 0;
        for (int64_t j = 0; j < len; ++j) mean += xr[j];
        mean /= static_cast<double>(len);
        double var = 0;
        for (int64_t j = 0; j < len; ++j) {
            const double d = xr[j] - mean;
            var += d * d;
        }
        var /= static_cast<double>(len);
        const double inv = 1.0 / std::sqrt(var + op.epsilon);
        for (int64_t j = 0; j < len; ++j) {
            const float s = scale[scalarScale ? 0 : j], b = bias[scalarBias ? 0 : j];
            yr[j] = static_cast<float>((xr[j] - mean) * inv) * s + b;
        }
    }
}

// A parameter that is a scalar, or exactly the normalized dims (leading 1s allowed).
bool paramFits(const ir::ValueInfo& p, const ir::ValueInfo& x, int64_t first) {
    if (p.type != DataType::kFLOAT) return false;
    const int64_t rank = static_cast<int64_t>(x.shape.size()), prank = static_cast<int64_t>(p.shape.size());
    bool scalar = true;
    for (const auto& d : p.shape) scalar = scalar && d.isConst() && d.value() == 1;
    if (scalar) return true;
    if (prank > rank) return false;
    for (int64_t d = 0; d < prank; ++d) {
        const ir::DimExpr& pd = p.shape[d];
        const ir::DimExpr& xd = x.shape[rank - prank + d];
        if (rank - prank + d < first) {
            if (!pd.isConst() || pd.value() != 1) return false;
        } else if (!(pd.equals(xd))) {
            return false;
        }
    }
    return prank >= rank - first;
}

Tactic trailingTactic() {
    Tactic t;
    t.name = "float32_trailing_axes";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::NormalizationOp::kName || in.size() != 3) return false;
        const auto& norm = static_cast<const ir::NormalizationOp&>(op);
        const ir::ValueInfo& x = in[0];
        if (x.type != DataType::kFLOAT || norm.nbGroups != 1 || norm.axes.empty()) return false;
        const int64_t first = trailingStart(norm.axes, static_cast<int64_t>(x.shape.size()));
        return first >= 0 && paramFits(in[1], x, first) && paramFits(in[2], x, first);
    };
    t.run = runTrailing;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Normalization", trailingTactic());

}  // namespace
}  // namespace kiln::cpu
