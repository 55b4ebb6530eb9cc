// Einsum's index plan, shared by the CPU reference and the CUDA kernel: the labels (output
// labels first, then the summed ones), their sizes, and each operand's stride per label (a label
// repeated in one operand adds its strides: the diagonal).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/host_tensor.h"

namespace kiln::cpu {

struct EinsumPlan {
    std::vector<int64_t> sizes;  //!< per label: output labels first, then summed ones
    size_t nbOut{0};
    std::vector<std::vector<int64_t>> strides;  //!< [operand][label]
};

inline EinsumPlan einsumPlanOf(const std::string& equation, const std::vector<ir::TensorView>& inputs) {
    std::string eq;
    for (char c : equation)
        if (c != ' ') eq += c;
    const size_t arrow = eq.find("->");
    std::vector<std::string> terms(1);
    for (char c : eq.substr(0, arrow)) {
        if (c == ',') {
            terms.emplace_back();
        } else {
            terms.back() += c;
        }
    }
    KILN_CHECK(terms.size() == inputs.size()) << "Einsum: operand count mismatch";
    std::map<char, int> count;
    std::map<char, int64_t> size;
    for (size_t i = 0; i < terms.size(); ++i) {
        KILN_CHECK(static_cast<int32_t>(terms[i].size()) == inputs[i].rank) << "Einsum: rank mismatch";
        for (size_t d = 0; d < terms[i].size(); ++d) {
            char c = terms[i][d];
            ++count[c];
            int64_t s = inputs[i].dims[d];
            auto [it, inserted] = size.emplace(c, s);
            KILN_CHECK(inserted || it->second == s)
                << "Einsum: label '" << c << "' has sizes " << it->second << " and " << s;
        }
    }
    std::string out;
    if (arrow != std::string::npos) {
        out = eq.substr(arrow + 2);
    } else {
        for (const auto& [c, n] : count)
            if (n == 1) out += c;
    }
    std::string labels = out;
    for (const auto& [c, n] : count)
        if (out.find(c) == std::string::npos) labels += c;
    EinsumPlan p;
    p.nbOut = out.size();
    for (char c : labels) p.sizes.push_back(size.at(c));
    for (size_t i = 0; i < terms.size(); ++i) {
        std::vector<int64_t> st(labels.size(), 0);
        int64_t s = 1;
        for (size_t d = terms[i].size(); d-- > 0;) {
            st[labels.find(terms[i][d])] += s;
            s *= inputs[i].dims[d];
        }
        p.strides.push_back(std::move(st));
    }
    return p;
}

}  // namespace kiln::cpu
