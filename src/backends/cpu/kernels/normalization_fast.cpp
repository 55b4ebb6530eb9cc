// Layer normalization in float32 over trailing contiguous axes with scale and bias that vary
// only along those axes (or are scalars): per row, mean and variance in double, two passes, as
// the reference (eight partial sums, compiled per vector width); no per-element slot bookkeeping.
#include <cmath>
#include <cstring>
#include <string>

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/simd_clones.h"
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

// Eight double lanes (two vectors of four): the row sums keep independent partial sums, so the
// adds overlap instead of waiting on one another; the order is fixed here, the same in every
// clone.
using Float8 = float __attribute__((vector_size(32)));
using Double4 = double __attribute__((vector_size(32)));
constexpr int64_t kLanes = 8;

// The helpers take vectors by reference and are always inlined: a 32-byte vector passed by
// value between a clone and a baseline function is passed differently by each (the psABI
// changes with AVX), which an unoptimised build, not inlining, gets wrong.
[[gnu::always_inline]] inline double sumOf(const Double4& a, const Double4& b) {
    return ((a[0] + b[0]) + (a[1] + b[1])) + ((a[2] + b[2]) + (a[3] + b[3]));
}

//! The two halves of eight floats, widened to double.
[[gnu::always_inline]] inline void widen(const float* p, Double4& lo, Double4& hi) {
    Float8 v;
    std::memcpy(&v, p, sizeof v);
    lo = __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), Double4);
    hi = __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), Double4);
}

KILN_SIMD_CLONES void normalizeRows(const float* src, float* dst, int64_t rows, int64_t len, const float* scale,
                                    bool scalarScale, const float* bias, bool scalarBias, double epsilon) {
    const int64_t whole = len / kLanes * kLanes;
    for (int64_t r = 0; r < rows; ++r) {
        const float* xr = src + r * len;
        float* yr = dst + r * len;
        Double4 a = {}, b = {}, lo, hi;
        for (int64_t j = 0; j < whole; j += kLanes) {
            widen(xr + j, lo, hi);
            a += lo;
            b += hi;
        }
        double mean = sumOf(a, b);
        for (int64_t j = whole; j < len; ++j) mean += xr[j];
        mean /= static_cast<double>(len);
        a = Double4{} + 0.0, b = a;
        for (int64_t j = 0; j < whole; j += kLanes) {
            widen(xr + j, lo, hi);
            lo -= mean, hi -= mean;
            a += lo * lo;
            b += hi * hi;
        }
        double var = sumOf(a, b);
        for (int64_t j = whole; j < len; ++j) {
            const double d = xr[j] - mean;
            var += d * d;
        }
        var /= static_cast<double>(len);
        const double inv = 1.0 / std::sqrt(var + epsilon);
        for (int64_t j = 0; j < len; ++j) {
            const float s = scale[scalarScale ? 0 : j], bb = bias[scalarBias ? 0 : j];
            yr[j] = static_cast<float>((xr[j] - mean) * inv) * s + bb;
        }
    }
}

void runTrailing(KernelArgs& args) {
    const auto& op = args.opAs<ir::NormalizationOp>();
    const ir::TensorView& x = args.inputs[0];
    const int64_t first = trailingStart(op.axes, x.rank);
    int64_t len = 1;
    for (int32_t d = static_cast<int32_t>(first); d < x.rank; ++d) len *= x.dims[d];
    const int64_t rows = len ? x.numel() / len : 0;
    normalizeRows(x.as<const float>(), args.outputs[0].as<float>(), rows, len, args.inputs[1].as<const float>(),
                  args.inputs[1].numel() == 1, args.inputs[2].as<const float>(), args.inputs[2].numel() == 1,
                  op.epsilon);
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
