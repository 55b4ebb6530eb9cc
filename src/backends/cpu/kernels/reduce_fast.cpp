// Reduce, float32, when the reduced axes form one contiguous block once size-1 dims are dropped
// (GlobalAveragePool: the trailing spatial axes; ReduceMean over the last axis; any single axis):
// the input is then [outer, len, inner] and the output [outer, inner].
//  - inner == 1 (rows): SUM/AVG add each row in double in 16 interleaved partial sums (vectorised,
//    2 doubles a vector, 8 chains), which differs from the reference's one running double sum only by
//    double rounding (far below float32's); PROD/MAX/MIN fold in order as the reference does.
//  - inner > 1 (columns): double accumulators over `inner`, folded row after row, vectorised; each
//    output folds its inputs in the reference's order, so the result is the same bits.
// Other axis sets (two separate reduced blocks) run the reference kernel.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "backends/cpu/kernel.h"
#include "core/status.h"
#include "ir/ops/reduce.h"

namespace kiln::cpu {
namespace {

using RO = ReduceOperation;

// SSE-wide vectors (the baseline x86-64 build has no wider ones): 2 doubles.
typedef float Vec2F __attribute__((vector_size(2 * sizeof(float))));
typedef double Vec2D __attribute__((vector_size(2 * sizeof(double))));
typedef int64_t Vec2L __attribute__((vector_size(2 * sizeof(int64_t))));

inline Vec2D load2(const float* p) {
    Vec2F v;
    std::memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, Vec2D);
}
inline Vec2D loadD(const double* p) {
    Vec2D v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void storeD(double* p, Vec2D v) { std::memcpy(p, &v, sizeof v); }
inline Vec2D selectD(Vec2L m, Vec2D a, Vec2D b) {
    return reinterpret_cast<Vec2D>((reinterpret_cast<Vec2L>(a) & m) | (reinterpret_cast<Vec2L>(b) & ~m));
}

double identityOf(RO op) {
    switch (op) {
        case RO::kPROD:
            return 1.0;
        case RO::kMAX:
            return -std::numeric_limits<double>::infinity();
        case RO::kMIN:
            return std::numeric_limits<double>::infinity();
        default:
            return 0.0;
    }
}

//! The reference's fold of one value (NaN sticks for MAX/MIN).
inline void fold(RO op, double& a, double v) {
    switch (op) {
        case RO::kSUM:
        case RO::kAVG:
            a += v;
            break;
        case RO::kPROD:
            a *= v;
            break;
        case RO::kMAX:
            if (v > a || std::isnan(v)) a = v;
            break;
        case RO::kMIN:
            if (v < a || std::isnan(v)) a = v;
            break;
    }
}

double finish(RO op, double a, int64_t count) {
    if (op != RO::kAVG) return a;
    return count ? a / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
}

//! Sum of x[0, n) in double: 16 partial sums (8 vectors of 2), combined pairwise, then the tail.
double sumRow(const float* x, int64_t n) {
    int64_t j = 0;
    double s = 0.0;
    if (n >= 16) {
        Vec2D a0{}, a1{}, a2{}, a3{}, a4{}, a5{}, a6{}, a7{};
        for (; j + 16 <= n; j += 16) {
            a0 += load2(x + j);
            a1 += load2(x + j + 2);
            a2 += load2(x + j + 4);
            a3 += load2(x + j + 6);
            a4 += load2(x + j + 8);
            a5 += load2(x + j + 10);
            a6 += load2(x + j + 12);
            a7 += load2(x + j + 14);
        }
        const Vec2D t = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
        s = t[0] + t[1];
    }
    for (; j < n; ++j) s += static_cast<double>(x[j]);
    return s;
}

void reduceRows(RO op, const float* x, float* y, int64_t outer, int64_t len) {
    for (int64_t o = 0; o < outer; ++o) {
        const float* r = x + o * len;
        double a;
        if (op == RO::kSUM || op == RO::kAVG) {
            a = sumRow(r, len);
        } else {
            a = identityOf(op);
            for (int64_t j = 0; j < len; ++j) fold(op, a, static_cast<double>(r[j]));
        }
        y[o] = static_cast<float>(finish(op, a, len));
    }
}

//! acc[i] (op)= x[i] for i in [0, n): per element exactly the reference's fold.
void foldColumns(RO op, double* acc, const float* x, int64_t n) {
    int64_t i = 0;
    switch (op) {
        case RO::kSUM:
        case RO::kAVG:
            for (; i + 2 <= n; i += 2) storeD(acc + i, loadD(acc + i) + load2(x + i));
            break;
        case RO::kPROD:
            for (; i + 2 <= n; i += 2) storeD(acc + i, loadD(acc + i) * load2(x + i));
            break;
        case RO::kMAX:
            for (; i + 2 <= n; i += 2) {
                Vec2D a = loadD(acc + i), v = load2(x + i);
                storeD(acc + i, selectD((v > a) | (v != v), v, a));
            }
            break;
        case RO::kMIN:
            for (; i + 2 <= n; i += 2) {
                Vec2D a = loadD(acc + i), v = load2(x + i);
                storeD(acc + i, selectD((v < a) | (v != v), v, a));
            }
            break;
    }
    for (; i < n; ++i) fold(op, acc[i], static_cast<double>(x[i]));
}

void reduceColumns(RO op, const float* x, float* y, int64_t outer, int64_t len, int64_t inner) {
    std::vector<double> acc(static_cast<size_t>(inner));
    const double init = identityOf(op);
    for (int64_t o = 0; o < outer; ++o) {
        std::fill(acc.begin(), acc.end(), init);
        const float* base = x + o * len * inner;
        for (int64_t j = 0; j < len; ++j) foldColumns(op, acc.data(), base + j * inner, inner);
        float* out = y + o * inner;
        for (int64_t i = 0; i < inner; ++i) out[i] = static_cast<float>(finish(op, acc[i], len));
    }
}

//! The input as [outer, len, inner] around the reduced axes; false if they are not one block
//! (or an axis is out of range: the reference reports it).
bool splitReduced(const ir::ReduceOp& op, const ir::TensorView& in, int64_t& outer, int64_t& len, int64_t& inner) {
    const int32_t rank = in.rank;
    bool reduced[Dims::MAX_DIMS]{};
    for (int32_t d = 0; d < rank; ++d) reduced[d] = op.axes.empty();
    for (int64_t a : op.axes) {
        if (a < -rank || a >= std::max(rank, 1)) return false;
        if (rank > 0) reduced[a < 0 ? a + rank : a] = true;
    }
    // Blocks: 0 before the reduced block, 1 in it, 2 after it.
    int block = 0;
    outer = len = inner = 1;
    for (int32_t d = 0; d < rank; ++d) {
        const int64_t n = in.dims[d];
        if (n == 1) continue;
        if (reduced[d]) {
            if (block == 2) return false;
            block = 1;
            len *= n;
        } else if (block == 0) {
            outer *= n;
        } else {
            block = 2;
            inner *= n;
        }
    }
    return true;
}

void runFast(KernelArgs& args) {
    const auto& op = args.opAs<ir::ReduceOp>();
    const ir::TensorView& in = args.inputs[0];
    int64_t outer, len, inner;
    if (in.type != DataType::kFLOAT || !splitReduced(op, in, outer, len, inner)) {
        const Tactic* ref = findTactic(ir::ReduceOp::kName, "reference");
        KILN_CHECK(ref != nullptr) << "Reduce: no reference tactic";
        return ref->run(args);
    }
    const float* x = in.as<const float>();
    float* y = args.outputs[0].as<float>();
    if (outer == 0 || inner == 0) return;  // empty output
    if (inner == 1) {
        reduceRows(op.op, x, y, outer, len);
    } else {
        reduceColumns(op.op, x, y, outer, len, inner);
    }
}

//! Whether the reduced axes are one block for this shape (dims not known are taken as > 1).
bool oneBlock(const ir::ReduceOp& op, const ir::Shape& shape) {
    const int32_t rank = static_cast<int32_t>(shape.size());
    bool reduced[Dims::MAX_DIMS]{};
    if (rank > Dims::MAX_DIMS) return false;
    for (int32_t d = 0; d < rank; ++d) reduced[d] = op.axes.empty();
    for (int64_t a : op.axes) {
        if (a < -rank || a >= std::max(rank, 1)) return false;
        if (rank > 0) reduced[a < 0 ? a + rank : a] = true;
    }
    int block = 0;
    for (int32_t d = 0; d < rank; ++d) {
        if (shape[d].isConst() && shape[d].value() == 1) continue;
        if (reduced[d]) {
            if (block == 2) return false;
            block = 1;
        } else if (block == 1) {
            block = 2;
        }
    }
    return true;
}

Tactic fastTactic() {
    Tactic t;
    t.name = "float32_contiguous_block";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::ReduceOp::kName || in.size() != 1) return false;
        if (in[0].type != DataType::kFLOAT) return false;
        return oneBlock(static_cast<const ir::ReduceOp&>(op), in[0].shape);
    };
    t.run = runFast;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Reduce", fastTactic());

}  // namespace
}  // namespace kiln::cpu
