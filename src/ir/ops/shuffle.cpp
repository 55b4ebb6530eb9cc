#include "ir/ops/shuffle.h"

#include <algorithm>

namespace kiln::ir {

namespace {

void checkPermutation(const InferContext& ctx, const std::vector<int64_t>& perm, size_t rank, const char* which,
                      const Shape& shape) {
    KILN_SHAPE_CHECK(ctx, perm.size() == rank) << which << " has " << perm.size() << " entries for an input of shape "
                                               << toString(shape) << " (expected " << rank << ")";
    std::vector<bool> seen(rank, false);
    for (int64_t p : perm) {
        KILN_SHAPE_CHECK(ctx, p >= 0 && static_cast<size_t>(p) < rank && !seen[p])
            << which << " is not a permutation of [0, " << rank << "): " << toString(shapeOf(perm));
        seen[p] = true;
    }
}

Shape permute(const Shape& in, const std::vector<int64_t>& perm) {
    if (perm.empty()) return in;
    Shape out(in.size());
    for (size_t i = 0; i < in.size(); ++i) out[i] = in[perm[i]];
    return out;
}

//! A product split into its symbolic factors and one constant, so that volumes of symbolic
//! shapes can be divided and compared ([s0,s1,4] / [s0] = s1*4).
struct Factors {
    std::vector<DimExpr> symbols;
    int64_t constant{1};

    void add(const DimExpr& d) {
        if (d.isConst()) {
            KILN_CHECK(!__builtin_mul_overflow(constant, d.value(), &constant))
                << "Shuffle: the volume of the shape overflows int64";
        } else if (d.kind() == DimExpr::Kind::kMUL) {
            add(d.lhs());
            add(d.rhs());
        } else {
            symbols.push_back(d);
        }
    }
    //! Removes the symbolic factors the two products share.
    static void cancel(Factors& a, Factors& b) {
        for (auto it = a.symbols.begin(); it != a.symbols.end();) {
            auto match =
                std::find_if(b.symbols.begin(), b.symbols.end(), [&](const DimExpr& x) { return x.equals(*it); });
            if (match != b.symbols.end()) {
                b.symbols.erase(match);
                it = a.symbols.erase(it);
            } else {
                ++it;
            }
        }
    }
    DimExpr symbolicProduct() const {
        DimExpr p(1);
        for (const DimExpr& s : symbols) p = p * s;
        return p;
    }
};

}  // namespace

void ShuffleOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1 || ctx.nbInputs() == 2)
        << "Shuffle takes 1 or 2 inputs, got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    const std::vector<int64_t> first = permutationFor(firstTranspose, in.shape.size());
    if (!first.empty()) checkPermutation(ctx, first, in.shape.size(), "first transpose", in.shape);
    const Shape transposed = permute(in.shape, first);

    Shape reshaped = transposed;
    const bool dynamicReshape = ctx.hasInput(1);
    if (hasReshape || dynamicReshape) {
        std::vector<DimExpr> spec;
        if (dynamicReshape) {
            const ValueInfo& dimsInfo = ctx.input(1);
            KILN_SHAPE_CHECK(ctx, dimsInfo.type == DataType::kINT32 || dimsInfo.type == DataType::kINT64)
                << "reshape dimensions must be int32 or int64, got " << dataTypeName(dimsInfo.type);
            KILN_SHAPE_CHECK(ctx, dimsInfo.shape.size() == 1)
                << "reshape dimensions must be a 1-D tensor, got shape " << toString(dimsInfo.shape);
            spec = ctx.requireValue(1, "reshape dimensions");
        } else {
            spec.assign(reshapeDims.begin(), reshapeDims.end());
        }
        KILN_SHAPE_CHECK(ctx, spec.size() <= static_cast<size_t>(Dims::MAX_DIMS))
            << "reshape to " << spec.size() << " dimensions, at most " << Dims::MAX_DIMS << " allowed";
        reshaped.assign(spec.size(), DimExpr(0));
        int32_t inferred = -1;
        Factors known;
        for (size_t i = 0; i < spec.size(); ++i) {
            const DimExpr& d = spec[i];
            if (d.isConst() && d.value() == -1) {
                KILN_SHAPE_CHECK(ctx, inferred < 0)
                    << "reshape dimensions " << toString(spec) << " have more than one -1";
                inferred = static_cast<int32_t>(i);
                continue;
            }
            if (d.isConst() && d.value() == 0 && zeroIsPlaceholder) {
                KILN_SHAPE_CHECK(ctx, i < transposed.size())
                    << "reshape dimension " << i << " is 0 (copy the input dim) but the input shape "
                    << toString(transposed) << " has only " << transposed.size() << " dimensions";
                reshaped[i] = transposed[i];
            } else {
                KILN_SHAPE_CHECK(ctx, !d.isConst() || d.value() >= 0)
                    << "reshape dimension " << i << " is " << d.value() << " in " << toString(spec)
                    << " (expected >= 0, or -1 once)";
                reshaped[i] = d;
            }
            known.add(reshaped[i]);
        }
        Factors total;
        for (const DimExpr& d : transposed) total.add(d);
        Factors::cancel(total, known);
        if (inferred >= 0) {
            KILN_SHAPE_CHECK(ctx, known.constant != 0)
                << "cannot infer the -1 in reshape dimensions " << toString(spec) << " for input shape "
                << toString(transposed) << ": the other dimensions have volume 0";
            if (known.symbols.empty() && total.constant % known.constant == 0) {
                reshaped[inferred] = total.symbolicProduct() * DimExpr(total.constant / known.constant);
            } else {
                KILN_SHAPE_CHECK(ctx, !(total.symbols.empty() && known.symbols.empty()))
                    << "cannot reshape input of shape " << toString(transposed) << " (volume " << total.constant
                    << ") to " << toString(spec) << ": the volume is not a multiple of " << known.constant;
                reshaped[inferred] = floorDiv(total.symbolicProduct() * DimExpr(total.constant),
                                              known.symbolicProduct() * DimExpr(known.constant));
            }
        } else if (total.symbols.empty() && known.symbols.empty()) {
            // Symbolic volumes that do not cancel are checked by the run-time inference.
            KILN_SHAPE_CHECK(ctx, total.constant == known.constant)
                << "cannot reshape input of shape " << toString(transposed) << " to " << toString(reshaped)
                << ": volumes differ (" << total.constant << " vs " << known.constant << ")";
        }
    }

    const std::vector<int64_t> second = permutationFor(secondTranspose, reshaped.size());
    if (!second.empty()) checkPermutation(ctx, second, reshaped.size(), "second transpose", reshaped);
    Shape out = permute(reshaped, second);
    // Reshapes between scalar and 1-D keep the element order, so shape values carry over.
    std::optional<std::vector<DimExpr>> value;
    if (in.value && out.size() <= 1) value = in.value;
    ctx.setOutput(0, in.type, std::move(out), std::move(value));
}

KILN_REGISTER_OP(ShuffleOp)

}  // namespace kiln::ir
