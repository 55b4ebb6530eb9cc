// Fill: LINSPACE (alpha + sum_k delta_k * i_k), RANDOM_UNIFORM in [alpha, beta) and
// RANDOM_NORMAL (mean alpha, stddev beta). The random values are a pure function of (seed,
// element index) — a SplitMix64 hash — so any backend can reproduce them, in any order.
#include "ir/ops/fill.h"

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

uint64_t splitMix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

//! Uniform in [0, 1) with 53 random bits.
double uniformAt(uint64_t seed, uint64_t i) {
    return static_cast<double>(splitMix64(splitMix64(seed) + i) >> 11) * (1.0 / 9007199254740992.0);
}

double normalAt(uint64_t seed, uint64_t i) {
    // Box-Muller; 1 - u is in (0, 1], so the log is finite.
    const double u1 = uniformAt(seed, 2 * i);
    const double u2 = uniformAt(seed, 2 * i + 1);
    return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(6.283185307179586 * u2);
}

bool isIntView(const ir::TensorView& v) {
    return v.type == DataType::kINT32 || v.type == DataType::kINT64 || v.type == DataType::kINT8 ||
           v.type == DataType::kUINT8;
}

Tactic fillReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::FillOp>();
        ir::TensorView& out = args.outputs[0];
        const int64_t n = out.numel();
        const int32_t rank = out.rank;
        double alpha = op.alpha;
        int64_t alphaInt = static_cast<int64_t>(op.alpha);
        if (args.has(1)) {
            KILN_CHECK(args.inputs[1].numel() == 1)
                << "Fill: alpha input has " << args.inputs[1].numel() << " elements, expected 1";
            alpha = loadAsDouble(args.inputs[1], 0);
            alphaInt = isIntView(args.inputs[1]) ? loadIndex(args.inputs[1], 0) : static_cast<int64_t>(alpha);
        }
        // LINSPACE: one delta per axis (a scalar beta is the delta of a 1-D output).
        std::vector<double> beta(static_cast<size_t>(std::max(rank, 1)), 0.0);
        std::vector<int64_t> betaInt(beta.size(), 0);
        beta.back() = op.beta;
        betaInt.back() = static_cast<int64_t>(op.beta);
        if (args.has(2)) {
            const ir::TensorView& b = args.inputs[2];
            const bool delta = op.op == FillOperation::kLINSPACE && rank > 1;
            KILN_CHECK(b.numel() == (delta ? rank : 1) || (op.op == FillOperation::kLINSPACE && rank == 0))
                << "Fill: beta input has " << b.numel() << " elements, expected " << (delta ? rank : 1);
            const int64_t nb = b.numel();
            for (int64_t k = 0; k < nb && k < static_cast<int64_t>(beta.size()); ++k) {
                const size_t at = delta ? static_cast<size_t>(k) : beta.size() - 1;
                beta[at] = loadAsDouble(b, k);
                betaInt[at] = isIntView(b) ? loadIndex(b, k) : static_cast<int64_t>(beta[at]);
            }
        } else {
            KILN_CHECK(op.op != FillOperation::kLINSPACE || rank <= 1)
                << "Fill: LINSPACE with a " << rank << "-D output needs a beta input with one delta per dimension";
        }
        const auto seed = static_cast<uint64_t>(op.seed);
        dispatchType(out.type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            T* p = out.as<T>();
            if constexpr (std::is_same_v<T, Bool>) {
                KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Fill does not support bool";
            } else if (op.op == FillOperation::kLINSPACE) {
                int64_t idx[Dims::MAX_DIMS]{};
                for (int64_t i = 0; i < n; ++i) {
                    if constexpr (isFloatStorage<T>()) {
                        double v = alpha;
                        for (int32_t d = 0; d < rank; ++d) v += beta[d] * static_cast<double>(idx[d]);
                        store(p, i, v);
                    } else {
                        // Integer outputs stay exact (wrapping instead of overflowing).
                        uint64_t v = static_cast<uint64_t>(alphaInt);
                        for (int32_t d = 0; d < rank; ++d)
                            v += static_cast<uint64_t>(betaInt[d]) * static_cast<uint64_t>(idx[d]);
                        store(p, i, static_cast<int64_t>(v));
                    }
                    for (int32_t d = rank - 1; d >= 0; --d) {
                        if (++idx[d] < out.dims[d]) break;
                        idx[d] = 0;
                    }
                }
            } else {
                const bool uniform = op.op == FillOperation::kRANDOM_UNIFORM;
                const double b = beta.back();
                for (int64_t i = 0; i < n; ++i) {
                    const auto k = static_cast<uint64_t>(i);
                    double v = uniform ? alpha + (b - alpha) * uniformAt(seed, k) : alpha + b * normalAt(seed, k);
                    if constexpr (!isFloatStorage<T>()) v = uniform ? std::floor(v) : std::round(v);
                    store(p, i, v);
                }
            }
        });
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Fill", fillReference());

}  // namespace
}  // namespace kiln::cpu
