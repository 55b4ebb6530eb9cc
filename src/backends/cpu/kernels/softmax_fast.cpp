// SoftMax over the last axis in float32 (attention scores, classifier heads): one pass for the
// max, one for a vectorized float32 exp (fast_math.h), one for the sum (sixteen float lanes,
// each summing len/16 values of at most 1), one to scale; compiled per vector width
// (simd_clones.h). The reference works in double throughout, which costs a libm exp per element.
#include <cmath>
#include <cstring>
#include <string>

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/fast_math.h"
#include "backends/cpu/kernels/simd_clones.h"
#include "ir/ops/softmax.h"

namespace kiln::cpu {
namespace {

// Sixteen float lanes as two GCC/Clang vectors of eight: the max and the sum keep sixteen
// partial results in two independent chains (the vectorizer does not reorder one float
// reduction by itself, and one chain waits on each add), so every clone and the baseline add
// in the same order.
using Float8 = float __attribute__((vector_size(32)));

KILN_SIMD_CLONES void softmaxRows(const float* src, float* dst, int64_t rows, int64_t len) {
    constexpr int64_t kLanes = 16;
    const int64_t whole = len / kLanes * kLanes;
    for (int64_t r = 0; r < rows; ++r) {
        const float* x = src + r * len;
        float* y = dst + r * len;
        Float8 m0 = Float8{} - INFINITY, m1 = m0, v0, v1;
        for (int64_t j = 0; j < whole; j += kLanes) {
            std::memcpy(&v0, x + j, sizeof v0);
            std::memcpy(&v1, x + j + 8, sizeof v1);
            m0 = v0 > m0 ? v0 : m0;
            m1 = v1 > m1 ? v1 : m1;
        }
        m0 = m1 > m0 ? m1 : m0;
        float mx = -INFINITY;
        for (int64_t l = 0; l < 8; ++l) mx = m0[l] > mx ? m0[l] : mx;
        for (int64_t j = whole; j < len; ++j) mx = x[j] > mx ? x[j] : mx;  // a NaN makes every exp NaN anyway
        for (int64_t j = 0; j < len; ++j) y[j] = expFast(x[j] - mx);
        Float8 a0 = {}, a1 = {};
        for (int64_t j = 0; j < whole; j += kLanes) {
            std::memcpy(&v0, y + j, sizeof v0);
            std::memcpy(&v1, y + j + 8, sizeof v1);
            a0 += v0;
            a1 += v1;
        }
        double sum = 0;
        for (int64_t l = 0; l < 8; ++l) sum += double(a0[l]) + double(a1[l]);
        for (int64_t j = whole; j < len; ++j) sum += y[j];
        const float scale = static_cast<float>(1.0 / sum);
        for (int64_t j = 0; j < len; ++j) y[j] *= scale;
    }
}

void runLastAxis(KernelArgs& args) {
    const ir::TensorView& in = args.inputs[0];
    const AxisSplit split = splitAt(in, normalizedAxis(args.opAs<ir::SoftMaxOp>().axis, in.rank, "SoftMax"));
    softmaxRows(in.as<const float>(), args.outputs[0].as<float>(), split.outer, split.len);
}

Tactic lastAxisTactic() {
    Tactic t;
    t.name = "float32_last_axis";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::SoftMaxOp::kName || in.size() != 1 || in[0].type != DataType::kFLOAT)
            return false;
        const int64_t rank = static_cast<int64_t>(in[0].shape.size());
        const int64_t axis = static_cast<const ir::SoftMaxOp&>(op).axis;
        return rank > 0 && (axis == -1 || axis == rank - 1);
    };
    t.run = runLastAxis;
    return t;
}

KILN_REGISTER_CPU_TACTIC("SoftMax", lastAxisTactic());

}  // namespace
}  // namespace kiln::cpu
