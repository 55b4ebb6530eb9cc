#include "ir/ops/einsum.h"

#include <algorithm>
#include <map>

namespace kiln::ir {

void EinsumOp::inferShapes(InferContext& ctx) const {
    std::string eq;
    for (char c : equation)
        if (c != ' ') eq += c;
    KILN_SHAPE_CHECK(ctx, eq.find("...") == std::string::npos)
        << "Einsum equation '" << equation << "' uses an ellipsis, which is not supported";
    size_t arrow = eq.find("->");
    std::string lhs = eq.substr(0, arrow);
    std::vector<std::string> terms(1);
    for (char c : lhs) {
        if (c == ',') {
            terms.emplace_back();
            continue;
        }
        KILN_SHAPE_CHECK(ctx, c >= 'a' && c <= 'z')
            << "Einsum equation '" << equation << "' has label '" << c << "' (expected lower-case letters)";
        terms.back() += c;
    }
    KILN_SHAPE_CHECK(ctx, static_cast<int32_t>(terms.size()) == ctx.nbInputs())
        << "Einsum equation '" << equation << "' names " << terms.size() << " operands, got " << ctx.nbInputs()
        << " inputs";

    const DataType type = ctx.input(0).type;
    KILN_SHAPE_CHECK(ctx, type == DataType::kFLOAT || type == DataType::kHALF || type == DataType::kBF16 ||
                              type == DataType::kDOUBLE || type == DataType::kINT32 || type == DataType::kINT64)
        << "Einsum supports float and int32/int64 types, got " << dataTypeName(type);
    std::map<char, DimExpr> sizes;
    std::map<char, int> count;
    for (size_t i = 0; i < terms.size(); ++i) {
        const ValueInfo& in = ctx.input(static_cast<int32_t>(i));
        KILN_SHAPE_CHECK(ctx, in.type == type)
            << "Einsum inputs have different types: " << dataTypeName(type) << " and " << dataTypeName(in.type);
        KILN_SHAPE_CHECK(ctx, terms[i].size() == in.shape.size())
            << "Einsum operand " << i << " '" << terms[i] << "' has " << terms[i].size() << " labels but input "
            << toString(in.shape) << " has rank " << in.shape.size();
        for (size_t d = 0; d < terms[i].size(); ++d) {
            char c = terms[i][d];
            ++count[c];
            auto it = sizes.find(c);
            if (it == sizes.end()) {
                sizes.emplace(c, in.shape[d]);
                continue;
            }
            const DimExpr& prev = it->second;
            const DimExpr& cur = in.shape[d];
            KILN_SHAPE_CHECK(ctx, !(prev.isConst() && cur.isConst() && prev.value() != cur.value()))
                << "Einsum label '" << c << "' has size " << prev.value() << " and " << cur.value() << " (operand " << i
                << " " << toString(in.shape) << "); expected equal sizes";
            if (!prev.isConst() && cur.isConst()) it->second = cur;
        }
    }

    std::string outLabels;
    if (arrow != std::string::npos) {
        outLabels = eq.substr(arrow + 2);
        for (size_t i = 0; i < outLabels.size(); ++i) {
            char c = outLabels[i];
            KILN_SHAPE_CHECK(ctx, c >= 'a' && c <= 'z')
                << "Einsum output '" << outLabels << "' has label '" << c << "' (expected lower-case letters)";
            KILN_SHAPE_CHECK(ctx, sizes.count(c)) << "Einsum output label '" << c << "' appears in no operand";
            KILN_SHAPE_CHECK(ctx, outLabels.find(c) == i) << "Einsum output label '" << c << "' is repeated";
        }
    } else {
        // Implicit output: the labels that appear exactly once, alphabetically (numpy).
        for (const auto& [c, n] : count)
            if (n == 1) outLabels += c;
    }
    Shape out;
    for (char c : outLabels) out.push_back(sizes.at(c));
    ctx.setOutput(0, type, std::move(out));
}

KILN_REGISTER_OP(EinsumOp)

}  // namespace kiln::ir
