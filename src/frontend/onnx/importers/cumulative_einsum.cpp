// CumSum, CumProd (Cumulative layers) and Einsum.
#include <algorithm>
#include <map>
#include <string>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

Outputs cumulative(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs, CumulativeOperation op) {
    ONNX_CHECK(inputs.has(1), kINVALID_NODE) << "the axis input is required";
    const bool exclusive = attrs.getInt("exclusive", 0) != 0;
    const bool reverse = attrs.getInt("reverse", 0) != 0;
    CumulativeLayer* l = ctx.network().addCumulative(inputs.tensor(0), inputs.tensor(1), op, exclusive, reverse);
    return {ctx.check(l)->getOutput(0)};
}

//! Einsum's equation with every label (either case, and the dims an ellipsis stands for) renamed
//! to a lower-case letter and the output always explicit, as the Einsum layer takes it. Ellipsis
//! dims align to the right across operands; an implicit output is the ellipsis dims followed by
//! the labels seen once, in alphabetical (ASCII) order, as numpy and ONNX define it.
std::string explicitEquation(const std::string& equation, const std::vector<int32_t>& ranks) {
    std::string eq;
    for (char c : equation)
        if (c != ' ') eq += c;
    const size_t arrow = eq.find("->");
    std::vector<std::string> terms(1);
    for (char c : eq.substr(0, arrow)) {
        if (c == ',') terms.emplace_back();
        else terms.back() += c;
    }
    ONNX_CHECK(terms.size() == ranks.size(), kINVALID_NODE)
        << "equation '" << equation << "' names " << terms.size() << " operands, the node has " << ranks.size();
    auto isLabel = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    // Labels in order of first sight; ellipsis dims get names after them.
    std::map<char, char> rename;
    std::map<char, int> seen;
    int32_t ellipsisRank = 0;
    std::vector<int32_t> termEllipsis(terms.size(), -1);
    for (size_t i = 0; i < terms.size(); ++i) {
        const std::string& t = terms[i];
        const size_t dots = t.find("...");
        int32_t letters = 0;
        for (size_t p = 0; p < t.size(); ++p) {
            if (p == dots) {
                p += 2;
                continue;
            }
            ONNX_CHECK(isLabel(t[p]), kINVALID_NODE) << "equation '" << equation << "' has label '" << t[p] << "'";
            ++letters;
            ++seen[t[p]];
            if (!rename.count(t[p])) rename.emplace(t[p], static_cast<char>('a' + rename.size()));
        }
        if (dots != std::string::npos) {
            termEllipsis[i] = ranks[i] - letters;
            ONNX_CHECK(termEllipsis[i] >= 0, kINVALID_NODE)
                << "operand " << i << " '" << t << "' has more labels than its rank " << ranks[i];
            ellipsisRank = std::max(ellipsisRank, termEllipsis[i]);
        }
    }
    ONNX_CHECK(rename.size() + static_cast<size_t>(ellipsisRank) <= 26, kUNSUPPORTED_NODE)
        << "equation '" << equation << "' needs more than 26 labels";
    std::string ellipsis;
    for (int32_t k = 0; k < ellipsisRank; ++k) ellipsis += static_cast<char>('a' + rename.size() + k);
    auto rewrite = [&](const std::string& t, int32_t dims) {
        std::string out;
        for (size_t p = 0; p < t.size(); ++p) {
            if (t.compare(p, 3, "...") == 0) {
                out += ellipsis.substr(ellipsis.size() - static_cast<size_t>(dims));
                p += 2;
            } else {
                ONNX_CHECK(rename.count(t[p]), kINVALID_NODE)
                    << "equation '" << equation << "': output label '" << t[p] << "' appears in no operand";
                out += rename.at(t[p]);
            }
        }
        return out;
    };
    std::string result;
    for (size_t i = 0; i < terms.size(); ++i) result += (i ? "," : "") + rewrite(terms[i], std::max(termEllipsis[i], 0));
    std::string output;
    if (arrow != std::string::npos) {
        output = rewrite(eq.substr(arrow + 2), ellipsisRank);
    } else {
        output = ellipsis;
        for (const auto& [c, n] : seen)  // std::map: ASCII order
            if (n == 1) output += rename.at(c);
    }
    return result + "->" + output;
}

}  // namespace

KILN_ONNX_IMPORTER(CumSum) { return cumulative(ctx, inputs, attrs, CumulativeOperation::kSUM); }
KILN_ONNX_IMPORTER(CumProd) { return cumulative(ctx, inputs, attrs, CumulativeOperation::kPROD); }

KILN_ONNX_IMPORTER(Einsum) {
    std::vector<Tensor*> tensors;
    std::vector<int32_t> ranks;
    for (size_t i = 0; i < inputs.size(); ++i) {
        tensors.push_back(&inputs.tensor(i));
        ranks.push_back(inputs.rank(i));
    }
    const std::string equation = explicitEquation(attrs.getString("equation", ""), ranks);
    EinsumLayer* l = ctx.network().addEinsum(tensors.data(), static_cast<int32_t>(tensors.size()), equation.c_str());
    return {ctx.check(l)->getOutput(0)};
}

}  // namespace kiln::onnximport
